import type { DateTime } from 'luxon';
import { phaseName, type BillingActionPolicy } from '../catalog/index.js';
import type { CallContext } from '../context.js';
import { BillingError } from '../errors/index.js';
import { lockAccount } from '../persistence/account-lock.js';
import { readEm, writeTx } from '../persistence/scope.js';
import { creationStamps, touch } from '../persistence/stamps.js';
import { requirePermission } from '../security/subject.js';
import type { AccountId } from '../values/ids.js';
import { newId } from '../values/ids.js';
import { AccountTime, type DateInput } from './account-time.js';
import { writeCancel } from './cancel.js';
import { ENT_STATE_CANCELLED, ENT_STATE_START, ENTITLEMENT_SERVICE, blockedAt } from './entitlement-events.js';
import { emitBlockingState, scheduleSubscriptionWork } from './events.js';
import { addEntitlementCancel, addEvent, deactivate, dt, earliestValidDate, entitlementCancels, viewOf, type Frame, type LifecycleDeps, type NewEvent } from './lifecycle.js';
import { BlockingStateEntity, BundleEntity, SubscriptionEntity, SubscriptionEventEntity, type SubscriptionEventRow, type SubscriptionRow } from './model.js';
import type { BundleId } from './subscription.js';
import type { Transition } from './timeline.js';
import { toBlockingRecord } from './views.js';

/**
 * Transferring a bundle to another account of the tenant (BundleResource.transferBundle →
 * DefaultEntitlementApi.transferEntitlementsOverrideBillingPolicy → DefaultSubscriptionBaseTransferApi.transferBundle).
 * In one transaction holding both account locks: the source subscriptions are cancelled (billing at the
 * transfer date, or at the charged-through date for END_OF_TERM; entitlement at the transfer date), the
 * bundle's key moves to a new bundle of the destination, and each subscription still running is re-created
 * there from its events at and after the transfer date, the one in force becoming a TRANSFER (so phases stay
 * where the original alignment put them). Kill Bill has no un-transfer.
 */

export interface TransferRequest {
  readonly bundleId: BundleId;
  readonly toAccountId: AccountId;
  /** Null = now (fromLocalDateAndReferenceTime with no date). */
  readonly requestedDate: DateInput | null;
  /** Null = END_OF_TERM (BundleResource's default). */
  readonly billingPolicy: BillingActionPolicy | null;
}

/** What a copied event becomes on the new subscription. */
export type CopiedEvent = Required<Pick<NewEvent, 'kind' | 'apiType' | 'at'>> & Pick<NewEvent, 'planName' | 'phaseName' | 'priceListName' | 'bcd'>;

/** createEvent: CREATE/TRANSFER → TRANSFER; CHANGE and PHASE → TRANSFER when first, else themselves; BCD kept; the rest dropped. */
function copyOf(t: Transition, first: boolean, transferDate: DateTime): CopiedEvent | null {
  const at = t.effectiveDate.toMillis() < transferDate.toMillis() ? transferDate : t.effectiveDate;
  if (t.type === 'BCD_CHANGE') return { kind: 'BCD_UPDATE', apiType: null, at, bcd: t.billCycleDayLocal };
  const next = t.next;
  if (!next) return null;
  const plan = { planName: next.plan.name, phaseName: phaseName(next.plan, next.phase), priceListName: next.priceListName };
  switch (t.type) {
    case 'CREATE':
    case 'TRANSFER':
      return { kind: 'API_USER', apiType: 'TRANSFER', at, ...plan };
    case 'CHANGE':
      return first ? { kind: 'API_USER', apiType: 'TRANSFER', at, ...plan } : { kind: 'API_USER', apiType: 'CHANGE', at, ...plan };
    case 'PHASE':
      return first ? { kind: 'API_USER', apiType: 'TRANSFER', at, ...plan } : { kind: 'PHASE', apiType: null, at, ...plan };
    default:
      // CANCEL, EXPIRED, QUANTITY_CHANGE (a TODO in Kill Bill), and the UNCANCEL/UNDO_CHANGE markers.
      return null;
  }
}

/**
 * DefaultSubscriptionBaseTransferApi.toEvents: events before the transfer date are skipped, except the last
 * one (and the last BCD change), which are re-dated to the transfer date ahead of the later ones.
 */
export function transferEvents(transitions: readonly Transition[], transferDate: DateTime): CopiedEvent[] {
  const out: CopiedEvent[] = [];
  let first = true;
  let prev: Transition | null = null;
  let prevBcd: Transition | null = null;
  const insert = (t: Transition | null): boolean => {
    if (!t) return false;
    const copy = copyOf(t, first, transferDate);
    if (!copy) return false;
    out.push(copy);
    first = false;
    return true;
  };
  for (const t of transitions) {
    if (t.type === 'UNCANCEL' || t.type === 'UNDO_CHANGE') continue;
    if (t.effectiveDate.toMillis() < transferDate.toMillis()) {
      if (t.type === 'BCD_CHANGE') prevBcd = t;
      else prev = t;
      continue;
    }
    if (insert(prev)) prev = null;
    if (insert(prevBcd)) prevBcd = null;
    insert(t);
  }
  insert(prev);
  insert(prevBcd);
  return out;
}

/** The candidate billing end: the charged-through date when END_OF_TERM and it is after the transfer date, else the transfer date. */
export function transferCancelDate(transferDate: DateTime, chargedThroughDate: DateTime | null, cancelImmediately: boolean, earliestValid: DateTime): DateTime {
  const candidate = !cancelImmediately && chargedThroughDate !== null && transferDate.toMillis() < chargedThroughDate.toMillis() ? chargedThroughDate : transferDate;
  return candidate.toMillis() < earliestValid.toMillis() ? earliestValid : candidate;
}

const bundleNotFound = (id: string) => new BillingError('SUB_GET_INVALID_BUNDLE_ID', `Could not find a bundle matching id ${id}`, { bundleId: id });

function cancelImmediatelyOf(policy: BillingActionPolicy | null): boolean {
  if (policy === null || policy === 'END_OF_TERM') return false;
  if (policy === 'IMMEDIATE') return true;
  // transferEntitlementsOverrideBillingPolicy throws "Unexpected billing policy" for the others.
  throw new BillingError('INVALID_PARAMETER', `Unexpected billing policy ${policy}`, { field: 'billingPolicy' });
}

export async function transferBundle(deps: LifecycleDeps, ctx: CallContext, req: TransferRequest): Promise<BundleId> {
  requirePermission(ctx, 'entitlement:transfer');
  const cancelImmediately = cancelImmediatelyOf(req.billingPolicy);
  const found = await readEm(deps.db, ctx).findOne(BundleEntity, { id: req.bundleId });
  if (!found) throw bundleNotFound(req.bundleId);
  const destination = await deps.accounts.getById(ctx, req.toAccountId);
  const source = await deps.accounts.getById(ctx, found.accountId as AccountId);
  if (destination.id === source.id) {
    throw new BillingError('INVALID_PARAMETER', `Bundle ${found.id} already belongs to account ${destination.id}`, { field: 'accountId' });
  }
  const catalog = await deps.catalog.require(ctx);
  return writeTx(deps.db, ctx, async (em) => {
    // Both accounts change: locks in record id order, so two opposite transfers cannot deadlock.
    for (const recordId of [source.recordId, destination.recordId].sort((a, b) => a - b)) await lockAccount(em, ctx.tenant.recordId, recordId);
    const bundle = await em.findOneOrFail(BundleEntity, { id: found.id });
    if (bundle.accountId !== source.id) throw bundleNotFound(found.id);
    const now = deps.clock.now();
    const time = new AccountTime(source.timeZone, source.referenceTime);
    const [subs, events, stateRows] = await Promise.all([
      em.find(SubscriptionEntity, { bundleId: bundle.id }, { orderBy: { recordId: 'asc' } }),
      em.find(SubscriptionEventEntity, { accountRecordId: source.recordId }, { orderBy: { recordId: 'asc' } }),
      em.find(BlockingStateEntity, { accountRecordId: source.recordId }, { orderBy: { recordId: 'asc' } }),
    ]);
    const eventRows = new Map<string, SubscriptionEventRow[]>();
    for (const e of events) eventRows.set(e.subscriptionId, [...(eventRows.get(e.subscriptionId) ?? []), e]);
    const base = subs.find((s) => s.category !== 'ADD_ON') ?? subs[0];
    if (!base) throw new BillingError('SUB_GET_INVALID_BUNDLE_KEY', `Could not find a bundle matching key ${bundle.externalKey}`, { externalKey: bundle.externalKey });
    const from: Frame = { em, ctx, clock: deps.clock, now, account: source, time, catalog, bundle, sub: base, bundleSubs: subs, eventRows, stateRows };

    checkTransferable(from);
    const transferDate = req.requestedDate ? time.resolve(req.requestedDate) : now;
    // Read before the cancellations deactivate the future events: they are what the new subscriptions continue.
    const views = subs.map((s) => viewOf(from, s)).filter((v) => v.base.state !== 'CANCELLED');
    cancelOnSource(from, views, transferDate, cancelImmediately);

    const key = bundle.externalKey;
    // The bundles_external_key index is unique per tenant: the source bundle gives its key up first.
    bundle.externalKey = `kbtsf-${bundle.recordId}:${key}`;
    touch(bundle, ctx, now.toJSDate());
    await em.flush();
    const target = em.create(BundleEntity, {
      id: newId<'Bundle'>(),
      tenantRecordId: ctx.tenant.recordId,
      accountRecordId: destination.recordId,
      accountId: destination.id,
      externalKey: key,
      originalCreatedDate: bundle.originalCreatedDate,
      lastSysUpdateDate: null,
      ...creationStamps(ctx, now.toJSDate()),
    });
    const to: Frame = { ...from, account: destination, time: new AccountTime(destination.timeZone, destination.referenceTime), bundle: target, bundleSubs: [], eventRows: new Map(), stateRows: [] };
    for (const v of views) recreate(to, v.sub, v.transitions, transferDate);
    return target.id as BundleId;
  });
}

/**
 * getFirstActiveSubscriptionIdForKeyOrNull: some base or standalone subscription whose last entitlement
 * state is not ENT_CANCELLED (else SUB_GET_INVALID_BUNDLE_KEY); and the bundle is not paused now.
 */
function checkTransferable(f: Frame): void {
  const states = f.stateRows.filter((s) => s.isActive).map(toBlockingRecord);
  const live = f.bundleSubs.some((s) => {
    if (s.category === 'ADD_ON') return false;
    const own = states
      .filter((b) => b.type === 'SUBSCRIPTION' && b.blockableId === s.id && b.service === ENTITLEMENT_SERVICE)
      .sort((a, b) => a.effectiveDate.toMillis() - b.effectiveDate.toMillis());
    return own.at(-1)?.state !== ENT_STATE_CANCELLED && viewOf(f, s).base.state !== 'CANCELLED';
  });
  if (!live) throw new BillingError('SUB_GET_INVALID_BUNDLE_KEY', `Could not find a bundle matching key ${f.bundle.externalKey}`, { externalKey: f.bundle.externalKey });
  const bundleStates = states.filter((s) => s.type === 'SUBSCRIPTION_BUNDLE' && s.blockableId === f.bundle.id && s.service === ENTITLEMENT_SERVICE);
  if (blockedAt(bundleStates, f.now).blockEntitlement) {
    throw new BillingError('ENT_ALREADY_BLOCKED', `The blockable entity ${f.bundle.id} is already blocked`, { bundleId: f.bundle.id });
  }
}

/**
 * The source side: a CANCEL per subscription still running (an add-on under END_OF_TERM ends with its base,
 * as Kill Bill computes it), and ENT_CANCELLED at the transfer date on each.
 */
function cancelOnSource(f: Frame, views: ReturnType<typeof viewOf>[], transferDate: DateTime, cancelImmediately: boolean): void {
  let baseCancel: DateTime | null = null;
  const ordered = [...views].sort((a, b) => Number(a.sub.category === 'ADD_ON') - Number(b.sub.category === 'ADD_ON'));
  for (const v of ordered) {
    const earliest = earliestValidDate(v, f.now);
    const ctd = v.sub.chargedThroughDate ? dt(v.sub.chargedThroughDate) : null;
    let at = transferCancelDate(transferDate, ctd, cancelImmediately, earliest);
    if (v.sub.category === 'ADD_ON' && !cancelImmediately && baseCancel !== null) at = baseCancel.toMillis() < earliest.toMillis() ? earliest : baseCancel;
    if (v.sub.category !== 'ADD_ON' && baseCancel === null) baseCancel = at;
    // Already ending by then (a pending cancellation or expiry): that end stands.
    const endsSooner = v.base.endDate !== null && v.base.endDate.toMillis() <= at.toMillis();
    if (!endsSooner) writeCancel(f, v.sub, at, null);
    const entEnd = v.entitlement.endDate;
    if (entEnd !== null && entEnd.toMillis() <= transferDate.toMillis()) continue;
    deactivate(f, entitlementCancels(f, v.sub).filter((s) => s.effectiveDate.getTime() > f.now.toMillis()));
    addEntitlementCancel(f, v.sub, transferDate);
  }
}

/** The destination side: a new subscription on the same plan and alignment, its events copied, ENT_STARTED at the transfer date. */
function recreate(f: Frame, old: SubscriptionRow, transitions: readonly Transition[], transferDate: DateTime): void {
  const copies = transferEvents(transitions, transferDate);
  if (copies.length === 0) return;
  const id = newId<'Subscription'>();
  const stamps = creationStamps(f.ctx, f.now.toJSDate());
  const sub = f.em.create(SubscriptionEntity, {
    id,
    tenantRecordId: f.ctx.tenant.recordId,
    accountRecordId: f.account.recordId,
    bundleId: f.bundle.id,
    // No key map is given on the REST call: the new subscription's key defaults to its id.
    externalKey: id,
    category: old.category,
    // "We Align with the original subscription": phases keep being laid from the original starts.
    startDate: old.startDate,
    bundleStartDate: old.bundleStartDate,
    chargedThroughDate: null,
    migrated: false,
    ...stamps,
  });
  for (const e of copies) addEvent(f, sub, e);
  addEntitlementStart(f, sub, transferDate);
}

function addEntitlementStart(f: Frame, sub: SubscriptionRow, at: DateTime): void {
  const row = f.em.create(BlockingStateEntity, {
    id: newId(),
    tenantRecordId: f.ctx.tenant.recordId,
    accountRecordId: sub.accountRecordId,
    blockableId: sub.id,
    type: 'SUBSCRIPTION',
    state: ENT_STATE_START,
    service: ENTITLEMENT_SERVICE,
    blockChange: false,
    blockEntitlement: false,
    blockBilling: false,
    effectiveDate: at.toJSDate(),
    isActive: true,
    ...creationStamps(f.ctx, f.now.toJSDate()),
  });
  if (at.toMillis() <= f.now.toMillis()) {
    emitBlockingState(f.em, f.ctx, f.clock, { ...row, type: 'SUBSCRIPTION', effectiveDate: at, accountRecordId: sub.accountRecordId });
  } else {
    scheduleSubscriptionWork(f.em, f.ctx, f.clock, at, sub.accountRecordId, { kind: 'blockingState', blockingStateId: row.id });
  }
}
