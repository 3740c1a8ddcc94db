import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testCallContext } from '../../../test/support/engine.js';
import type { Database } from '../persistence/database.js';
import { readEm, writeTx } from '../persistence/scope.js';
import { TenantKvEntity } from '../tenant/model.js';
import { auditRowsFor, insertAuditRows, insertAuditedRows } from './bulk-insert.js';
import { AuditLogEntity, type AuditLogRow } from './model.js';

let db: Database & { drop(): Promise<void> };

beforeAll(async () => {
  db = await openTestDatabase(import.meta.filename);
});
afterAll(async () => {
  await db?.drop();
});

const ctx = testCallContext(7);
const at = new Date('2026-03-04T05:06:07.089Z');
const kv = (key: string, tenantRecordId = 7) => ({
  id: crypto.randomUUID(),
  tenantRecordId,
  tenantKey: key,
  tenantValue: 'v',
  isActive: true,
  createdDate: at,
  createdBy: 'tester',
  updatedDate: at,
  updatedBy: 'tester',
});

/** An audit row without what differs between two rows by construction (ids and record ids). */
function comparable(log: AuditLogRow): Record<string, unknown> {
  const { recordId: _r, targetId: _t, targetRecordId: _tr, history, ...rest } = log;
  const { id: _id, recordId: _hr, tenantKey: _k, ...h } = history;
  return { ...rest, history: h };
}

describe('bulk writes of audited rows', () => {
  it('write the same audit rows as the recorder does for the same rows', async () => {
    const viaOrm = await writeTx(db, ctx, async (em) => em.create(TenantKvEntity, kv('orm')));
    const bulk = [kv('bulk-1'), kv('bulk-2')];
    await writeTx(db, ctx, (em) => insertAuditedRows(em, TenantKvEntity, bulk));

    const em = readEm(db, ctx);
    expect(await em.count(TenantKvEntity, { id: { $in: bulk.map((r) => r.id) } })).toBe(2);
    const [orm] = await em.find(AuditLogEntity, { targetId: viaOrm.id });
    const logs = await em.find(AuditLogEntity, { targetId: { $in: bulk.map((r) => r.id) } }, { orderBy: { recordId: 'asc' } });
    expect(logs.map((l) => l.targetId)).toEqual(bulk.map((r) => r.id));
    for (const log of logs) expect(comparable(log)).toEqual(comparable(orm!));
    expect(logs[0]!.history).toMatchObject({ tenantKey: 'bulk-1', createdDate: at.toISOString(), tableName: 'TENANT_KVS' });
  });

  it('record a native update as the recorder records an UPDATE of the row as it became', async () => {
    const row = kv('updated');
    await writeTx(db, ctx, (em) => insertAuditedRows(em, TenantKvEntity, [row]));
    await writeTx(db, ctx, async (em) => {
      const r = await em.findOneOrFail(TenantKvEntity, { id: row.id });
      r.tenantValue = 'w';
    });
    await writeTx(db, ctx, async (em) => {
      const r = await em.findOneOrFail(TenantKvEntity, { id: row.id }, { disableIdentityMap: true });
      r.tenantValue = 'x';
      await em.nativeUpdate(TenantKvEntity, { id: row.id }, { tenantValue: 'x' });
      await insertAuditRows(em, auditRowsFor(em, TenantKvEntity, [r as unknown as Record<string, unknown>], 'UPDATE'));
    });
    const logs = await readEm(db, ctx).find(AuditLogEntity, { targetId: row.id }, { orderBy: { recordId: 'asc' } });
    expect(logs.map((l) => l.changeType)).toEqual(['INSERT', 'UPDATE', 'UPDATE']);
    const { tenantValue: _a, ...byOrm } = logs[1]!.history;
    const { tenantValue: _b, ...byBulk } = logs[2]!.history;
    expect(byBulk).toEqual(byOrm);
    expect(logs[2]!.history).toMatchObject({ tenantValue: 'x' });
    expect(logs[2]!.targetRecordId).toBe(logs[1]!.targetRecordId);
  });

  it('refuse a write outside writeTx and a row of another tenant, as the recorder does', async () => {
    await expect(insertAuditedRows(db.fork(), TenantKvEntity, [kv('sneaky')])).rejects.toThrow(/outside writeTx/);
    await expect(writeTx(db, ctx, (em) => insertAuditedRows(em, TenantKvEntity, [kv('foreign', 8)]))).rejects.toThrow(/another tenant/);
  });
});
