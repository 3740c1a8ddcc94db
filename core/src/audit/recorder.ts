import { ChangeSetType, type ChangeSet, type EventSubscriber, type FlushEventArgs } from '@mikro-orm/core';
import { writeContextOf } from '../persistence/write-context.js';
import { auditRowOf, requireAuditContext } from './audit-row.js';
import { auditedAs } from './audited.js';
import { AuditLogEntity } from './model.js';

/**
 * Appends one audit row per changed row of an audited entity, inside the flush that changes it, so the
 * audit trail commits or rolls back with the change itself.
 *
 * Contract:
 * - runs in `onFlush`, before the SQL is sent; audit rows join the same batch (no extra round trip);
 * - the who/why comes from the context writeTx bound to the entity manager; an audited change flushed
 *   without one throws (and so rolls back) instead of writing an anonymous change;
 * - a tenant-owned row whose tenantRecordId differs from the call's tenant is refused;
 * - an update that turns `isActive` from true to false is recorded as DELETE, as Kill Bill's soft deletes.
 * The row's content is audit-row.ts's, shared with the bulk writer (bulk-insert.ts).
 * Proved by audit/recorder.test.ts.
 */
export class AuditRecorder implements EventSubscriber {
  onFlush(args: FlushEventArgs): void {
    const changeSets = args.uow.getChangeSets();
    let ctx: ReturnType<typeof writeContextOf>;
    for (const cs of changeSets) {
      const as = auditedAs(cs.meta.className);
      if (!as) continue;
      ctx = requireAuditContext(ctx ?? writeContextOf(args.em), cs.meta.tableName);
      const table = { as, tableName: cs.meta.tableName, props: cs.meta.props };
      const audit = args.em.create(AuditLogEntity, auditRowOf(table, ctx, cs.entity as Record<string, unknown>, changeTypeOf(cs)));
      args.uow.computeChangeSet(audit);
    }
  }
}

function changeTypeOf(cs: ChangeSet<object>): 'INSERT' | 'UPDATE' | 'DELETE' {
  if (cs.type === ChangeSetType.CREATE) return 'INSERT';
  if (cs.type === ChangeSetType.DELETE) return 'DELETE';
  if (cs.payload && (cs.payload as Record<string, unknown>)['isActive'] === false) return 'DELETE';
  return 'UPDATE';
}
