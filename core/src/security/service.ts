import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock/clock.js';
import type { Broadcast } from '../cluster/broadcast.js';
import type { Config } from '../config/config.js';
import type { SystemCallContext } from '../context.js';
import type { Database } from '../persistence/database.js';
import { CredentialCache } from './credential-cache.js';
import { RoleEntity, UserEntity } from './model.js';
import { expandGrants, type Permission } from './permission.js';
import { createRoleAdmin } from './roles.js';
import { hashSecret, verifySecret } from './secret-hash.js';
import { ROOT_ROLE, type AddUserInput, type RoleDefinition, type UserRoles } from './security.js';
import type { Subject } from './subject.js';
import { createUserAdmin } from './users.js';

export { ROOT_ROLE };

/** Node messages naming a user whose cached credentials must go (null: everyone's, after a role change). */
const TOPIC = 'security:forget';

/**
 * Authentication and Kill Bill's SecurityApi (kbapi security/api/SecurityApi.java): every write requires
 * `user:create`, as its `@RequiresPermissions(USER_CAN_CREATE)`; reads of users and roles need only a login.
 */
export interface SecurityService {
  /** The subject for HTTP basic credentials, or null when they do not verify. */
  authenticate(username: string, password: string): Promise<Subject | null>;
  /** Subscribes to the other nodes' credential changes. */
  start(): Promise<void>;
  /**
   * Drops what the credential caches hold for a user (all users when none is named), on this node at once
   * and on the others through the broadcast: after a password, role or role-definition change.
   */
  forget(username?: string): void;

  /** Every Kill Bill permission the subject's roles cover (`GET /security/permissions`). */
  currentPermissions(subject: Subject): Permission[];

  addUser(ctx: SystemCallContext, input: AddUserInput): Promise<UserRoles>;
  updatePassword(ctx: SystemCallContext, username: string, password: string): Promise<void>;
  updateRoles(ctx: SystemCallContext, username: string, roles: readonly string[]): Promise<void>;
  /** Deactivates a user: its credentials stop working at once. */
  invalidateUser(ctx: SystemCallContext, username: string): Promise<void>;
  getUserRoles(username: string): Promise<UserRoles>;

  addRole(ctx: SystemCallContext, input: RoleDefinition): Promise<RoleDefinition>;
  /** Replaces the grants of an existing role. */
  updateRole(ctx: SystemCallContext, input: RoleDefinition): Promise<void>;
  /** A role's grants; an unknown role has none (Kill Bill answers an empty list, not an error). */
  getRole(role: string): Promise<RoleDefinition>;
}

export function createSecurityService(deps: {
  db: Database;
  clock: Clock;
  config: Pick<Config, 'adminUsername' | 'adminPassword'>;
  broadcast: Broadcast;
}): SecurityService {
  const { db, clock, config, broadcast } = deps;
  const cache = new CredentialCache<Subject>();
  const forgetHere = (username: string | null) => (username === null ? cache.clear() : cache.forget(username));
  const forget = (username?: string) => {
    forgetHere(username ?? null);
    void broadcast.publish(TOPIC, username ?? null);
  };
  const users = createUserAdmin({ db, clock, adminUsername: config.adminUsername, forget });
  const roles = createRoleAdmin({ db, clock, forget });
  const adminDigest = sha256(config.adminPassword);
  // Verifying against this when the user is unknown keeps "no such user" as slow as "wrong password".
  let decoy: Promise<string> | undefined;

  async function grantsOf(roleNames: readonly string[]): Promise<string[]> {
    if (roleNames.includes(ROOT_ROLE)) return ['*'];
    if (roleNames.length === 0) return [];
    const rows = await db.fork().find(RoleEntity, { roleName: { $in: [...roleNames] }, isActive: true });
    return [...new Set(rows.flatMap((r) => r.permissions))];
  }

  async function verify(username: string, password: string): Promise<Subject | null> {
    if (username === config.adminUsername) {
      return timingSafeEqual(sha256(password), adminDigest) ? { username, roles: [ROOT_ROLE], grants: ['*'] } : null;
    }
    const user = await db.fork().findOne(UserEntity, { username, isActive: true });
    // The column's collation is case-insensitive: only the exact name logs in.
    if (!user || user.username !== username) {
      await verifySecret(password, await (decoy ??= hashSecret(randomUUID())));
      return null;
    }
    if (!(await verifySecret(password, user.passwordHash))) return null;
    return { username, roles: user.roles, grants: await grantsOf(user.roles) };
  }

  return {
    async authenticate(username, password) {
      const cached = cache.get(username, password);
      if (cached) return cached;
      const subject = await verify(username, password);
      if (subject) cache.set(username, password, subject);
      return subject;
    },
    async start() {
      await broadcast.subscribe<string | null>(TOPIC, forgetHere, { othersOnly: true });
    },
    forget,
    currentPermissions: (subject) => expandGrants(subject.grants),
    ...users,
    ...roles,
  };
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}
