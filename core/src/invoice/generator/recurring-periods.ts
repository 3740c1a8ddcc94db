import { Decimal } from 'decimal.js';
import type { BillingMode } from '../../catalog/index.js';
import type { LocalDate } from '../../subscription/account-time.js';
import { addPeriods, type PeriodStep } from './billing-period.js';
import { daysBetween } from './dates.js';
import { BillingInterval } from './interval.js';
import { prorate, type Proration } from './proration.js';

/**
 * The service periods one billing event bills (FixedAndRecurringInvoiceItemGenerator.generateInvoiceItemData,
 * killbill-semantics.md §4.2–4.3): a leading pro-rated stretch up to the first BCD, whole periods BCD to
 * BCD, and a trailing pro-rated stretch up to the effective end — each with its share of the period.
 */

const wholePeriod = new Decimal(1);

export interface ServicePeriod {
  readonly start: LocalDate;
  readonly end: LocalDate;
  readonly proration: Proration;
}

export interface RecurringPeriods {
  readonly periods: readonly ServicePeriod[];
  readonly interval: BillingInterval;
}

export interface PeriodRequest {
  readonly start: LocalDate;
  /** The next event's date for the same subscription; null when none. */
  readonly end: LocalDate | null;
  readonly target: LocalDate;
  readonly billCycleDay: number;
  readonly step: PeriodStep;
  readonly mode: BillingMode;
  readonly fixedProrationDays: number;
  /** org.killbill.invoice.inArrear.mode=GREEDY. */
  readonly inArrearGreedy?: boolean;
}

/** calculateProRationBeforeFirstBillingPeriod: [from, to) as a share of the period ending at `to`. */
function leading(from: LocalDate, to: LocalDate, step: PeriodStep, fixedDays: number): Proration {
  return prorate(from, to, addPeriods(to, step, -1), to, fixedDays);
}

/** calculateProRationAfterLastBillingCycleDate: [from, to) as a share of the period starting at `from`. */
function trailing(from: LocalDate, to: LocalDate, step: PeriodStep, fixedDays: number): Proration {
  return prorate(from, to, from, addPeriods(from, step, 1), fixedDays);
}

export function recurringPeriods(req: PeriodRequest): RecurringPeriods {
  const { start, end, target, step, fixedProrationDays: fixed } = req;
  const interval = new BillingInterval(start, end, target, req.billCycleDay, step, req.mode, req.inArrearGreedy ?? false);
  const periods: ServicePeriod[] = [];
  if (!interval.hasSomethingToBill()) return { periods, interval };

  // The event ends before (or on) its first BCD: one stretch, pro-rated against the period ending at the end.
  if (end !== null && end <= interval.firstBcd) {
    periods.push({ start, end, proration: leading(start, end, step, fixed) });
    return { periods, interval };
  }

  if (interval.firstBcd > start) {
    const proration = leading(start, interval.firstBcd, step, fixed);
    if (proration.ratio.greaterThan(0)) periods.push({ start, end: interval.firstBcd, proration });
  }

  const effectiveEnd = interval.effectiveEnd!;
  const lastBcd = interval.lastBcd!;
  for (let i = 0; i < interval.lastBcdIndex; i++) {
    const from = periods.length > 0 ? periods[periods.length - 1]!.end : start;
    const to = interval.futureBcd(i + 1);
    const days = daysBetween(from, to);
    periods.push({ start: from, end: to, proration: { days, periodDays: days, ratio: wholePeriod } });
  }

  if (effectiveEnd > lastBcd) {
    const proration = trailing(lastBcd, effectiveEnd, step, fixed);
    if (proration.ratio.greaterThan(0)) periods.push({ start: lastBcd, end: effectiveEnd, proration });
  }
  return { periods, interval };
}
