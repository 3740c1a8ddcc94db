import { JsonColumn } from '../persistence/json-type.js';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { tenantColumns, tenantFilter } from '../persistence/columns.js';

/**
 * One row per insert, update or delete of an audited object, written in the same transaction as the
 * change (audit/recorder.ts). `history` is the row as it became, so `auditLogsWithHistory` needs no
 * per-table history tables.
 */
export const AuditLogEntity = defineEntity({
  name: 'AuditLog',
  tableName: 'audit_log',
  filters: tenantFilter,
  properties: {
    recordId: p.bigint('number').primary().autoincrement(),
    ...tenantColumns,
    accountRecordId: p.bigint('number').nullable(),
    objectType: p.string().length(30),
    targetId: p.string().length(36),
    targetRecordId: p.bigint('number').nullable(),
    tableName: p.string().length(50),
    changeType: p.string().length(10),
    createdDate: p.datetime(3),
    createdBy: p.string().length(100),
    reasonCode: p.string().length(255).nullable(),
    comments: p.string().length(255).nullable(),
    userToken: p.string().length(64).nullable(),
    history: p.json<Record<string, unknown>>().type(JsonColumn),
  },
  indexes: [{ properties: ['tenantRecordId', 'targetId'] }],
});

export type AuditLogRow = InferEntity<typeof AuditLogEntity>;
