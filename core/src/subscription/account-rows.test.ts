import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testCallContext } from '../../../test/support/engine.js';
import { readEm } from '../persistence/scope.js';
import { loadAccountRows } from './views.js';

let db: Awaited<ReturnType<typeof openTestDatabase>>;

beforeAll(async () => {
  db = await openTestDatabase(import.meta.filename);
  const conn = db.fork().getConnection();
  // One bundle of account 7 in tenant 1, and one with the same account record id in tenant 2 (impossible in
  // practice, record ids are global: it shows the tenant is named by the read itself).
  for (const [tenant, id] of [[1, 'b-t1'], [2, 'b-t2']] as const) {
    await conn.execute(
      "insert into bundles (id, created_date, created_by, updated_date, updated_by, tenant_record_id, account_record_id, account_id, external_key, original_created_date, last_sys_update_date) values (?, now(3), 'x', now(3), 'x', ?, 7, 'a', ?, now(3), now(3))",
      [id, tenant, `key-${id}`],
    );
  }
});
afterAll(async () => {
  await db.drop();
});

describe("an account's rows for billing events", () => {
  it("are plain rows of the em's tenant only, with dates as dates", async () => {
    const rows = await loadAccountRows(readEm(db, testCallContext(1)), 7);
    expect(rows.bundles.map((b) => b.id)).toEqual(['b-t1']);
    expect(rows.bundles[0]!.createdDate).toBeInstanceOf(Date);
    expect(rows.subscriptions).toEqual([]);
  });

  it('refuse an entity manager with no tenant scope', async () => {
    await expect(loadAccountRows(db.fork(), 7)).rejects.toThrow('without a tenant scope');
  });
});
