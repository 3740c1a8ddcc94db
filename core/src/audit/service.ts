import type { TenantContext } from '../context.js';
import type { Database } from '../persistence/database.js';
import { readEm } from '../persistence/scope.js';
import type { ObjectType } from '../values/object-type.js';
import type { AuditLevel, AuditLog, ChangeType } from './audit-log.js';
import { AuditLogEntity, type AuditLogRow } from './model.js';

export interface AuditService {
  /** The audit logs of one object, oldest first; `withHistory` adds the row as each change left it. */
  forObject(ctx: TenantContext, objectId: string, level: AuditLevel, withHistory?: boolean): Promise<AuditLog[]>;
  /** The same for many objects in one query (list endpoints), keyed by object id. */
  forObjects(ctx: TenantContext, objectIds: readonly string[], level: AuditLevel): Promise<Map<string, AuditLog[]>>;
  /**
   * Every audit log recorded against an account and the objects it owns. The account's own INSERT is
   * audited before its auto-increment record id exists, so its rows are found by id as well.
   */
  forAccount(ctx: TenantContext, account: { readonly id: string; readonly recordId: number }): Promise<AuditLog[]>;
  /** The audit logs of one object, restricted to an object type (a tag id is never taken for an account id). */
  forTypedObject(ctx: TenantContext, objectType: ObjectType, objectId: string, withHistory: boolean): Promise<AuditLog[]>;
}

export function createAuditService(deps: { db: Database }): AuditService {
  const { db } = deps;
  const toLog = (row: AuditLogRow, withHistory: boolean): AuditLog => ({
    changeType: row.changeType as ChangeType,
    changeDate: row.createdDate,
    objectType: row.objectType as ObjectType,
    objectId: row.targetId,
    changedBy: row.createdBy,
    reasonCode: row.reasonCode ?? null,
    comments: row.comments ?? null,
    userToken: row.userToken ?? null,
    history: withHistory ? row.history : null,
  });
  const order = { orderBy: { recordId: 'asc' } } as const;

  return {
    async forObject(ctx, objectId, level, withHistory = false) {
      if (level === 'NONE') return [];
      const where = level === 'MINIMAL' ? { targetId: objectId, changeType: 'INSERT' } : { targetId: objectId };
      const rows = await readEm(db, ctx).find(AuditLogEntity, where, order);
      return rows.map((r) => toLog(r, withHistory));
    },
    async forObjects(ctx, objectIds, level) {
      const out = new Map<string, AuditLog[]>();
      if (level === 'NONE' || objectIds.length === 0) return out;
      const where = level === 'MINIMAL' ? { targetId: { $in: [...objectIds] }, changeType: 'INSERT' } : { targetId: { $in: [...objectIds] } };
      for (const row of await readEm(db, ctx).find(AuditLogEntity, where, order)) {
        out.set(row.targetId, [...(out.get(row.targetId) ?? []), toLog(row, false)]);
      }
      return out;
    },
    async forAccount(ctx, account) {
      const where = { $or: [{ accountRecordId: account.recordId }, { targetId: account.id, objectType: 'ACCOUNT' }] };
      const rows = await readEm(db, ctx).find(AuditLogEntity, where, order);
      return rows.map((r) => toLog(r, false));
    },
    async forTypedObject(ctx, objectType, objectId, withHistory) {
      const rows = await readEm(db, ctx).find(AuditLogEntity, { targetId: objectId, objectType }, order);
      return rows.map((r) => toLog(r, withHistory));
    },
  };
}
