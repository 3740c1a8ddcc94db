import { BillingError } from '../../errors/index.js';
import type { ProposedItem } from './types.js';

/**
 * FixedAndRecurringInvoiceItemGenerator.safetyBounds (killbill-semantics.md §4.12, Kill Bill issue #664),
 * for one subscription's new items: two FIXED items for one start date, two RECURRING items for one service
 * period, or more than `maxDaily` items in one day (the new items plus `writtenToday`, those already written
 * today; -1 turns this check off) is a bug, not an invoice — UNEXPECTED_ERROR "SAFETY BOUND TRIGGERED".
 * Items without a subscription (REPAIR_ADJ) do not count.
 */
export function checkSafetyBounds(subscriptionId: string, items: readonly ProposedItem[], writtenToday: number, maxDaily: number): void {
  const fixedStarts = new Set<string>();
  const recurringPeriods = new Set<string>();
  let count = writtenToday;
  for (const i of items) {
    if (i.subscriptionId === null) continue;
    if (i.type === 'FIXED' || i.type === 'RECURRING') {
      const seen = i.type === 'FIXED' ? fixedStarts : recurringPeriods;
      const key = i.type === 'FIXED' ? i.startDate : `${i.startDate}/${i.endDate}`;
      if (seen.has(key)) {
        throw new BillingError(
          'UNEXPECTED_ERROR',
          `SAFETY BOUND TRIGGERED Multiple ${i.type} items for subscriptionId='${subscriptionId}', startDate='${i.startDate}'${i.type === 'RECURRING' ? `, endDate='${i.endDate}'` : ''}`,
          { subscriptionId, startDate: i.startDate, endDate: i.endDate },
        );
      }
      seen.add(key);
    }
    if (maxDaily !== -1 && ++count > maxDaily) {
      throw new BillingError('UNEXPECTED_ERROR', `SAFETY BOUND TRIGGERED subscriptionId='${subscriptionId}', more than ${maxDaily} items in one day`, {
        subscriptionId,
        maxDailyItemsPerSubscription: maxDaily,
      });
    }
  }
}
