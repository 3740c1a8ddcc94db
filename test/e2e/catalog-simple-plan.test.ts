import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { killbill, newTenant, rawHttp } from '../support/killbill.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(import.meta.filename);
});
afterAll(async () => {
  await server?.close();
});

type Tenant = Awaited<ReturnType<typeof newTenant>>;

const basic = {
  planId: 'basic-monthly',
  productName: 'Basic',
  productCategory: 'BASE',
  currency: 'USD',
  amount: 19.95,
  billingPeriod: 'MONTHLY',
} as const;

async function addPlan(t: Tenant, plan: Record<string, unknown>) {
  return rawHttp(server.url, t.credentials).post('/1.0/kb/catalog/simplePlan', plan, { headers: { 'X-Killbill-CreatedBy': 'test' } });
}

describe('addSimplePlan through the official Kill Bill client', () => {
  it('builds a first catalog on an empty tenant and answers 201 with the catalog Location', async () => {
    const t = await newTenant(server.url);
    expect((await t.kb.catalog.getCatalogJson()).data).toEqual([]);
    const res = await t.kb.catalog.addSimplePlan({ ...basic }, 'test');
    expect(res.status).toBe(201);
    expect(res.headers['location']).toBe(`${server.url}/1.0/kb/catalog`);

    const [catalog, ...others] = (await t.kb.catalog.getCatalogJson()).data;
    expect(others).toEqual([]);
    expect(catalog!.name).toBe('DEFAULT');
    expect(catalog!.currencies).toEqual(['USD']);
    // Kill Bill dates the first version the day before (getSafeFirstCatalogEffectiveDate).
    const effective = Date.parse(catalog!.effectiveDate!);
    expect(Date.now() - effective).toBeGreaterThan(23 * 3600_000);
    expect(Date.now() - effective).toBeLessThan(25 * 3600_000);
    const product = catalog!.products!.find((p) => p.name === 'Basic')!;
    expect(product.type).toBe('BASE');
    const plan = product.plans!.find((p) => p.name === 'basic-monthly')!;
    expect(plan.billingPeriod).toBe('MONTHLY');
    expect(plan.phases!.map((p) => p.type)).toEqual(['EVERGREEN']);
    expect(plan.phases![0]!.prices).toEqual([{ currency: 'USD', value: 19.95 }]);
    expect(catalog!.priceLists!.find((l) => l.name === 'DEFAULT')!.plans).toEqual(['basic-monthly']);

    const base = (await t.kb.catalog.getAvailableBasePlans()).data;
    expect(base).toEqual([
      { product: 'Basic', plan: 'basic-monthly', priceList: 'DEFAULT', finalPhaseBillingPeriod: 'MONTHLY', finalPhaseRecurringPrice: [{ currency: 'USD', value: 19.95 }] },
    ]);
  });

  it('extends the same version with a second plan, keeping a single version and its date', async () => {
    const t = await newTenant(server.url);
    await t.kb.catalog.addSimplePlan({ ...basic }, 'test');
    const before = (await t.kb.catalog.getCatalogJson()).data[0]!.effectiveDate;
    await t.kb.catalog.addSimplePlan({ ...basic, planId: 'pro-annual', productName: 'Pro', amount: 199, billingPeriod: 'ANNUAL' }, 'test');
    const all = (await t.kb.catalog.getCatalogJson()).data;
    expect(all).toHaveLength(1);
    expect(all[0]!.effectiveDate).toBe(before);
    expect((await t.kb.catalog.getAvailableBasePlans()).data.map((p) => [p.plan, p.finalPhaseBillingPeriod])).toEqual([
      ['basic-monthly', 'MONTHLY'],
      ['pro-annual', 'ANNUAL'],
    ]);
  });

  it('adds a plan with a $0 trial phase before its evergreen phase', async () => {
    const t = await newTenant(server.url);
    await t.kb.catalog.addSimplePlan({ ...basic, planId: 'trial-monthly', trialLength: 14, trialTimeUnit: 'DAYS' }, 'test');
    const plan = (await t.kb.catalog.getCatalogJson()).data[0]!.products![0]!.plans![0]!;
    expect(plan.phases!.map((p) => [p.type, p.duration?.unit, p.duration?.number])).toEqual([
      ['TRIAL', 'DAYS', 14],
      ['EVERGREEN', 'UNLIMITED', -1],
    ]);
    expect(plan.phases![0]!.fixedPrices).toEqual([{ currency: 'USD', value: 0 }]);
  });

  it('adds an add-on available on its base product', async () => {
    const t = await newTenant(server.url);
    await t.kb.catalog.addSimplePlan({ ...basic }, 'test');
    await t.kb.catalog.addSimplePlan(
      { planId: 'seats-monthly', productName: 'Seats', productCategory: 'ADD_ON', currency: 'USD', amount: 5, billingPeriod: 'MONTHLY', availableBaseProducts: ['Basic'] },
      'test',
    );
    const products = (await t.kb.catalog.getCatalogJson()).data[0]!.products!;
    expect(products.find((p) => p.name === 'Basic')!.available).toEqual(['Seats']);
    expect(products.find((p) => p.name === 'Seats')!.type).toBe('ADD_ON');
    expect((await t.kb.catalog.getAvailableBasePlans()).data.map((p) => p.plan)).toEqual(['basic-monthly']);
  });

  it('adds a second currency to an existing plan', async () => {
    const t = await newTenant(server.url);
    await t.kb.catalog.addSimplePlan({ ...basic }, 'test');
    await t.kb.catalog.addSimplePlan({ ...basic, currency: 'EUR', amount: 17.5 }, 'test');
    const catalog = (await t.kb.catalog.getCatalogJson()).data[0]!;
    expect(catalog.currencies).toEqual(['USD', 'EUR']);
    expect(catalog.products![0]!.plans![0]!.phases![0]!.prices).toEqual([
      { currency: 'USD', value: 19.95 },
      { currency: 'EUR', value: 17.5 },
    ]);
  });

  it('replaces only the newest version of an uploaded catalog, keeping its name and date', async () => {
    const t = await newTenant(server.url);
    const file = (name: string) => readFileSync(new URL(`../../examples/catalogs/versioned/${name}`, import.meta.url), 'utf8');
    await t.kb.catalog.uploadCatalogXml(file('harbor-v1.xml'), 'test');
    await t.kb.catalog.uploadCatalogXml(file('harbor-v2.xml'), 'test');
    const before = (await t.kb.catalog.getCatalogJson()).data;
    await t.kb.catalog.addSimplePlan({ ...basic, planId: 'extra-monthly', productName: 'Extra', currency: 'EUR', amount: 4.5 }, 'test');
    const after = (await t.kb.catalog.getCatalogJson()).data;
    expect(after.map((v) => [v.name, v.effectiveDate])).toEqual(before.map((v) => [v.name, v.effectiveDate]));
    expect(after[0]).toEqual(before[0]);
    const plans = (v: (typeof after)[number]) => v.products!.flatMap((p) => p.plans!.map((x) => x.name));
    expect(plans(after[1]!)).toEqual([...plans(before[1]!), 'extra-monthly']);
    expect(plans(after[0]!)).not.toContain('extra-monthly');
  });

  it('keeps the amount exact from the request text', async () => {
    const t = await newTenant(server.url);
    const res = await rawHttp(server.url, t.credentials).post(
      '/1.0/kb/catalog/simplePlan',
      '{"planId":"precise","productName":"Precise","productCategory":"BASE","currency":"BTC","amount":12345678.123456789,"billingPeriod":"MONTHLY"}',
      { headers: { 'X-Killbill-CreatedBy': 'test', 'Content-Type': 'application/json' } },
    );
    expect(res.status).toBe(201);
    const xml = (await rawHttp(server.url, t.credentials).get('/1.0/kb/catalog/xml', { responseType: 'text' })).data as string;
    expect(xml).toContain('<value>12345678.123456789</value>');
  });

  it('answers 201 with an XML that validates and can be uploaded again as a new version', async () => {
    const t = await newTenant(server.url);
    await t.kb.catalog.addSimplePlan({ ...basic, trialLength: 1, trialTimeUnit: 'MONTHS' }, 'test');
    const xml = (await rawHttp(server.url, t.credentials).get('/1.0/kb/catalog/xml', { responseType: 'text' })).data as string;
    const check = await rawHttp(server.url, t.credentials).post('/1.0/kb/catalog/xml/validate', xml, {
      headers: { 'Content-Type': 'text/xml', 'X-Killbill-CreatedBy': 'test' },
    });
    expect(check.status).toBe(200);
  });
});

describe('addSimplePlan refuses bad input with 400', () => {
  it('refuses an unknown currency', async () => {
    const t = await newTenant(server.url);
    const res = await addPlan(t, { ...basic, currency: 'XYZ' });
    expect(res.status).toBe(400);
    expect(res.data.code).toBe(3);
  });

  it('refuses a negative amount with Kill Bill message', async () => {
    const t = await newTenant(server.url);
    const res = await addPlan(t, { ...basic, amount: -1 });
    expect(res.status).toBe(400);
    expect(res.data).toMatchObject({ code: 2060, className: 'CatalogApiException' });
    expect(res.data.message).toContain('Please check amount and currency');
  });

  it('refuses missing fields', async () => {
    const t = await newTenant(server.url);
    for (const missing of ['planId', 'productName', 'amount', 'currency', 'billingPeriod', 'productCategory']) {
      const body: Record<string, unknown> = { ...basic };
      delete body[missing];
      const res = await addPlan(t, body);
      expect(res.status, missing).toBe(400);
      expect(res.data.code, missing).toBe(2060);
    }
    expect((await t.kb.catalog.getCatalogJson()).data).toEqual([]);
  });

  it('refuses malformed values and bodies', async () => {
    const t = await newTenant(server.url);
    expect((await addPlan(t, { ...basic, amount: 'ten' })).status).toBe(400);
    expect((await addPlan(t, { ...basic, billingPeriod: 'FORTNIGHTLY' })).status).toBe(400);
    expect((await addPlan(t, { ...basic, trialLength: 1.5, trialTimeUnit: 'DAYS' })).status).toBe(400);
    expect((await addPlan(t, { ...basic, availableBaseProducts: 'Basic' })).status).toBe(400);
    const notJson = await rawHttp(server.url, t.credentials).post('/1.0/kb/catalog/simplePlan', '{"planId":', {
      headers: { 'X-Killbill-CreatedBy': 'test', 'Content-Type': 'application/json' },
    });
    expect(notJson.status).toBe(400);
  });

  it('refuses an add-on without base products or with an unknown one', async () => {
    const t = await newTenant(server.url);
    await addPlan(t, basic);
    const addOn = { planId: 'seats', productName: 'Seats', productCategory: 'ADD_ON', currency: 'USD', amount: 5, billingPeriod: 'MONTHLY' };
    expect((await addPlan(t, addOn)).data.message).toContain('should not be empty');
    expect((await addPlan(t, { ...addOn, availableBaseProducts: ['Nope'] })).data.message).toContain('invalid product');
  });

  it('refuses a plan that exists with a different definition', async () => {
    const t = await newTenant(server.url);
    await addPlan(t, basic);
    const res = await addPlan(t, { ...basic, amount: 29.95 });
    expect(res.status).toBe(400);
    expect(res.data.message).toContain("Failed to validate simple Plan 'basic-monthly'");
  });

  it('requires the catalog:config_upload permission (403)', async () => {
    const t = await newTenant(server.url);
    const role = `reader-${randomUUID().slice(0, 8)}`;
    const user = { username: `reader-${randomUUID().slice(0, 8)}`, password: 'secret' };
    await killbill(server.url).security.addRoleDefinition({ role, permissions: ['account:create'] }, 'test');
    await killbill(server.url).security.addUserRoles({ ...user, roles: [role] }, 'test');
    const res = await rawHttp(server.url, t.credentials, user).post('/1.0/kb/catalog/simplePlan', basic, { headers: { 'X-Killbill-CreatedBy': 'test' } });
    expect(res.status).toBe(403);
    expect((await t.kb.catalog.getCatalogJson()).data).toEqual([]);
  });

  it('requires X-Killbill-CreatedBy and the tenant headers', async () => {
    const t = await newTenant(server.url);
    expect((await rawHttp(server.url, t.credentials).post('/1.0/kb/catalog/simplePlan', basic)).status).toBe(400);
    expect((await rawHttp(server.url).post('/1.0/kb/catalog/simplePlan', basic, { headers: { 'X-Killbill-CreatedBy': 'test' } })).status).toBe(401);
  });
});
