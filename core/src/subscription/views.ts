import type { EntityManager } from '@mikro-orm/core';
import { plainRows } from '../persistence/plain-rows.js';
import { DateTime } from 'luxon';
import { phaseName, recurringBillingPeriod, type ProductCategory, type VersionedCatalog } from '../catalog/index.js';
import type { Currency } from '../values/currency.js';
import type { AccountId } from '../values/ids.js';
import type { AccountTime } from './account-time.js';
import { priceIn } from './billing-events.js';
import { entitlementEvents, entitlementStateAt, SUBSCRIPTION_EVENT_TYPES, type BlockingStateRecord, type BlockingStateType, type EntitlementEvent } from './entitlement-events.js';
import { BlockingStateEntity, BundleEntity, SubscriptionEntity, SubscriptionEventEntity, type BlockingStateRow, type BundleRow, type SubscriptionEventRow, type SubscriptionRow } from './model.js';
import type { Bundle, BundleId, PhasePrice, PlanPhaseInfo, Subscription, SubscriptionEventView, SubscriptionId } from './subscription.js';
import { stateAt, transitionsOf, type ApiEventType, type EventRecord, type PlanPhase, type SubscriptionEventKind, type Transition } from './timeline.js';

/** Rows → the pure modules' records → the public views. Everything here reads; nothing writes. */

const dt = (d: Date) => DateTime.fromJSDate(d, { zone: 'utc' });

export function toEventRecord(r: SubscriptionEventRow): EventRecord {
  return {
    id: r.id,
    recordId: r.recordId,
    kind: r.eventType as SubscriptionEventKind,
    apiType: (r.userType ?? null) as ApiEventType | null,
    effectiveDate: dt(r.effectiveDate),
    createdDate: dt(r.createdDate),
    planName: r.planName ?? null,
    phaseName: r.phaseName ?? null,
    priceListName: r.priceListName ?? null,
    billCycleDayLocal: r.billingCycleDayLocal ?? null,
    quantity: r.quantity ?? null,
    isActive: r.isActive,
  };
}

export function toBlockingRecord(r: BlockingStateRow): BlockingStateRecord {
  return {
    id: r.id,
    recordId: r.recordId,
    blockableId: r.blockableId,
    type: r.type as BlockingStateType,
    state: r.state,
    service: r.service,
    blockChange: r.blockChange,
    blockEntitlement: r.blockEntitlement,
    blockBilling: r.blockBilling,
    effectiveDate: dt(r.effectiveDate),
    createdDate: dt(r.createdDate),
    isActive: r.isActive,
  };
}

/** Everything of one account's subscriptions, loaded at once (an account's history is read whole, as Kill Bill's event streams). */
export interface AccountRows {
  readonly bundles: readonly BundleRow[];
  readonly subscriptions: readonly SubscriptionRow[];
  readonly events: ReadonlyMap<string, EventRecord[]>;
  readonly blockingStates: readonly BlockingStateRecord[];
}

export async function loadAccountRows(em: EntityManager, accountRecordId: number): Promise<AccountRows> {
  // Read-only rows as plain objects (persistence/plain-rows.ts): never managed, so an invoice run's later
  // flushes do not walk them, and without the per-row entity construction of ~1 s in a 30,000-subscription run.
  const [bundles, subscriptions, events, states] = await Promise.all([
    plainRows<BundleRow>(em, BundleEntity, { accountRecordId }),
    plainRows<SubscriptionRow>(em, SubscriptionEntity, { accountRecordId }),
    plainRows<SubscriptionEventRow>(em, SubscriptionEventEntity, { accountRecordId }),
    plainRows<BlockingStateRow>(em, BlockingStateEntity, { accountRecordId }),
  ]);
  const bySub = new Map<string, EventRecord[]>();
  for (const e of events) {
    const list = bySub.get(e.subscriptionId) ?? [];
    list.push(toEventRecord(e));
    bySub.set(e.subscriptionId, list);
  }
  return { bundles, subscriptions, events: bySub, blockingStates: states.map(toBlockingRecord) };
}

export function planPhaseInfo(pp: PlanPhase): PlanPhaseInfo {
  return {
    planName: pp.plan.name,
    phaseName: phaseName(pp.plan, pp.phase),
    phaseType: pp.phase.type,
    productName: pp.product.name,
    category: pp.product.category,
    billingPeriod: recurringBillingPeriod(pp.plan),
    priceListName: pp.priceListName,
    catalogEffectiveDate: pp.version.effectiveDate,
  };
}

/** SubscriptionJson's `prices`: one entry each time an event leads to another phase (or the same phase of another catalog version). */
function phasePrices(events: readonly EntitlementEvent[], currency: Currency | null): PhasePrice[] {
  if (currency === null) return [];
  const out: PhasePrice[] = [];
  let last: PlanPhase | null = null;
  for (const e of events) {
    if (e.type === 'STOP_ENTITLEMENT' || e.type === 'STOP_BILLING' || !e.planPhase) continue;
    const pp = e.planPhase;
    if (last && last.phase === pp.phase && last.version === pp.version) continue;
    last = pp;
    out.push({
      planName: pp.plan.name,
      phaseName: phaseName(pp.plan, pp.phase),
      phaseType: pp.phase.type,
      fixedPrice: priceIn(pp.phase.fixed?.price, currency),
      recurringPrice: priceIn(pp.phase.recurring?.price, currency),
    });
  }
  return out;
}

export interface ViewContext {
  readonly catalog: VersionedCatalog;
  readonly accountId: AccountId;
  readonly currency: Currency | null;
  readonly time: AccountTime;
  readonly now: DateTime;
  /** The account's BCD, shown for ACCOUNT-aligned subscriptions that have no BCD of their own. */
  readonly defaultBcd: (sub: SubscriptionRow, transitions: readonly Transition[]) => number | null;
}

/** The blocking states that apply to a subscription: its own, its bundle's and its account's. */
export function statesFor(all: readonly BlockingStateRecord[], sub: Pick<SubscriptionRow, 'id' | 'bundleId'>, accountId: string): BlockingStateRecord[] {
  return all.filter(
    (s) => (s.type === 'SUBSCRIPTION' && s.blockableId === sub.id) || (s.type === 'SUBSCRIPTION_BUNDLE' && s.blockableId === sub.bundleId) || (s.type === 'ACCOUNT' && s.blockableId === accountId),
  );
}

/**
 * `statesFor` for every subscription of an account at once: the states indexed by what they block, so an
 * account with tens of thousands of subscriptions does not scan all its states once per subscription.
 * Each answer keeps the states' original order.
 */
export class BlockingStatesIndex {
  readonly #by = new Map<string, { readonly order: number; readonly state: BlockingStateRecord }[]>();

  constructor(all: readonly BlockingStateRecord[]) {
    all.forEach((state, order) => {
      const key = `${state.type}:${state.blockableId}`;
      const list = this.#by.get(key);
      if (list) list.push({ order, state });
      else this.#by.set(key, [{ order, state }]);
    });
  }

  for(sub: Pick<SubscriptionRow, 'id' | 'bundleId'>, accountId: string): BlockingStateRecord[] {
    const found = [...(this.#by.get(`SUBSCRIPTION:${sub.id}`) ?? []), ...(this.#by.get(`SUBSCRIPTION_BUNDLE:${sub.bundleId}`) ?? []), ...(this.#by.get(`ACCOUNT:${accountId}`) ?? [])];
    return found.sort((a, b) => a.order - b.order).map((f) => f.state);
  }
}

export function subscriptionView(v: ViewContext, sub: SubscriptionRow, bundle: BundleRow, events: readonly EventRecord[], allStates: BlockingStatesIndex): Subscription {
  const transitions = transitionsOf(events, v.catalog);
  const base = stateAt(transitions, v.now);
  const states = allStates.for(sub, v.accountId);
  const ent = entitlementStateAt(base.state, transitions, states, v.now);
  const list = entitlementEvents(transitions, states);
  return {
    id: sub.id as SubscriptionId,
    accountId: v.accountId,
    bundleId: sub.bundleId as BundleId,
    bundleExternalKey: bundle.externalKey,
    externalKey: sub.externalKey,
    category: sub.category as ProductCategory,
    state: ent.state,
    sourceType: transitions[0]?.type === 'TRANSFER' ? 'TRANSFERRED' : sub.migrated ? 'MIGRATED' : 'NATIVE',
    startDate: ent.startDate,
    cancelledDate: ent.endDate,
    billingStartDate: base.startDate,
    billingEndDate: base.endDate,
    chargedThroughDate: sub.chargedThroughDate ? v.time.toLocalDate(dt(sub.chargedThroughDate)) : null,
    lastActive: base.lastActive ? planPhaseInfo(base.lastActive) : null,
    billCycleDayLocal: base.billCycleDayLocal ?? v.defaultBcd(sub, transitions),
    quantity: base.quantity,
    events: list.map((e) => eventView(sub.id as SubscriptionId, e)),
    prices: phasePrices(list, v.currency),
  };
}

function eventView(subscriptionId: SubscriptionId, e: EntitlementEvent): SubscriptionEventView {
  return {
    id: e.id,
    source: e.source,
    subscriptionId,
    type: e.type,
    effectiveDate: e.effectiveDate,
    planPhase: e.planPhase ? planPhaseInfo(e.planPhase) : null,
    isBlockedBilling: e.isBlockedBilling,
    isBlockedEntitlement: e.isBlockedEntitlement,
    serviceName: e.serviceName,
    serviceStateName: e.serviceStateName,
  };
}

export function bundleView(bundle: BundleRow, subscriptions: readonly Subscription[]): Bundle {
  // SubscriptionEventOrdering over the bundle: by date, then subscription id, then event type.
  const timeline = subscriptions
    .flatMap((s) => s.events)
    .sort(
      (a, b) =>
        a.effectiveDate.toMillis() - b.effectiveDate.toMillis() || a.subscriptionId.localeCompare(b.subscriptionId) || SUBSCRIPTION_EVENT_TYPES.indexOf(a.type) - SUBSCRIPTION_EVENT_TYPES.indexOf(b.type),
    );
  return {
    id: bundle.id as BundleId,
    accountId: bundle.accountId as AccountId,
    externalKey: bundle.externalKey,
    originalCreatedDate: dt(bundle.originalCreatedDate),
    subscriptions,
    timeline,
  };
}
