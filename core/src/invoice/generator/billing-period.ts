import type { BillingPeriod } from '../../catalog/index.js';
import { plusDays, plusMonths, withBillCycleDay } from './dates.js';
import type { LocalDate } from '../../subscription/account-time.js';

/**
 * A recurring billing period as a calendar step (Kill Bill's BillingPeriod.getPeriod(): days, weeks,
 * months or years). Month and year periods are "month based": they align on the BCD; the others step
 * from the event's own day.
 */
export type PeriodStep = { readonly kind: 'months'; readonly n: number } | { readonly kind: 'days'; readonly n: number };

const STEPS: Record<Exclude<BillingPeriod, 'NO_BILLING_PERIOD'>, PeriodStep> = {
  DAILY: { kind: 'days', n: 1 },
  WEEKLY: { kind: 'days', n: 7 },
  BIWEEKLY: { kind: 'days', n: 14 },
  THIRTY_DAYS: { kind: 'days', n: 30 },
  THIRTY_ONE_DAYS: { kind: 'days', n: 31 },
  SIXTY_DAYS: { kind: 'days', n: 60 },
  NINETY_DAYS: { kind: 'days', n: 90 },
  MONTHLY: { kind: 'months', n: 1 },
  BIMESTRIAL: { kind: 'months', n: 2 },
  QUARTERLY: { kind: 'months', n: 3 },
  TRIANNUAL: { kind: 'months', n: 4 },
  BIANNUAL: { kind: 'months', n: 6 },
  ANNUAL: { kind: 'months', n: 12 },
  SESQUIENNIAL: { kind: 'months', n: 18 },
  BIENNIAL: { kind: 'months', n: 24 },
  TRIENNIAL: { kind: 'months', n: 36 },
};

/** The step of a recurring period; null for NO_BILLING_PERIOD (nothing recurring to bill). */
export function periodStep(period: BillingPeriod): PeriodStep | null {
  return period === 'NO_BILLING_PERIOD' ? null : STEPS[period];
}

export const isMonthBased = (step: PeriodStep): boolean => step.kind === 'months';

/** `date` plus `count` periods (negative: minus), Joda style: month steps clamp the day, never realign it. */
export function addPeriods(date: LocalDate, step: PeriodStep, count: number): LocalDate {
  return step.kind === 'months' ? plusMonths(date, step.n * count) : plusDays(date, step.n * count);
}

/** alignProposedBillCycleDate: month-based periods land on the BCD (clamped); the others keep their day. */
export function alignToBcd(date: LocalDate, billCycleDay: number, step: PeriodStep): LocalDate {
  return step.kind === 'months' ? withBillCycleDay(date, billCycleDay) : date;
}
