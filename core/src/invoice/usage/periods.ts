import type { Usage } from '../../catalog/index.js';
import type { LocalDate } from '../../subscription/account-time.js';
import type { BillingEvent } from '../../subscription/billing-events.js';
import { periodStep } from '../generator/billing-period.js';
import { BillingInterval } from '../generator/interval.js';

/**
 * Where usage is billed (killbill-semantics.md §6, Kill Bill's UsageInvoiceItemGenerator and
 * ContiguousIntervalUsageInArrear): per subscription and usage section, the contiguous intervals its billing
 * events give it, cut into periods of the usage's `billingPeriod` aligned on the BCD, in arrear.
 */

export interface UsageInterval {
  /** The event that opened the interval: names the items (plan, phase, product) and gives the BCD. */
  readonly event: BillingEvent;
  readonly usage: Usage;
  readonly start: LocalDate;
  /** Null: still open (no change, cancel or billing block closed it). */
  readonly end: LocalDate | null;
}

export interface UsagePeriod {
  readonly start: LocalDate;
  /** Exclusive, except for the same-day period [d, d] of a subscription cancelled the day it started. */
  readonly end: LocalDate;
}

/** Whether a usage record of `day` belongs to the period: [start, end), or the one day of a same-day period. */
export function inPeriod(period: UsagePeriod, day: LocalDate): boolean {
  return period.start === period.end ? day === period.start : day >= period.start && day < period.end;
}

/** The events of each subscription, in their order. */
export function eventsOfEachSubscription(events: readonly BillingEvent[]): Map<string, BillingEvent[]> {
  const out = new Map<string, BillingEvent[]>();
  for (const e of events) {
    const list = out.get(e.subscriptionId);
    if (list) list.push(e);
    else out.set(e.subscriptionId, [e]);
  }
  return out;
}

/** Events after which no usage is billed until another event opens an interval again. */
const CLOSING = new Set(['CANCEL', 'EXPIRED', 'START_BILLING_DISABLED']);

/**
 * The usage intervals of one subscription's events (ordered). An interval stays open across events (a PHASE)
 * that keep the same plan and a usage of the same name; a change of plan, a cancel or a billing block closes it.
 */
export function usageIntervals(events: readonly BillingEvent[], dayOf: (e: BillingEvent) => LocalDate): UsageInterval[] {
  const done: UsageInterval[] = [];
  let open = new Map<string, { event: BillingEvent; usage: Usage; start: LocalDate }>();
  for (const e of events) {
    const day = dayOf(e);
    const usages = CLOSING.has(e.type) ? [] : (e.usages ?? []);
    const next = new Map<string, { event: BillingEvent; usage: Usage; start: LocalDate }>();
    for (const u of usages) {
      const cur = open.get(u.name);
      if (cur && cur.event.planName === e.planName) next.set(u.name, cur);
      else next.set(u.name, { event: e, usage: u, start: day });
    }
    for (const [name, cur] of open) if (next.get(name) !== cur) done.push({ ...cur, end: day });
    open = next;
  }
  for (const cur of open.values()) done.push({ ...cur, end: null });
  return done;
}

export interface BillablePeriods {
  /** The periods ended on or before the target date (in arrear), oldest first. */
  readonly periods: readonly UsagePeriod[];
  /** The end of the period the target date is in, when there is one: the next run the usage needs. */
  readonly nextBillingDate: LocalDate | null;
}

/** The periods of an interval that can be billed at `target`, and when the next one ends. */
export function billablePeriods(interval: UsageInterval, target: LocalDate): BillablePeriods {
  const { start, end } = interval;
  const step = periodStep(interval.usage.billingPeriod);
  if (step === null) return { periods: [], nextBillingDate: null };
  // Cancelled (or changed) the day it started: one same-day period, billed once the target reaches it.
  if (end !== null && end <= start) return { periods: target >= start ? [{ start, end: start }] : [], nextBillingDate: target >= start ? null : start };
  const bcd = interval.event.billCycleDayLocal || Number(start.slice(8, 10));
  const bi = new BillingInterval(start, end, target, bcd, step, 'IN_ARREAR');
  const effectiveEnd = end !== null && target >= end ? end : bi.effectiveEnd;

  const bounds: LocalDate[] = [start];
  if (effectiveEnd !== null) {
    for (let n = 0, d = bi.firstBcd; d <= effectiveEnd; d = bi.futureBcd(++n)) if (d > bounds.at(-1)!) bounds.push(d);
    if (effectiveEnd > bounds.at(-1)!) bounds.push(effectiveEnd);
  }
  const periods = bounds.slice(1).map((e, i) => ({ start: bounds[i]!, end: e }));

  let nextBillingDate: LocalDate | null = null;
  if (end === null || target < end) {
    let n = 0;
    let d = bi.firstBcd;
    while (d <= target) d = bi.futureBcd(++n);
    nextBillingDate = end !== null && end < d ? end : d;
  }
  return { periods, nextBillingDate };
}
