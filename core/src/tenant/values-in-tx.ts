import type { EntityManager } from '@mikro-orm/core';
import { TenantKvEntity } from './model.js';

/**
 * The active values of a tenant key, read on the caller's own transaction (its tenant filter applies).
 * For bus consumers: one that holds the account lock must not wait for a second pooled connection, or
 * a burst of writes queued on that lock can hold every connection and deadlock the pool.
 */
export async function tenantValuesInTx(em: EntityManager, key: string): Promise<string[]> {
  const rows = await em.find(TenantKvEntity, { tenantKey: key, isActive: true }, { orderBy: { recordId: 'asc' } });
  return rows.map((r) => r.tenantValue);
}
