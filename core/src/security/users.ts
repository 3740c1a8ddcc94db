import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import type { Clock } from '../clock/clock.js';
import type { SystemCallContext } from '../context.js';
import { BillingError } from '../errors/index.js';
import type { Database } from '../persistence/database.js';
import { writeTx } from '../persistence/scope.js';
import { newId } from '../values/ids.js';
import { RoleEntity, UserEntity, type UserRow } from './model.js';
import { hashSecret } from './secret-hash.js';
import { ROOT_ROLE, type AddUserInput, type UserRoles } from './security.js';
import { requirePermission } from './subject.js';
import { creationStamps, touch } from '../persistence/stamps.js';

const MAX_USERNAME = 128;
const MAX_PASSWORD = 1024;

/** The user half of the security API (Kill Bill's DefaultUserDao): users, their passwords and roles. */
export function createUserAdmin(deps: { db: Database; clock: Clock; adminUsername: string; forget: (username: string) => void }) {
  const { db, clock, adminUsername, forget } = deps;

  function checkUsername(username: string): string {
    if (username.length === 0 || username.length > MAX_USERNAME) {
      throw new BillingError('INVALID_PARAMETER', `username must have 1 to ${MAX_USERNAME} characters`, { field: 'username' });
    }
    // HTTP basic auth splits at the first colon: such a name could never log in.
    if (username.includes(':') || /\p{Cc}/u.test(username)) {
      throw new BillingError('INVALID_PARAMETER', 'username must not contain a colon or control characters', { field: 'username' });
    }
    return username;
  }

  function checkPassword(password: string): void {
    if (password.length === 0 || password.length > MAX_PASSWORD) {
      throw new BillingError('INVALID_PARAMETER', `password must have 1 to ${MAX_PASSWORD} characters`, { field: 'password' });
    }
  }

  /** Kill Bill's roles are "the list of (existing) roles": each must be defined, or be the built-in root. */
  async function checkRoles(roles: readonly string[]): Promise<string[]> {
    const wanted = [...new Set(roles)];
    const stored = wanted.filter((r) => r !== ROOT_ROLE);
    if (stored.length > 0) {
      const rows = await db.fork().find(RoleEntity, { roleName: { $in: stored }, isActive: true });
      const known = new Set(rows.map((r) => r.roleName));
      const missing = stored.find((r) => !known.has(r));
      if (missing !== undefined) {
        throw new BillingError('SECURITY_INVALID_ROLE', `The role ${missing} does not exist or has been inactivated`, { role: missing });
      }
    }
    return wanted;
  }

  async function activeUser(em: EntityManager, username: string): Promise<UserRow> {
    const row = await em.findOne(UserEntity, { username, isActive: true });
    if (!row || row.username !== username) {
      throw new BillingError('SECURITY_INVALID_USER', `The user ${username} does not exist or has been inactivated`, { username });
    }
    return row;
  }

  function alreadyExists(username: string): BillingError {
    return new BillingError('SECURITY_USER_ALREADY_EXISTS', `The user ${username} already exists`, { username });
  }

  /** Changes an active user in one transaction, then drops its cached credentials. */
  async function change(ctx: SystemCallContext, username: string, apply: (row: UserRow) => void): Promise<void> {
    await writeTx(db, ctx, async (em) => {
      const row = await activeUser(em, username);
      apply(row);
      touch(row, ctx, clock.now().toJSDate());
    });
    forget(username);
  }

  return {
    async addUser(ctx: SystemCallContext, input: AddUserInput): Promise<UserRoles> {
      requirePermission(ctx, 'user:create');
      const username = checkUsername(input.username);
      checkPassword(input.password);
      if (username === adminUsername) throw alreadyExists(username);
      const roles = await checkRoles(input.roles);
      const passwordHash = await hashSecret(input.password);
      const now = clock.now().toJSDate();
      try {
        await writeTx(db, ctx, async (em) => {
          const existing = await em.findOne(UserEntity, { username });
          if (existing?.isActive) throw alreadyExists(existing.username);
          // Kill Bill looks only at active users, so an invalidated name can be taken again.
          if (existing) {
            Object.assign(existing, { username, passwordHash, roles, isActive: true, updatedDate: now, updatedBy: ctx.createdBy });
            return;
          }
          em.create(UserEntity, {
            id: newId(),
            username,
            passwordHash,
            roles,
            isActive: true,
            ...creationStamps(ctx, now),
          });
        });
      } catch (e) {
        if (e instanceof UniqueConstraintViolationException) throw alreadyExists(username);
        throw e;
      }
      forget(username);
      return { username, roles };
    },

    async updatePassword(ctx: SystemCallContext, username: string, password: string): Promise<void> {
      requirePermission(ctx, 'user:create');
      checkPassword(password);
      const passwordHash = await hashSecret(password);
      await change(ctx, username, (row) => {
        row.passwordHash = passwordHash;
      });
    },

    async updateRoles(ctx: SystemCallContext, username: string, roles: readonly string[]): Promise<void> {
      requirePermission(ctx, 'user:create');
      const checked = await checkRoles(roles);
      await change(ctx, username, (row) => {
        row.roles = checked;
      });
    },

    async invalidateUser(ctx: SystemCallContext, username: string): Promise<void> {
      requirePermission(ctx, 'user:create');
      await change(ctx, username, (row) => {
        row.isActive = false;
      });
    },

    async getUserRoles(username: string): Promise<UserRoles> {
      if (username === adminUsername) return { username, roles: [ROOT_ROLE] };
      const row = await activeUser(db.fork(), username);
      return { username: row.username, roles: row.roles };
    },
  };
}
