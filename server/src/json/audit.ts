import type { AuditLog } from '@billwright/core';

/** Kill Bill's AuditLogJson. */
export function auditLogJson(log: AuditLog) {
  return {
    changeType: log.changeType,
    changeDate: log.changeDate.toISOString(),
    objectType: log.objectType,
    objectId: log.objectId,
    changedBy: log.changedBy,
    reasonCode: log.reasonCode,
    comments: log.comments,
    userToken: log.userToken,
    history: log.history,
  };
}
