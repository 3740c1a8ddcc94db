import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL } from '../../../test/support/db.js';
import { openTestDatabase } from '../../../test/support/engine.js';
import { Broadcast } from '../cluster/broadcast.js';
import { systemClock } from '../clock/clock.js';
import type { SystemCallContext } from '../context.js';
import type { Database } from '../persistence/database.js';
import { UserEntity } from './model.js';
import { createSecurityService, type SecurityService } from './service.js';

let db: Database & { drop(): Promise<void> };
let security: SecurityService;
const broadcasts: Broadcast[] = [];

/** A security service as one node has it: its own cache and broadcast connections, the shared database. */
async function node(): Promise<SecurityService> {
  const broadcast = new Broadcast(TEST_REDIS_URL, db.coordinates.dbName, pino({ level: 'silent' }));
  await broadcast.start();
  broadcasts.push(broadcast);
  const service = createSecurityService({ db, clock: systemClock, config: { adminUsername: 'admin', adminPassword: 'password' }, broadcast });
  await service.start();
  return service;
}

const asSubject = (username: string, grants: string[]): SystemCallContext => ({
  subject: { username, roles: [], grants },
  userToken: 'token',
  createdBy: 'tester',
  reasonCode: null,
  comment: null,
});
const admin = asSubject('admin', ['*']);
const code = (p: Promise<unknown>) => p.then(() => 'resolved', (e: { code?: string }) => e.code);

beforeAll(async () => {
  db = await openTestDatabase(import.meta.filename);
  security = await node();
});
afterAll(async () => {
  for (const b of broadcasts) await b.stop();
  await db?.drop();
});

describe('the security service', () => {
  it('logs the configured admin in as root, and only with its password', async () => {
    expect(await security.authenticate('admin', 'password')).toMatchObject({ username: 'admin', roles: ['root'], grants: ['*'] });
    expect(await security.authenticate('admin', 'passwordx')).toBeNull();
    expect(await security.authenticate('admin', '')).toBeNull();
  });

  it('adds a user whose roles give its grants, and logs it in only under its exact name', async () => {
    await security.addRole(admin, { role: 'clerk', permissions: ['account:create', 'tag'] });
    await security.addUser(admin, { username: 'Alice', password: 's3cret', roles: ['clerk'] });
    const alice = await security.authenticate('Alice', 's3cret');
    expect(alice?.grants).toEqual(expect.arrayContaining(['account:create', 'tag:*']));
    expect(security.currentPermissions(alice!)).toContain('tag:add');
    expect(await security.authenticate('alice', 's3cret')).toBeNull();
    expect(await security.authenticate('Alice', 'wrong')).toBeNull();
    expect(await security.authenticate('nobody', 's3cret')).toBeNull();
  });

  it('applies a password change and a role change at once, although the first login was cached', async () => {
    await security.addRole(admin, { role: 'reader', permissions: [] });
    await security.addUser(admin, { username: 'bob', password: 'one', roles: ['reader'] });
    expect((await security.authenticate('bob', 'one'))?.grants).toEqual([]);
    await security.updateRole(admin, { role: 'reader', permissions: ['invoice:credit'] });
    expect((await security.authenticate('bob', 'one'))?.grants).toEqual(['invoice:credit']);
    await security.updatePassword(admin, 'bob', 'two');
    expect(await security.authenticate('bob', 'one')).toBeNull();
    await security.updateRoles(admin, 'bob', ['root']);
    expect((await security.authenticate('bob', 'two'))?.grants).toEqual(['*']);
    expect(await security.getUserRoles('bob')).toEqual({ username: 'bob', roles: ['root'] });
  });

  it('invalidates a user at once and lets its name be taken again', async () => {
    await security.addUser(admin, { username: 'carol', password: 'pw', roles: [] });
    expect(await security.authenticate('carol', 'pw')).not.toBeNull();
    await security.invalidateUser(admin, 'carol');
    expect(await security.authenticate('carol', 'pw')).toBeNull();
    expect(await code(security.getUserRoles('carol'))).toBe('SECURITY_INVALID_USER');
    await security.addUser(admin, { username: 'carol', password: 'new', roles: [] });
    expect(await security.authenticate('carol', 'new')).not.toBeNull();
    expect(await db.fork().count(UserEntity, { username: 'carol' })).toBe(1);
  });

  it('requires user:create for every change', async () => {
    const clerk = asSubject('clerk', ['account:*']);
    expect(await code(security.addUser(clerk, { username: 'eve', password: 'x', roles: [] }))).toBe('SECURITY_NOT_ENOUGH_PERMISSIONS');
    expect(await code(security.addRole(clerk, { role: 'evil', permissions: ['*'] }))).toBe('SECURITY_NOT_ENOUGH_PERMISSIONS');
    expect(await code(security.updatePassword(clerk, 'bob', 'x'))).toBe('SECURITY_NOT_ENOUGH_PERMISSIONS');
    expect(await code(security.invalidateUser(clerk, 'bob'))).toBe('SECURITY_NOT_ENOUGH_PERMISSIONS');
  });

  it('refuses unknown roles, unknown users, duplicates and the reserved names', async () => {
    expect(await code(security.addUser(admin, { username: 'dan', password: 'x', roles: ['ghost'] }))).toBe('SECURITY_INVALID_ROLE');
    expect(await code(security.addUser(admin, { username: 'admin', password: 'x', roles: [] }))).toBe('SECURITY_USER_ALREADY_EXISTS');
    expect(await code(security.addUser(admin, { username: 'bob', password: 'x', roles: [] }))).toBe('SECURITY_USER_ALREADY_EXISTS');
    expect(await code(security.addUser(admin, { username: 'a:b', password: 'x', roles: [] }))).toBe('INVALID_PARAMETER');
    expect(await code(security.updatePassword(admin, 'ghost', 'x'))).toBe('SECURITY_INVALID_USER');
    expect(await code(security.addRole(admin, { role: 'root', permissions: [] }))).toBe('SECURITY_ROLE_ALREADY_EXISTS');
    expect(await code(security.addRole(admin, { role: 'clerk', permissions: [] }))).toBe('SECURITY_ROLE_ALREADY_EXISTS');
    expect(await code(security.addRole(admin, { role: 'typo', permissions: ['acount:create'] }))).toBe('SECURITY_INVALID_PERMISSIONS');
    expect(await code(security.updateRole(admin, { role: 'ghost', permissions: [] }))).toBe('SECURITY_INVALID_ROLE');
    expect(await security.getRole('ghost')).toEqual({ role: 'ghost', permissions: [] });
    expect(await security.getRole('root')).toEqual({ role: 'root', permissions: ['*'] });
  });

  it('makes a password change on one node refuse the old password on another at once', async () => {
    const other = await node();
    await security.addUser(admin, { username: 'roamer', password: 'old-password', roles: [] });
    expect(await other.authenticate('roamer', 'old-password')).not.toBeNull();
    await security.updatePassword(admin, 'roamer', 'new-password');
    await expect.poll(() => other.authenticate('roamer', 'old-password')).toBeNull();
    expect(await other.authenticate('roamer', 'new-password')).not.toBeNull();
  });
});
