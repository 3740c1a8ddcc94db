import type { DateTime } from 'luxon';
import type { BillingEvent, BillingEventType } from './billing-event.js';
import type { BlockingStateRecord } from './entitlement-events.js';

/**
 * Blocking states' effect on billing (Kill Bill's junction BlockingCalculator, BlockingStateService and
 * DisabledDuration). Pure.
 *
 * A subscription's billing-blocked intervals come from the states that apply to it (its own, its bundle's,
 * its account's) up to its end date: per service and blocked object, the first `blockBilling` state opens
 * an interval and the next state that does not block billing closes it; an interval under a day is dropped
 * (Kill Bill issue #267); the intervals of every service and level are then merged where they overlap or
 * touch. For each interval, the subscription's billing events inside it are removed, a START_BILLING_DISABLED
 * event at its start copies the event in force before it without prices (invoicing then repairs the rest of
 * the period), and an END_BILLING_DISABLED event at its end copies the event in force then, prices included
 * (so a phase change inside the interval lands at the resume, which invoicing bills with a leading prorated
 * period). An interval with no end (pause, no resume) only stops billing.
 */

export interface DisabledDuration {
  readonly start: DateTime;
  /** Null: still blocked. */
  readonly end: DateTime | null;
  /** The blocking states that opened and closed the interval (the ids the synthetic events carry). */
  readonly startStateId: string;
  readonly endStateId: string | null;
}

const ms = (d: DateTime) => d.toMillis();
const DAY_MS = 24 * 60 * 60 * 1000;

/** BlockingStateOrdering of the states themselves: by date, then as they were written. */
function byEffectiveDate(a: BlockingStateRecord, b: BlockingStateRecord): number {
  return ms(a.effectiveDate) - ms(b.effectiveDate) || a.recordId - b.recordId;
}

/** DisabledDuration.compareTo: by start, then end, an open end last. */
function compareDurations(a: DisabledDuration, b: DisabledDuration): number {
  const byStart = ms(a.start) - ms(b.start);
  if (byStart !== 0) return byStart;
  if (a.end === null) return b.end === null ? 0 : 1;
  if (b.end === null) return -1;
  return ms(a.end) - ms(b.end);
}

/** BlockingStateService.addDisabledDuration: a closed interval of less than a (whole) day disables nothing. */
function keep(start: BlockingStateRecord, end: BlockingStateRecord | null): DisabledDuration | null {
  if (end !== null && ms(end.effectiveDate) - ms(start.effectiveDate) < DAY_MS) return null;
  return { start: start.effectiveDate, end: end?.effectiveDate ?? null, startStateId: start.id, endStateId: end?.id ?? null };
}

/**
 * BlockingCalculator.getAggregateBlockingEventsPerSubscription + createBlockingDurations: the merged,
 * ascending billing-blocked intervals of one subscription, from the active states that apply to it.
 */
export function disabledDurations(states: readonly BlockingStateRecord[], subscriptionEndDate: DateTime | null): DisabledDuration[] {
  const inScope = states.filter((s) => s.isActive && (subscriptionEndDate === null || ms(s.effectiveDate) <= ms(subscriptionEndDate))).sort(byEffectiveDate);
  const open = new Map<string, BlockingStateRecord>();
  const unordered: DisabledDuration[] = [];
  for (const s of inScope) {
    const key = `${s.service}\u0000${s.blockableId}`;
    const first = open.get(key);
    if (s.blockBilling && first === undefined) open.set(key, s);
    else if (!s.blockBilling && first !== undefined) {
      const d = keep(first, s);
      if (d) unordered.push(d);
      open.delete(key);
    }
  }
  for (const first of open.values()) unordered.push(keep(first, null)!);

  const merged: DisabledDuration[] = [];
  let prev: DisabledDuration | null = null;
  for (const d of unordered.sort(compareDurations)) {
    if (prev === null) prev = d;
    else if (prev.end !== null && ms(prev.end) < ms(d.start)) {
      merged.push(prev);
      prev = d;
    } else {
      // DisabledDuration.mergeDuration: the later end wins; an open end stays open.
      const laterEnd: DisabledDuration | null = prev.end === null || d.end === null ? null : ms(prev.end) < ms(d.end) ? d : prev;
      prev = { start: prev.start, startStateId: prev.startStateId, end: laterEnd?.end ?? null, endStateId: laterEnd?.endStateId ?? null };
    }
  }
  if (prev !== null) merged.push(prev);
  return merged;
}

/**
 * BlockingCalculator.precedingActiveBillingEventForSubscription: the last event strictly before `at`; none
 * when every event is before it and the last one is the cancellation (nothing to stop or restart).
 */
function precedingEvent(events: readonly BillingEvent[], at: DateTime | null): BillingEvent | null {
  if (at === null) return null;
  let prev: BillingEvent | null = null;
  for (const e of events) {
    if (ms(e.effectiveDate) >= ms(at)) return prev;
    prev = e;
  }
  return prev === null || prev.type === 'CANCEL' ? null : prev;
}

/** createNewDisableEvent: no prices and NO_BILLING_PERIOD, which invoicing disregards. */
function disableEvent(at: DateTime, prev: BillingEvent, stateId: string): BillingEvent {
  return { ...prev, eventId: stateId, type: 'START_BILLING_DISABLED', effectiveDate: at, fixedPrice: null, recurringPrice: null, billingPeriod: 'NO_BILLING_PERIOD' };
}

/** createNewReenableEvent: the state in force before the end, for invoicing to resume from it. */
function reenableEvent(at: DateTime, prev: BillingEvent, stateId: string | null): BillingEvent {
  return { ...prev, eventId: stateId ?? prev.eventId, type: 'END_BILLING_DISABLED', effectiveDate: at };
}

/** DefaultBillingEvent.compareTo on one day of one subscription: a re-enable before the day's events, a disable after them. */
const SAME_DAY_RANK = (t: BillingEventType) => (t === 'END_BILLING_DISABLED' ? 0 : t === 'START_BILLING_DISABLED' ? 2 : 1);

/**
 * BlockingCalculator.insertBlockingEvents: `events` (ordered by date, as billingEvents orders them) with each
 * subscription's disabled durations applied. Subscriptions without durations keep their events untouched.
 */
export function applyBillingBlocks(events: readonly BillingEvent[], durationsBySubscription: ReadonlyMap<string, readonly DisabledDuration[]>): BillingEvent[] {
  const bySub = new Map<string, BillingEvent[]>();
  for (const e of events) {
    const list = bySub.get(e.subscriptionId) ?? [];
    list.push(e);
    bySub.set(e.subscriptionId, list);
  }
  const removed = new Set<BillingEvent>();
  const added: BillingEvent[] = [];
  for (const [subscriptionId, own] of bySub) {
    for (const d of durationsBySubscription.get(subscriptionId) ?? []) {
      const initial = precedingEvent(own, d.start);
      const final = precedingEvent(own, d.end);
      if (initial !== null) added.push(disableEvent(d.start, initial, d.startStateId));
      if (d.end !== null && final !== null) added.push(reenableEvent(d.end, final, d.endStateId));
      for (const e of own) if (ms(e.effectiveDate) >= ms(d.start) && (d.end === null || ms(e.effectiveDate) < ms(d.end))) removed.add(e);
    }
  }
  if (added.length === 0 && removed.size === 0) return [...events];

  // Keep billingEvents' order across subscriptions (by date, then the order they first appear in).
  const subOrder = new Map<string, number>([...bySub.keys()].map((id, i) => [id, i]));
  const position = new Map<BillingEvent, number>(events.map((e, i) => [e, i]));
  return [...events.filter((e) => !removed.has(e)), ...added].sort(
    (a, b) =>
      ms(a.effectiveDate) - ms(b.effectiveDate) ||
      subOrder.get(a.subscriptionId)! - subOrder.get(b.subscriptionId)! ||
      SAME_DAY_RANK(a.type) - SAME_DAY_RANK(b.type) ||
      (position.get(a) ?? events.length) - (position.get(b) ?? events.length),
  );
}
