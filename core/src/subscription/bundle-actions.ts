import type { AccountService } from '../account/index.js';
import type { CatalogService } from '../catalog/index.js';
import type { Clock } from '../clock/clock.js';
import type { CallContext } from '../context.js';
import { BillingError } from '../errors/index.js';
import { lockAccount } from '../persistence/account-lock.js';
import type { Database } from '../persistence/database.js';
import { writeTx } from '../persistence/scope.js';
import { touch } from '../persistence/stamps.js';
import { requirePermission } from '../security/subject.js';
import { BundleEntity, SubscriptionEntity, SubscriptionEventEntity } from './model.js';
import type { BundleId } from './subscription.js';
import { stateAt, transitionsOf } from './timeline.js';
import { toEventRecord } from './views.js';

/** Bundle-wide actions of Kill Bill's BundleResource: renaming the external key (the transfer is transfer.ts). */

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
