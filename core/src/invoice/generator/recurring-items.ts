import type { BillingMode } from '../../catalog/index.js';
import type { LocalDate } from '../../subscription/account-time.js';
import type { Currency } from '../../values/currency.js';
import { periodStep } from './billing-period.js';
import { maxDate } from './dates.js';
import { STOPS_BILLING, type DatedEvent } from './event-dates.js';
import { proratedAmount } from './proration.js';
import { recurringPeriods } from './recurring-periods.js';
import type { ProposedItem } from './types.js';

/**
 * The RECURRING items one subscription's billing events call for "since the beginning of time", up to the
 * target date (processRecurringBillingEvents, killbill-semantics.md §4.2–4.3), and the date its next run is
 * due as Kill Bill tracks it while walking the events (SubscriptionFutureNotificationDates).
 */

export interface NextRecurringDate {
  readonly mode: BillingMode;
  readonly date: LocalDate | null;
}

export interface ProposedRecurring {
  readonly items: ProposedItem[];
  readonly next: NextRecurringDate | null;
}

export function proposeRecurring(events: readonly DatedEvent[], target: LocalDate, currency: Currency, fixedProrationDays: number, inArrearGreedy = false): ProposedRecurring {
  const items: ProposedItem[] = [];
  let next: { mode: BillingMode; date: LocalDate | null } | null = null;
  for (const de of events) {
    const { event: e, date: start } = de;
    if (start > target) continue;
    const step = STOPS_BILLING.has(e.type) ? null : periodStep(e.billingPeriod);
    if (step === null) {
      // A NO_BILLING_PERIOD event (cancel, expiry, billing disabled, fixed-price-only phase) clears the next date.
      if (next !== null) next.date = null;
      continue;
    }
    const billCycleDay = e.billCycleDayLocal >= 1 ? e.billCycleDayLocal : Number(start.slice(8, 10));
    const { periods, interval } = recurringPeriods({
      start,
      end: de.next?.date ?? null,
      target,
      billCycleDay,
      step,
      mode: e.billingMode,
      fixedProrationDays,
      inArrearGreedy,
    });
    let lastEnd: LocalDate | null = null;
    if (e.recurringPrice !== null && periods.length > 0) {
      const rate = e.recurringPrice.times(e.quantity);
      const rateText = rate.toString();
      for (const p of periods) {
        items.push({
          type: 'RECURRING',
          subscriptionId: e.subscriptionId,
          bundleId: e.bundleId,
          productName: e.productName,
          planName: e.planName,
          phaseName: e.phaseName,
          catalogEffectiveDate: e.catalogEffectiveDate,
          startDate: p.start,
          endDate: p.end,
          amount: proratedAmount(p.proration.ratio, rate, currency),
          rate,
          quantity: e.quantity,
          linkedItemId: null,
          explanation: {
            kind: 'RECURRING',
            billingEventId: e.eventId,
            billingEventType: e.type,
            catalogEffectiveDate: de.catalogEffectiveDate,
            planName: e.planName,
            phaseName: e.phaseName,
            billingPeriod: e.billingPeriod,
            billCycleDayLocal: interval.billCycleDay,
            rate: rateText,
            quantity: e.quantity,
            proration: { days: p.proration.days, periodDays: p.proration.periodDays, ratio: p.proration.ratio.toString() },
          },
        });
        lastEnd = lastEnd === null ? p.end : maxDate(lastEnd, p.end);
      }
    }
    // IN_ADVANCE: the end of the last period billed; IN_ARREAR: the BCD after the last one billed.
    const candidate = e.billingMode === 'IN_ADVANCE' ? lastEnd : interval.nextBcd();
    if (next === null) next = { mode: e.billingMode, date: null };
    if (candidate !== null) next.date = next.date === null ? candidate : maxDate(next.date, candidate);
  }
  return { items, next };
}
