import type { AuditLog, CustomField } from '@billwright/core';
import { auditLogJson } from './audit.js';

/** Kill Bill's CustomFieldJson. */
export function customFieldJson(f: CustomField, auditLogs: readonly AuditLog[] = []) {
  return {
    customFieldId: f.id,
    objectId: f.objectId,
    objectType: f.objectType,
    name: f.name,
    value: f.value,
    auditLogs: auditLogs.map(auditLogJson),
  };
}
