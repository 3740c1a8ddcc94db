import { BillingError } from '@billwright/core';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env.js';
import { jsonObject } from '../http/body.js';
import { systemCallContext } from '../http/call-context.js';
import { optionalStringArray, requiredString } from '../http/fields.js';
import { created, noContent } from '../http/responses.js';
import { roleDefinitionJson, subjectJson, userRolesJson } from '../json/security.js';

const BASE = '/1.0/kb/security';

/** `/1.0/kb/security` (Kill Bill's SecurityResource): users and roles are global, so basic auth only, no tenant. */
export const security = new Hono<AppEnv>();

security.get('/subject', (c) => c.json(subjectJson(c.get('subject'))));

security.get('/permissions', (c) => c.json(c.get('engine').security.currentPermissions(c.get('subject'))));

security.post('/users', async (c) => {
  const body = await jsonObject(c);
  const user = await c.get('engine').security.addUser(systemCallContext(c), {
    username: requiredString(body, 'username'),
    password: requiredString(body, 'password'),
    roles: requiredStrings(body, 'roles'),
  });
  return created(c, `${BASE}/users/${encodeURIComponent(user.username)}/roles`, userRolesJson(user));
});

security.put('/users/:username/password', async (c) => {
  const body = await jsonObject(c);
  await c.get('engine').security.updatePassword(systemCallContext(c), username(c), requiredString(body, 'password'));
  return noContent(c);
});

security.get('/users/:username/roles', async (c) => c.json(userRolesJson(await c.get('engine').security.getUserRoles(username(c)))));

security.put('/users/:username/roles', async (c) => {
  const body = await jsonObject(c);
  await c.get('engine').security.updateRoles(systemCallContext(c), username(c), requiredStrings(body, 'roles'));
  return noContent(c);
});

security.delete('/users/:username', async (c) => {
  await c.get('engine').security.invalidateUser(systemCallContext(c), username(c));
  return noContent(c);
});

security.post('/roles', async (c) => {
  const body = await jsonObject(c);
  const role = await c.get('engine').security.addRole(systemCallContext(c), {
    role: requiredString(body, 'role'),
    permissions: requiredStrings(body, 'permissions'),
  });
  return created(c, `${BASE}/roles/${encodeURIComponent(role.role)}`, roleDefinitionJson(role));
});

security.put('/roles', async (c) => {
  const body = await jsonObject(c);
  await c.get('engine').security.updateRole(systemCallContext(c), {
    role: requiredString(body, 'role'),
    permissions: requiredStrings(body, 'permissions'),
  });
  return noContent(c);
});

security.get('/roles/:role', async (c) => c.json(roleDefinitionJson(await c.get('engine').security.getRole(c.req.param('role')))));

/** UserRoles.roles and RoleDefinition.permissions are required by Kill Bill's spec (an empty list is allowed). */
function requiredStrings(body: Record<string, unknown>, field: string): string[] {
  const v = optionalStringArray(body, field);
  if (v === undefined || v === null) throw new BillingError('INVALID_PARAMETER', `Field ${field} is required`, { field });
  return v;
}

function username(c: Context<AppEnv>): string {
  return c.req.param('username') ?? '';
}
