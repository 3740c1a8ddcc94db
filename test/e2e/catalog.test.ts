import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant, rawHttp } from '../support/killbill.js';
import { startTestServer, type TestServer } from '../support/server.js';

const example = (name: string) => readFileSync(new URL(`../../examples/catalogs/${name}`, import.meta.url), 'utf8');
const saas = example('saas.xml');
const usage = example('usage.xml');
const harbor = [1, 2, 3].map((n) => example(`versioned/harbor-v${n}.xml`));

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(import.meta.filename);
});
afterAll(async () => {
  await server?.close();
});

const xmlHeaders = { 'Content-Type': 'text/xml', 'X-Killbill-CreatedBy': 'test' };

describe('a tenant without a catalog', () => {
  it('reads an empty catalog: 200 [] everywhere, never an error', async () => {
    const { kb } = await newTenant(server.url);
    expect((await kb.catalog.getCatalogJson()).data).toEqual([]);
    expect((await kb.catalog.getCatalogVersions()).data).toEqual([]);
    expect((await kb.catalog.getAvailableBasePlans()).data).toEqual([]);
    expect((await kb.catalog.getAvailableAddons('Team')).data).toEqual([]);
    const xml = (await kb.catalog.getCatalogXml()).data;
    expect(xml).toContain('<catalogs>');
    expect(xml).not.toContain('<version>');
  });
});

describe('uploading and reading a catalog through the official client', () => {
  it('uploads with 201 and a Location the client follows to the catalog JSON', async () => {
    const { kb } = await newTenant(server.url);
    const res = await kb.catalog.uploadCatalogXml(saas, 'test');
    expect(res.status).toBe(201);
    expect(res.headers['location']).toBe(`${server.url}/1.0/kb/catalog`);
    expect(res.data).toMatchObject([{ name: 'Northwind' }]);
  });

  it('answers the JSON shapes of Kill Bill\'s CatalogJson, prices as exact JSON numbers', async () => {
    const { kb, credentials } = await newTenant(server.url);
    await kb.catalog.uploadCatalogXml(saas, 'test');
    const [catalog] = (await kb.catalog.getCatalogJson()).data;
    expect(catalog?.name).toBe('Northwind');
    expect(new Date(catalog!.effectiveDate!).toISOString()).toBe('2024-01-01T00:00:00.000Z');
    expect(catalog?.currencies).toEqual(['USD', 'EUR']);
    const team = catalog?.products?.find((p) => p.name === 'Team');
    expect(team).toMatchObject({ type: 'BASE', prettyName: 'Team', included: ['PrioritySupport'], available: ['ExtraSeats', 'Archive'] });
    const monthly = team?.plans?.find((p) => p.name === 'team-monthly');
    expect(monthly).toMatchObject({ prettyName: 'Team, monthly', billingPeriod: 'MONTHLY', recurringBillingMode: 'IN_ADVANCE' });
    expect(monthly?.phases?.map((p) => p.type)).toEqual(['TRIAL', 'DISCOUNT', 'EVERGREEN']);
    expect(monthly?.phases?.[2]).toEqual({
      type: 'EVERGREEN',
      prices: [{ currency: 'USD', value: 49 }, { currency: 'EUR', value: 45 }],
      fixedPrices: [],
      duration: { unit: 'UNLIMITED', number: -1 },
      usages: [],
    });
    expect(catalog?.priceLists?.map((l) => l.name)).toEqual(['DEFAULT', 'LAUNCH']);
    expect(catalog?.priceLists?.[1]?.plans).toEqual(['team-monthly-launch']);
    // Prices are JSON numbers on the wire, not strings (decimal.js drops the trailing zero of 24.50).
    const raw = await rawHttp(server.url, credentials).get('/1.0/kb/catalog', { transformResponse: (d: string) => d });
    expect(raw.data).toContain('{"currency":"USD","value":24.5}');
  });

  it('maps usage sections: tiers, blocks and limits with Kill Bill\'s double strings', async () => {
    const { kb } = await newTenant(server.url);
    await kb.catalog.uploadCatalogXml(usage, 'test');
    const [catalog] = (await kb.catalog.getCatalogJson()).data;
    const usages = catalog?.products?.flatMap((p) => p.plans ?? []).flatMap((p) => p.phases ?? []).flatMap((ph) => ph.usages ?? []) ?? [];
    expect(usages.length).toBeGreaterThan(0);
    const tiers = usages.flatMap((u) => u.tiers ?? []);
    const blocks = tiers.flatMap((t) => t.blocks ?? []);
    const limits = tiers.flatMap((t) => t.limits ?? []);
    expect(blocks.length + limits.length).toBeGreaterThan(0);
    for (const b of blocks) expect(b.size).toMatch(/^-?\d+(\.\d+)$/);
    for (const l of limits) expect(l.max).toMatch(/^-?\d+(\.\d+)$/);
    expect(catalog?.units?.length).toBeGreaterThan(0);
  });

  it('answers Kill Bill\'s versioned XML, or only the version in force at requestedDate', async () => {
    const { kb } = await newTenant(server.url);
    await kb.catalog.uploadCatalogXml(harbor[0]!, 'test');
    await kb.catalog.uploadCatalogXml(harbor[1]!, 'test');
    const all = (await kb.catalog.getCatalogXml()).data;
    expect(all).toMatch(/<catalogs>\s*<versions>\s*<version>\s*<effectiveDate>2024-01-01T00:00:00Z<\/effectiveDate>/);
    expect(all.match(/<version>/g)).toHaveLength(2);
    expect(all).toMatch(/<\/versions>\s*<catalogName>Harbor<\/catalogName>\s*<\/catalogs>/);
    const july = (await kb.catalog.getCatalogXml('2024-07-01')).data;
    expect(july.match(/<version>/g)).toHaveLength(1);
    expect(july).toContain('<effectiveDate>2024-06-01T00:00:00Z</effectiveDate>');
  });

  it('lists the versions, and the JSON of the version in force at requestedDate', async () => {
    const { kb } = await newTenant(server.url);
    for (const xml of harbor) await kb.catalog.uploadCatalogXml(xml, 'test');
    const versions = (await kb.catalog.getCatalogVersions()).data.map((d) => new Date(d).toISOString().slice(0, 10));
    expect(versions).toEqual(['2024-01-01', '2024-06-01', '2025-01-01']);
    expect((await kb.catalog.getCatalogJson()).data).toHaveLength(3);
    const [july] = (await kb.catalog.getCatalogJson('2024-07-01T00:00:00Z')).data;
    expect(new Date(july!.effectiveDate!).toISOString()).toBe('2024-06-01T00:00:00.000Z');
  });

  it('lists the available base plans and add-ons as PlanDetail', async () => {
    const { kb } = await newTenant(server.url);
    await kb.catalog.uploadCatalogXml(saas, 'test');
    const base = (await kb.catalog.getAvailableBasePlans()).data;
    expect(base.map((d) => `${d.plan}@${d.priceList}`)).toEqual(['starter-monthly@DEFAULT', 'team-monthly@DEFAULT', 'team-annual@DEFAULT', 'team-monthly-launch@LAUNCH']);
    expect(base[1]).toEqual({
      product: 'Team',
      plan: 'team-monthly',
      priceList: 'DEFAULT',
      finalPhaseBillingPeriod: 'MONTHLY',
      finalPhaseRecurringPrice: [{ currency: 'USD', value: 49 }, { currency: 'EUR', value: 45 }],
    });
    const addons = (await kb.catalog.getAvailableAddons('Team')).data;
    expect(addons.map((d) => d.plan)).toEqual(['extra-seats-monthly', 'archive-annual']);
    expect((await kb.catalog.getAvailableAddons('Team', 'LAUNCH')).data).toEqual([]);
    expect((await kb.catalog.getAvailableAddons('Nope')).data).toEqual([]);
  });
});

describe('validating a catalog', () => {
  it('answers 200 with an empty list for a valid catalog', async () => {
    const { kb } = await newTenant(server.url);
    expect((await kb.catalog.validateCatalogXml(saas, 'test')).data).toEqual({ catalogValidationErrors: [] });
  });

  it('answers 200 with the problems of an invalid one, and writes nothing', async () => {
    const { kb } = await newTenant(server.url);
    const broken = saas.replace('<catalogName>Northwind</catalogName>', '');
    const res = await kb.catalog.validateCatalogXml(broken, 'test');
    expect(res.status).toBe(200);
    expect(res.data.catalogValidationErrors?.length).toBeGreaterThan(0);
    expect(res.data.catalogValidationErrors?.[0]?.errorDescription).toMatch(/catalogName/);
    expect((await kb.catalog.validateCatalogXml('this is not XML', 'test')).data.catalogValidationErrors?.length).toBeGreaterThan(0);
    expect((await kb.catalog.getCatalogVersions()).data).toEqual([]);
  });

  it('checks the version rules against the tenant\'s versions', async () => {
    const { kb } = await newTenant(server.url);
    await kb.catalog.uploadCatalogXml(harbor[0]!, 'test');
    const errors = (await kb.catalog.validateCatalogXml(harbor[0]!, 'test')).data.catalogValidationErrors ?? [];
    expect(errors.map((e) => e.errorDescription)).toEqual(["Catalog effective date 'Mon Jan 01 00:00:00 UTC 2024' already exists for a previous version"]);
  });
});

describe('refused uploads change nothing', () => {
  it('refuses an invalid catalog with 400 CAT_INVALID_FOR_TENANT listing every error', async () => {
    const { kb, credentials } = await newTenant(server.url);
    await kb.catalog.uploadCatalogXml(harbor[0]!, 'test');
    const broken = harbor[1]!.replace('<catalogName>Harbor</catalogName>', '').replace('<unit>UNLIMITED</unit>', '<unit>FOREVER</unit>');
    const res = await rawHttp(server.url, credentials).post('/1.0/kb/catalog/xml', broken, { headers: xmlHeaders });
    expect(res.status).toBe(400);
    expect(res.data).toMatchObject({ code: 2080, className: 'CatalogApiException' });
    expect(res.data.message).toMatch(/catalogName/);
    expect(res.data.message).toMatch(/FOREVER/);
    expect((await kb.catalog.getCatalogVersions()).data).toHaveLength(1);
  });

  it('refuses a second version with an existing effective date, or under another name', async () => {
    const { kb, credentials } = await newTenant(server.url);
    await kb.catalog.uploadCatalogXml(harbor[0]!, 'test');
    const http = rawHttp(server.url, credentials);
    const again = await http.post('/1.0/kb/catalog/xml', harbor[0], { headers: xmlHeaders });
    expect(again.status).toBe(400);
    expect(again.data.message).toContain('already exists for a previous version');
    const renamed = await http.post('/1.0/kb/catalog/xml', harbor[1]!.replace('>Harbor<', '>Dock<'), { headers: xmlHeaders });
    expect(renamed.status).toBe(400);
    expect(renamed.data.message).toContain("Catalog name 'Dock' is different from existing catalog name 'Harbor'");
    expect((await kb.catalog.getCatalogVersions()).data).toHaveLength(1);
  });

  it('requires X-Killbill-CreatedBy to upload', async () => {
    const { kb, credentials } = await newTenant(server.url);
    const res = await rawHttp(server.url, credentials).post('/1.0/kb/catalog/xml', saas, { headers: { 'Content-Type': 'text/xml' } });
    expect(res.status).toBe(400);
    expect((await kb.catalog.getCatalogVersions()).data).toEqual([]);
  });
});

describe('deleting and isolation', () => {
  it('deletes every version; reads then answer 200 [] and a new upload starts afresh', async () => {
    const { kb } = await newTenant(server.url);
    await kb.catalog.uploadCatalogXml(harbor[0]!, 'test');
    await kb.catalog.uploadCatalogXml(harbor[1]!, 'test');
    expect((await kb.catalog.deleteCatalog('test')).status).toBe(204);
    expect((await kb.catalog.getCatalogJson()).data).toEqual([]);
    expect((await kb.catalog.getCatalogVersions()).data).toEqual([]);
    await kb.catalog.uploadCatalogXml(saas, 'test');
    expect((await kb.catalog.getCatalogJson()).data.map((c) => c.name)).toEqual(['Northwind']);
  });

  it('never shows one tenant\'s catalog to another', async () => {
    const a = await newTenant(server.url);
    const b = await newTenant(server.url);
    await a.kb.catalog.uploadCatalogXml(saas, 'test');
    expect((await b.kb.catalog.getCatalogJson()).data).toEqual([]);
    expect((await b.kb.catalog.getAvailableBasePlans()).data).toEqual([]);
    expect((await b.kb.catalog.getCatalogXml()).data).not.toContain('Northwind');
    await b.kb.catalog.deleteCatalog('test');
    expect((await a.kb.catalog.getCatalogJson()).data).toHaveLength(1);
  });

  it('answers the subscription lookups 404 for an unknown subscription, 400 without an id', async () => {
    const { kb, credentials } = await newTenant(server.url);
    await kb.catalog.uploadCatalogXml(saas, 'test');
    const http = rawHttp(server.url, credentials);
    for (const what of ['plan', 'phase', 'product', 'priceList']) {
      const res = await http.get(`/1.0/kb/catalog/${what}`, { params: { subscriptionId: '2b5a9bd1-7e0f-4c3e-8f05-5f2b1d6c7a10' } });
      expect(res.status).toBe(404);
      expect(res.data.code).toBe(1082);
      expect((await http.get(`/1.0/kb/catalog/${what}`)).status).toBe(400);
    }
  });

  it('requires the tenant headers', async () => {
    const res = await rawHttp(server.url).get('/1.0/kb/catalog');
    expect(res.status).toBe(401);
  });
});
