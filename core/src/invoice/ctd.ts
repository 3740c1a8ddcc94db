import type { LocalDate } from '../subscription/account-time.js';
import type { InvoiceItem } from './invoice.js';

/**
 * The charged-through date a set of committed items gives each subscription (Kill Bill's
 * InvoiceDispatcher.setChargedThroughDates, used when a DRAFT is committed): the latest end of its
 * RECURRING items, or of its FIXED items (their start when they have no end). Runs use the generator's
 * `chargedThroughDates` instead, which also account for existing items.
 */
export function chargedThroughDatesOf(items: readonly Pick<InvoiceItem, 'type' | 'subscriptionId' | 'startDate' | 'endDate'>[]): Map<string, LocalDate> {
  const out = new Map<string, LocalDate>();
  for (const i of items) {
    if (i.subscriptionId === null || (i.type !== 'RECURRING' && i.type !== 'FIXED')) continue;
    const date = i.type === 'RECURRING' ? i.endDate : (i.endDate ?? i.startDate);
    if (date === null) continue;
    const prev = out.get(i.subscriptionId);
    if (prev === undefined || prev < date) out.set(i.subscriptionId, date);
  }
  return out;
}
