import type { DateTime } from 'luxon';
import type { EntityManager } from '@mikro-orm/core';
import type { Logger } from 'pino';
import type { AccountService } from '../account/service.js';
import type { Clock } from '../clock/clock.js';
import type { CallContext } from '../context.js';
import { BillingError } from '../errors/index.js';
import type { Database } from '../persistence/database.js';
import { inSavepoint, writeTx } from '../persistence/scope.js';
import type { AccountId } from '../values/ids.js';
import type { Dispatcher, RunOutcome } from './dispatcher.js';
import type { InvoicePluginHook } from './plugin-hook.js';
import { parkAccount } from '../tag/park.js';

/**
 * What a failed run does (Kill Bill's InvoiceDispatcher.processAccountInternal, parkAccountsOnAllExceptions=true):
 * - a run from the bus or the next-billing queue runs in a savepoint; on failure its writes are undone, the
 *   account is parked (`__PARK__`) and the failure logged as an error. A BillingError (Kill Bill's
 *   *ApiException) is then handled: the event or notification is done. Any other error is rethrown, so the
 *   bus or queue retries; the retry finds the account parked and skips it with a warning. An invoice
 *   plugin's abort (INVOICE_PLUGIN_API_ABORTED) is not a failure: no invoice, no park.
 * - an API run parks only on UNEXPECTED_ERROR (Kill Bill: "the only case where we park even if this is
 *   from an API call"), and always answers the error.
 */

const ABORTED = 'INVOICE_PLUGIN_API_ABORTED';

export interface GuardDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly plugins: InvoicePluginHook;
  readonly accounts: AccountService;
}

/** `targetAt`: the instant that started the run (its day in the account's zone is the target date). */
export type GuardedRun = (em: EntityManager, ctx: CallContext, accountId: AccountId, origin: 'BUS' | 'NOTIFICATION', targetAt?: DateTime | null) => Promise<RunOutcome | null>;

export function createGuardedRun(deps: GuardDeps, dispatcher: Dispatcher): GuardedRun {
  const { clock, logger } = deps;
  return async (em, ctx, accountId, origin, targetAt = null) => {
    try {
      return await inSavepoint(em, ctx, (inner) => dispatcher.run(inner, ctx, { accountId, targetDate: null, targetAt, origin }));
    } catch (err) {
      await notifyFailure(deps, ctx);
      if (err instanceof BillingError && (err.code as string) === ABORTED) {
        logger.info({ accountId, origin }, 'invoice run aborted by an invoice plugin');
        return null;
      }
      logger.error({ err, accountId, origin }, 'invoice run failed: parking the account (__PARK__) until an API run succeeds');
      if (err instanceof BillingError) {
        const account = await deps.accounts.getIn(em, accountId);
        await parkAccount(em, ctx, clock, account, true);
        return null;
      }
      await parkAlone(deps, ctx, accountId);
      throw err;
    }
  };
}

/** After a failed API run (its transaction rolled back): parks on UNEXPECTED_ERROR only. */
export async function afterFailedApiRun(deps: GuardDeps, ctx: CallContext, accountId: AccountId, err: unknown): Promise<void> {
  await notifyFailure(deps, ctx);
  if (err instanceof BillingError && err.code === 'UNEXPECTED_ERROR') {
    deps.logger.error({ err, accountId, origin: 'API' }, 'invoice run hit an illegal state: parking the account (__PARK__)');
    await parkAlone(deps, ctx, accountId);
  }
}

/** Parks in a transaction of its own (the run's own rolls back); no bus event from there (parking.ts). */
async function parkAlone(deps: GuardDeps, ctx: CallContext, accountId: string): Promise<void> {
  try {
    await writeTx(deps.db, ctx, async (em) => {
      await parkAccount(em, ctx, deps.clock, await deps.accounts.getIn(em, accountId as AccountId), false);
    });
  } catch (parkErr) {
    deps.logger.error({ err: parkErr, accountId }, 'could not park the account after a failed invoice run');
  }
}

async function notifyFailure(deps: GuardDeps, ctx: CallContext): Promise<void> {
  try {
    await deps.plugins.onFailureCall?.(ctx, { targetDate: null, invoice: null, existingInvoices: [], dryRun: false, rescheduled: false });
  } catch (err) {
    deps.logger.warn({ err }, 'invoice plugin onFailureCall failed');
  }
}
