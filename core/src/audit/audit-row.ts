import type { EntityProperty } from '@mikro-orm/core';
import { Decimal } from 'decimal.js';
import { isTenantCall, type CallContext, type SystemCallContext } from '../context.js';
import { BillingError } from '../errors/index.js';
import type { AuditedAs } from './audited.js';
import type { ChangeType } from './audit-log.js';
import type { AuditLogRow } from './model.js';

/**
 * The one definition of an audit row's content, shared by the flush subscriber (recorder.ts) and the bulk
 * writer (bulk-insert.ts), so the two paths cannot drift: same columns, same who/why, same history
 * snapshot (the row's properties in metadata order, dates as ISO strings, decimals as strings).
 */

/** The audited table as the audit row needs it: its metadata properties and SQL table name. */
export interface AuditedTable {
  readonly as: AuditedAs;
  readonly tableName: string;
  readonly props: readonly EntityProperty[];
}

export type AuditRowData = Omit<AuditLogRow, 'recordId'>;

/** The caller's context, refusing an audited write without one (every write goes through writeTx). */
export function requireAuditContext(ctx: CallContext | SystemCallContext | undefined, tableName: string): CallContext | SystemCallContext {
  if (!ctx) throw new BillingError('UNEXPECTED_ERROR', `Write to ${tableName} outside writeTx`);
  return ctx;
}

/** The audit row of one changed row; refuses a tenant-owned row of another tenant than the call's. */
export function auditRowOf(table: AuditedTable, ctx: CallContext | SystemCallContext, row: Record<string, unknown>, changeType: ChangeType): AuditRowData {
  const tenantRecordId = isTenantCall(ctx) ? ctx.tenant.recordId : 0;
  if ('tenantRecordId' in row && row['tenantRecordId'] !== tenantRecordId && isTenantCall(ctx)) {
    throw new BillingError('UNEXPECTED_ERROR', `Write to ${table.tableName} for another tenant`);
  }
  return {
    tenantRecordId: typeof row['tenantRecordId'] === 'number' ? row['tenantRecordId'] : tenantRecordId,
    accountRecordId: accountRecordIdOf(table.tableName, row),
    objectType: table.as.objectType,
    targetId: String(row['id']),
    targetRecordId: typeof row['recordId'] === 'number' ? row['recordId'] : null,
    tableName: table.as.tableName,
    changeType,
    createdDate: (row['updatedDate'] as Date | undefined) ?? new Date(),
    createdBy: ctx.createdBy,
    reasonCode: ctx.reasonCode,
    comments: ctx.comment,
    userToken: ctx.userToken,
    history: snapshot(table, row),
  };
}

function accountRecordIdOf(tableName: string, row: Record<string, unknown>): number | null {
  if (typeof row['accountRecordId'] === 'number') return row['accountRecordId'];
  if (tableName === 'accounts' && typeof row['recordId'] === 'number') return row['recordId'];
  return null;
}

/** The row as it became, in plain JSON (dates as ISO strings, amounts as decimal strings). */
function snapshot(table: AuditedTable, row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const prop of table.props) {
    const v = row[prop.name];
    if (v === undefined) continue;
    out[prop.name] = v instanceof Date ? v.toISOString() : v instanceof Decimal ? v.toFixed() : v;
  }
  out['tableName'] = table.tableName.toUpperCase();
  return out;
}
