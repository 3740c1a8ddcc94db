import type { EntityManager } from '@mikro-orm/core';

/**
 * The account lock: `SELECT ... FOR UPDATE` on the account's row, held to the end of the transaction.
 * Every change to an account's billing state (API writes, bus consumers, notifications) takes it first,
 * so two changes of one account never interleave, on one node or many. Work that belongs to no account
 * locks the tenant's row instead. Proved by bus/bus.test.ts (concurrent consumers) and the two-node tests.
 */
export async function lockAccount(em: EntityManager, tenantRecordId: number, accountRecordId: number | null): Promise<void> {
  const conn = em.getConnection();
  const ctx = em.getTransactionContext();
  if (accountRecordId !== null) {
    await conn.execute('select record_id from accounts where record_id = ? and tenant_record_id = ? for update', [accountRecordId, tenantRecordId], 'all', ctx);
  } else {
    await conn.execute('select record_id from tenants where record_id = ? for update', [tenantRecordId], 'all', ctx);
  }
}
