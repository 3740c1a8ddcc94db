import type { Config } from '../config/config.js';
import type { Database } from '../persistence/database.js';
import { CredentialCache } from './credential-cache.js';
import { UserEntity, RoleEntity } from './model.js';
import { verifySecret } from './secret-hash.js';
import type { Subject } from './subject.js';

/** The role of the configured admin user, as Kill Bill's shiro.ini `root = *:*`. */
export const ROOT_ROLE = 'root';

export interface SecurityService {
  /** The subject for HTTP basic credentials, or null when they do not verify. */
  authenticate(username: string, password: string): Promise<Subject | null>;
  /** Drops what the credential cache holds for a user (after a password, role or role-definition change). */
  forget(username?: string): void;
}

export function createSecurityService(deps: { db: Database; config: Pick<Config, 'adminUsername' | 'adminPassword'> }): SecurityService {
  const { db, config } = deps;
  const cache = new CredentialCache<Subject>();

  async function grantsOf(roles: readonly string[]): Promise<string[]> {
    if (roles.includes(ROOT_ROLE)) return ['*'];
    if (roles.length === 0) return [];
    const rows = await db.fork().find(RoleEntity, { roleName: { $in: [...roles] }, isActive: true });
    return [...new Set(rows.flatMap((r) => r.permissions))];
  }

  return {
    async authenticate(username, password) {
      const cached = cache.get(username, password);
      if (cached) return cached;
      let subject: Subject | null = null;
      if (username === config.adminUsername) {
        if (password === config.adminPassword) subject = { username, roles: [ROOT_ROLE], grants: ['*'] };
      } else {
        const user = await db.fork().findOne(UserEntity, { username, isActive: true });
        if (user && (await verifySecret(password, user.passwordHash))) {
          subject = { username, roles: user.roles, grants: await grantsOf(user.roles) };
        }
      }
      if (subject) cache.set(username, password, subject);
      return subject;
    },
    forget(username) {
      if (username === undefined) cache.clear();
      else cache.forget(username);
    },
  };
}
