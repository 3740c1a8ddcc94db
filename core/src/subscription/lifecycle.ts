import type { EntityManager } from '@mikro-orm/core';
import { DateTime } from 'luxon';
import type { Account, AccountService } from '../account/index.js';
import { phaseName, type CatalogService, type VersionedCatalog } from '../catalog/index.js';
import type { Clock } from '../clock/clock.js';
import type { CallContext } from '../context.js';
import { BillingError } from '../errors/index.js';
import { lockAccount } from '../persistence/account-lock.js';
import type { Database } from '../persistence/database.js';
import { readEm, writeTx } from '../persistence/scope.js';
import { creationStamps, touch } from '../persistence/stamps.js';
import type { Permission } from '../security/permission.js';
import { requirePermission } from '../security/subject.js';
import type { AccountId } from '../values/ids.js';
import { newId } from '../values/ids.js';
import { AccountTime } from './account-time.js';
import { ENT_STATE_CANCELLED, ENTITLEMENT_SERVICE, entitlementStateAt, type BlockingStateRecord, type EntitlementState } from './entitlement-events.js';
import { emitBlockingState, emitTransition, scheduleSubscriptionWork } from './events.js';
import { BlockingStateEntity, BundleEntity, SubscriptionEntity, SubscriptionEventEntity, type BlockingStateRow, type BundleRow, type SubscriptionEventRow, type SubscriptionRow } from './model.js';
import { nextPhaseAfter } from './notifications.js';
import type { SubscriptionId } from './subscription.js';
import { lastPlanTransition, stateAt, transitionsOf, transitionType, type ApiEventType, type SubscriptionEventKind, type SubscriptionStateAt, type Transition, type TransitionType } from './timeline.js';
import { statesFor, toBlockingRecord, toEventRecord } from './views.js';

/**
 * The transactional frame change, cancel, uncancel and undo share: one writeTx under the account lock, the
 * account's subscription rows loaded inside it, and the writes they make (events appended, future ones
 * deactivated, ENT_CANCELLED states), each posted on the bus at once when in force or scheduled on the
 * `subscription-events` queue for its date (DefaultSubscriptionDao.recordBusOrFutureNotificationFromTransaction).
 */

export interface LifecycleDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly catalog: CatalogService;
  readonly accounts: AccountService;
}

export interface Frame {
  readonly em: EntityManager;
  readonly ctx: CallContext;
  readonly clock: Clock;
  readonly now: DateTime;
  readonly account: Account;
  readonly time: AccountTime;
  readonly catalog: VersionedCatalog;
  readonly bundle: BundleRow;
  /** The subscription the call names. */
  readonly sub: SubscriptionRow;
  /** Every subscription of its bundle, the named one included. */
  readonly bundleSubs: readonly SubscriptionRow[];
  readonly eventRows: Map<string, SubscriptionEventRow[]>;
  readonly stateRows: BlockingStateRow[];
}

/** One subscription as the checks read it, at the call's instant. */
export interface SubjectView {
  readonly sub: SubscriptionRow;
  readonly transitions: readonly Transition[];
  readonly base: SubscriptionStateAt;
  readonly states: readonly BlockingStateRecord[];
  readonly entitlement: { readonly state: EntitlementState; readonly startDate: DateTime | null; readonly endDate: DateTime | null };
}

export const dt = (d: Date) => DateTime.fromJSDate(d, { zone: 'utc' });

export async function inFrame<T>(deps: LifecycleDeps, ctx: CallContext, id: SubscriptionId, permission: Permission, work: (f: Frame) => Promise<T>): Promise<T> {
  requirePermission(ctx, permission);
  const found = await readEm(deps.db, ctx).findOne(SubscriptionEntity, { id });
  if (!found) throw new BillingError('SUB_INVALID_SUBSCRIPTION_ID', `Unknown subscription matching id ${id}`, { subscriptionId: id });
  const bundleRow = await readEm(deps.db, ctx).findOneOrFail(BundleEntity, { id: found.bundleId });
  const account = await deps.accounts.getById(ctx, bundleRow.accountId as AccountId);
  const catalog = await deps.catalog.require(ctx);
  return writeTx(deps.db, ctx, async (em) => {
    await lockAccount(em, ctx.tenant.recordId, account.recordId);
    const [bundle, subs, events, stateRows] = await Promise.all([
      em.findOneOrFail(BundleEntity, { id: found.bundleId }),
      em.find(SubscriptionEntity, { bundleId: found.bundleId }, { orderBy: { recordId: 'asc' } }),
      em.find(SubscriptionEventEntity, { accountRecordId: account.recordId }, { orderBy: { recordId: 'asc' } }),
      em.find(BlockingStateEntity, { accountRecordId: account.recordId }, { orderBy: { recordId: 'asc' } }),
    ]);
    const eventRows = new Map<string, SubscriptionEventRow[]>();
    for (const e of events) eventRows.set(e.subscriptionId, [...(eventRows.get(e.subscriptionId) ?? []), e]);
    const sub = subs.find((s) => s.id === id)!;
    const time = new AccountTime(account.timeZone, account.referenceTime);
    return work({ em, ctx, clock: deps.clock, now: deps.clock.now(), account, time, catalog, bundle, sub, bundleSubs: subs, eventRows, stateRows });
  });
}

export function viewOf(f: Frame, sub: SubscriptionRow): SubjectView {
  const transitions = transitionsOf((f.eventRows.get(sub.id) ?? []).map(toEventRecord), f.catalog);
  const base = stateAt(transitions, f.now);
  const states = statesFor(f.stateRows.map(toBlockingRecord), sub, f.account.id);
  return { sub, transitions, base, states, entitlement: entitlementStateAt(base.state, transitions, states, f.now) };
}

/** Kill Bill drops UNCANCEL and UNDO_CHANGE when it rebuilds transitions (filterSubscriptionBaseEvents): they are markers. */
const MARKERS: ReadonlySet<TransitionType> = new Set(['UNCANCEL', 'UNDO_CHANGE']);

/**
 * validateEffectiveDate: nothing may take effect before the last transition already in force (or the start
 * of a subscription that has not started).
 */
export function earliestValidDate(v: SubjectView, now: DateTime): DateTime {
  const past = v.transitions.filter((t) => !MARKERS.has(t.type) && t.effectiveDate.toMillis() <= now.toMillis());
  return past.at(-1)?.effectiveDate ?? dt(v.sub.startDate);
}

/** getCurrentPhaseStart: the last PHASE/CREATE/TRANSFER/CHANGE in force, or the start. */
export function currentPhaseStart(v: SubjectView, now: DateTime): DateTime {
  const kinds: ReadonlySet<TransitionType> = new Set(['PHASE', 'CREATE', 'TRANSFER', 'CHANGE']);
  const past = v.transitions.filter((t) => kinds.has(t.type) && t.effectiveDate.toMillis() <= now.toMillis());
  return past.at(-1)?.effectiveDate ?? dt(v.sub.startDate);
}

export interface NewEvent {
  readonly kind: SubscriptionEventKind;
  readonly apiType: ApiEventType | null;
  readonly at: DateTime;
  readonly planName?: string | null;
  readonly phaseName?: string | null;
  readonly priceListName?: string | null;
  readonly bcd?: number | null;
}

/** Appends an event; user and BCD events in force are posted at once, future ones fire from the queue (isBusEvent). */
export function addEvent(f: Frame, sub: SubscriptionRow, e: NewEvent): SubscriptionEventRow {
  const row = f.em.create(SubscriptionEventEntity, {
    id: newId(),
    tenantRecordId: f.ctx.tenant.recordId,
    accountRecordId: sub.accountRecordId,
    subscriptionId: sub.id,
    eventType: e.kind,
    userType: e.apiType,
    effectiveDate: e.at.toJSDate(),
    requestedDate: e.at.toJSDate(),
    planName: e.planName ?? null,
    phaseName: e.phaseName ?? null,
    priceListName: e.priceListName ?? null,
    billingCycleDayLocal: e.bcd ?? null,
    quantity: null,
    isActive: true,
    ...creationStamps(f.ctx, f.now.toJSDate()),
  });
  // The identity map hands back rows without generated values until flushed; the views only need these fields.
  f.eventRows.set(sub.id, [...(f.eventRows.get(sub.id) ?? []), row]);
  if (e.at.toMillis() <= f.now.toMillis()) {
    if (e.kind === 'API_USER' || e.kind === 'BCD_UPDATE') emitTransition(f.em, f.ctx, f.clock, notice(f, sub, row, transitionType(e)));
  } else {
    scheduleSubscriptionWork(f.em, f.ctx, f.clock, e.at, sub.accountRecordId, { kind: 'event', subscriptionId: sub.id, eventId: row.id });
  }
  return row;
}

function notice(f: Frame, sub: SubscriptionRow, row: SubscriptionEventRow, type: TransitionType) {
  return { type, subscriptionId: sub.id, eventId: row.id, bundleExternalKey: f.bundle.externalKey, effectiveDate: dt(row.effectiveDate), accountRecordId: sub.accountRecordId };
}

/** The REQUESTED bus event every change, cancel, uncancel and undo posts when asked (notifyBusOfRequestedChange). */
export function emitRequested(f: Frame, sub: SubscriptionRow, row: SubscriptionEventRow, type: TransitionType): void {
  emitTransition(f.em, f.ctx, f.clock, { ...notice(f, sub, row, type), actionType: 'REQUESTED' });
}

export function deactivate(f: Frame, rows: readonly (SubscriptionEventRow | BlockingStateRow)[]): void {
  for (const row of rows) {
    row.isActive = false;
    touch(row, f.ctx, f.now.toJSDate());
  }
}

/** The subscription's active event rows matching `keep`. */
export function activeEvents(f: Frame, sub: SubscriptionRow, keep: (r: SubscriptionEventRow) => boolean): SubscriptionEventRow[] {
  return (f.eventRows.get(sub.id) ?? []).filter((r) => r.isActive && keep(r));
}

export function isApi(r: SubscriptionEventRow, ...types: ApiEventType[]): boolean {
  return r.eventType === 'API_USER' && types.includes(r.userType as ApiEventType);
}

/** ENT_CANCELLED of `entitlement-service` on the subscription (DefaultEntitlement: blocks change and entitlement, not billing). */
export function addEntitlementCancel(f: Frame, sub: SubscriptionRow, at: DateTime): BlockingStateRow {
  const row = f.em.create(BlockingStateEntity, {
    id: newId(),
    tenantRecordId: f.ctx.tenant.recordId,
    accountRecordId: sub.accountRecordId,
    blockableId: sub.id,
    type: 'SUBSCRIPTION',
    state: ENT_STATE_CANCELLED,
    service: ENTITLEMENT_SERVICE,
    blockChange: true,
    blockEntitlement: true,
    blockBilling: false,
    effectiveDate: at.toJSDate(),
    isActive: true,
    ...creationStamps(f.ctx, f.now.toJSDate()),
  });
  f.stateRows.push(row);
  if (at.toMillis() <= f.now.toMillis()) {
    emitBlockingState(f.em, f.ctx, f.clock, { ...row, type: 'SUBSCRIPTION', effectiveDate: at, accountRecordId: sub.accountRecordId });
  } else {
    scheduleSubscriptionWork(f.em, f.ctx, f.clock, at, sub.accountRecordId, { kind: 'blockingState', blockingStateId: row.id });
  }
  return row;
}

/** The subscription's own active ENT_CANCELLED rows. */
export function entitlementCancels(f: Frame, sub: SubscriptionRow): BlockingStateRow[] {
  return f.stateRows.filter((s) => s.isActive && s.type === 'SUBSCRIPTION' && s.blockableId === sub.id && s.service === ENTITLEMENT_SERVICE && s.state === ENT_STATE_CANCELLED);
}

export const addOnsOf = (f: Frame) => f.bundleSubs.filter((s) => s.category === 'ADD_ON' && s.id !== f.sub.id);

/** Same instant, to the millisecond (rows written in one call share the call's instant). */
export const sameTime = (a: Date, b: Date) => a.getTime() === b.getTime();

/**
 * The next PHASE from the plan in force, after an uncancel or undo deactivated the future ones
 * (PlanAligner.getNextTimedPhase at now, or at the start of a subscription that has not started).
 */
export function restoreNextPhase(f: Frame, sub: SubscriptionRow): void {
  const v = viewOf(f, sub);
  const at = v.base.state === 'PENDING' ? dt(sub.startDate) : f.now;
  const next = nextPhaseAfter(sub, v.transitions, at, f.time.zone);
  const current = lastPlanTransition(v.transitions, at)?.next;
  if (!next || !current) return;
  if (activeEvents(f, sub, (r) => r.eventType === 'PHASE' && r.effectiveDate.getTime() === next.start.toMillis()).length > 0) return;
  addEvent(f, sub, { kind: 'PHASE', apiType: null, at: next.start, planName: current.plan.name, phaseName: phaseName(current.plan, next.phase), priceListName: current.priceListName });
}
