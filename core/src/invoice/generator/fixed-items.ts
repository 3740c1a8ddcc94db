import type { LocalDate } from '../../subscription/account-time.js';
import type { Currency } from '../../values/currency.js';
import { addDurationToDate, STOPS_BILLING, type DatedEvent } from './event-dates.js';
import { roundToCurrency } from './proration.js';
import type { ProposedItem } from './types.js';

/**
 * The FIXED items of one subscription (processFixedBillingEvents / generateFixedPriceItem,
 * killbill-semantics.md §4.4): one per event with a fixed price on or before the target date. When several
 * events fall on one day only the last one's item is kept (a cancellation that day keeps none). A BCD or
 * quantity change never bills the fixed price again. The item ends only for a phase with no recurring
 * price that is not EVERGREEN: at the next PHASE event, else after the phase's duration.
 */

/** Events that never carry the fixed price (DefaultBillingEvent.computeFixedPrice: BCD_CHANGE; ours: QUANTITY_CHANGE too). */
const SKIPPED: ReadonlySet<string> = new Set(['BCD_CHANGE', 'QUANTITY_CHANGE']);

function fixedItem(de: DatedEvent, target: LocalDate, currency: Currency): ProposedItem | null {
  const e = de.event;
  if (de.date > target || e.fixedPrice === null || STOPS_BILLING.has(e.type)) return null;
  let endDate: LocalDate | null = null;
  if (e.recurringPrice === null && e.phaseType !== 'EVERGREEN') {
    const next = de.next;
    if (next !== null && next.event.type === 'PHASE') endDate = next.date;
    else if (e.phaseDuration) endDate = addDurationToDate(de.date, e.phaseDuration);
  }
  return {
    type: 'FIXED',
    subscriptionId: e.subscriptionId,
    bundleId: e.bundleId,
    productName: e.productName,
    planName: e.planName,
    phaseName: e.phaseName,
    catalogEffectiveDate: e.catalogEffectiveDate,
    startDate: de.date,
    endDate,
    amount: roundToCurrency(e.fixedPrice.times(e.quantity), currency),
    rate: null,
    quantity: e.quantity,
    linkedItemId: null,
    explanation: {
      kind: 'FIXED',
      billingEventId: e.eventId,
      billingEventType: e.type,
      catalogEffectiveDate: de.catalogEffectiveDate,
      planName: e.planName,
      phaseName: e.phaseName,
    },
  };
}

export function proposeFixed(events: readonly DatedEvent[], target: LocalDate, currency: Currency): ProposedItem[] {
  const out: ProposedItem[] = [];
  let prev: { date: LocalDate; item: ProposedItem | null } | null = null;
  for (const de of events) {
    if (SKIPPED.has(de.event.type)) continue;
    if (prev !== null && prev.item !== null && prev.date !== de.date) out.push(prev.item);
    prev = { date: de.date, item: fixedItem(de, target, currency) };
  }
  if (prev?.item) out.push(prev.item);
  return out;
}
