import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant, rawHttp, type TenantCredentials } from '../support/killbill.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let credentials: TenantCredentials;
let accountId = '';

beforeAll(async () => {
  server = await startTestServer(import.meta.filename);
  const tenant = await newTenant(server.url);
  credentials = tenant.credentials;
  accountId = (await tenant.kb.accounts.createAccount({ name: 'Existing', currency: 'USD' }, 'test')).data.accountId!;
});
afterAll(async () => {
  await server?.close();
});

const headers = { 'X-Killbill-CreatedBy': 'test', 'Content-Type': 'application/json' };

/** Rows in the tables a bad write could touch: none may change. */
async function counts(): Promise<number[]> {
  const conn = server.engine.db.fork().getConnection();
  const out: number[] = [];
  for (const table of ['accounts', 'account_emails', 'audit_log']) {
    const rows = (await conn.execute(`select count(*) as n from ${table}`)) as { n: number | string }[];
    out.push(Number(rows[0]!.n));
  }
  return out;
}

interface BadRequest {
  readonly method: 'get' | 'post' | 'put' | 'delete';
  readonly url: () => string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly status: number;
  readonly code?: number;
  readonly className?: string;
}

const cases: Record<string, BadRequest> = {
  'malformed JSON': { method: 'post', url: () => '/1.0/kb/accounts', body: '{"name": "Jo', status: 400, code: 90001, className: 'JsonParseException' },
  'a JSON array instead of an account': { method: 'post', url: () => '/1.0/kb/accounts', body: '[]', status: 400, code: 90001 },
  'an unknown currency': { method: 'post', url: () => '/1.0/kb/accounts', body: { currency: 'XYZ' }, status: 400, code: 3, className: 'IllegalArgumentException' },
  'an invalid time zone': { method: 'post', url: () => '/1.0/kb/accounts', body: { timeZone: 'Mars/Olympus' }, status: 400, code: 90000 },
  'a bill cycle day of 45': { method: 'post', url: () => '/1.0/kb/accounts', body: { billCycleDayLocal: 45 }, status: 400, code: 90000 },
  'a 200 kB name': { method: 'post', url: () => '/1.0/kb/accounts', body: { name: 'x'.repeat(200 * 1024) }, status: 400, code: 3001, className: 'AccountApiException' },
  'a name that is not a string': { method: 'post', url: () => '/1.0/kb/accounts', body: { name: 42 }, status: 400, code: 90000 },
  'an invalid locale': { method: 'post', url: () => '/1.0/kb/accounts', body: { locale: 'not a locale' }, status: 400 },
  'a reference time that is not a date': { method: 'post', url: () => '/1.0/kb/accounts', body: { referenceTime: 'yesterday' }, status: 400 },
  'a missing X-Killbill-CreatedBy': {
    method: 'post',
    url: () => '/1.0/kb/accounts',
    body: { name: 'Nobody' },
    headers: { 'Content-Type': 'application/json' },
    status: 400,
    code: 90000,
  },
  'a non-UUID account id on read': { method: 'get', url: () => '/1.0/kb/accounts/not-a-uuid', status: 400, code: 90000 },
  'a non-UUID account id on update': { method: 'put', url: () => '/1.0/kb/accounts/not-a-uuid', body: { notes: 'x' }, status: 400 },
  'a non-UUID account id on close': { method: 'delete', url: () => '/1.0/kb/accounts/not-a-uuid', status: 400 },
  'a non-UUID parent id': { method: 'post', url: () => '/1.0/kb/accounts', body: { parentAccountId: 'mom' }, status: 400 },
  'a currency change': { method: 'put', url: () => `/1.0/kb/accounts/${accountId}`, body: { currency: 'EUR' }, status: 400 },
  'an update with a 200 kB name': { method: 'put', url: () => `/1.0/kb/accounts/${accountId}`, body: { name: 'x'.repeat(200 * 1024) }, status: 400, code: 3001 },
  'an update with malformed JSON': { method: 'put', url: () => `/1.0/kb/accounts/${accountId}`, body: '{', status: 400, code: 90001 },
  'an email body without an email': { method: 'post', url: () => `/1.0/kb/accounts/${accountId}/emails`, body: { accountId }, status: 400 },
  'an audit level that does not exist': { method: 'get', url: () => `/1.0/kb/accounts/${accountId}?audit=EVERYTHING`, status: 400 },
  'a negative pagination offset': { method: 'get', url: () => '/1.0/kb/accounts/pagination?offset=-1', status: 400 },
  'a body over the 1 MB limit': { method: 'post', url: () => '/1.0/kb/accounts', body: { notes: 'x'.repeat(2 * 1024 * 1024) }, status: 413, code: 90002 },
  'a treatNullAsReset that is not a boolean': { method: 'put', url: () => `/1.0/kb/accounts/${accountId}?treatNullAsReset=yes`, body: {}, status: 400 },
};

describe('bad input to the accounts API', () => {
  it.each(Object.entries(cases))('answers %s with a 4xx Kill Bill error and writes nothing', async (_name, bad) => {
    const before = await counts();
    const res = await rawHttp(server.url, credentials).request({
      method: bad.method,
      url: bad.url(),
      data: bad.body,
      headers: bad.headers ?? headers,
      transformRequest: (data: unknown) => (typeof data === 'string' || data === undefined ? data : JSON.stringify(data)),
    });
    expect(res.status).toBe(bad.status);
    expect(res.data).toMatchObject({ className: expect.any(String), code: expect.any(Number), message: expect.any(String) });
    if (bad.code !== undefined) expect(res.data.code).toBe(bad.code);
    if (bad.className !== undefined) expect(res.data.className).toBe(bad.className);
    expect(await counts()).toEqual(before);
  });

  it('answers a write without tenant credentials with 401 and writes nothing', async () => {
    const before = await counts();
    const res = await rawHttp(server.url).post('/1.0/kb/accounts', { name: 'Orphan' }, { headers });
    expect(res.status).toBe(401);
    expect(res.data).toMatchObject({ className: expect.any(String), code: expect.any(Number) });
    expect(await counts()).toEqual(before);
  });

  it('leaves the existing account as it was', async () => {
    const res = await rawHttp(server.url, credentials).get(`/1.0/kb/accounts/${accountId}`);
    expect(res.data).toMatchObject({ name: 'Existing', currency: 'USD', notes: null });
  });
});
