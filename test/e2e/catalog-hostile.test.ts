import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant, rawHttp, type TenantCredentials } from '../support/killbill.js';
import { startTestServer, type TestServer } from '../support/server.js';

const saas = readFileSync(new URL('../../examples/catalogs/saas.xml', import.meta.url), 'utf8');

let server: TestServer;
let credentials: TenantCredentials;

beforeAll(async () => {
  server = await startTestServer(import.meta.filename);
  credentials = (await newTenant(server.url)).credentials;
});
afterAll(async () => {
  await server?.close();
});

const headers = { 'Content-Type': 'text/xml', 'X-Killbill-CreatedBy': 'test' };

/** "Billion laughs": ten levels of ten references expand to 10^9 copies of "lol" in a parser that expands entities. */
function billionLaughs(): string {
  const entities = ['<!ENTITY lol0 "lol">'];
  for (let i = 1; i <= 9; i++) entities.push(`<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`);
  return `<?xml version="1.0"?>\n<!DOCTYPE catalog [\n${entities.join('\n')}\n]>\n<catalog><catalogName>&lol9;</catalogName></catalog>`;
}

/** An external entity (XXE): a parser that resolves it would read the server's files. */
const externalEntity = '<?xml version="1.0"?><!DOCTYPE catalog [<!ENTITY x SYSTEM "file:///etc/passwd">]><catalog><catalogName>&x;</catalogName></catalog>';

const deepNesting = `<catalog>${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}</catalog>`;

const hostile: Record<string, { body: () => string; status: number }> = {
  'an XML bomb (billion laughs)': { body: billionLaughs, status: 400 },
  'an external entity': { body: () => externalEntity, status: 400 },
  '10,000-deep nesting': { body: () => deepNesting, status: 400 },
  'a 50 MB body': { body: () => `<catalog>${'x'.repeat(50 * 1024 * 1024)}</catalog>`, status: 413 },
};

async function versionCount(): Promise<number> {
  const res = await rawHttp(server.url, credentials).get('/1.0/kb/catalog/versions');
  return (res.data as unknown[]).length;
}

describe('hostile catalog uploads', () => {
  it.each(Object.entries(hostile))('refuses %s with a 4xx Kill Bill error and stores nothing', async (_name, bad) => {
    const before = await versionCount();
    const started = Date.now();
    const res = await rawHttp(server.url, credentials).post('/1.0/kb/catalog/xml', bad.body(), { headers, maxBodyLength: Infinity });
    expect(res.status).toBe(bad.status);
    expect(res.data).toMatchObject({ className: expect.any(String), code: expect.any(Number), message: expect.any(String) });
    // Refused up front, not after expanding or walking the document.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await versionCount()).toBe(before);
  });

  it('reports the bomb and the deep nesting on validate as errors, with 200 and at once', async () => {
    const http = rawHttp(server.url, credentials);
    for (const body of [billionLaughs(), deepNesting]) {
      const res = await http.post('/1.0/kb/catalog/xml/validate', body, { headers });
      expect(res.status).toBe(200);
      expect(res.data.catalogValidationErrors.length).toBeGreaterThan(0);
    }
  });

  it('still answers afterwards: health check and a normal catalog upload and read', async () => {
    expect((await rawHttp(server.url).get('/1.0/healthcheck')).status).toBe(200);
    const http = rawHttp(server.url, credentials);
    expect((await http.post('/1.0/kb/catalog/xml', saas, { headers })).status).toBe(201);
    const read = await http.get('/1.0/kb/catalog');
    expect(read.status).toBe(200);
    expect(read.data[0].name).toBe('Northwind');
  });
});
