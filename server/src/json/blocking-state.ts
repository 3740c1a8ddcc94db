import type { AuditLog, BlockingStateRecord } from '@billwright/core';
import { auditLogJson } from './audit.js';

/** Kill Bill's BlockingStateJson. */
export function blockingStateJson(s: BlockingStateRecord, audit: readonly AuditLog[]) {
  return {
    blockedId: s.blockableId,
    stateName: s.state,
    service: s.service,
    isBlockChange: s.blockChange,
    isBlockEntitlement: s.blockEntitlement,
    isBlockBilling: s.blockBilling,
    effectiveDate: s.effectiveDate.toUTC().toISO(),
    type: s.type,
    auditLogs: audit.map(auditLogJson),
  };
}
