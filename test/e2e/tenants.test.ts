import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killbill, newTenant, rawHttp } from '../support/killbill.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(import.meta.filename);
});
afterAll(async () => {
  await server?.close();
});

describe('tenants through the official Kill Bill client', () => {
  it('creates a tenant and answers 201 with a Location the client follows', async () => {
    const apiKey = `bob-${randomUUID()}`;
    const res = await killbill(server.url).tenants.createTenant({ apiKey, apiSecret: 'lazar', externalKey: `ext-${apiKey}` }, 'test');
    expect(res.status).toBe(201);
    expect(res.headers['location']).toMatch(new RegExp(`^${server.url}/1.0/kb/tenants/[0-9a-f-]{36}$`));
    expect(res.data.apiKey).toBe(apiKey);
    expect(res.data.externalKey).toBe(`ext-${apiKey}`);
    expect(res.data.apiSecret).toBeNull();
  });

  it('reads a tenant by id and by api key', async () => {
    const { tenantId, credentials } = await newTenant(server.url);
    const kb = killbill(server.url);
    expect((await kb.tenants.getTenant(tenantId)).data.apiKey).toBe(credentials.apiKey);
    expect((await kb.tenants.getTenantByApiKey(credentials.apiKey)).data.tenantId).toBe(tenantId);
  });

  it('refuses a second tenant with the same api key with 409', async () => {
    const { credentials } = await newTenant(server.url);
    const res = await rawHttp(server.url).post('/1.0/kb/tenants', { apiKey: credentials.apiKey, apiSecret: 'x' }, { headers: { 'X-Killbill-CreatedBy': 't' } });
    expect(res.status).toBe(409);
    expect(res.data).toMatchObject({ code: 20000, className: 'TenantApiException' });
  });

  it('answers 404 for an unknown tenant id and 400 for a malformed one', async () => {
    const http = rawHttp(server.url);
    expect((await http.get(`/1.0/kb/tenants/${randomUUID()}`)).status).toBe(404);
    const bad = await http.get('/1.0/kb/tenants/not-a-uuid');
    expect(bad.status).toBe(400);
    expect(bad.data.message).toContain('not a UUID');
  });

  it('stores the api secret hashed, never in clear', async () => {
    const { credentials } = await newTenant(server.url);
    const rows = await server.engine.db.fork().getConnection().execute('select api_secret_hash from tenants where api_key = ?', [credentials.apiKey]);
    const hash = String((rows as { api_secret_hash: string }[])[0]!.api_secret_hash);
    expect(hash.startsWith('scrypt$')).toBe(true);
    expect(hash).not.toContain(credentials.apiSecret);
  });

  it('answers 401 to bad basic credentials and to a wrong api secret', async () => {
    const { credentials } = await newTenant(server.url);
    const wrongUser = await rawHttp(server.url).request({ url: '/1.0/kb/tenants/userKeyValue/k', auth: { username: 'admin', password: 'nope' } });
    expect(wrongUser.status).toBe(401);
    const wrongSecret = await rawHttp(server.url, { apiKey: credentials.apiKey, apiSecret: 'wrong' }).get('/1.0/kb/tenants/userKeyValue/k');
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.data).toHaveProperty('className');
  });
});

describe('the per-tenant key/value store', () => {
  it('appends user key values and deletes the key', async () => {
    const { kb } = await newTenant(server.url);
    await kb.tenants.insertUserKeyValue('first', 'colour', 'test');
    const second = await kb.tenants.insertUserKeyValue('second', 'colour', 'test');
    expect(second.status).toBe(201);
    expect((await kb.tenants.getUserKeyValue('colour')).data).toMatchObject({ key: 'colour', values: ['first', 'second'] });
    await kb.tenants.deleteUserKeyValue('colour', 'test');
    expect((await kb.tenants.getUserKeyValue('colour')).data.values).toEqual([]);
  });

  it('replaces the per-tenant config and refuses one that is not JSON', async () => {
    const { kb, credentials } = await newTenant(server.url);
    await kb.tenants.uploadPerTenantConfiguration('{"org.killbill.payment.retry.days":"1,2"}', 'test');
    await kb.tenants.uploadPerTenantConfiguration('{"org.killbill.payment.retry.days":"8,8,8"}', 'test');
    expect((await kb.tenants.getPerTenantConfiguration()).data.values).toEqual(['{"org.killbill.payment.retry.days":"8,8,8"}']);
    const bad = await rawHttp(server.url, credentials).post('/1.0/kb/tenants/uploadPerTenantConfig', 'not json', {
      headers: { 'X-Killbill-CreatedBy': 't', 'Content-Type': 'text/plain' },
    });
    expect(bad.status).toBe(400);
  });

  it('keeps plugin configuration per plugin and finds it by prefix', async () => {
    const { kb } = await newTenant(server.url);
    await kb.tenants.uploadPluginConfiguration('rate: 0.2', 'simple-tax', 'test');
    await kb.tenants.uploadPluginConfiguration('key: abc', 'stripe', 'test');
    expect((await kb.tenants.getPluginConfiguration('simple-tax')).data.values).toEqual(['rate: 0.2']);
    const all = await kb.tenants.getAllPluginConfiguration('PLUGIN_CONFIG_');
    expect(all.data.map((kv) => kv.key).sort()).toEqual(['PLUGIN_CONFIG_simple-tax', 'PLUGIN_CONFIG_stripe']);
    await kb.tenants.deletePluginConfiguration('stripe', 'test');
    expect((await kb.tenants.getPluginConfiguration('stripe')).data.values).toEqual([]);
  });

  it('never shows one tenant the keys of another', async () => {
    const a = await newTenant(server.url);
    const b = await newTenant(server.url);
    await a.kb.tenants.insertUserKeyValue('secret-of-a', 'shared-name', 'test');
    expect((await b.kb.tenants.getUserKeyValue('shared-name')).data.values).toEqual([]);
    await b.kb.tenants.deleteUserKeyValue('shared-name', 'test');
    expect((await a.kb.tenants.getUserKeyValue('shared-name')).data.values).toEqual(['secret-of-a']);
  });
});

describe('the health check', () => {
  it('answers 200 while MariaDB and Redis are reachable', async () => {
    const res = await rawHttp(server.url).get('/1.0/healthcheck');
    expect(res.status).toBe(200);
    expect(res.data.database.healthy).toBe(true);
    expect(res.data.redis.healthy).toBe(true);
  });
});
