import { BillingError, PLUGIN_STORAGE_PREFIX, PUSH_NOTIFICATION_SECRET_KEY, TenantKey, parseId } from '@billwright/core';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env.js';
import { jsonObject, textBody } from '../http/body.js';
import { callContext, systemCallContext, tenantContext } from '../http/call-context.js';
import { optionalString, requiredString } from '../http/fields.js';
import { created, noContent } from '../http/responses.js';
import { requireTenant } from '../middleware/tenant.js';
import { tenantJson, tenantKeyValueJson } from '../json/tenant.js';

const BASE = '/1.0/kb/tenants';

/** `/1.0/kb/tenants`: tenants themselves (basic auth only) and each tenant's key/value store. */
export const tenants = new Hono<AppEnv>();

tenants.post('/', async (c) => {
  const body = await jsonObject(c);
  const tenant = await c.get('engine').tenants.create(systemCallContext(c), {
    apiKey: requiredString(body, 'apiKey', 128),
    apiSecret: requiredString(body, 'apiSecret', 255),
    externalKey: optionalString(body, 'externalKey', 255) ?? null,
  });
  return created(c, `${BASE}/${tenant.id}`, tenantJson(tenant));
});

tenants.get('/', async (c) => {
  const apiKey = c.req.query('apiKey');
  if (!apiKey) throw new BillingError('INVALID_PARAMETER', 'Query parameter apiKey is required');
  return c.json(tenantJson(await c.get('engine').tenants.getByApiKey(apiKey)));
});

/** A single-value key of the tenant store: upload replaces, get reads, delete removes. */
function singleValueKey(path: string, keyOf: (c: Context<AppEnv>) => string, validate: (value: string) => void = () => {}) {
  tenants.post(path, requireTenant, async (c) => {
    const value = await textBody(c);
    validate(value);
    const kv = await c.get('engine').tenants.putValue(callContext(c), keyOf(c), value);
    return created(c, new URL(c.req.url).pathname, tenantKeyValueJson(kv));
  });
  tenants.get(path, requireTenant, async (c) => c.json(tenantKeyValueJson(await c.get('engine').tenants.getValues(tenantContext(c), keyOf(c)))));
  tenants.delete(path, requireTenant, async (c) => {
    await c.get('engine').tenants.deleteKey(callContext(c), keyOf(c));
    return noContent(c);
  });
}

singleValueKey('/uploadPerTenantConfig', () => TenantKey.PER_TENANT_CONFIG, (value) => {
  try {
    const parsed: unknown = JSON.parse(value);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
  } catch {
    throw new BillingError('MALFORMED_REQUEST', 'The per-tenant configuration must be a JSON object');
  }
});
singleValueKey('/uploadPluginConfig/:pluginName', (c) => TenantKey.pluginConfig(pluginName(c)));
singleValueKey('/uploadPluginPaymentStateMachineConfig/:pluginName', (c) => TenantKey.pluginPaymentStateMachine(pluginName(c)));

tenants.get('/uploadPerTenantConfig/:keyPrefix/search', requireTenant, async (c) => {
  const found = await c.get('engine').tenants.searchKeys(tenantContext(c), c.req.param('keyPrefix'));
  return c.json(found.map(tenantKeyValueJson));
});

/** Keys Billwright keeps for itself in the tenant store, out of reach of the user key/value API. */
const PRIVATE_KEYS = new Set([PUSH_NOTIFICATION_SECRET_KEY]);

function userKey(c: Context<AppEnv>): string {
  const key = c.req.param('keyName') ?? '';
  if (PRIVATE_KEYS.has(key) || key.startsWith(PLUGIN_STORAGE_PREFIX)) throw new BillingError('INVALID_PARAMETER', `The key ${key} is reserved`, { key });
  return key;
}

tenants.post('/userKeyValue/:keyName', requireTenant, async (c) => {
  const key = userKey(c);
  const kv = await c.get('engine').tenants.addValue(callContext(c), key, await textBody(c));
  return created(c, `${BASE}/userKeyValue/${encodeURIComponent(key)}`, tenantKeyValueJson(kv));
});
tenants.get('/userKeyValue/:keyName', requireTenant, async (c) =>
  c.json(tenantKeyValueJson(await c.get('engine').tenants.getValues(tenantContext(c), userKey(c)))),
);
tenants.delete('/userKeyValue/:keyName', requireTenant, async (c) => {
  await c.get('engine').tenants.deleteKey(callContext(c), userKey(c));
  return noContent(c);
});

tenants.get('/:tenantId', async (c) => {
  const id = parseId<'Tenant'>(c.req.param('tenantId'), 'tenantId');
  return c.json(tenantJson(await c.get('engine').tenants.getById(id)));
});

function pluginName(c: Context<AppEnv>): string {
  const name = c.req.param('pluginName') ?? '';
  if (!/^[A-Za-z0-9._-]{1,128}$/.test(name)) throw new BillingError('INVALID_PARAMETER', `Invalid plugin name '${name.slice(0, 64)}'`);
  return name;
}
