import type { EntityManager } from '@mikro-orm/core';
import type { DateTime } from 'luxon';
import { auditInsertStatements, auditRowsFor } from '../audit/bulk-insert.js';
import { runPipelined, type StatementBuilder } from '../persistence/multi-row-insert.js';
import { updateStatement } from '../persistence/update-statement.js';
import type { CallContext } from '../context.js';
import { plainRows } from '../persistence/plain-rows.js';
import { touch } from '../persistence/stamps.js';
import { SubscriptionEntity, type SubscriptionRow } from './model.js';

/** Ids per native UPDATE. */
const CHUNK = 1000;

/**
 * Sets the charged-through dates an invoice run computed, in the caller's transaction: one native UPDATE
 * per distinct date (`... where record_id in (...)`, chunked) and the audit rows the recorder would have written
 * (audit/bulk-insert.ts), instead of one managed entity per subscription through the unit of work. A
 * subscription already managed by this entity manager is changed through it instead (flushed, audited by
 * the recorder), so the identity map never holds a stale date. Unchanged dates write nothing.
 */
export async function setChargedThroughDatesIn(em: EntityManager, ctx: CallContext, at: Date, dates: ReadonlyMap<string, DateTime>): Promise<void> {
  if (dates.size === 0) return;
  const managed = new Map<string, SubscriptionRow>();
  const store = em.getUnitOfWork().getIdentityMap().getStore(em.getMetadata().get(SubscriptionEntity.meta.className)) as Map<string, SubscriptionRow>;
  for (const row of store.values()) if (dates.has(row.id)) managed.set(row.id, row);

  if (managed.size > 0) {
    for (const row of managed.values()) {
      const ctd = dates.get(row.id)!.toJSDate();
      if (row.chargedThroughDate?.getTime() === ctd.getTime()) continue;
      row.chargedThroughDate = ctd;
      touch(row, ctx, at);
    }
    await em.flush();
  }

  const others = [...dates.keys()].filter((id) => !managed.has(id));
  if (others.length === 0) return;
  // Plain rows (persistence/plain-rows.ts): 30,000 entities built only to be changed and audited cost a second.
  const rows = await plainRows<SubscriptionRow>(em, SubscriptionEntity, { id: { $in: others } });
  const changed: SubscriptionRow[] = [];
  // By record id: primary-key lookups, cheaper for MariaDB than the unique index on id.
  const byDate = new Map<number, number[]>();
  for (const row of rows) {
    const ctd = dates.get(row.id)!.toJSDate();
    if (row.chargedThroughDate?.getTime() === ctd.getTime()) continue;
    row.chargedThroughDate = ctd;
    touch(row, ctx, at);
    changed.push(row);
    const ids = byDate.get(ctd.getTime());
    if (ids) ids.push(row.recordId);
    else byDate.set(ctd.getTime(), [row.recordId]);
  }
  // The UPDATEs and then the audit rows go as one pipeline (persistence/multi-row-insert.ts): each statement
  // is built while the one before executes.
  const updates: StatementBuilder[] = [];
  for (const [time, ids] of byDate) {
    for (let i = 0; i < ids.length; i += CHUNK) {
      const recordIds = ids.slice(i, i + CHUNK);
      const set = { chargedThroughDate: new Date(time), updatedDate: at, updatedBy: ctx.createdBy };
      updates.push(() => updateStatement(em, SubscriptionEntity.meta.className, set, { tenantRecordId: ctx.tenant.recordId, recordIds }));
    }
  }
  const audits = auditRowsFor(em, SubscriptionEntity, changed as unknown as Record<string, unknown>[], 'UPDATE');
  await runPipelined(em, [...updates, ...auditInsertStatements(em, audits)]);
}
