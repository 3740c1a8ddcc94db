import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testCallContext } from '../../../test/support/engine.js';
import { AuditLogEntity, type AuditLogRow } from '../audit/model.js';
import { PaymentMethodEntity, type PaymentMethodRow } from '../payment/model.js';
import type { Database } from './database.js';
import { LeanWrites, leanFind, leanFindOne } from './lean-rows.js';
import { readEm, writeTx } from './scope.js';

let db: Database & { drop(): Promise<void> };

beforeAll(async () => {
  db = await openTestDatabase(import.meta.filename);
});
afterAll(async () => {
  await db?.drop();
});

const ctx = testCallContext(4);
const at = new Date('2026-05-06T07:08:09.010Z');
const method = (externalKey: string, tenantRecordId = 4): Omit<PaymentMethodRow, 'recordId'> => ({
  id: crypto.randomUUID(), tenantRecordId, accountRecordId: 11, accountId: crypto.randomUUID(), externalKey, pluginName: 'test-payment', isActive: true,
  externalPaymentMethodId: `it's "card" \\ 1`, pluginInfo: [{ key: 'last4', value: '4242' }], createdDate: at, createdBy: 'tester', updatedDate: at, updatedBy: 'tester',
});

/** An audit row without what differs between two rows by construction. */
function comparable(log: AuditLogRow): Record<string, unknown> {
  const { recordId: _r, targetId: _t, targetRecordId: _tr, history, ...rest } = log;
  const { id: _id, recordId: _hr, externalKey: _k, accountId: _a, ...h } = history;
  return { ...rest, history: h };
}

describe('lean rows', () => {
  it('read rows typed as the entity reads them: booleans, dates, JSON, in the em tenant only', async () => {
    const orm = await writeTx(db, ctx, async (em) => em.create(PaymentMethodEntity, method('read-me')));
    await writeTx(db, testCallContext(5), async (em) => em.create(PaymentMethodEntity, method('read-me', 5)));
    const em = readEm(db, ctx);
    const viaOrm = await em.findOneOrFail(PaymentMethodEntity, { id: orm.id });
    const lean = await leanFindOne<PaymentMethodRow>(readEm(db, ctx), PaymentMethodEntity, { externalKey: 'read-me' });
    expect(lean).toEqual({ ...viaOrm });
    expect(lean!.isActive).toBe(true);
    expect(lean!.createdDate).toBeInstanceOf(Date);
    expect(await leanFind(readEm(db, ctx), PaymentMethodEntity, { externalKey: 'read-me' })).toHaveLength(1);
    await expect(leanFind(db.fork(), PaymentMethodEntity, { externalKey: 'read-me' })).rejects.toThrow(/without a tenant scope/);
  });

  it('insert and update with the audit rows the recorder writes for the same changes', async () => {
    const viaOrm = await writeTx(db, ctx, async (em) => em.create(PaymentMethodEntity, method('orm')));
    await writeTx(db, ctx, async (em) => {
      const row = await em.findOneOrFail(PaymentMethodEntity, { id: viaOrm.id });
      row.externalPaymentMethodId = 'changed';
      row.updatedDate = new Date(at.getTime() + 1000);
    });
    const lean = await writeTx(db, ctx, async (em) => {
      const writes = new LeanWrites(em);
      const row = await writes.insert(PaymentMethodEntity, method('lean'));
      expect(row.recordId).toBeGreaterThan(viaOrm.recordId);
      await writes.update(PaymentMethodEntity, row, { externalPaymentMethodId: 'changed', updatedDate: new Date(at.getTime() + 1000) });
      await writes.flushAudits();
      return row;
    });
    const em = readEm(db, ctx);
    expect((await em.findOneOrFail(PaymentMethodEntity, { id: lean.id })).externalPaymentMethodId).toBe('changed');
    const logs = async (id: string) => (await em.find(AuditLogEntity, { targetId: id }, { orderBy: { recordId: 'asc' } })).map(comparable);
    expect(await logs(lean.id)).toEqual(await logs(viaOrm.id));
  });

  it('record turning isActive off as a DELETE, write nothing for unchanged values, and roll back with the transaction', async () => {
    const row = await writeTx(db, ctx, async (em) => {
      const writes = new LeanWrites(em);
      const r = await writes.insert(PaymentMethodEntity, method('deleted'));
      await writes.update(PaymentMethodEntity, r, { pluginName: 'test-payment' });
      await writes.update(PaymentMethodEntity, r, { isActive: false });
      await writes.flushAudits();
      return r;
    });
    const em = readEm(db, ctx);
    expect((await em.find(AuditLogEntity, { targetId: row.id }, { orderBy: { recordId: 'asc' } })).map((l) => l.changeType)).toEqual(['INSERT', 'DELETE']);
    await expect(
      writeTx(db, ctx, async (tx) => {
        await new LeanWrites(tx).insert(PaymentMethodEntity, method('rolled-back'));
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await leanFindOne(readEm(db, ctx), PaymentMethodEntity, { externalKey: 'rolled-back' })).toBeNull();
  });

  it('answer a duplicate key as MikroORM does, so callers keep catching UniqueConstraintViolationException', async () => {
    await writeTx(db, ctx, async (em) => new LeanWrites(em).insert(PaymentMethodEntity, method('unique')));
    await expect(writeTx(db, ctx, async (em) => new LeanWrites(em).insert(PaymentMethodEntity, method('unique')))).rejects.toThrow(expect.objectContaining({ name: 'UniqueConstraintViolationException' }));
  });

  it('refuse an audited write outside writeTx and a row of another tenant', async () => {
    const em = db.fork();
    em.setFilterParams('tenant', { tenantRecordId: 4 });
    await expect(new LeanWrites(em).insert(PaymentMethodEntity, method('outside'))).rejects.toThrow(/outside writeTx/);
    await expect(writeTx(db, ctx, async (tx) => new LeanWrites(tx).insert(PaymentMethodEntity, method('foreign', 9)))).rejects.toThrow(/another tenant/);
  });
});
