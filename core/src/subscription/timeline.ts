import type { DateTime } from 'luxon';
import { phasesOf, phaseName, type CatalogVersion, type Phase, type Plan, type Product, type VersionedCatalog } from '../catalog/index.js';
import { BillingError } from '../errors/index.js';

/**
 * A subscription's history and state, derived from its stored events (Kill Bill's
 * DefaultSubscriptionBase.rebuildTransitions and getState). Pure: the same events and catalog give the same
 * answer, and change, cancel, uncancel and undo only add events or deactivate future ones, so this is the
 * one place that decides what a subscription is at a date.
 */

/** Kill Bill's subscription EventType. */
export type SubscriptionEventKind = 'API_USER' | 'PHASE' | 'BCD_UPDATE' | 'QUANTITY_UPDATE' | 'EXPIRED';
/** Kill Bill's ApiEventType, the `userType` of API_USER events. */
export type ApiEventType = 'CREATE' | 'TRANSFER' | 'CHANGE' | 'CANCEL' | 'UNCANCEL' | 'UNDO_CHANGE';
/** Kill Bill's SubscriptionBaseTransitionType. */
export type TransitionType = ApiEventType | 'PHASE' | 'BCD_CHANGE' | 'QUANTITY_CHANGE' | 'EXPIRED';
/** Kill Bill's SubscriptionBase state (the entitlement adds BLOCKED from blocking states). */
export type SubscriptionBaseState = 'PENDING' | 'ACTIVE' | 'CANCELLED' | 'EXPIRED';

/** One stored event, as timeline derivation needs it. */
export interface EventRecord {
  readonly id: string;
  readonly recordId: number;
  readonly kind: SubscriptionEventKind;
  readonly apiType: ApiEventType | null;
  readonly effectiveDate: DateTime;
  readonly createdDate: DateTime;
  readonly planName: string | null;
  readonly phaseName: string | null;
  readonly priceListName: string | null;
  readonly billCycleDayLocal: number | null;
  readonly quantity: number | null;
  readonly isActive: boolean;
}

/** A plan and phase as a subscription runs them, with the catalog version they were resolved in. */
export interface PlanPhase {
  readonly plan: Plan;
  readonly phase: Phase;
  readonly product: Product;
  readonly priceListName: string;
  readonly version: CatalogVersion;
}

export interface Transition {
  readonly eventId: string;
  readonly type: TransitionType;
  readonly effectiveDate: DateTime;
  readonly createdDate: DateTime;
  /** What was in force before the transition; null before the start. */
  readonly prev: PlanPhase | null;
  /** What is in force after it; null after a cancellation or expiry. */
  readonly next: PlanPhase | null;
  readonly billCycleDayLocal: number | null;
  readonly quantity: number | null;
}

export function transitionType(e: Pick<EventRecord, 'kind' | 'apiType'>): TransitionType {
  switch (e.kind) {
    case 'API_USER':
      if (e.apiType === null) throw new BillingError('UNEXPECTED_ERROR', 'An API_USER subscription event has no user type');
      return e.apiType;
    case 'PHASE':
      return 'PHASE';
    case 'BCD_UPDATE':
      return 'BCD_CHANGE';
    case 'QUANTITY_UPDATE':
      return 'QUANTITY_CHANGE';
    case 'EXPIRED':
      return 'EXPIRED';
  }
}

/** Same-instant order: a start first, then settings, phases, changes, and an end last. */
const RANK: Record<TransitionType, number> = {
  CREATE: 0, TRANSFER: 0, BCD_CHANGE: 1, QUANTITY_CHANGE: 1, PHASE: 2, CHANGE: 3, UNDO_CHANGE: 3, CANCEL: 4, EXPIRED: 4, UNCANCEL: 5,
};

export function compareEvents(a: EventRecord, b: EventRecord): number {
  return (
    a.effectiveDate.toMillis() - b.effectiveDate.toMillis() ||
    RANK[transitionType(a)] - RANK[transitionType(b)] ||
    a.createdDate.toMillis() - b.createdDate.toMillis() ||
    a.recordId - b.recordId
  );
}

const STARTS_PLAN: ReadonlySet<TransitionType> = new Set(['CREATE', 'TRANSFER', 'CHANGE']);
const ENDS: ReadonlySet<TransitionType> = new Set(['CANCEL', 'EXPIRED']);

/**
 * The plan of an event as the catalog resolves it at the event's date, given the date of the create or
 * change that chose the plan (SubscriptionCatalog.findPlan: a newer catalog version applies to an existing
 * subscription only through effectiveDateForExistingSubscriptions).
 */
function resolve(catalog: VersionedCatalog, e: EventRecord, planChangeDate: DateTime, priceListName: string): PlanPhase {
  const { plan, version } = catalog.findPlan(e.planName ?? '', e.effectiveDate, planChangeDate);
  const phase = phasesOf(plan).find((ph) => phaseName(plan, ph) === e.phaseName);
  if (!phase) throw new BillingError('CAT_NO_SUCH_PHASE', `Could not find any phases named '${e.phaseName}'`, { phaseName: e.phaseName });
  const product = version.products.find((pr) => pr.name === plan.product);
  if (!product) throw new BillingError('CAT_NO_SUCH_PRODUCT', `Could not find any product named '${plan.product}'`, { productName: plan.product });
  return { plan, phase, product, priceListName, version };
}

/** The active events in order, each with what it changed from and to. Inactive (cancelled, undone) events are left out. */
export function transitionsOf(events: readonly EventRecord[], catalog: VersionedCatalog): Transition[] {
  const active = events.filter((e) => e.isActive).sort(compareEvents);
  const out: Transition[] = [];
  let current: PlanPhase | null = null;
  let planChangeDate: DateTime | null = null;
  for (const e of active) {
    const type = transitionType(e);
    const prev: PlanPhase | null = current;
    let next: PlanPhase | null = current;
    if (STARTS_PLAN.has(type)) {
      planChangeDate = e.effectiveDate;
      next = resolve(catalog, e, planChangeDate, e.priceListName ?? '');
    } else if (type === 'PHASE') {
      if (!current || !planChangeDate) throw new BillingError('UNEXPECTED_ERROR', `Phase event ${e.id} precedes the subscription's creation`);
      next = resolve(catalog, { ...e, planName: current.plan.name }, planChangeDate, current.priceListName);
    } else if (ENDS.has(type)) {
      next = null;
    }
    out.push({
      eventId: e.id,
      type,
      effectiveDate: e.effectiveDate,
      createdDate: e.createdDate,
      prev,
      next,
      billCycleDayLocal: e.billCycleDayLocal,
      quantity: e.quantity,
    });
    current = next;
  }
  return out;
}

export interface SubscriptionStateAt {
  readonly state: SubscriptionBaseState;
  /** What runs at the date; null while pending and after the end. */
  readonly current: PlanPhase | null;
  /**
   * What it last ran or will first run (Kill Bill's getLastActivePlan/Phase, with SubscriptionJson's
   * fallback to the first event for a subscription that has not started).
   */
  readonly lastActive: PlanPhase | null;
  /** The plan start (first CREATE/TRANSFER): Kill Bill's billing start date. */
  readonly startDate: DateTime | null;
  /** The CANCEL or EXPIRED date, past or future. */
  readonly endDate: DateTime | null;
  /** Transitions that take effect after the date. */
  readonly pending: readonly Transition[];
  /** The subscription-level BCD in force at the date (BCD_CHANGE), or null. */
  readonly billCycleDayLocal: number | null;
  /** The quantity in force at the date; 1 when never set (DefaultEntitlement.getQuantity). */
  readonly quantity: number;
}

/** The subscription at `at` (Kill Bill's DefaultSubscriptionBase state machine over its transitions). */
export function stateAt(transitions: readonly Transition[], at: DateTime): SubscriptionStateAt {
  const past = transitions.filter((t) => t.effectiveDate.toMillis() <= at.toMillis());
  const pending = transitions.filter((t) => t.effectiveDate.toMillis() > at.toMillis());
  const start = transitions.find((t) => t.type === 'CREATE' || t.type === 'TRANSFER') ?? null;
  const end = transitions.find((t) => ENDS.has(t.type)) ?? null;
  let state: SubscriptionBaseState = 'PENDING';
  let current: PlanPhase | null = null;
  let lastActive: PlanPhase | null = null;
  let bcd: number | null = null;
  let quantity = 1;
  for (const t of past) {
    if (t.type === 'CREATE' || t.type === 'TRANSFER') state = 'ACTIVE';
    if (t.type === 'CANCEL') state = 'CANCELLED';
    if (t.type === 'EXPIRED') state = 'EXPIRED';
    if (t.type === 'BCD_CHANGE' && t.billCycleDayLocal !== null) bcd = t.billCycleDayLocal;
    if (t.type === 'QUANTITY_CHANGE' && t.quantity !== null) quantity = t.quantity;
    current = t.next;
    lastActive = t.next ?? t.prev ?? lastActive;
  }
  if (state === 'PENDING') {
    const first = pending.find((t) => t.next !== null);
    lastActive = first?.next ?? null;
    for (const t of pending) {
      if (t.effectiveDate.toMillis() !== start?.effectiveDate.toMillis()) break;
      if (t.type === 'BCD_CHANGE' && t.billCycleDayLocal !== null) bcd = t.billCycleDayLocal;
      if (t.type === 'QUANTITY_CHANGE' && t.quantity !== null) quantity = t.quantity;
    }
  }
  return {
    state,
    current,
    lastActive,
    startDate: start?.effectiveDate ?? null,
    endDate: end?.effectiveDate ?? null,
    pending,
    billCycleDayLocal: bcd,
    quantity,
  };
}

/**
 * The create/transfer/change transition whose plan is in force at `at` (or the first one while pending):
 * Kill Bill's getLastTransitionForCurrentPlan / getPendingTransition, which the next phase is computed from.
 */
export function lastPlanTransition(transitions: readonly Transition[], at: DateTime): Transition | null {
  let found: Transition | null = null;
  for (const t of transitions) {
    if (!STARTS_PLAN.has(t.type)) continue;
    if (found && t.effectiveDate.toMillis() > at.toMillis()) break;
    found = t;
  }
  return found;
}
