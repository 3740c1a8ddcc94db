import type { AccountTime, LocalDate } from '../../subscription/account-time.js';
import type { BillingEvent } from '../../subscription/billing-events.js';
import type { UsageRecord } from '../../usage/usage.js';
import { trackingKey, type TrackingRecord } from '../tracking.js';
import { billablePeriods, eventsOfEachSubscription, inPeriod, usageIntervals } from './periods.js';
import { unitsOf } from './tiers.js';

/**
 * The usage records a run bills for the first time (Kill Bill's ContiguousIntervalUsageInArrear
 * .computeMissingItemsAndNextNotificationDate): every record rolled up in a billable period of a usage section
 * (its subscription, one of the section's units, inside the period), less those an active invoice_tracking_ids
 * row already holds. Whether the period yields an item does not matter: a record that changes no amount is
 * still billed, by the invoice the run writes. The dispatcher writes them with that invoice (none on a dry
 * run, none when the run writes no invoice).
 */
export function newTrackingRecords(input: {
  readonly time: AccountTime;
  readonly targetDate: LocalDate;
  readonly events: readonly BillingEvent[];
  readonly records: readonly UsageRecord[];
  /** The records of the account's active invoice_tracking_ids rows. */
  readonly tracked: readonly TrackingRecord[];
}): TrackingRecord[] {
  const seen = new Set(input.tracked.map(trackingKey));
  const out: TrackingRecord[] = [];
  for (const [subscriptionId, events] of eventsOfEachSubscription(input.events)) {
    const own = input.records.filter((r) => r.subscriptionId === subscriptionId);
    if (own.length === 0) continue;
    for (const interval of usageIntervals(events, (e) => input.time.toLocalDate(e.effectiveDate))) {
      if (interval.usage.billingMode !== 'IN_ARREAR') continue;
      const units = new Set(unitsOf(interval.usage));
      for (const period of billablePeriods(interval, input.targetDate).periods) {
        // The roll-up's rule (items.ts), so a record is tracked exactly when it was billed.
        for (const r of own) {
          if (!units.has(r.unitType) || !inPeriod(period, r.recordDate)) continue;
          const t: TrackingRecord = { trackingId: r.trackingId, subscriptionId, unitType: r.unitType, recordDate: r.recordDate };
          const key = trackingKey(t);
          if (seen.has(key)) continue;
          seen.add(key);
          out.push(t);
        }
      }
    }
  }
  return out;
}
