import type { EntityManager } from '@mikro-orm/core';
import type { DateTime } from 'luxon';
import type { Account, AccountService } from '../account/index.js';
import type { Clock } from '../clock/clock.js';
import type { CallContext } from '../context.js';
import { BillingError } from '../errors/index.js';
import { lockAccount } from '../persistence/account-lock.js';
import type { Database } from '../persistence/database.js';
import { writeTx } from '../persistence/scope.js';
import { creationStamps } from '../persistence/stamps.js';
import { requirePermission } from '../security/subject.js';
import type { AccountId } from '../values/ids.js';
import { newId } from '../values/ids.js';
import { AccountTime, type DateInput } from './account-time.js';
import {
  blockedAt,
  ENT_STATE_BLOCKED,
  ENT_STATE_CANCELLED,
  ENT_STATE_CLEAR,
  ENTITLEMENT_SERVICE,
  type BlockingStateRecord,
  type BlockingStateType,
} from './entitlement-events.js';
import { emitBlockingState, scheduleSubscriptionWork } from './events.js';
import { BlockingStateEntity, BundleEntity, SubscriptionEntity } from './model.js';
import { statesFor, toBlockingRecord } from './views.js';

/**
 * Blocking states (Kill Bill's DefaultSubscriptionApi.addBlockingState, DefaultEntitlementApiBase.pause /
 * resume, BlockingChecker): a state a service puts an account, a bundle or a subscription in from a date.
 * Each write locks the account, stores the row, and posts it on the bus at once when it is already in force,
 * else schedules it on the `subscription-events` queue for its date (notifications.ts posts it then).
 */

export interface BlockingDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly accounts: AccountService;
}

export interface NewBlockingState {
  readonly type: BlockingStateType;
  readonly blockableId: string;
  readonly state: string;
  readonly service: string;
  readonly blockChange: boolean;
  readonly blockEntitlement: boolean;
  readonly blockBilling: boolean;
  /** Kill Bill's requestedDate: a day at the account's reference time; absent = the call's instant. */
  readonly requestedDate: DateInput | null;
}

export interface BlockingStateFilter {
  readonly types?: readonly BlockingStateType[];
  readonly services?: readonly string[];
}

const RESERVED_STATES: ReadonlySet<string> = new Set([ENT_STATE_CANCELLED, ENT_STATE_BLOCKED, ENT_STATE_CLEAR]);

const invalidArg = (what: string) => new BillingError('SUB_BLOCKING_STATE_INVALID_ARG', `Invalid arguments for adding a blocking state : ${what}`);

/** The account a blockable belongs to; an unknown id (or another tenant's) is the blockable's own not-found error. */
async function accountOf(deps: BlockingDeps, em: EntityManager, ctx: CallContext, type: BlockingStateType, id: string): Promise<Account> {
  switch (type) {
    case 'ACCOUNT':
      return deps.accounts.getById(ctx, id as AccountId);
    case 'SUBSCRIPTION_BUNDLE': {
      const bundle = await em.findOne(BundleEntity, { id });
      if (!bundle) throw new BillingError('SUB_GET_INVALID_BUNDLE_ID', `Could not find a bundle matching id ${id}`, { bundleId: id });
      return deps.accounts.getById(ctx, bundle.accountId as AccountId);
    }
    case 'SUBSCRIPTION': {
      const sub = await em.findOne(SubscriptionEntity, { id });
      if (!sub) throw new BillingError('SUB_INVALID_SUBSCRIPTION_ID', `Unknown subscription matching id ${id}`, { subscriptionId: id });
      const bundle = await em.findOneOrFail(BundleEntity, { id: sub.bundleId });
      return deps.accounts.getById(ctx, bundle.accountId as AccountId);
    }
  }
}

async function insert(deps: BlockingDeps, ctx: CallContext, s: NewBlockingState): Promise<{ accountId: AccountId; effectiveDate: DateTime }> {
  return writeTx(deps.db, ctx, async (em) => {
    const account = await accountOf(deps, em, ctx, s.type, s.blockableId);
    await lockAccount(em, ctx.tenant.recordId, account.recordId);
    const now = deps.clock.now();
    const time = new AccountTime(account.timeZone, account.referenceTime);
    // EntitlementDateHelper.fromLocalDateAndReferenceTime: a day at the reference time, or now.
    const effectiveDate = s.requestedDate ? time.resolve(s.requestedDate) : now;
    const row = em.create(BlockingStateEntity, {
      id: newId(),
      tenantRecordId: ctx.tenant.recordId,
      accountRecordId: account.recordId,
      blockableId: s.blockableId,
      type: s.type,
      state: s.state,
      service: s.service,
      blockChange: s.blockChange,
      blockEntitlement: s.blockEntitlement,
      blockBilling: s.blockBilling,
      effectiveDate: effectiveDate.toJSDate(),
      isActive: true,
      ...creationStamps(ctx, now.toJSDate()),
    });
    if (effectiveDate.toMillis() <= now.toMillis()) {
      emitBlockingState(em, ctx, deps.clock, { ...s, id: row.id, effectiveDate, accountRecordId: account.recordId });
    } else {
      scheduleSubscriptionWork(em, ctx, deps.clock, effectiveDate, account.recordId, { kind: 'blockingState', blockingStateId: row.id });
    }
    return { accountId: account.id, effectiveDate };
  });
}

/**
 * SubscriptionApi.addBlockingState: any service but the entitlement's own, any state but the entitlement's
 * reserved ones (so a caller cannot forge a pause, a resume or a cancellation).
 */
export function addBlockingState(deps: BlockingDeps, ctx: CallContext, s: NewBlockingState): Promise<{ accountId: AccountId; effectiveDate: DateTime }> {
  requirePermission(ctx, 'entitlement:pause_resume');
  if (!s.service || s.service === ENTITLEMENT_SERVICE) throw invalidArg('Need to specify a valid serviceName');
  if (!s.state || RESERVED_STATES.has(s.state)) throw invalidArg('Need to specify a valid stateName');
  if (s.service.length > 50 || s.state.length > 50) throw invalidArg('serviceName and stateName are at most 50 characters');
  return insert(deps, ctx, s);
}

/** DefaultEntitlementApiBase.pause / resume: ENT_BLOCKED (every flag set) or ENT_CLEAR on the bundle, by the entitlement service. */
export async function pauseOrResumeBundle(deps: BlockingDeps, ctx: CallContext, bundleId: string, pause: boolean, requestedDate: DateInput | null): Promise<void> {
  requirePermission(ctx, 'entitlement:pause_resume');
  await insert(deps, ctx, {
    type: 'SUBSCRIPTION_BUNDLE',
    blockableId: bundleId,
    state: pause ? ENT_STATE_BLOCKED : ENT_STATE_CLEAR,
    service: ENTITLEMENT_SERVICE,
    blockChange: pause,
    blockEntitlement: pause,
    blockBilling: pause,
    requestedDate,
  });
}

/** DefaultSubscriptionApi.getBlockingStates: every active state of the account's objects, in effective order, filtered by type and service. */
export async function accountBlockingStates(em: EntityManager, accountRecordId: number, filter: BlockingStateFilter): Promise<BlockingStateRecord[]> {
  const rows = await em.find(BlockingStateEntity, { accountRecordId, isActive: true }, { orderBy: { effectiveDate: 'asc', recordId: 'asc' } });
  return rows
    .map(toBlockingRecord)
    .filter((s) => (!filter.types?.length || filter.types.includes(s.type)) && (!filter.services?.length || filter.services.includes(s.service)));
}

export interface BlockCheckTarget {
  readonly subscriptionId: string;
  readonly bundleId: string;
  readonly accountId: string;
  readonly accountRecordId: number;
}

/**
 * BlockingChecker.checkBlockedChange: a change is refused while any state in force at `at` on the
 * subscription, its bundle or its account blocks changes (BLOCK_BLOCKED_ACTION). Call it inside the
 * write's transaction, after the account lock, with the change's effective date.
 */
export async function checkNotBlocked(em: EntityManager, target: BlockCheckTarget, at: DateTime, action = 'CHANGE'): Promise<void> {
  const rows = await em.find(BlockingStateEntity, { accountRecordId: target.accountRecordId, isActive: true });
  const states = statesFor(rows.map(toBlockingRecord), { id: target.subscriptionId, bundleId: target.bundleId }, target.accountId);
  if (blockedAt(states, at).blockChange) {
    throw new BillingError('BLOCK_BLOCKED_ACTION', `The action ${action} is block on this SUBSCRIPTION with id=${target.subscriptionId}`, {
      subscriptionId: target.subscriptionId,
      action,
    });
  }
}
