import { randomUUID } from 'node:crypto';
import { PERMISSIONS } from '@billwright/core';
import { isAxiosError } from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killbill, newTenant, rawHttp, type TenantCredentials } from '../support/killbill.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
const admin = () => killbill(server.url);

beforeAll(async () => {
  server = await startTestServer(import.meta.filename);
});
afterAll(async () => {
  await server?.close();
});

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/** A role and a user holding it, made through the official client as admin. */
async function userWith(permissions: string[]) {
  const role = unique('role');
  await admin().security.addRoleDefinition({ role, permissions }, 'test');
  const user = { username: unique('user'), password: `pw-${randomUUID()}` };
  await admin().security.addUserRoles({ ...user, roles: [role] }, 'test');
  return { role, user };
}

/** The status of a client call that may fail (the official client throws on 4xx). */
async function statusOf(call: Promise<{ status: number }>): Promise<number> {
  try {
    return (await call).status;
  } catch (e) {
    if (isAxiosError(e) && e.response) return e.response.status;
    throw e;
  }
}

async function rowCount(sql: string, params: unknown[]): Promise<number> {
  const rows = (await server.engine.db.fork().getConnection().execute(sql, params)) as { n: number | string }[];
  return Number(rows[0]!.n);
}

describe('roles and users through the official Kill Bill client', () => {
  it('shows the admin as an authenticated root subject with every permission', async () => {
    const subject = await admin().security.getCurrentUserSubject();
    expect(subject.data).toEqual({ principal: 'admin', isAuthenticated: true, isRemembered: false, session: null });
    const permissions = await admin().security.getCurrentUserPermissions();
    expect([...permissions.data].sort()).toEqual([...PERMISSIONS].sort());
  });

  it('adds, reads and updates a role definition, answering 201 with a Location the client follows', async () => {
    const role = unique('clerk');
    const res = await admin().security.addRoleDefinition({ role, permissions: ['account:create', 'tag'] }, 'test');
    expect(res.status).toBe(201);
    expect(res.headers['location']).toBe(`${server.url}/1.0/kb/security/roles/${role}`);
    expect(res.data).toEqual({ role, permissions: ['account:create', 'tag:*'] });
    const update = await admin().security.updateRoleDefinition({ role, permissions: ['invoice:credit'] }, 'test');
    expect(update.status).toBe(204);
    expect((await admin().security.getRoleDefinition(role)).data).toEqual({ role, permissions: ['invoice:credit'] });
  });

  it('adds a user, answering 201 with the Location of its roles, and never shows its password', async () => {
    const role = unique('viewer');
    await admin().security.addRoleDefinition({ role, permissions: [] }, 'test');
    const username = unique('ann');
    const res = await admin().security.addUserRoles({ username, password: 'secret', roles: [role] }, 'test');
    expect(res.status).toBe(201);
    expect(res.headers['location']).toBe(`${server.url}/1.0/kb/security/users/${username}/roles`);
    expect(res.data).toEqual({ username, password: null, roles: [role] });
    const other = unique('other');
    await admin().security.addRoleDefinition({ role: other, permissions: ['tag:add'] }, 'test');
    expect((await admin().security.updateUserRoles({ username, password: '', roles: [role, other] }, username, 'test')).status).toBe(204);
    expect((await admin().security.getUserRoles(username)).data).toEqual({ username, password: null, roles: [role, other] });
  });

  it('stores passwords hashed, never in clear', async () => {
    const { user } = await userWith([]);
    const rows = (await server.engine.db.fork().getConnection().execute('select password_hash from security_users where username = ?', [
      user.username,
    ])) as { password_hash: string }[];
    expect(rows[0]!.password_hash.startsWith('scrypt$')).toBe(true);
    expect(rows[0]!.password_hash).not.toContain(user.password);
  });
});

describe('what a user may do is what its roles grant', () => {
  let tenant: TenantCredentials;
  beforeAll(async () => {
    tenant = (await newTenant(server.url)).credentials;
  });

  it('lets a read-only user read but answers 403 with Kill Bill\'s error JSON to a write, writing nothing', async () => {
    const { user } = await userWith([]);
    await killbill(server.url, tenant).tenants.insertUserKeyValue('v1', 'colour', 'test');
    const kb = killbill(server.url, tenant, user);
    expect((await kb.tenants.getUserKeyValue('colour')).data.values).toEqual(['v1']);
    expect((await kb.security.getCurrentUserSubject()).data.principal).toBe(user.username);
    expect((await kb.security.getCurrentUserPermissions()).data).toEqual([]);

    const write = await rawHttp(server.url, tenant, user).post('/1.0/kb/tenants/userKeyValue/colour', 'v2', {
      headers: { 'X-Killbill-CreatedBy': 'test', 'Content-Type': 'text/plain' },
    });
    expect(write.status).toBe(403);
    expect(write.data).toMatchObject({ className: 'AuthorizationException', code: 40000, causeClassName: null, stackTrace: [] });
    expect(write.data.message).toContain('tenant_kvs:add');
    expect((await kb.tenants.getUserKeyValue('colour')).data.values).toEqual(['v1']);
    expect(await statusOf(kb.security.addUserRoles({ username: unique('x'), password: 'x', roles: [] }, 'test'))).toBe(403);
    expect(await statusOf(kb.security.addRoleDefinition({ role: unique('x'), permissions: ['*'] }, 'test'))).toBe(403);
  });

  it('refuses account creation without account:create and writes no account', async (ctx) => {
    const { user } = await userWith(['tenant_kvs:add']);
    const name = unique('No Way');
    const create = (u?: { username: string; password: string }) =>
      rawHttp(server.url, tenant, u).post('/1.0/kb/accounts', { name, currency: 'USD' }, { headers: { 'X-Killbill-CreatedBy': 'test' } });
    const res = await create(user);
    // The accounts API is built in parallel; until it is mounted this check has nothing to call.
    if (res.status === 404 && res.data?.className === 'NotFoundException') ctx.skip();
    expect(res.status).toBe(403);
    expect(res.data).toMatchObject({ className: 'AuthorizationException', code: 40000 });
    expect(await rowCount('select count(*) as n from accounts where name = ?', [name])).toBe(0);
    // The same call as admin does write, so the count above would have seen the row.
    expect((await create()).status).toBe(201);
    expect(await rowCount('select count(*) as n from accounts where name = ?', [name])).toBe(1);
  });

  it('gives a user with account:* exactly the account permissions, and lets it create an account', async () => {
    const { user } = await userWith(['account:*']);
    const kb = killbill(server.url, tenant, user);
    const permissions = await kb.security.getCurrentUserPermissions();
    expect([...permissions.data].sort()).toEqual(PERMISSIONS.filter((p) => p.startsWith('account:')).sort());
    const created = await kb.accounts.createAccount({ name: 'Allowed', currency: 'USD' }, user.username);
    expect(created.status).toBe(201);
    expect(created.data.name).toBe('Allowed');
  });

  it('answers 401 to a wrong password, to the old password after a change, and to an invalidated user', async () => {
    const { user } = await userWith([]);
    const subject = (u: { username: string; password: string }) => rawHttp(server.url, undefined, u).get('/1.0/kb/security/subject');
    expect((await subject(user)).status).toBe(200);
    const wrong = await subject({ ...user, password: 'wrong' });
    expect(wrong.status).toBe(401);
    expect(wrong.data).toHaveProperty('className');

    expect((await admin().security.updateUserPassword({ username: user.username, password: 'new-pw', roles: [] }, user.username, 'test')).status).toBe(204);
    expect((await subject(user)).status).toBe(401);
    const changed = { ...user, password: 'new-pw' };
    expect((await subject(changed)).status).toBe(200);

    expect((await admin().security.invalidateUser(user.username, 'test')).status).toBe(204);
    expect((await subject(changed)).status).toBe(401);
    expect(await statusOf(admin().security.getUserRoles(user.username))).toBe(400);
  });
});

describe('invalid security requests', () => {
  it('answers 400 to an invalid permission name', async () => {
    const res = await rawHttp(server.url).post('/1.0/kb/security/roles', { role: unique('bad'), permissions: ['account:fly'] }, {
      headers: { 'X-Killbill-CreatedBy': 'test' },
    });
    expect(res.status).toBe(400);
    expect(res.data).toMatchObject({ className: 'SecurityApiException', code: 40005 });
  });

  it('answers 409 to a duplicate user and a duplicate role', async () => {
    const { role, user } = await userWith([]);
    const http = rawHttp(server.url);
    const headers = { 'X-Killbill-CreatedBy': 'test' };
    const dupUser = await http.post('/1.0/kb/security/users', { ...user, roles: [] }, { headers });
    expect(dupUser.status).toBe(409);
    expect(dupUser.data).toMatchObject({ className: 'SecurityApiException', code: 40002 });
    const dupRole = await http.post('/1.0/kb/security/roles', { role, permissions: [] }, { headers });
    expect(dupRole.status).toBe(409);
    expect(dupRole.data).toMatchObject({ code: 40004 });
    expect((await http.post('/1.0/kb/security/roles', { role: 'root', permissions: [] }, { headers })).status).toBe(409);
  });

  it('answers 400 to an unknown role, a missing field or a missing X-Killbill-CreatedBy', async () => {
    const http = rawHttp(server.url);
    const headers = { 'X-Killbill-CreatedBy': 'test' };
    const ghost = await http.post('/1.0/kb/security/users', { username: unique('u'), password: 'x', roles: ['ghost'] }, { headers });
    expect(ghost.status).toBe(400);
    expect(ghost.data).toMatchObject({ code: 40003 });
    expect((await http.post('/1.0/kb/security/users', { username: unique('u'), roles: [] }, { headers })).status).toBe(400);
    expect((await http.post('/1.0/kb/security/roles', { role: unique('r'), permissions: [] })).status).toBe(400);
    expect((await http.put('/1.0/kb/security/roles', { role: 'ghost', permissions: [] }, { headers })).status).toBe(400);
  });
});
