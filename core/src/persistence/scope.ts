import { TransactionPropagation, type EntityManager } from '@mikro-orm/core';
import { isTenantCall, type CallContext, type SystemCallContext, type TenantContext } from '../context.js';
import type { Database } from './database.js';
import { bindWriteContext } from './write-context.js';

/** An entity manager whose every query on tenant-owned tables is limited to the caller's tenant. */
export function readEm(db: Database, ctx: TenantContext): EntityManager {
  const em = db.fork();
  em.setFilterParams('tenant', { tenantRecordId: ctx.tenant.recordId });
  return em;
}

/**
 * The only way core writes: one transaction, scoped to the caller's tenant, with the call context bound
 * so the audit recorder can stamp who/why on every changed row. A throw inside rolls back everything.
 */
export async function writeTx<T>(db: Database, ctx: CallContext | SystemCallContext, fn: (em: EntityManager) => Promise<T>): Promise<T> {
  const em = db.fork();
  if (isTenantCall(ctx)) em.setFilterParams('tenant', { tenantRecordId: ctx.tenant.recordId });
  return em.transactional(async (tx) => {
    bindWriteContext(tx, ctx);
    return fn(tx);
  });
}

/**
 * `fn` in a savepoint of the caller's transaction, with the call context bound for the audit recorder: a
 * throw undoes only what `fn` wrote, and the caller decides what follows (an invoice run parks the account,
 * an invoice payment falls back to its queue).
 */
export function inSavepoint<T>(em: EntityManager, ctx: CallContext, fn: (em: EntityManager) => Promise<T>): Promise<T> {
  return em.transactional(
    (inner) => {
      bindWriteContext(inner, ctx);
      return fn(inner);
    },
    { propagation: TransactionPropagation.NESTED },
  );
}
