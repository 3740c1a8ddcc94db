import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openTestDatabase, testCallContext } from '../../../test/support/engine.js';
import { AuditLogEntity, type AuditLogRow } from '../audit/model.js';
import { CustomFieldEntity, type CustomFieldRow } from '../customfield/model.js';
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

  it('update rows of two tables in one statement with the values and audit rows of one update each', async () => {
    const field = (value: string): Omit<CustomFieldRow, 'recordId'> => ({
      id: crypto.randomUUID(), tenantRecordId: 4, accountRecordId: 11, objectId: crypto.randomUUID(), objectType: 'ACCOUNT', fieldName: 'tier', fieldValue: value, isActive: true,
      createdDate: at, createdBy: 'tester', updatedDate: at, updatedBy: 'tester',
    });
    const later = new Date(at.getTime() + 1000);
    const write = (together: boolean) =>
      writeTx(db, ctx, async (em) => {
        const writes = new LeanWrites(em);
        const m = await writes.insert(PaymentMethodEntity, method(`together-${together}`));
        const f = await writes.insert(CustomFieldEntity, field('gold'));
        const updates = [
          { entity: PaymentMethodEntity, row: m, changes: { externalPaymentMethodId: `it's \\ new`, updatedDate: later } },
          { entity: CustomFieldEntity, row: f, changes: { fieldValue: 'platinum', updatedDate: later } },
        ];
        const statements = vi.spyOn(em.getConnection(), 'execute');
        if (together) await writes.updateTogether(updates);
        else for (const u of updates) await writes.updateTogether([u]);
        expect(statements).toHaveBeenCalledTimes(together ? 1 : 2);
        statements.mockRestore();
        await writes.flushAudits();
        return { m, f };
      });
    const one = await write(false);
    const both = await write(true);
    const em = readEm(db, ctx);
    expect(await leanFindOne(em, PaymentMethodEntity, { id: both.m.id })).toEqual({ ...(await leanFindOne<PaymentMethodRow>(em, PaymentMethodEntity, { id: one.m.id })), id: both.m.id, recordId: both.m.recordId, externalKey: 'together-true', accountId: both.m.accountId });
    expect((await leanFindOne<CustomFieldRow>(em, CustomFieldEntity, { id: both.f.id }))!.fieldValue).toBe('platinum');
    const audits = async (ids: string[]) =>
      (await em.find(AuditLogEntity, { targetId: { $in: ids }, changeType: 'UPDATE' }, { orderBy: { recordId: 'asc' } })).map((l) => {
        const c = comparable(l);
        return { ...c, history: { ...(c['history'] as Record<string, unknown>), objectId: null } };
      });
    expect(await audits([both.m.id, both.f.id])).toEqual(await audits([one.m.id, one.f.id]));
    expect(await audits([both.m.id, both.f.id])).toHaveLength(2);
  });

  it('take the account lock with the read when asked (lockingAccount), and find no row without its account', async () => {
    const conn = db.fork().getConnection();
    await conn.execute(
      "insert into accounts (id, created_date, created_by, updated_date, updated_by, tenant_record_id, external_key, billing_cycle_day_local, is_payment_delegated_to_parent, reference_time, time_zone, migrated, is_closed) values (?, now(3), 't', now(3), 't', 4, ?, 0, false, now(3), 'UTC', false, false)",
      [crypto.randomUUID(), crypto.randomUUID()],
    );
    const [account] = (await conn.execute('select record_id from accounts where tenant_record_id = 4 order by record_id desc limit 1')) as { record_id: number }[];
    const owned = await writeTx(db, ctx, async (em) => new LeanWrites(em).insert(PaymentMethodEntity, { ...method('owned'), accountRecordId: Number(account!.record_id) }));
    const orphan = await writeTx(db, ctx, async (em) => new LeanWrites(em).insert(PaymentMethodEntity, { ...method('orphan'), accountRecordId: 999_999 }));
    await writeTx(db, ctx, async (em) => {
      expect((await leanFindOne<PaymentMethodRow>(em, PaymentMethodEntity, { id: owned.id }, { lockingAccount: true }))?.id).toBe(owned.id);
      expect(await leanFindOne(em, PaymentMethodEntity, { id: orphan.id }, { lockingAccount: true })).toBeNull();
      // Another connection cannot take the account lock meanwhile.
      await expect(db.fork().getConnection().execute('select record_id from accounts where record_id = ? for update nowait', [account!.record_id])).rejects.toThrow(/lock/i);
    });
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
