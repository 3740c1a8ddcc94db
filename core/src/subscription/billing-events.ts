import { Decimal } from 'decimal.js';
import type { DateTime } from 'luxon';
import { catalogRules, phasesOf, phaseName, type BillingAlignment, type InternationalPrice, type Phase, type PhaseType, type Plan, type ProductCategory } from '../catalog/index.js';
import type { Currency } from '../values/currency.js';
import { addDuration } from './alignment.js';
import type { AccountTime } from './account-time.js';
import type { BillingEvent } from './billing-event.js';
import { applyBillingBlocks, disabledDurations, type DisabledDuration } from './billing-blocking.js';
import type { BlockingStateRecord } from './entitlement-events.js';
import type { Transition, TransitionType } from './timeline.js';

/**
 * The billing events invoicing reads, per account (Kill Bill's DefaultInternalBillingApi.getBillingEventsForAccount
 * and BillCycleDayCalculator; killbill-semantics.md §3). Pure: the subscription service gathers the
 * transitions and hands them here.
 */

export type { BillingEvent, BillingEventType } from './billing-event.js';

export interface SubscriptionForBilling {
  readonly id: string;
  readonly bundleId: string;
  readonly category: ProductCategory;
  readonly startDate: DateTime;
  readonly transitions: readonly Transition[];
  /** The blocking states that apply to it: its own, its bundle's, its account's (views.ts statesFor). None: never blocked. */
  readonly blockingStates?: readonly BlockingStateRecord[];
}

export interface AccountForBilling {
  readonly currency: Currency | null;
  /** 0 when the account has none yet. */
  readonly billCycleDayLocal: number;
  readonly time: AccountTime;
}

export interface BillingEvents {
  readonly events: readonly BillingEvent[];
  /**
   * The account BCD the first invoice run must store, when the account has none and an ACCOUNT-aligned
   * event with a recurring price (even zero) or usage exists: the BCD of the oldest such event's
   * subscription. Null otherwise (the account keeps 0 when every subscription is BUNDLE/SUBSCRIPTION aligned).
   */
  readonly accountBcdToPersist: number | null;
}

/** The price of `currency` in an international price; an empty list is a $0 price (an empty `<fixedPrice/>`). */
export function priceIn(prices: InternationalPrice | null | undefined, currency: Currency | null): Decimal | null {
  if (prices === null || prices === undefined) return null;
  if (prices.length === 0) return new Decimal(0);
  if (currency === null) return null;
  return prices.find((p) => p.currency === currency)?.value ?? null;
}

function isZeroOrAbsent(prices: InternationalPrice | null | undefined): boolean {
  return !prices || prices.every((p) => p.value === null || p.value.isZero());
}

/**
 * DefaultPlan.dateOfFirstRecurringNonZeroCharge: from the subscription start, skip the leading phases that
 * end (not UNLIMITED) and have no or only zero recurring prices, starting at the initial phase.
 */
export function dateOfFirstRecurringNonZeroCharge(plan: Plan, initialPhase: PhaseType, start: DateTime, time: AccountTime): DateTime {
  let at = start;
  let skipping = true;
  for (const phase of phasesOf(plan)) {
    if (skipping) {
      if (phase.type !== initialPhase) continue;
      skipping = false;
    }
    if (phase.duration.unit === 'UNLIMITED' || !isZeroOrAbsent(phase.recurring?.price)) break;
    at = addDuration(at, phase.duration, time.zone) ?? at;
  }
  return at;
}

/** The BCD a subscription aligns to by itself: the day of its first non-zero recurring charge, in the account's zone. */
export function subscriptionBcd(sub: SubscriptionForBilling, time: AccountTime): number | null {
  const first = sub.transitions.find((t) => t.next !== null)?.next;
  if (!first) return null;
  return time.local(dateOfFirstRecurringNonZeroCharge(first.plan, first.phase.type, sub.startDate, time)).day;
}

const BILLED: ReadonlySet<TransitionType> = new Set(['CREATE', 'TRANSFER', 'PHASE', 'CHANGE', 'CANCEL', 'EXPIRED', 'BCD_CHANGE', 'QUANTITY_CHANGE']);

function hasRecurringOrUsage(phase: Phase): boolean {
  return phase.recurring !== null || phase.usages.length > 0;
}

/**
 * Every billing event of an account's subscriptions, ordered by date (then subscription, then event), each
 * with its BCD: a BCD_CHANGE in force wins; else the catalog's billingAlignment of the plan and phase
 * decides: ACCOUNT → the account BCD (computed as invoicing will store it when the account has none),
 * BUNDLE → the bundle's base subscription, SUBSCRIPTION → the subscription itself.
 */
export function billingEvents(account: AccountForBilling, subscriptions: readonly SubscriptionForBilling[]): BillingEvents {
  const baseOfBundle = new Map<string, SubscriptionForBilling>();
  for (const s of subscriptions) if (s.category === 'BASE' && !baseOfBundle.has(s.bundleId)) baseOfBundle.set(s.bundleId, s);

  const raw: { sub: SubscriptionForBilling; t: Transition; alignment: BillingAlignment; overrideBcd: number | null; quantity: number }[] = [];
  for (const sub of subscriptions) {
    let overrideBcd: number | null = null;
    let quantity = 1;
    for (const t of sub.transitions) {
      if (t.type === 'BCD_CHANGE' && t.billCycleDayLocal !== null) overrideBcd = t.billCycleDayLocal;
      if (t.type === 'QUANTITY_CHANGE' && t.quantity !== null) quantity = t.quantity;
      if (!BILLED.has(t.type)) continue;
      const pp = t.next ?? t.prev;
      if (!pp) continue;
      const alignment = catalogRules.billingAlignment(pp.version, { planName: pp.plan.name, phaseType: pp.phase.type });
      raw.push({ sub, t, alignment, overrideBcd, quantity });
    }
  }
  raw.sort((a, b) => a.t.effectiveDate.toMillis() - b.t.effectiveDate.toMillis() || a.sub.startDate.toMillis() - b.sub.startDate.toMillis());

  let accountBcd = account.billCycleDayLocal;
  let accountBcdToPersist: number | null = null;
  if (accountBcd === 0) {
    const oldest = raw.find((r) => r.alignment === 'ACCOUNT' && (r.t.next ?? r.t.prev) !== null && hasRecurringOrUsage((r.t.next ?? r.t.prev)!.phase));
    const computed = oldest ? subscriptionBcd(oldest.sub, account.time) : null;
    if (computed !== null) {
      accountBcd = computed;
      accountBcdToPersist = computed;
    }
  }

  const events = raw.map(({ sub, t, alignment, overrideBcd, quantity }): BillingEvent => {
    const pp = (t.next ?? t.prev)!;
    const base = baseOfBundle.get(sub.bundleId) ?? sub;
    const aligned =
      alignment === 'ACCOUNT' ? accountBcd || subscriptionBcd(sub, account.time) : alignment === 'BUNDLE' ? subscriptionBcd(base, account.time) : subscriptionBcd(sub, account.time);
    return {
      subscriptionId: sub.id,
      bundleId: sub.bundleId,
      eventId: t.eventId,
      type: t.type,
      effectiveDate: t.effectiveDate,
      planName: pp.plan.name,
      phaseName: phaseName(pp.plan, pp.phase),
      phaseType: pp.phase.type,
      phaseDuration: pp.phase.duration,
      productName: pp.product.name,
      category: pp.product.category,
      priceListName: pp.priceListName,
      fixedPrice: priceIn(pp.phase.fixed?.price, account.currency),
      recurringPrice: priceIn(pp.phase.recurring?.price, account.currency),
      currency: account.currency,
      billingPeriod: pp.phase.recurring?.billingPeriod ?? 'NO_BILLING_PERIOD',
      billingMode: pp.plan.recurringBillingMode,
      billingAlignment: alignment,
      billCycleDayLocal: overrideBcd ?? aligned ?? 0,
      quantity,
      catalogEffectiveDate: pp.version.effectiveDate,
      usages: pp.phase.usages,
    };
  });
  const durations = new Map<string, readonly DisabledDuration[]>();
  for (const sub of subscriptions) {
    if (!sub.blockingStates?.length) continue;
    // SubscriptionBase.getEndDate: states after the cancellation or expiry do not count.
    const end = sub.transitions.find((t) => t.type === 'CANCEL' || t.type === 'EXPIRED')?.effectiveDate ?? null;
    durations.set(sub.id, disabledDurations(sub.blockingStates, end));
  }
  return { events: durations.size === 0 ? events : applyBillingBlocks(events, durations), accountBcdToPersist };
}
