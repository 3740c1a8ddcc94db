import { ChangeSetType, type ChangeSet, type EventSubscriber, type FlushEventArgs } from '@mikro-orm/core';
import { Decimal } from 'decimal.js';
import { isTenantCall } from '../context.js';
import { BillingError } from '../errors/index.js';
import { writeContextOf } from '../persistence/write-context.js';
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
 * Proved by audit/recorder.test.ts.
 */
export class AuditRecorder implements EventSubscriber {
  onFlush(args: FlushEventArgs): void {
    const changeSets = args.uow.getChangeSets();
    let ctx: ReturnType<typeof writeContextOf>;
    for (const cs of changeSets) {
      const as = auditedAs(cs.meta.className);
      if (!as) continue;
      ctx ??= writeContextOf(args.em);
      if (!ctx) {
        throw new BillingError('UNEXPECTED_ERROR', `Write to ${cs.meta.tableName} outside writeTx`);
      }
      const row = cs.entity as Record<string, unknown>;
      const tenantRecordId = isTenantCall(ctx) ? ctx.tenant.recordId : 0;
      if ('tenantRecordId' in row && row['tenantRecordId'] !== tenantRecordId && isTenantCall(ctx)) {
        throw new BillingError('UNEXPECTED_ERROR', `Write to ${cs.meta.tableName} for another tenant`);
      }
      const audit = args.em.create(AuditLogEntity, {
        tenantRecordId: typeof row['tenantRecordId'] === 'number' ? row['tenantRecordId'] : tenantRecordId,
        accountRecordId: accountRecordIdOf(cs, row),
        objectType: as.objectType,
        targetId: String(row['id']),
        targetRecordId: typeof row['recordId'] === 'number' ? row['recordId'] : null,
        tableName: as.tableName,
        changeType: changeTypeOf(cs),
        createdDate: (row['updatedDate'] as Date | undefined) ?? new Date(),
        createdBy: ctx.createdBy,
        reasonCode: ctx.reasonCode,
        comments: ctx.comment,
        userToken: ctx.userToken,
        history: snapshot(cs, row),
      });
      args.uow.computeChangeSet(audit);
    }
  }
}

function accountRecordIdOf(cs: ChangeSet<object>, row: Record<string, unknown>): number | null {
  if (typeof row['accountRecordId'] === 'number') return row['accountRecordId'];
  if (cs.meta.tableName === 'accounts' && typeof row['recordId'] === 'number') return row['recordId'];
  return null;
}

function changeTypeOf(cs: ChangeSet<object>): 'INSERT' | 'UPDATE' | 'DELETE' {
  if (cs.type === ChangeSetType.CREATE) return 'INSERT';
  if (cs.type === ChangeSetType.DELETE) return 'DELETE';
  if (cs.payload && (cs.payload as Record<string, unknown>)['isActive'] === false) return 'DELETE';
  return 'UPDATE';
}

/** The row as it became, in plain JSON (dates as ISO strings, amounts as decimal strings). */
function snapshot(cs: ChangeSet<object>, row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const prop of cs.meta.props) {
    const v = row[prop.name];
    if (v === undefined) continue;
    out[prop.name] = v instanceof Date ? v.toISOString() : v instanceof Decimal ? v.toFixed() : v;
  }
  out['tableName'] = cs.meta.tableName.toUpperCase();
  return out;
}
