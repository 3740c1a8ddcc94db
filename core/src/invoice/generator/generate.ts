import type { LocalDate } from '../../subscription/account-time.js';
import { maxDate } from './dates.js';
import { eventsBySubscription } from './event-dates.js';
import { proposeFixed } from './fixed-items.js';
import { checkExistingLinks, checkMergedView } from './illegal-state.js';
import { proposeRecurring, type NextRecurringDate } from './recurring-items.js';
import { indexLinks, reconcile } from './repair.js';
import { checkSafetyBounds } from './safety.js';
import { DEFAULT_GENERATOR_CONFIG, type ExistingItem, type GenerateItems, type GeneratorInput, type GeneratorResult, type ProposedItem } from './types.js';

/**
 * The pure invoice generator (Kill Bill's FixedAndRecurringInvoiceItemGenerator.generateItems and
 * InvoiceWithMetadata; killbill-semantics.md §4.2–4.5, §4.12): per subscription, every RECURRING and FIXED
 * item its billing events call for up to the target date, diffed against the existing items (repair.ts),
 * then the safety bounds, the next billing dates and the charged-through dates.
 */

/** SubscriptionItemTree's view order: by start date, then item type (FIXED, RECURRING, REPAIR_ADJ). */
const TYPE_ORDER = { FIXED: 0, RECURRING: 1, REPAIR_ADJ: 2 } as const;
const byStartThenType = (a: ProposedItem, b: ProposedItem) =>
  a.startDate < b.startDate ? -1 : a.startDate > b.startDate ? 1 : TYPE_ORDER[a.type] - TYPE_ORDER[b.type];

export const generateItems: GenerateItems = (input: GeneratorInput): GeneratorResult => {
  const config = input.config ?? DEFAULT_GENERATOR_CONFIG;
  const events = eventsBySubscription(input.events, input.time);

  const existingBySubscription = new Map<string, ExistingItem[]>();
  for (const e of input.existing) {
    if (e.subscriptionId === null || (e.type !== 'RECURRING' && e.type !== 'FIXED')) continue;
    const list = existingBySubscription.get(e.subscriptionId);
    if (list) list.push(e);
    else existingBySubscription.set(e.subscriptionId, [e]);
  }
  checkExistingLinks(input.existing);
  const links = indexLinks(input.existing);
  const writtenToday = new Map<string, number>();
  if (input.today !== undefined) {
    for (const e of input.existing) if (e.subscriptionId !== null && e.createdDay === input.today) writtenToday.set(e.subscriptionId, (writtenToday.get(e.subscriptionId) ?? 0) + 1);
  }

  const items: ProposedItem[] = [];
  const nextBySubscription = new Map<string, NextRecurringDate>();
  const subscriptions = new Set([...events.keys(), ...existingBySubscription.keys()]);
  for (const id of subscriptions) {
    const own = events.get(id) ?? [];
    const recurring = proposeRecurring(own, input.targetDate, input.currency, config.fixedProrationDays, config.inArrearMode === 'GREEDY');
    const fixed = proposeFixed(own, input.targetDate, input.currency);
    const fresh = reconcile({ recurring: recurring.items, fixed, existing: existingBySubscription.get(id) ?? [] }, links, input.currency, config.fixedProrationDays);
    checkMergedView(id, fresh);
    checkSafetyBounds(id, fresh, writtenToday.get(id) ?? 0, config.maxDailyItemsPerSubscription);
    for (const item of fresh.sort(byStartThenType)) items.push(item);
    if (recurring.next !== null) nextBySubscription.set(id, recurring.next);
  }

  return { items, nextBillingDates: nextBillingDates(nextBySubscription, items), chargedThroughDates: chargedThroughDates(input.existing, items) };
};

/**
 * InvoiceWithMetadata.build: an IN_ADVANCE next date is dropped when the run writes no RECURRING item for
 * the subscription and no item starting or ending on that date (re-running with nothing new must not
 * schedule another run, or runs would loop).
 */
function nextBillingDates(next: ReadonlyMap<string, NextRecurringDate>, items: readonly ProposedItem[]): Map<string, LocalDate> {
  const withRecurring = new Set(items.filter((i) => i.type === 'RECURRING').map((i) => i.subscriptionId));
  const itemDates = new Set<string>();
  for (const i of items) {
    itemDates.add(i.startDate);
    if (i.endDate !== null) itemDates.add(i.endDate);
  }
  const out = new Map<string, LocalDate>();
  for (const [id, n] of next) {
    if (n.date === null) continue;
    if (n.mode === 'IN_ADVANCE' && !withRecurring.has(id) && !itemDates.has(n.date)) continue;
    out.set(id, n.date);
  }
  return out;
}

/** InvoiceWithMetadata.computeChargedThroughDates over existing and new items: the latest end (or start, for a FIXED item with no end) of the RECURRING and FIXED items. */
function chargedThroughDates(existing: readonly ExistingItem[], items: readonly ProposedItem[]): Map<string, LocalDate> {
  const out = new Map<string, LocalDate>();
  const add = (type: string, subscriptionId: string | null, start: LocalDate | null, end: LocalDate | null) => {
    if (subscriptionId === null || (type !== 'RECURRING' && type !== 'FIXED')) return;
    const date = end ?? start;
    if (date === null) return;
    const current = out.get(subscriptionId);
    out.set(subscriptionId, current === undefined ? date : maxDate(current, date));
  };
  for (const e of existing) add(e.type, e.subscriptionId, e.startDate, e.endDate);
  for (const i of items) add(i.type, i.subscriptionId, i.startDate, i.endDate);
  return out;
}
