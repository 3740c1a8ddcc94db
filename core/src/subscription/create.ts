import type { EntityManager } from '@mikro-orm/core';
import type { DateTime } from 'luxon';
import type { Account, AccountService } from '../account/index.js';
import type { CatalogService, VersionedCatalog } from '../catalog/index.js';
import { phaseName } from '../catalog/index.js';
import type { Clock } from '../clock/clock.js';
import type { CallContext } from '../context.js';
import { BillingError } from '../errors/index.js';
import { lockAccount } from '../persistence/account-lock.js';
import type { Database } from '../persistence/database.js';
import { writeTx } from '../persistence/scope.js';
import { creationStamps } from '../persistence/stamps.js';
import { requirePermission } from '../security/subject.js';
import { newId } from '../values/ids.js';
import { AccountTime } from './account-time.js';
import { addDuration, createPlanStart, currentAndNext, phaseTimeline } from './alignment.js';
import { findOrCreateBundle, type BundleState } from './bundles.js';
import { ENT_STATE_START, ENTITLEMENT_SERVICE } from './entitlement-events.js';
import { emitBlockingState, emitTransition, scheduleSubscriptionWork } from './events.js';
import { BlockingStateEntity, SubscriptionEntity, SubscriptionEventEntity } from './model.js';
import { checkPrices, checkSpec, resolveSpecs, type ResolvedSpec } from './specs.js';
import type { BundleId, BundleSpec, CreatedSubscriptions, CreateSubscriptionsInput, SubscriptionId } from './subscription.js';
import { transitionType, type ApiEventType, type SubscriptionEventKind } from './timeline.js';

/**
 * Creating subscriptions (Kill Bill's DefaultEntitlementApi.createBaseEntitlementsWithAddOns →
 * DefaultSubscriptionBaseCreateApi → DefaultSubscriptionBaseApiService.getEventsOnCreation): every bundle of
 * the call in one transaction under the account lock; each subscription gets its CREATE event at the billing
 * date, its next PHASE (or the EXPIRED of a fixed term), optional BCD and quantity events, and an ENT_STARTED
 * blocking state at the entitlement date. Effective events go on the bus at once, future ones are scheduled.
 */

export interface CreateDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly catalog: CatalogService;
  readonly accounts: AccountService;
}

interface Call {
  readonly em: EntityManager;
  readonly ctx: CallContext;
  readonly clock: Clock;
  readonly account: Account;
  readonly catalog: VersionedCatalog;
  readonly time: AccountTime;
  readonly now: DateTime;
  readonly migrated: boolean;
}

export async function createSubscriptions(deps: CreateDeps, ctx: CallContext, input: CreateSubscriptionsInput): Promise<CreatedSubscriptions> {
  requirePermission(ctx, 'entitlement:create');
  if (input.bundles.length === 0 || input.bundles.some((b) => b.entitlements.length === 0)) {
    throw new BillingError('INVALID_PARAMETER', 'No subscription specified to create');
  }
  for (const b of input.bundles) b.entitlements.forEach(checkSpec);
  const account = await deps.accounts.getById(ctx, input.accountId);
  const catalog = await deps.catalog.require(ctx);
  const time = new AccountTime(account.timeZone, account.referenceTime);

  return writeTx(deps.db, ctx, async (em) => {
    await lockAccount(em, ctx.tenant.recordId, account.recordId);
    const now = deps.clock.now();
    const call: Call = { em, ctx, clock: deps.clock, account, catalog, time, now, migrated: input.migrated ?? false };
    // Absent dates are the call's instant (DefaultEntitlementApi.updateBaseEntitlementWithAddOnsSpecifiers).
    const entitlementDate = input.entitlementDate ? time.resolve(input.entitlementDate) : now;
    const billingDate = input.billingDate ? time.resolve(input.billingDate) : now;
    const subscriptionIds: SubscriptionId[] = [];
    const bundleIds: BundleId[] = [];
    for (const spec of input.bundles) {
      const created = await createBundle(call, spec, entitlementDate, billingDate, input.renameKeyIfExistsAndUnused ?? true);
      bundleIds.push(created.bundleId);
      subscriptionIds.push(...created.subscriptionIds);
    }
    return { subscriptionIds, bundleIds };
  });
}

async function createBundle(call: Call, spec: BundleSpec, entitlementDate: DateTime, requestedBillingDate: DateTime, rename: boolean) {
  const { catalog, time } = call;
  const existing = await findOrCreateBundle.find(call.em, call.catalog, call.account, spec, call.now);
  // An add-on never bills before its base starts (computeActualBillingRequestedDate).
  const billingDate = existing?.base && existing.base.startDate.toMillis() > requestedBillingDate.toMillis() ? existing.base.startDate : requestedBillingDate;
  const { ordered, hasBase } = resolveSpecs(catalog, spec.entitlements, billingDate);
  if (hasBase && existing?.base) {
    throw new BillingError('SUB_CREATE_BP_EXISTS', `Subscription bundle ${existing.row.externalKey} already has a base subscription`, { bundleId: existing.row.id });
  }
  if (!existing && !hasBase) {
    throw new BillingError('SUB_CREATE_NO_BP', `Missing Base Subscription for bundle ${spec.bundleExternalKey ?? spec.bundleId ?? ''}`, { bundleExternalKey: spec.bundleExternalKey ?? null });
  }
  const bundle = existing ?? (await findOrCreateBundle.create(call.em, call.ctx, call.catalog, call.account, spec.bundleExternalKey ?? null, rename, call.now));

  const subscriptionIds: SubscriptionId[] = [];
  for (const r of ordered) {
    checkPrices(r, call.account.currency);
    checkAddOn(call, r, ordered, bundle, hasBase, billingDate);
    const bundleStart = hasBase ? billingDate : bundle.base!.startDate;
    subscriptionIds.push(await writeSubscription(call, r, bundle, billingDate, bundleStart, entitlementDate));
  }
  return { bundleId: bundle.row.id as BundleId, subscriptionIds };
}

/**
 * AddonUtils.checkAddonCreationRights and the plansAllowedInBundle limit. An add-on created with its base
 * in one call is checked against that base's product too (Kill Bill only checks add-ons of an existing bundle).
 */
function checkAddOn(call: Call, r: ResolvedSpec, ordered: readonly ResolvedSpec[], bundle: BundleState, hasBase: boolean, requestedDate: DateTime): void {
  if (r.category !== 'ADD_ON') return;
  const limit = r.plan.plansAllowedInBundle;
  if (limit > 0) {
    const existing = bundle.liveAddOnPlans.filter((name) => name === r.plan.name).length;
    const requested = ordered.filter((o) => o.category === 'ADD_ON' && o.plan.name === r.plan.name).length;
    if (existing + requested > limit) {
      throw new BillingError(
        'SUB_CREATE_AO_MAX_PLAN_ALLOWED_BY_BUNDLE',
        `Can't create AddOn ${r.plan.name}, the number of Subscriptions allowed by this Plan and Bundle has reached its limit`,
        { planName: r.plan.name },
      );
    }
  }
  let baseProductName: string;
  if (hasBase) {
    baseProductName = ordered[0]!.plan.product;
  } else {
    const base = bundle.base;
    if (!base) throw new BillingError('SUB_CREATE_NO_BP', `Missing Base Subscription for bundle ${bundle.row.id}`, { bundleId: bundle.row.id });
    const pendingTooLate = base.state === 'PENDING' && call.time.toLocalDate(base.startDate) < call.time.toLocalDate(requestedDate);
    if (base.state === 'CANCELLED' || base.state === 'EXPIRED' || pendingTooLate || !base.productName) {
      throw new BillingError('SUB_CREATE_AO_BP_NON_ACTIVE', `Can't create AddOn ${r.plan.name} for non active Base Plan`, { planName: r.plan.name });
    }
    baseProductName = base.productName;
  }
  const baseProduct = call.catalog.findProduct(baseProductName, call.now);
  if (baseProduct.included.includes(r.plan.product)) {
    throw new BillingError('SUB_CREATE_AO_ALREADY_INCLUDED', `Can't create AddOn ${r.plan.name} for BasePlan ${baseProductName} (Already included)`, {
      planName: r.plan.name,
      baseProductName,
    });
  }
  if (!baseProduct.available.includes(r.plan.product)) {
    throw new BillingError('SUB_CREATE_AO_NOT_AVAILABLE', `Can't create AddOn ${r.plan.name} for BasePlan ${baseProductName} (Not available)`, {
      planName: r.plan.name,
      baseProductName,
    });
  }
}

interface NewEvent {
  readonly kind: SubscriptionEventKind;
  readonly apiType: ApiEventType | null;
  readonly at: DateTime;
  readonly phaseName: string | null;
  readonly bcd?: number;
  readonly quantity?: number;
}

async function writeSubscription(call: Call, r: ResolvedSpec, bundle: BundleState, billingDate: DateTime, bundleStart: DateTime, entitlementDate: DateTime): Promise<SubscriptionId> {
  const { em, ctx, clock, account, time, now } = call;
  const id = newId<'Subscription'>();
  const externalKey = r.spec.externalKey ?? id;
  if (await em.findOne(SubscriptionEntity, { externalKey }, { fields: ['id'] })) {
    throw new BillingError('SUB_CREATE_INVALID_ENTITLEMENT_SPECIFIER', `Invalid entitlement specifier: a subscription with external key ${externalKey} already exists`, { externalKey });
  }
  const planStart = createPlanStart(r.version, r.plan.name, billingDate, bundleStart);
  const { current, next } = currentAndNext(phaseTimeline(r.plan, r.spec.phaseType ?? null, planStart, time.zone), billingDate);
  if (!current) throw new BillingError('SUB_INVALID_REQUESTED_DATE', `Requested date ${billingDate.toISO()} is not allowed to be prior to the previous transition ${planStart.toISO()}`);

  const stamps = creationStamps(ctx, now.toJSDate());
  em.create(SubscriptionEntity, {
    id,
    tenantRecordId: ctx.tenant.recordId,
    accountRecordId: account.recordId,
    bundleId: bundle.row.id,
    externalKey,
    category: r.category,
    startDate: billingDate.toJSDate(),
    bundleStartDate: bundleStart.toJSDate(),
    chargedThroughDate: null,
    migrated: call.migrated,
    ...stamps,
  });

  const events: NewEvent[] = [{ kind: 'API_USER', apiType: 'CREATE', at: billingDate, phaseName: phaseName(r.plan, current.phase) }];
  if (r.spec.billCycleDayLocal != null) events.push({ kind: 'BCD_UPDATE', apiType: null, at: billingDate, phaseName: null, bcd: r.spec.billCycleDayLocal });
  if (r.spec.quantity != null) events.push({ kind: 'QUANTITY_UPDATE', apiType: null, at: billingDate, phaseName: null, quantity: r.spec.quantity });
  if (next) {
    events.push({ kind: 'PHASE', apiType: null, at: next.start, phaseName: phaseName(r.plan, next.phase) });
  } else if (current.phase.type === 'FIXEDTERM') {
    // Kill Bill counts the fixed term from the creation date (getEventsOnCreation's expiredEvent).
    const end = addDuration(billingDate, current.phase.duration, time.zone);
    if (end) events.push({ kind: 'EXPIRED', apiType: null, at: end, phaseName: null });
  }
  for (const e of events) {
    const row = em.create(SubscriptionEventEntity, {
      id: newId(),
      tenantRecordId: ctx.tenant.recordId,
      accountRecordId: account.recordId,
      subscriptionId: id,
      eventType: e.kind,
      userType: e.apiType,
      effectiveDate: e.at.toJSDate(),
      requestedDate: e.at.toJSDate(),
      planName: e.kind === 'API_USER' || e.kind === 'PHASE' ? r.plan.name : null,
      phaseName: e.phaseName,
      priceListName: e.kind === 'API_USER' || e.kind === 'PHASE' ? r.priceListName : null,
      billingCycleDayLocal: e.bcd ?? null,
      quantity: e.quantity ?? null,
      isActive: true,
      ...stamps,
    });
    const type = transitionType({ kind: e.kind, apiType: e.apiType });
    const notice = { type, subscriptionId: id, eventId: row.id, bundleExternalKey: bundle.row.externalKey, effectiveDate: e.at, accountRecordId: account.recordId };
    // Only user and BCD events are posted at once (DefaultSubscriptionDao: isBusEvent); the rest when due.
    if (e.at.toMillis() <= now.toMillis()) {
      if (e.kind === 'API_USER' || e.kind === 'BCD_UPDATE') emitTransition(em, ctx, clock, notice);
    } else {
      scheduleSubscriptionWork(em, ctx, clock, e.at, account.recordId, { kind: 'event', subscriptionId: id, eventId: row.id });
    }
  }

  const state = em.create(BlockingStateEntity, {
    id: newId(),
    tenantRecordId: ctx.tenant.recordId,
    accountRecordId: account.recordId,
    blockableId: id,
    type: 'SUBSCRIPTION',
    state: ENT_STATE_START,
    service: ENTITLEMENT_SERVICE,
    blockChange: false,
    blockEntitlement: false,
    blockBilling: false,
    effectiveDate: entitlementDate.toJSDate(),
    isActive: true,
    ...stamps,
  });
  if (entitlementDate.toMillis() <= now.toMillis()) {
    emitBlockingState(em, ctx, clock, { ...state, type: 'SUBSCRIPTION', effectiveDate: entitlementDate, accountRecordId: account.recordId });
  } else {
    scheduleSubscriptionWork(em, ctx, clock, entitlementDate, account.recordId, { kind: 'blockingState', blockingStateId: state.id });
  }
  return id;
}
