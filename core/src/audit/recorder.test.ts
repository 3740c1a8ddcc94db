import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testCallContext } from '../../../test/support/engine.js';
import type { Database } from '../persistence/database.js';
import { readEm, writeTx } from '../persistence/scope.js';
import { TenantKvEntity } from '../tenant/model.js';
import { AuditLogEntity } from './model.js';

let db: Database & { drop(): Promise<void> };

beforeAll(async () => {
  db = await openTestDatabase(import.meta.filename);
});
afterAll(async () => {
  await db?.drop();
});

const ctx = testCallContext(7);
const kv = (key: string, tenantRecordId = 7) => ({
  id: crypto.randomUUID(),
  tenantRecordId,
  tenantKey: key,
  tenantValue: 'v',
  isActive: true,
  createdDate: new Date(),
  createdBy: 'tester',
  updatedDate: new Date(),
  updatedBy: 'tester',
});

describe('the audit recorder', () => {
  it('writes who, why and the row as it became in the same transaction as an insert', async () => {
    const row = await writeTx(db, ctx, async (em) => em.create(TenantKvEntity, kv('audited')));
    const logs = await readEm(db, ctx).find(AuditLogEntity, { targetId: row.id });
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({
      changeType: 'INSERT',
      objectType: 'TENANT_KVS',
      createdBy: 'tester',
      reasonCode: 'because',
      comments: 'a comment',
      userToken: 'token-7',
      tenantRecordId: 7,
    });
    expect(logs[0]!.history).toMatchObject({ tenantKey: 'audited', tenantValue: 'v', isActive: true });
  });

  it('records an update, and a soft delete as DELETE', async () => {
    const row = await writeTx(db, ctx, async (em) => em.create(TenantKvEntity, kv('changing')));
    await writeTx(db, ctx, async (em) => {
      const r = await em.findOneOrFail(TenantKvEntity, { id: row.id });
      r.tenantValue = 'w';
    });
    await writeTx(db, ctx, async (em) => {
      const r = await em.findOneOrFail(TenantKvEntity, { id: row.id });
      r.isActive = false;
    });
    const logs = await readEm(db, ctx).find(AuditLogEntity, { targetId: row.id }, { orderBy: { recordId: 'asc' } });
    expect(logs.map((l) => l.changeType)).toEqual(['INSERT', 'UPDATE', 'DELETE']);
    expect(logs[1]!.history).toMatchObject({ tenantValue: 'w' });
  });

  it('leaves neither the row nor its audit behind when the transaction fails', async () => {
    const id = crypto.randomUUID();
    await expect(
      writeTx(db, ctx, async (em) => {
        em.create(TenantKvEntity, { ...kv('rolled-back'), id });
        await em.flush();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await readEm(db, ctx).count(TenantKvEntity, { id })).toBe(0);
    expect(await readEm(db, ctx).count(AuditLogEntity, { targetId: id })).toBe(0);
  });

  it('refuses an audited write that does not go through writeTx', async () => {
    const em = db.fork();
    em.create(TenantKvEntity, kv('sneaky'));
    await expect(em.flush()).rejects.toThrow(/outside writeTx/);
  });

  it('refuses a row stamped with another tenant than the call', async () => {
    await expect(writeTx(db, ctx, async (em) => em.create(TenantKvEntity, kv('foreign', 8)))).rejects.toThrow(/another tenant/);
  });
});

describe('tenant scoping of reads', () => {
  it('never returns another tenant rows, and refuses an unscoped read', async () => {
    await writeTx(db, testCallContext(21), async (em) => em.create(TenantKvEntity, kv('mine', 21)));
    expect(await readEm(db, testCallContext(22)).count(TenantKvEntity, { tenantKey: 'mine' })).toBe(0);
    expect(await readEm(db, testCallContext(21)).count(TenantKvEntity, { tenantKey: 'mine' })).toBe(1);
    await expect(db.fork().find(TenantKvEntity, { tenantKey: 'mine' })).rejects.toThrow();
  });
});
