export { createAuditService, type AuditService } from './service.js';
export type { AuditLog, AuditLevel, ChangeType } from './audit-log.js';
