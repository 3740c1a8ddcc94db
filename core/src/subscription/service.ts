import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import type { Account, AccountService } from '../account/index.js';
import type { CatalogService, ProductCategory, VersionedCatalog } from '../catalog/index.js';
import { DateTime } from 'luxon';
import { catalogRules } from '../catalog/index.js';
import type { Clock } from '../clock/clock.js';
import type { CallContext, TenantContext } from '../context.js';
import { BillingError } from '../errors/index.js';
import type { NotificationQueue } from '../notification/queue.js';
import type { ObjectRegistry } from '../object/registry.js';
import type { Database } from '../persistence/database.js';
import { escapeLike } from '../persistence/like.js';
import { readEm } from '../persistence/scope.js';
import { isUuid, parseId, type AccountId } from '../values/ids.js';
import { AccountTime, type DateInput } from './account-time.js';
import { billingEvents, subscriptionBcd, type BillingEvents, type SubscriptionForBilling } from './billing-events.js';
import { setChargedThroughDatesIn } from './charged-through.js';
import { createSubscriptions } from './create.js';
import { cancelSubscription, uncancelSubscription, type CancelRequest } from './cancel.js';
import { changePlan, undoChangePlan, type ChangeRequest } from './change.js';
import { accountBlockingStates, addBlockingState, pauseOrResumeBundle, type BlockingStateFilter, type NewBlockingState } from './blocking.js';
import { renameBundleKey } from './bundle-actions.js';
import { transferBundle, type TransferRequest } from './transfer.js';
import type { BlockingStateRecord } from './entitlement-events.js';
import { updateBcd, updateQuantity, type SettingUpdate } from './updates.js';
import { SUBSCRIPTION_EVENTS_QUEUE } from './events.js';
import { BundleEntity, SubscriptionEntity, type BundleRow, type SubscriptionRow } from './model.js';
import { subscriptionQueueHandler } from './notifications.js';
import type { Bundle, BundleId, BundlePage, CreatedSubscriptions, CreateSubscriptionsInput, Subscription, SubscriptionId } from './subscription.js';
import { transitionsOf, type Transition } from './timeline.js';
import { BlockingStatesIndex, bundleView, loadAccountRows, subscriptionView, type AccountRows, type ViewContext } from './views.js';

export interface PageRequest {
  readonly offset: number;
  readonly limit: number;
}

export interface AccountBundlesFilter {
  readonly externalKey?: string;
  /** Kill Bill's bundlesFilter: only these bundle ids. */
  readonly bundleIds?: readonly string[];
}

export interface SubscriptionService {
  /** Bases with their add-ons (or standalones), one bundle per spec, in one transaction. */
  create(ctx: CallContext, input: CreateSubscriptionsInput): Promise<CreatedSubscriptions>;
  getById(ctx: TenantContext, id: SubscriptionId): Promise<Subscription>;
  getByExternalKey(ctx: TenantContext, externalKey: string): Promise<Subscription>;
  getBundle(ctx: TenantContext, id: BundleId): Promise<Bundle>;
  /** The active bundle of the key, or with `includeDeleted` every bundle that held it (renamed ones too). */
  getBundlesByKey(ctx: TenantContext, externalKey: string, includeDeleted: boolean): Promise<Bundle[]>;
  listBundles(ctx: TenantContext, page: PageRequest): Promise<BundlePage>;
  /** Bundles whose id or account id is the key, or whose external key contains it. */
  searchBundles(ctx: TenantContext, searchKey: string, page: PageRequest): Promise<BundlePage>;
  /** An unknown account is ACCOUNT_DOES_NOT_EXIST_FOR_ID. */
  accountBundles(ctx: TenantContext, accountId: AccountId, filter: AccountBundlesFilter): Promise<Bundle[]>;
  /** What invoicing bills (and the account BCD its first run stores), for one account; `em`: read inside the caller's transaction. */
  /** `account`: its id, or the account the caller has just read in `em` (an invoice run: saves reading it again). */
  billingEvents(ctx: TenantContext, account: AccountId | Account, em?: EntityManager): Promise<BillingEvents>;
  /** Invoicing's write of the subscriptions' charged-through dates, inside its transaction (subscription id → instant). */
  setChargedThroughDates(em: EntityManager, ctx: CallContext, dates: ReadonlyMap<string, DateTime>): Promise<void>;
  /** PUT /bundles/{id}/pause and /resume: ENT_BLOCKED / ENT_CLEAR on the bundle, now or at the requested day. */
  pauseBundle(ctx: CallContext, bundleId: BundleId, requestedDate: DateInput | null): Promise<void>;
  resumeBundle(ctx: CallContext, bundleId: BundleId, requestedDate: DateInput | null): Promise<void>;
  /** A service's blocking state on an account, bundle or subscription; answers the account it applies under. */
  addBlockingState(ctx: CallContext, state: NewBlockingState): Promise<{ accountId: AccountId }>;
  /** The account's blocking states (its own, its bundles', its subscriptions'), in effective order. */
  blockingStates(ctx: TenantContext, accountId: AccountId, filter: BlockingStateFilter): Promise<BlockingStateRecord[]>;
  updateBcd(ctx: CallContext, update: SettingUpdate, billCycleDayLocal: number): Promise<void>;
  updateQuantity(ctx: CallContext, update: SettingUpdate, quantity: number): Promise<void>;
  renameBundleKey(ctx: CallContext, bundleId: BundleId, externalKey: string): Promise<void>;
  /** POST /bundles/{id}: moves the bundle to another account of the tenant; answers the new bundle's id (transfer.ts). */
  transferBundle(ctx: CallContext, request: TransferRequest): Promise<BundleId>;
  /** PUT /subscriptions/{id}: change plan now, at a date, by a policy or by the catalog's changePolicy. */
  changePlan(ctx: CallContext, request: ChangeRequest): Promise<void>;
  /** PUT /subscriptions/{id}/undoChangePlan: drops a pending change. */
  undoChangePlan(ctx: CallContext, id: SubscriptionId): Promise<void>;
  /** DELETE /subscriptions/{id}: entitlement and billing ends by §5.3's matrix; a base takes its add-ons. */
  cancel(ctx: CallContext, request: CancelRequest): Promise<void>;
  /** PUT /subscriptions/{id}/uncancel: drops a pending cancellation. */
  uncancel(ctx: CallContext, id: SubscriptionId): Promise<void>;
}

export interface SubscriptionServiceDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly catalog: CatalogService;
  readonly accounts: AccountService;
  readonly objects: ObjectRegistry;
  readonly notifications: NotificationQueue;
}

const dt = (d: Date) => DateTime.fromJSDate(d, { zone: 'utc' });

/** A subscription as the billing computations take it. */
function forBilling(s: SubscriptionRow, transitions: readonly Transition[]): SubscriptionForBilling {
  return { id: s.id, bundleId: s.bundleId, category: s.category as ProductCategory, startDate: dt(s.startDate), transitions };
}

const subscriptionNotFound = (id: string) => new BillingError('SUB_INVALID_SUBSCRIPTION_ID', `Unknown subscription matching id ${id}`, { subscriptionId: id });
const bundleNotFound = (id: string) => new BillingError('SUB_GET_INVALID_BUNDLE_ID', `Could not find a bundle matching id ${id}`, { bundleId: id });

export function createSubscriptionService(deps: SubscriptionServiceDeps): SubscriptionService {
  const { db, clock, catalog, accounts, objects } = deps;
  deps.notifications.register(SUBSCRIPTION_EVENTS_QUEUE, subscriptionQueueHandler({ clock, catalog, accounts }));

  objects.register('SUBSCRIPTION', async (ctx, objectId) => {
    const row = await readEm(db, ctx).findOne(SubscriptionEntity, { id: parseId<'Subscription'>(objectId, 'subscriptionId') });
    if (!row) throw subscriptionNotFound(objectId);
    return { objectType: 'SUBSCRIPTION', objectId: row.id, accountRecordId: row.accountRecordId };
  });
  objects.register('BUNDLE', async (ctx, objectId) => {
    const row = await readEm(db, ctx).findOne(BundleEntity, { id: parseId<'Bundle'>(objectId, 'bundleId') });
    if (!row) throw bundleNotFound(objectId);
    return { objectType: 'BUNDLE', objectId: row.id, accountRecordId: row.accountRecordId };
  });

  /** A subscription-level BCD when it has none of its own: the BCD its billing alignment gives (DefaultEventsStream.defaultBillCycleDayLocal). */
  function defaultBcd(account: Account, time: AccountTime, rows: AccountRows, cat: VersionedCatalog) {
    // Indexed once: a per-subscription search of every subscription is quadratic on large accounts.
    const baseOf = new Map<string, SubscriptionRow>();
    for (const s of rows.subscriptions) if (s.category === 'BASE' && !baseOf.has(s.bundleId)) baseOf.set(s.bundleId, s);
    return (sub: SubscriptionRow, transitions: readonly Transition[]): number | null => {
      const pp = transitions.find((t) => t.next)?.next;
      if (!pp) return null;
      const alignment = catalogRules.billingAlignment(pp.version, { planName: pp.plan.name, phaseType: pp.phase.type });
      if (alignment === 'ACCOUNT' && account.billCycleDayLocal > 0) return account.billCycleDayLocal;
      if (alignment === 'BUNDLE') {
        const base = baseOf.get(sub.bundleId);
        if (base && base.id !== sub.id) return subscriptionBcd(forBilling(base, transitionsOf(rows.events.get(base.id) ?? [], cat)), time);
      }
      return subscriptionBcd(forBilling(sub, transitions), time);
    };
  }

  async function views(ctx: TenantContext, accountId: AccountId, em: EntityManager, onlyBundles?: (b: BundleRow) => boolean): Promise<Bundle[]> {
    const account = await accounts.getById(ctx, accountId);
    const rows = await loadAccountRows(em, account.recordId);
    const bundles = rows.bundles.filter(onlyBundles ?? (() => true));
    if (bundles.length === 0) return [];
    const cat = await catalog.require(ctx);
    const time = new AccountTime(account.timeZone, account.referenceTime);
    const v: ViewContext = { catalog: cat, accountId: account.id, currency: account.currency, time, now: clock.now(), defaultBcd: defaultBcd(account, time, rows, cat) };
    const states = new BlockingStatesIndex(rows.blockingStates);
    const subscriptionsOf = new Map<string, SubscriptionRow[]>();
    for (const s of rows.subscriptions) {
      const list = subscriptionsOf.get(s.bundleId);
      if (list) list.push(s);
      else subscriptionsOf.set(s.bundleId, [s]);
    }
    return bundles.map((b) => bundleView(b, (subscriptionsOf.get(b.id) ?? []).map((s) => subscriptionView(v, s, b, rows.events.get(s.id) ?? [], states))));
  }

  async function bundleById(ctx: TenantContext, em: EntityManager, row: BundleRow): Promise<Bundle> {
    const [bundle] = await views(ctx, row.accountId as AccountId, em, (b) => b.id === row.id);
    if (!bundle) throw bundleNotFound(row.id);
    return bundle;
  }

  async function subscriptionOf(ctx: TenantContext, em: EntityManager, row: SubscriptionRow): Promise<Subscription> {
    const bundleRow = await em.findOneOrFail(BundleEntity, { id: row.bundleId });
    const bundle = await bundleById(ctx, em, bundleRow);
    const found = bundle.subscriptions.find((s) => s.id === row.id);
    if (!found) throw subscriptionNotFound(row.id);
    return found;
  }

  async function page(ctx: TenantContext, where: FilterQuery<BundleRow>, req: PageRequest): Promise<BundlePage> {
    const em = readEm(db, ctx);
    const [rows, total] = await em.findAndCount(BundleEntity, where, { orderBy: { recordId: 'asc' }, offset: req.offset, limit: req.limit });
    const max = Object.keys(where).length === 0 ? total : await em.count(BundleEntity, {});
    const items: Bundle[] = [];
    for (const row of rows) items.push(await bundleById(ctx, em, row));
    return { items, offset: req.offset, total, max };
  }

  return {
    create: (ctx, input) => createSubscriptions({ db, clock, catalog, accounts }, ctx, input),

    async getById(ctx, id) {
      const em = readEm(db, ctx);
      const row = await em.findOne(SubscriptionEntity, { id });
      if (!row) throw subscriptionNotFound(id);
      return subscriptionOf(ctx, em, row);
    },

    async getByExternalKey(ctx, externalKey) {
      const em = readEm(db, ctx);
      const row = await em.findOne(SubscriptionEntity, { externalKey });
      if (!row) throw new BillingError('SUB_INVALID_SUBSCRIPTION_EXTERNAL_KEY', `Unknown subscription matching key ${externalKey}`, { externalKey });
      return subscriptionOf(ctx, em, row);
    },

    async getBundle(ctx, id) {
      const em = readEm(db, ctx);
      const row = await em.findOne(BundleEntity, { id });
      if (!row) throw bundleNotFound(id);
      return bundleById(ctx, em, row);
    },

    async getBundlesByKey(ctx, externalKey, includeDeleted) {
      const em = readEm(db, ctx);
      const rows = await em.find(
        BundleEntity,
        includeDeleted ? { $or: [{ externalKey }, { externalKey: { $like: `kb%-%:${escapeLike(externalKey)}` } }] } : { externalKey },
        { orderBy: { recordId: 'asc' } },
      );
      const out: Bundle[] = [];
      for (const row of rows) {
        const bundle = await bundleById(ctx, em, row);
        const live = bundle.subscriptions.some((s) => s.category !== 'ADD_ON' && (s.billingEndDate === null || s.billingEndDate.toMillis() > clock.now().toMillis()));
        if (includeDeleted || live) out.push(bundle);
      }
      if (out.length === 0) throw new BillingError('SUB_GET_INVALID_BUNDLE_KEY', `Could not find a bundle matching key ${externalKey}`, { externalKey });
      return includeDeleted ? out : out.slice(0, 1);
    },

    listBundles: (ctx, req) => page(ctx, {}, req),

    searchBundles(ctx, searchKey, req) {
      const like = { $like: `%${escapeLike(searchKey)}%` };
      const exact = isUuid(searchKey) ? [{ id: searchKey.toLowerCase() }, { accountId: searchKey.toLowerCase() }] : [];
      return page(ctx, { $or: [...exact, { externalKey: like }] }, req);
    },

    async accountBundles(ctx, accountId, filter) {
      const ids = filter.bundleIds ? new Set(filter.bundleIds) : null;
      return views(ctx, accountId, readEm(db, ctx), (b) => (filter.externalKey === undefined || b.externalKey === filter.externalKey) && (ids === null || ids.has(b.id)));
    },

    async billingEvents(ctx, accountOrId, em) {
      const account = typeof accountOrId === 'string' ? await (em ? accounts.getIn(em, accountOrId) : accounts.getById(ctx, accountOrId)) : accountOrId;
      const rows = await loadAccountRows(em ?? readEm(db, ctx), account.recordId);
      const time = new AccountTime(account.timeZone, account.referenceTime);
      if (rows.subscriptions.length === 0) return { events: [], accountBcdToPersist: null };
      const cat = await catalog.require(ctx);
      const states = new BlockingStatesIndex(rows.blockingStates);
      return billingEvents(
        { currency: account.currency, billCycleDayLocal: account.billCycleDayLocal, time },
        // BlockingCalculator: each subscription's own, bundle and account blocking states stop its billing.
        rows.subscriptions.map((s) => ({ ...forBilling(s, transitionsOf(rows.events.get(s.id) ?? [], cat)), blockingStates: states.for(s, account.id) })),
      );
    },

    setChargedThroughDates: (em, ctx, dates) => setChargedThroughDatesIn(em, ctx, clock.now().toJSDate(), dates),

    pauseBundle: (ctx, bundleId, requestedDate) => pauseOrResumeBundle({ db, clock, accounts }, ctx, bundleId, true, requestedDate),
    resumeBundle: (ctx, bundleId, requestedDate) => pauseOrResumeBundle({ db, clock, accounts }, ctx, bundleId, false, requestedDate),
    addBlockingState: async (ctx, state) => ({ accountId: (await addBlockingState({ db, clock, accounts }, ctx, state)).accountId }),

    async blockingStates(ctx, accountId, filter) {
      const account = await accounts.getById(ctx, accountId);
      return accountBlockingStates(readEm(db, ctx), account.recordId, filter);
    },

    updateBcd: (ctx, update, bcd) => updateBcd({ db, clock, accounts }, ctx, update, bcd),
    updateQuantity: (ctx, update, quantity) => updateQuantity({ db, clock, accounts }, ctx, update, quantity),
    renameBundleKey: (ctx, bundleId, key) => renameBundleKey({ db, clock, catalog, accounts }, ctx, bundleId, key),
    transferBundle: (ctx, request) => transferBundle({ db, clock, catalog, accounts }, ctx, request),
    changePlan: (ctx, request) => changePlan({ db, clock, catalog, accounts }, ctx, request),
    undoChangePlan: (ctx, id) => undoChangePlan({ db, clock, catalog, accounts }, ctx, id),
    cancel: (ctx, request) => cancelSubscription({ db, clock, catalog, accounts }, ctx, request),
    uncancel: (ctx, id) => uncancelSubscription({ db, clock, catalog, accounts }, ctx, id),
  };
}
