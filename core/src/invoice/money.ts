import { Decimal } from 'decimal.js';
import { minorDigits, type Currency } from '../values/currency.js';

/** KillBillMoney.of: HALF_UP to the currency's minor unit (USD 2, JPY 0, BTC 8). */
export function roundMoney(value: Decimal.Value, currency: Currency): Decimal {
  return new Decimal(value).toDecimalPlaces(minorDigits(currency), Decimal.ROUND_HALF_UP);
}

/** The sum of amounts, rounded once at the end (Kill Bill rounds every sum it exposes). */
export function sumMoney(values: Iterable<Decimal>, currency: Currency): Decimal {
  let total = new Decimal(0);
  for (const v of values) total = total.plus(v);
  return roundMoney(total, currency);
}
