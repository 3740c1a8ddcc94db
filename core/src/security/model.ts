import { JsonColumn } from '../persistence/json-type.js';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { recordColumns } from '../persistence/columns.js';

/**
 * Users and roles of the security API, global to the deployment as in Kill Bill (users are not owned by
 * a tenant). Passwords are scrypt hashes. The configured admin user (KB_ADMIN_USERNAME) is not stored.
 */
export const UserEntity = defineEntity({
  name: 'User',
  tableName: 'security_users',
  properties: {
    ...recordColumns,
    username: p.string().length(128).unique(),
    passwordHash: p.string().length(255),
    roles: p.json<string[]>().type(JsonColumn),
    isActive: p.boolean(),
  },
});
export type UserRow = InferEntity<typeof UserEntity>;

export const RoleEntity = defineEntity({
  name: 'Role',
  tableName: 'security_roles',
  properties: {
    ...recordColumns,
    roleName: p.string().length(128).unique(),
    permissions: p.json<string[]>().type(JsonColumn),
    isActive: p.boolean(),
  },
});
export type RoleRow = InferEntity<typeof RoleEntity>;
