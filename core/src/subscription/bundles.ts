import type { EntityManager } from '@mikro-orm/core';
import { DateTime } from 'luxon';
import type { Account } from '../account/index.js';
import type { VersionedCatalog } from '../catalog/index.js';
import type { CallContext } from '../context.js';
import { BillingError } from '../errors/index.js';
import { escapeLike } from '../persistence/like.js';
import { creationStamps, touch } from '../persistence/stamps.js';
import { newId } from '../values/ids.js';
import { BundleEntity, SubscriptionEntity, SubscriptionEventEntity, type BundleRow, type SubscriptionRow } from './model.js';
import type { BundleSpec } from './subscription.js';
import { stateAt, transitionsOf, type SubscriptionBaseState } from './timeline.js';
import { toEventRecord } from './views.js';

/**
 * Which bundle a creation goes into (DefaultSubscriptionBaseCreateApi.getBundleWithSanity,
 * DefaultSubscriptionDao.createSubscriptionBundle): a given bundle, the active bundle of a key, or a new one,
 * reusing an unused bundle of the account's or renaming the keys of cancelled ones.
 */

export interface BaseState {
  readonly startDate: DateTime;
  readonly state: SubscriptionBaseState;
  /** The product of the base's current or pending plan (getCurrentOrPendingPlan). */
  readonly productName: string | null;
}

export interface BundleState {
  readonly row: BundleRow;
  readonly base: BaseState | null;
  /** Plans of the add-ons that are not cancelled or expired, one entry per subscription. */
  readonly liveAddOnPlans: readonly string[];
}

const dt = (d: Date) => DateTime.fromJSDate(d, { zone: 'utc' });
const badSpec = (what: string, details: Record<string, unknown>) =>
  new BillingError('SUB_CREATE_INVALID_ENTITLEMENT_SPECIFIER', `Invalid entitlement specifier: ${what}`, details);

async function subscriptionStates(em: EntityManager, catalog: VersionedCatalog, subs: readonly SubscriptionRow[], now: DateTime) {
  const events = subs.length === 0 ? [] : await em.find(SubscriptionEventEntity, { subscriptionId: { $in: subs.map((s) => s.id) } });
  return subs.map((sub) => {
    const state = stateAt(transitionsOf(events.filter((e) => e.subscriptionId === sub.id).map(toEventRecord), catalog), now);
    return { sub, state };
  });
}

async function stateOf(em: EntityManager, catalog: VersionedCatalog, row: BundleRow, now: DateTime): Promise<BundleState> {
  const subs = await em.find(SubscriptionEntity, { bundleId: row.id }, { orderBy: { recordId: 'asc' } });
  const states = await subscriptionStates(em, catalog, subs, now);
  const base = states.find((s) => s.sub.category === 'BASE');
  return {
    row,
    base: base ? { startDate: dt(base.sub.startDate), state: base.state.state, productName: base.state.lastActive?.product.name ?? null } : null,
    liveAddOnPlans: states
      .filter((s) => s.sub.category === 'ADD_ON' && s.state.state !== 'CANCELLED' && s.state.state !== 'EXPIRED' && s.state.lastActive)
      .map((s) => s.state.lastActive!.plan.name),
  };
}

/** A bundle holding a base or standalone subscription that has not ended (SubscriptionApiBase.getActiveBundleForKey). */
async function activeBundleForKey(em: EntityManager, catalog: VersionedCatalog, key: string, now: DateTime): Promise<BundleRow | null> {
  for (const row of await em.find(BundleEntity, { externalKey: key }, { orderBy: { recordId: 'asc' } })) {
    const subs = await em.find(SubscriptionEntity, { bundleId: row.id, category: { $ne: 'ADD_ON' } });
    const states = await subscriptionStates(em, catalog, subs, now);
    if (states.some((s) => s.state.endDate === null || s.state.endDate.toMillis() > now.toMillis())) return row;
  }
  return null;
}

async function find(em: EntityManager, catalog: VersionedCatalog, account: Account, spec: BundleSpec, now: DateTime): Promise<BundleState | null> {
  if (spec.bundleId) {
    const row = await em.findOne(BundleEntity, { id: spec.bundleId });
    if (!row || row.accountId !== account.id) throw badSpec(`bundle ${spec.bundleId} does not exist`, { bundleId: spec.bundleId });
    if (spec.bundleExternalKey != null && spec.bundleExternalKey !== row.externalKey) {
      throw badSpec(`specified bundle externalKey ${spec.bundleExternalKey} doesn't match existing bundle externalKey ${row.externalKey}`, { bundleId: spec.bundleId });
    }
    return stateOf(em, catalog, row, now);
  }
  if (spec.bundleExternalKey != null) {
    const row = await activeBundleForKey(em, catalog, spec.bundleExternalKey, now);
    if (!row) return null;
    if (row.accountId !== account.id) {
      throw new BillingError('SUB_CREATE_ACTIVE_BUNDLE_KEY_EXISTS', `Active bundle with external key ${spec.bundleExternalKey} already exists`, { externalKey: spec.bundleExternalKey });
    }
    return stateOf(em, catalog, row, now);
  }
  return null;
}

async function create(em: EntityManager, ctx: CallContext, catalog: VersionedCatalog, account: Account, key: string | null, rename: boolean, now: DateTime): Promise<BundleState> {
  if (key !== null && key.length > 255) throw new BillingError('EXTERNAL_KEY_LIMIT_EXCEEDED', 'External key exceeded 255 characters', { field: 'bundleExternalKey' });
  const id = newId<'Bundle'>();
  const externalKey = key ?? id;
  // Bundles holding the key, or holding it once and renamed since (BundleSqlDao.getBundlesForLikeKey).
  const existing = await em.find(
    BundleEntity,
    { $or: [{ externalKey }, { externalKey: { $like: `kb%-%:${escapeLike(externalKey)}` } }] },
    { orderBy: { recordId: 'asc' } },
  );
  const unused = existing.find((b) => b.externalKey === externalKey && b.accountId === account.id);
  if (unused && (await em.count(SubscriptionEntity, { bundleId: unused.id })) === 0) return stateOf(em, catalog, unused, now);

  for (const row of existing) {
    const subs = await em.find(SubscriptionEntity, { bundleId: row.id, category: { $ne: 'ADD_ON' } });
    for (const { state } of await subscriptionStates(em, catalog, subs, now)) {
      if (state.state !== 'CANCELLED') {
        throw new BillingError('SUB_CREATE_ACTIVE_BUNDLE_KEY_EXISTS', `Active bundle with external key ${externalKey} already exists`, { externalKey });
      }
    }
  }
  const holder = existing.find((b) => b.externalKey === externalKey);
  if (holder) {
    if (!rename) throw new BillingError('SUB_CREATE_ACTIVE_BUNDLE_KEY_EXISTS', `Bundle with external key ${externalKey} already exists`, { externalKey });
    // BundleSqlDao.renameBundleExternalKey: the cancelled bundle gives its key up as kbcncl-<recordId>:<key>.
    holder.externalKey = `kbcncl-${holder.recordId}:${externalKey}`;
    touch(holder, ctx, now.toJSDate());
    await em.flush();
  }
  const row = em.create(BundleEntity, {
    id,
    tenantRecordId: ctx.tenant.recordId,
    accountRecordId: account.recordId,
    accountId: account.id,
    externalKey,
    originalCreatedDate: existing[0]?.createdDate ?? now.toJSDate(),
    lastSysUpdateDate: null,
    ...creationStamps(ctx, now.toJSDate()),
  });
  return { row, base: null, liveAddOnPlans: [] };
}

export const findOrCreateBundle = { find, create };
