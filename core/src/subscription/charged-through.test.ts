import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testCallContext } from '../../../test/support/engine.js';
import { AuditLogEntity, type AuditLogRow } from '../audit/model.js';
import type { Database } from '../persistence/database.js';
import { readEm, writeTx } from '../persistence/scope.js';
import { setChargedThroughDatesIn } from './charged-through.js';
import { SubscriptionEntity } from './model.js';

let db: Database & { drop(): Promise<void> };

beforeAll(async () => {
  db = await openTestDatabase(import.meta.filename);
});
afterAll(async () => {
  await db?.drop();
});

const ctx = testCallContext(5);
const created = new Date('2026-01-01T00:00:00.000Z');
const at = new Date('2026-02-01T10:00:00.123Z');
const ctd = DateTime.fromISO('2026-03-01T00:00:00.000Z', { zone: 'utc' });

async function subscription(): Promise<string> {
  const id = crypto.randomUUID();
  await writeTx(db, ctx, async (em) => {
    em.create(SubscriptionEntity, {
      id, tenantRecordId: 5, accountRecordId: 9, bundleId: crypto.randomUUID(), externalKey: id, category: 'BASE', startDate: created, bundleStartDate: created,
      chargedThroughDate: null, migrated: false, createdDate: created, createdBy: 'tester', updatedDate: created, updatedBy: 'tester',
    });
  });
  return id;
}

/** The UPDATE audit row without what differs between two subscriptions by construction. */
async function updateAudit(id: string): Promise<Partial<AuditLogRow>> {
  const [log] = await readEm(db, ctx).find(AuditLogEntity, { targetId: id, changeType: 'UPDATE' });
  const { recordId: _r, targetId: _t, targetRecordId: _tr, history, ...rest } = log!;
  const { id: _id, recordId: _hr, externalKey: _k, bundleId: _b, ...h } = history;
  return { ...rest, history: h };
}

describe('charged-through dates set in bulk', () => {
  it('update unmanaged subscriptions natively and audit them as the recorder audits a managed one', async () => {
    const [managed, unmanaged] = [await subscription(), await subscription()];
    await writeTx(db, ctx, async (em) => {
      await em.findOneOrFail(SubscriptionEntity, { id: managed });
      await setChargedThroughDatesIn(em, ctx, at, new Map([[managed, ctd], [unmanaged, ctd]]));
    });
    const rows = await readEm(db, ctx).find(SubscriptionEntity, { id: { $in: [managed, unmanaged] } });
    expect(rows.map((r) => r.chargedThroughDate?.toISOString())).toEqual([ctd.toISO(), ctd.toISO()]);
    expect(rows.map((r) => r.updatedDate.toISOString())).toEqual([at.toISOString(), at.toISOString()]);
    const bulk = await updateAudit(unmanaged);
    expect(bulk).toEqual(await updateAudit(managed));
    expect(bulk.history).toMatchObject({ chargedThroughDate: ctd.toISO(), startDate: created.toISOString(), migrated: false, tableName: 'SUBSCRIPTIONS' });
  });

  it('write nothing for a date that does not change', async () => {
    const id = await subscription();
    await writeTx(db, ctx, (em) => setChargedThroughDatesIn(em, ctx, at, new Map([[id, ctd]])));
    await writeTx(db, ctx, (em) => setChargedThroughDatesIn(em, ctx, new Date(at.getTime() + 1000), new Map([[id, ctd]])));
    expect(await readEm(db, ctx).count(AuditLogEntity, { targetId: id, changeType: 'UPDATE' })).toBe(1);
  });
});
