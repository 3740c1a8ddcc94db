import type { EntityManager, EntitySchema } from '@mikro-orm/core';
import type { ChangeType } from './audit-log.js';
import { BillingError } from '../errors/index.js';
import { insertStatements, runPipelined, type StatementBuilder } from '../persistence/multi-row-insert.js';
import { writeContextOf } from '../persistence/write-context.js';
import { auditRowOf, requireAuditContext, type AuditedTable, type AuditRowData } from './audit-row.js';
import { auditedAs } from './audited.js';
import { AuditLogEntity } from './model.js';

/**
 * Bulk writes of audited rows, for sets too large for the unit of work (a 30,000-item invoice, 30,000
 * charged-through dates): the rows go by multi-row INSERT (persistence/multi-row-insert.ts; or the
 * caller's native UPDATE), their audit rows likewise, in the caller's transaction. The audit rows are the recorder's own (audit-row.ts), so the
 * trail is the same whichever path wrote the rows, and the same checks apply (writeTx context required,
 * the call's tenant only). Rows written so are not managed (not in the identity map); later reads load
 * them as usual. Proved by audit/bulk-insert.test.ts.
 */

/** The audit rows of `rows` (each as it became) of an audited entity, as the recorder would write them. */
export function auditRowsFor(em: EntityManager, entity: EntitySchema<any, any>, rows: readonly Record<string, unknown>[], changeType: ChangeType): AuditRowData[] {
  const className = entity.meta.className;
  const as = auditedAs(className);
  if (!as) throw new BillingError('UNEXPECTED_ERROR', `${className} is not an audited entity`);
  const meta = em.getMetadata().get(className);
  const table: AuditedTable = { as, tableName: meta.tableName, props: meta.props };
  const ctx = requireAuditContext(writeContextOf(em), meta.tableName);
  return rows.map((row) => auditRowOf(table, ctx, row, changeType));
}

/** The multi-row INSERTs of audit rows, for a caller's pipeline of statements. */
export function auditInsertStatements(em: EntityManager, audits: readonly AuditRowData[]): StatementBuilder[] {
  return insertStatements(em, AuditLogEntity.meta.className, audits);
}

/** Writes audit rows with multi-row INSERTs. */
export async function insertAuditRows(em: EntityManager, audits: readonly AuditRowData[]): Promise<void> {
  await runPipelined(em, auditInsertStatements(em, audits));
}

/** Inserts new rows of an audited entity and their INSERT audit rows, with multi-row INSERTs. */
export async function insertAuditedRows(em: EntityManager, entity: EntitySchema<any, any>, rows: readonly Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const audits = auditRowsFor(em, entity, rows, 'INSERT');
  await runPipelined(em, [...insertStatements(em, entity.meta.className, rows), ...auditInsertStatements(em, audits)]);
}
