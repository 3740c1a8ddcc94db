import type { DateTime } from 'luxon';
import type { PlanPhase, Transition } from './timeline.js';

/**
 * The events a subscription shows (Kill Bill's SubscriptionEventOrdering + BlockingStateOrdering): its
 * billing transitions and the blocking states that apply to it (its own, its bundle's, its account's),
 * merged in one list. Pure.
 */

/** Kill Bill's SubscriptionEventType, in its declaration order (the order of events on one day). */
export const SUBSCRIPTION_EVENT_TYPES = [
  'START_ENTITLEMENT', 'START_BILLING', 'PAUSE_ENTITLEMENT', 'PAUSE_BILLING', 'RESUME_ENTITLEMENT', 'RESUME_BILLING',
  'PHASE', 'CHANGE', 'STOP_ENTITLEMENT', 'STOP_BILLING', 'SERVICE_STATE_CHANGE',
] as const;
export type EntitlementEventType = (typeof SUBSCRIPTION_EVENT_TYPES)[number];

export const ENTITLEMENT_SERVICE = 'entitlement-service';
export const BILLING_SERVICE = 'billing-service';
export const ENTITLEMENT_AND_BILLING_SERVICE = 'entitlement+billing-service';
export const ENT_STATE_START = 'ENT_STARTED';
export const ENT_STATE_BLOCKED = 'ENT_BLOCKED';
export const ENT_STATE_CLEAR = 'ENT_CLEAR';
export const ENT_STATE_CANCELLED = 'ENT_CANCELLED';

export type BlockingStateType = 'SUBSCRIPTION' | 'SUBSCRIPTION_BUNDLE' | 'ACCOUNT';

export interface BlockingStateRecord {
  readonly id: string;
  readonly recordId: number;
  readonly blockableId: string;
  readonly type: BlockingStateType;
  readonly state: string;
  readonly service: string;
  readonly blockChange: boolean;
  readonly blockEntitlement: boolean;
  readonly blockBilling: boolean;
  readonly effectiveDate: DateTime;
  readonly createdDate: DateTime;
  readonly isActive: boolean;
}

export interface EntitlementEvent {
  /** The subscription event's id, or the blocking state's. */
  readonly id: string;
  /** Which table `id` is in: audit logs are looked up by it. */
  readonly source: 'SUBSCRIPTION_EVENT' | 'BLOCKING_STATES';
  readonly type: EntitlementEventType;
  readonly effectiveDate: DateTime;
  /** What the event leads to, or for a stop what was in force (EventSubscriptionJson: next ?? prev). */
  readonly planPhase: PlanPhase | null;
  readonly isBlockedBilling: boolean;
  readonly isBlockedEntitlement: boolean;
  readonly serviceName: string;
  readonly serviceStateName: string;
  readonly createdDate: DateTime;
}

function baseEventType(t: Transition): EntitlementEventType | null {
  switch (t.type) {
    case 'CREATE':
    case 'TRANSFER':
      return 'START_BILLING';
    case 'CHANGE':
      return 'CHANGE';
    case 'CANCEL':
    case 'EXPIRED':
      return 'STOP_BILLING';
    case 'PHASE':
      return 'PHASE';
    default:
      // UNCANCEL and UNDO_CHANGE are markers; BCD and quantity changes do not show (SubscriptionEventOrdering.toEventTypes).
      return null;
  }
}

/** EntitlementOrderingBase.getServiceName. */
function serviceOf(type: EntitlementEventType): string {
  if (type === 'START_BILLING' || type === 'PAUSE_BILLING' || type === 'RESUME_BILLING' || type === 'STOP_BILLING') return BILLING_SERVICE;
  if (type === 'PHASE' || type === 'CHANGE') return ENTITLEMENT_AND_BILLING_SERVICE;
  return ENTITLEMENT_SERVICE;
}

/** What runs at `at`; before the start, what the subscription will start with. */
function planPhaseAt(transitions: readonly Transition[], at: DateTime): PlanPhase | null {
  let found: PlanPhase | null = transitions.find((t) => t.next !== null)?.next ?? null;
  for (const t of transitions) {
    if (t.effectiveDate.toMillis() > at.toMillis()) break;
    found = t.next ?? t.prev ?? found;
  }
  return found;
}

interface Flags {
  readonly blockEntitlement: boolean;
  readonly blockBilling: boolean;
}

function aggregate(perService: ReadonlyMap<string, Flags>): Flags {
  let blockEntitlement = false;
  let blockBilling = false;
  for (const f of perService.values()) {
    blockEntitlement ||= f.blockEntitlement;
    blockBilling ||= f.blockBilling;
  }
  return { blockEntitlement, blockBilling };
}

/**
 * The blocking states as events (BlockingStateOrdering.addStateAndReturnEventTypes): entitlement start and
 * stop; pause/resume of entitlement or billing when the OR of every service's flags changes; any other
 * service's state that changes nothing is a SERVICE_STATE_CHANGE.
 */
function blockingEvents(transitions: readonly Transition[], states: readonly BlockingStateRecord[]): EntitlementEvent[] {
  const sorted = states.filter((s) => s.isActive).sort((a, b) => a.effectiveDate.toMillis() - b.effectiveDate.toMillis() || a.recordId - b.recordId);
  const billingStart = transitions.find((t) => t.type === 'CREATE' || t.type === 'TRANSFER')?.effectiveDate ?? null;
  const billingStop = transitions.find((t) => t.type === 'CANCEL' || t.type === 'EXPIRED')?.effectiveDate ?? null;
  const perService = new Map<string, Flags>();
  let started = false;
  let stopped = false;
  const out: EntitlementEvent[] = [];
  for (const s of sorted) {
    const at = s.effectiveDate.toMillis();
    const billingOn = billingStart !== null && billingStart.toMillis() <= at && (billingStop === null || billingStop.toMillis() > at);
    const types: EntitlementEventType[] = [];
    if (s.service === ENTITLEMENT_SERVICE && s.state === ENT_STATE_START) {
      started = true;
      types.push('START_ENTITLEMENT');
    } else if (s.service === ENTITLEMENT_SERVICE && s.state === ENT_STATE_CANCELLED) {
      stopped = true;
      types.push('STOP_ENTITLEMENT');
    } else {
      const before = aggregate(perService);
      const flags = { blockEntitlement: s.blockEntitlement && started && !stopped, blockBilling: s.blockBilling && billingOn };
      // An entitlement-service state speaks for entitlement and billing alike (BlockingStateOrdering multiplexes it).
      perService.set(s.service, flags);
      if (s.service === ENTITLEMENT_SERVICE) perService.set(BILLING_SERVICE, flags);
      const after = aggregate(perService);
      const live = started && !stopped;
      if (live && before.blockEntitlement && !after.blockEntitlement) types.push('RESUME_ENTITLEMENT');
      if (billingOn && before.blockBilling && !after.blockBilling) types.push('RESUME_BILLING');
      if (live && !before.blockEntitlement && after.blockEntitlement) types.push('PAUSE_ENTITLEMENT');
      if (billingOn && !before.blockBilling && after.blockBilling) types.push('PAUSE_BILLING');
      if (types.length === 0 && s.service !== ENTITLEMENT_SERVICE) types.push('SERVICE_STATE_CHANGE');
    }
    for (const type of types) {
      out.push({
        id: s.id,
        source: 'BLOCKING_STATES',
        type,
        effectiveDate: s.effectiveDate,
        planPhase: planPhaseAt(transitions, s.effectiveDate),
        isBlockedBilling: s.blockBilling,
        isBlockedEntitlement: s.blockEntitlement,
        // Kill Bill issue #135: entitlement-service events show the service of their type.
        serviceName: s.service === ENTITLEMENT_SERVICE ? serviceOf(type) : s.service,
        serviceStateName: s.state,
        createdDate: s.createdDate,
      });
    }
  }
  return out;
}

const ORDINAL = new Map<EntitlementEventType, number>(SUBSCRIPTION_EVENT_TYPES.map((t, i) => [t, i]));

/** Every event of one subscription in Kill Bill's order: by date, then by event type, then by creation. */
export function entitlementEvents(transitions: readonly Transition[], blockingStates: readonly BlockingStateRecord[]): EntitlementEvent[] {
  const base: EntitlementEvent[] = [];
  for (const t of transitions) {
    const type = baseEventType(t);
    if (type === null) continue;
    base.push({
      id: t.eventId,
      source: 'SUBSCRIPTION_EVENT',
      type,
      effectiveDate: t.effectiveDate,
      planPhase: t.next ?? t.prev,
      isBlockedBilling: false,
      isBlockedEntitlement: false,
      serviceName: serviceOf(type),
      serviceStateName: type,
      createdDate: t.createdDate,
    });
  }
  return [...base, ...blockingEvents(transitions, blockingStates)].sort(
    (a, b) =>
      a.effectiveDate.toMillis() - b.effectiveDate.toMillis() ||
      ORDINAL.get(a.type)! - ORDINAL.get(b.type)! ||
      a.createdDate.toMillis() - b.createdDate.toMillis(),
  );
}

export type EntitlementState = 'PENDING' | 'ACTIVE' | 'BLOCKED' | 'CANCELLED' | 'EXPIRED';

/** The entitlement's start and end dates (ENT_STARTED / ENT_CANCELLED of the subscription) and state at `at` (DefaultEventsStream). */
export function entitlementStateAt(
  baseState: 'PENDING' | 'ACTIVE' | 'CANCELLED' | 'EXPIRED',
  transitions: readonly Transition[],
  blockingStates: readonly BlockingStateRecord[],
  at: DateTime,
): { state: EntitlementState; startDate: DateTime | null; endDate: DateTime | null } {
  const active = blockingStates.filter((s) => s.isActive);
  const own = active.filter((s) => s.type === 'SUBSCRIPTION' && s.service === ENTITLEMENT_SERVICE);
  const startDate = own.find((s) => s.state === ENT_STATE_START)?.effectiveDate ?? transitions[0]?.effectiveDate ?? null;
  const endDate = own.find((s) => s.state === ENT_STATE_CANCELLED)?.effectiveDate ?? null;
  const now = at.toMillis();
  let state: EntitlementState;
  if (endDate !== null && endDate.toMillis() <= now) state = 'CANCELLED';
  else if (baseState === 'EXPIRED') state = 'EXPIRED';
  else if (startDate === null || startDate.toMillis() > now) state = 'PENDING';
  else state = blockedAt(active, at).blockEntitlement ? 'BLOCKED' : 'ACTIVE';
  return { state, startDate, endDate };
}

/** The OR of the latest state per (blockable, service) in force at `at` (Kill Bill's BlockingAggregator). */
export function blockedAt(states: readonly BlockingStateRecord[], at: DateTime): Flags & { readonly blockChange: boolean } {
  const latest = new Map<string, BlockingStateRecord>();
  const sorted = states.filter((s) => s.isActive && s.effectiveDate.toMillis() <= at.toMillis()).sort((a, b) => a.effectiveDate.toMillis() - b.effectiveDate.toMillis() || a.recordId - b.recordId);
  for (const s of sorted) latest.set(`${s.type}:${s.blockableId}:${s.service}`, s);
  let blockChange = false;
  let blockEntitlement = false;
  let blockBilling = false;
  for (const s of latest.values()) {
    blockChange ||= s.blockChange;
    blockEntitlement ||= s.blockEntitlement;
    blockBilling ||= s.blockBilling;
  }
  return { blockChange, blockEntitlement, blockBilling };
}
