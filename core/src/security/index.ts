export { createSecurityService, ROOT_ROLE, type SecurityService } from './service.js';
export type { AddUserInput, RoleDefinition, UserRoles } from './security.js';
export { PERMISSIONS, expandGrants, isValidGrant, sanitizeGrants, type Permission } from './permission.js';
export { can, requirePermission, type Subject } from './subject.js';
export { hashSecret, verifySecret } from './secret-hash.js';
