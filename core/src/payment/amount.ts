import type { Decimal } from 'decimal.js';
import { BillingError } from '../errors/index.js';
import { isCurrency, minorDigits } from '../values/currency.js';

/**
 * A payment amount is positive and has at most its currency's minor digits (2 for USD, 0 for JPY, 8 for
 * BTC): a gateway cannot move a fraction of a cent, so such an amount is refused before anything is
 * recorded, with Kill Bill's PAYMENT_INVALID_PARAMETER.
 */
export function checkPaymentAmount(amount: Decimal | null | undefined, currency: string): Decimal {
  if (!isCurrency(currency)) throw new BillingError('CURRENCY_INVALID', `Invalid currency ${currency.slice(0, 16)}`, { currency });
  if (amount === null || amount === undefined) throw new BillingError('PAYMENT_INVALID_PARAMETER', 'Invalid parameter amount: should not be null', { field: 'amount' });
  if (!amount.isFinite() || amount.lte(0)) {
    throw new BillingError('PAYMENT_INVALID_PARAMETER', `Invalid parameter amount: should be greater than 0 (got ${amount.toString()})`, { field: 'amount', amount: amount.toString() });
  }
  const digits = minorDigits(currency);
  if (amount.decimalPlaces() > digits) {
    throw new BillingError('PAYMENT_INVALID_PARAMETER', `Invalid parameter amount: ${amount.toString()} has more than the ${digits} decimal places of ${currency}`, { field: 'amount', amount: amount.toString(), currency });
  }
  return amount;
}
