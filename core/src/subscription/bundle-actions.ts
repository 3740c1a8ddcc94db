import type { AccountService } from '../account/index.js';
import type { CatalogService } from '../catalog/index.js';
import type { Clock } from '../clock/clock.js';
import type { CallContext } from '../context.js';
import { BillingError } from '../errors/index.js';
import { lockAccount } from '../persistence/account-lock.js';
import type { Database } from '../persistence/database.js';
import { readEm, writeTx } from '../persistence/scope.js';
import { touch } from '../persistence/stamps.js';
import { requirePermission } from '../security/subject.js';
import type { AccountId } from '../values/ids.js';
import { blockedAt, ENTITLEMENT_SERVICE } from './entitlement-events.js';
import { BlockingStateEntity, BundleEntity, SubscriptionEntity, SubscriptionEventEntity } from './model.js';
import type { BundleId } from './subscription.js';
import { stateAt, transitionsOf } from './timeline.js';
import { toBlockingRecord, toEventRecord } from './views.js';

/** Bundle-wide actions of Kill Bill's BundleResource: renaming the external key and transferring to another account. */

export interface BundleActionDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly catalog: CatalogService;
  readonly accounts: AccountService;
}

const bundleNotFound = (id: string) => new BillingError('SUB_GET_INVALID_BUNDLE_ID', `Could not find a bundle matching id ${id}`, { bundleId: id });

/**
 * SubscriptionApi.updateExternalKey (entitlement:create). The key is unique in the tenant: a bundle whose
 * base and standalones have all been cancelled gives it up as `kbcncl-<recordId>:<key>`, as a creation
 * does; a live holder makes it SUB_CREATE_ACTIVE_BUNDLE_KEY_EXISTS.
 */
export async function renameBundleKey(deps: BundleActionDeps, ctx: CallContext, bundleId: BundleId, externalKey: string): Promise<void> {
  requirePermission(ctx, 'entitlement:create');
  if (externalKey.length === 0) throw new BillingError('INVALID_PARAMETER', 'BundleJson externalKey needs to be set', { field: 'externalKey' });
  if (externalKey.length > 255) throw new BillingError('EXTERNAL_KEY_LIMIT_EXCEEDED', 'External key exceeded 255 characters', { field: 'externalKey' });
  const catalog = await deps.catalog.get(ctx);
  await writeTx(deps.db, ctx, async (em) => {
    const bundle = await em.findOne(BundleEntity, { id: bundleId });
    if (!bundle) throw bundleNotFound(bundleId);
    await lockAccount(em, ctx.tenant.recordId, bundle.accountRecordId);
    if (bundle.externalKey === externalKey) return;
    const now = deps.clock.now();
    const holder = await em.findOne(BundleEntity, { externalKey });
    if (holder) {
      const subs = await em.find(SubscriptionEntity, { bundleId: holder.id, category: { $ne: 'ADD_ON' } });
      const events = subs.length === 0 ? [] : await em.find(SubscriptionEventEntity, { subscriptionId: { $in: subs.map((s) => s.id) } });
      const live = subs.some((s) => {
        if (!catalog) return true;
        const state = stateAt(transitionsOf(events.filter((e) => e.subscriptionId === s.id).map(toEventRecord), catalog), now);
        return state.state !== 'CANCELLED' && state.state !== 'EXPIRED';
      });
      if (live) throw new BillingError('SUB_CREATE_ACTIVE_BUNDLE_KEY_EXISTS', `Active bundle with external key ${externalKey} already exists`, { externalKey });
      holder.externalKey = `kbcncl-${holder.recordId}:${externalKey}`;
      touch(holder, ctx, now.toJSDate());
      // The unique key index is checked row by row: the old holder must let go before the bundle takes it.
      await em.flush();
    }
    bundle.externalKey = externalKey;
    touch(bundle, ctx, now.toJSDate());
  });
}

export interface TransferRequest {
  readonly bundleId: BundleId;
  readonly toAccountId: AccountId;
}

/**
 * DefaultEntitlementApi.transferEntitlementsOverrideBillingPolicy checks (entitlement:transfer): the bundle
 * and the destination account exist in the tenant, the destination is another account, and the bundle is
 * not paused (ENT_ALREADY_BLOCKED). Moving the subscriptions (cancel on the source at the requested date,
 * re-create with TRANSFER events in a new bundle on the destination) is not implemented yet: the call is
 * refused with NOT_IMPLEMENTED after the checks, so nothing changes.
 */
export async function transferBundle(deps: BundleActionDeps, ctx: CallContext, req: TransferRequest): Promise<never> {
  requirePermission(ctx, 'entitlement:transfer');
  const em = readEm(deps.db, ctx);
  const bundle = await em.findOne(BundleEntity, { id: req.bundleId });
  if (!bundle) throw bundleNotFound(req.bundleId);
  const destination = await deps.accounts.getById(ctx, req.toAccountId);
  if (destination.id === bundle.accountId) {
    throw new BillingError('INVALID_PARAMETER', `Bundle ${bundle.id} already belongs to account ${destination.id}`, { field: 'accountId' });
  }
  const states = (await em.find(BlockingStateEntity, { blockableId: bundle.id, isActive: true })).map(toBlockingRecord);
  const own = states.filter((s) => s.type === 'SUBSCRIPTION_BUNDLE' && s.service === ENTITLEMENT_SERVICE);
  if (blockedAt(own, deps.clock.now()).blockEntitlement) {
    throw new BillingError('ENT_ALREADY_BLOCKED', `The blockable entity ${bundle.id} is already blocked`, { bundleId: bundle.id });
  }
  throw new BillingError('NOT_IMPLEMENTED', 'Api not implemented yet: transferring a bundle to another account is not supported', { bundleId: bundle.id });
}
