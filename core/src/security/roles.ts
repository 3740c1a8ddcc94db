import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Clock } from '../clock/clock.js';
import type { SystemCallContext } from '../context.js';
import { BillingError } from '../errors/index.js';
import type { Database } from '../persistence/database.js';
import { writeTx } from '../persistence/scope.js';
import { newId } from '../values/ids.js';
import { RoleEntity } from './model.js';
import { sanitizeGrants } from './permission.js';
import { ROOT_ROLE, type RoleDefinition } from './security.js';
import { requirePermission } from './subject.js';
import { creationStamps, touch } from '../persistence/stamps.js';

const MAX_ROLE = 128;

/**
 * The role half of the security API. A role's grants feed every subject that holds it, so each change
 * drops the whole credential cache (`forget()`), as Kill Bill clears the JDBC realm's authorization cache.
 */
export function createRoleAdmin(deps: { db: Database; clock: Clock; forget: () => void }) {
  const { db, clock, forget } = deps;

  function checkRole(role: string): string {
    if (role.length === 0 || role.length > MAX_ROLE || /\p{Cc}/u.test(role)) {
      throw new BillingError('INVALID_PARAMETER', `role must have 1 to ${MAX_ROLE} printable characters`, { field: 'role' });
    }
    return role;
  }

  function checkGrants(permissions: readonly string[]): string[] {
    const { grants, invalid } = sanitizeGrants(permissions);
    if (invalid !== null) {
      throw new BillingError('SECURITY_INVALID_PERMISSIONS', `The permission ${invalid} is invalid`, { permission: invalid });
    }
    return grants;
  }

  function roleExists(role: string): BillingError {
    return new BillingError('SECURITY_ROLE_ALREADY_EXISTS', `The role ${role} already exists`, { role });
  }

  return {
    async addRole(ctx: SystemCallContext, input: RoleDefinition): Promise<RoleDefinition> {
      requirePermission(ctx, 'user:create');
      const role = checkRole(input.role);
      const permissions = checkGrants(input.permissions);
      if (role === ROOT_ROLE) throw roleExists(role);
      const now = clock.now().toJSDate();
      try {
        await writeTx(db, ctx, async (em) => {
          const existing = await em.findOne(RoleEntity, { roleName: role });
          if (existing) throw roleExists(existing.roleName);
          em.create(RoleEntity, {
            id: newId(),
            roleName: role,
            permissions,
            isActive: true,
            ...creationStamps(ctx, now),
          });
        });
      } catch (e) {
        if (e instanceof UniqueConstraintViolationException) throw roleExists(role);
        throw e;
      }
      forget();
      return { role, permissions };
    },

    async updateRole(ctx: SystemCallContext, input: RoleDefinition): Promise<void> {
      requirePermission(ctx, 'user:create');
      const role = checkRole(input.role);
      const permissions = checkGrants(input.permissions);
      if (role === ROOT_ROLE) throw new BillingError('INVALID_PARAMETER', `The role ${ROOT_ROLE} is built in and cannot be changed`, { role });
      await writeTx(db, ctx, async (em) => {
        const row = await em.findOne(RoleEntity, { roleName: role, isActive: true });
        if (!row || row.roleName !== role) {
          throw new BillingError('SECURITY_INVALID_ROLE', `The role ${role} does not exist or has been inactivated`, { role });
        }
        row.permissions = permissions;
        touch(row, ctx, clock.now().toJSDate());
      });
      forget();
    },

    async getRole(role: string): Promise<RoleDefinition> {
      if (role === ROOT_ROLE) return { role, permissions: ['*'] };
      const row = await db.fork().findOne(RoleEntity, { roleName: role, isActive: true });
      return { role, permissions: row && row.roleName === role ? row.permissions : [] };
    },
  };
}
