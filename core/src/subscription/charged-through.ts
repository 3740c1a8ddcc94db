import type { EntityManager } from '@mikro-orm/core';
import type { DateTime } from 'luxon';
import { auditRowsFor } from '../audit/bulk-insert.js';
import { AuditLogEntity } from '../audit/model.js';
import { insertStatements, literalOf, runPipelined, type StatementBuilder } from '../persistence/multi-row-insert.js';
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
  const meta = em.getMetadata().get(SubscriptionEntity.meta.className);
  const platform = em.getPlatform();
  const column = (name: string) => platform.quoteIdentifier(meta.properties[name]!.fieldNames[0]!);
  const literal = (name: string, value: unknown) => literalOf(meta.properties[name]!, value, platform);
  const updates: StatementBuilder[] = [];
  for (const [time, ids] of byDate) {
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      updates.push(
        () =>
          `update ${platform.quoteIdentifier(meta.tableName)} set ${column('chargedThroughDate')} = ${literal('chargedThroughDate', new Date(time))}, ` +
          `${column('updatedDate')} = ${literal('updatedDate', at)}, ${column('updatedBy')} = ${literal('updatedBy', ctx.createdBy)} ` +
          `where ${column('tenantRecordId')} = ${Math.trunc(ctx.tenant.recordId)} and ${column('recordId')} in (${chunk.map((id) => Math.trunc(id)).join(', ')})`,
      );
    }
  }
  const audits = auditRowsFor(em, SubscriptionEntity, changed as unknown as Record<string, unknown>[], 'UPDATE');
  await runPipelined(em, [...updates, ...insertStatements(em, AuditLogEntity.meta.className, audits)]);
}
