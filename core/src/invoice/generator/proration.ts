import { Decimal } from 'decimal.js';
import type { LocalDate } from '../../subscription/account-time.js';
import { minorDigits, type Currency } from '../../values/currency.js';
import { daysBetween, lastDayOfMonth, toYmd } from './dates.js';

/**
 * Pro-ration as Kill Bill computes it (InvoiceDateUtils, KillBillMoney; killbill-semantics.md §4.2, §12):
 * a ratio of days at scale 9 HALF_UP, then ratio × amount rounded HALF_UP to the currency's minor unit.
 * With `fixedProrationDays` > 0 (org.killbill.invoice.proration.fixed.days) the denominator is that fixed
 * number of days and a span crossing a month end counts the start month as that many days.
 */

/** KillBillMoney.MAX_SCALE. */
export const RATIO_SCALE = 9;

export interface Proration {
  readonly days: number;
  readonly periodDays: number;
  readonly ratio: Decimal;
}

/** InvoiceDateUtils.daysBetweenWithFixedDaysInMonth. */
export function daysWithFixedMonth(from: LocalDate, to: LocalDate, fixedDays: number): number {
  const days = daysBetween(from, to);
  const a = toYmd(from);
  if (a.m === toYmd(to).m) return days;
  return days - (lastDayOfMonth(a.y, a.m) - fixedDays);
}

/** days / periodDays at scale 9 HALF_UP; 0 when the period has no days. */
export function ratioOf(days: number, periodDays: number): Decimal {
  if (periodDays <= 0) return new Decimal(0);
  return new Decimal(days).dividedBy(periodDays).toDecimalPlaces(RATIO_SCALE, Decimal.ROUND_HALF_UP);
}

/** calculateProrationBetweenDates: the share of [periodStart, periodEnd) that [from, to) is. */
export function prorate(from: LocalDate, to: LocalDate, periodStart: LocalDate, periodEnd: LocalDate, fixedDays: number): Proration {
  const periodDays = fixedDays === 0 ? daysBetween(periodStart, periodEnd) : fixedDays;
  const days = fixedDays === 0 ? daysBetween(from, to) : daysWithFixedMonth(from, to, fixedDays);
  return { days, periodDays, ratio: ratioOf(days, periodDays) };
}

/** KillBillMoney.of: HALF_UP to the currency's minor unit (USD 2, JPY 0, BTC 8). */
export function roundToCurrency(value: Decimal, currency: Currency): Decimal {
  return value.toDecimalPlaces(minorDigits(currency), Decimal.ROUND_HALF_UP);
}

/** round(ratio × amount). */
export function proratedAmount(ratio: Decimal, amount: Decimal, currency: Currency): Decimal {
  return roundToCurrency(ratio.times(amount), currency);
}
