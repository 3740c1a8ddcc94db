import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Subscription } from 'killbill';
import { killbill, newTenant, rawHttp } from '../support/killbill.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** A Kill Bill-style test catalog: a 30-day trial base with an available, an included and an unrelated add-on. */
const price = (usd: string) => `<recurringPrice><price><currency>USD</currency><value>${usd}</value></price></recurringPrice>`;
const evergreen = (period: string, prices: string) =>
  `<finalPhase type="EVERGREEN"><duration><unit>UNLIMITED</unit></duration><recurring><billingPeriod>${period}</billingPeriod>${prices}</recurring></finalPhase>`;
const CATALOG = `<?xml version="1.0" encoding="UTF-8"?>
<catalog xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <effectiveDate>2011-01-01T00:00:00+00:00</effectiveDate>
  <catalogName>Subscriptions</catalogName>
  <recurringBillingMode>IN_ADVANCE</recurringBillingMode>
  <currencies><currency>USD</currency><currency>EUR</currency></currencies>
  <products>
    <product name="Sports"><category>BASE</category>
      <included><addonProduct>Telematics</addonProduct></included>
      <available><addonProduct>OilSlick</addonProduct></available>
    </product>
    <product name="Euro"><category>BASE</category></product>
    <product name="OilSlick"><category>ADD_ON</category></product>
    <product name="Telematics"><category>ADD_ON</category></product>
    <product name="Spoiler"><category>ADD_ON</category></product>
  </products>
  <rules>
    <changePolicy><changePolicyCase><policy>END_OF_TERM</policy></changePolicyCase></changePolicy>
    <cancelPolicy><cancelPolicyCase><policy>END_OF_TERM</policy></cancelPolicyCase></cancelPolicy>
    <billingAlignment><billingAlignmentCase><alignment>ACCOUNT</alignment></billingAlignmentCase></billingAlignment>
  </rules>
  <plans>
    <plan name="sports-monthly"><product>Sports</product>
      <initialPhases><phase type="TRIAL"><duration><unit>DAYS</unit><number>30</number></duration><fixed><fixedPrice/></fixed></phase></initialPhases>
      ${evergreen('MONTHLY', price('500.00'))}
    </plan>
    <plan name="euro-monthly"><product>Euro</product>
      ${evergreen('MONTHLY', '<recurringPrice><price><currency>EUR</currency><value>10.00</value></price></recurringPrice>')}
    </plan>
    <plan name="oilslick-monthly"><product>OilSlick</product>${evergreen('MONTHLY', price('7.95'))}</plan>
    <plan name="telematics-monthly"><product>Telematics</product>${evergreen('MONTHLY', price('5.00'))}</plan>
    <plan name="spoiler-monthly"><product>Spoiler</product>${evergreen('MONTHLY', price('3.00'))}</plan>
  </plans>
  <priceLists>
    <defaultPriceList name="DEFAULT"><plans>
      <plan>sports-monthly</plan><plan>euro-monthly</plan><plan>oilslick-monthly</plan><plan>telematics-monthly</plan><plan>spoiler-monthly</plan>
    </plans></defaultPriceList>
  </priceLists>
</catalog>`;

let server: TestServer;
const by = { headers: { 'X-Killbill-CreatedBy': 'test' } };

beforeAll(async () => {
  server = await startTestServer(import.meta.filename, { testMode: true });
});
afterAll(async () => {
  await server?.close();
});

async function tenantWithAccount(withCatalog = true) {
  const t = await newTenant(server.url);
  const http = rawHttp(server.url, t.credentials);
  await http.post('/1.0/kb/test/clock?requestedDate=2012-04-01T10:00:00.000Z', null, by);
  if (withCatalog) await t.kb.catalog.uploadCatalogXml(CATALOG, 'test');
  const { data: account } = await t.kb.accounts.createAccount({ name: 'Ann', externalKey: `ann-${Math.random()}`, currency: 'USD', timeZone: 'UTC' }, 'test');
  return { ...t, http, accountId: account.accountId! };
}

const sub = (accountId: string, planName: string, extra: Partial<Subscription> = {}) => ({ accountId, planName, ...extra }) as Subscription;

describe('creating a subscription with a 30-day trial', () => {
  it('answers 201 and shows the entitlement, billing and phase events as Kill Bill does', async () => {
    const { kb, accountId } = await tenantWithAccount();
    const { data: s, status } = await kb.subscriptions.createSubscription(sub(accountId, 'sports-monthly', { externalKey: 'sub-1', bundleExternalKey: 'bundle-1' }), 'test');
    expect(status).toBe(201);
    expect(s).toMatchObject({
      accountId,
      externalKey: 'sub-1',
      bundleExternalKey: 'bundle-1',
      productName: 'Sports',
      productCategory: 'BASE',
      billingPeriod: 'MONTHLY',
      phaseType: 'TRIAL',
      priceList: 'DEFAULT',
      planName: 'sports-monthly',
      state: 'ACTIVE',
      sourceType: 'NATIVE',
      cancelledDate: null,
      billingEndDate: null,
      chargedThroughDate: null,
      billCycleDayLocal: 1,
      quantity: 1,
    });
    // The clock keeps flowing from 10:00 after it is set: compare to the second.
    expect([s.startDate, s.billingStartDate].map((d) => d!.slice(0, 19))).toEqual(['2012-04-01T10:00:00', '2012-04-01T10:00:00']);
    expect(s.events!.map((e) => [e.eventType, e.effectiveDate!.slice(0, 10), e.serviceName, e.serviceStateName, e.phase])).toEqual([
      ['START_ENTITLEMENT', '2012-04-01', 'entitlement-service', 'ENT_STARTED', 'sports-monthly-trial'],
      ['START_BILLING', '2012-04-01', 'billing-service', 'START_BILLING', 'sports-monthly-trial'],
      ['PHASE', '2012-05-01', 'entitlement+billing-service', 'PHASE', 'sports-monthly-evergreen'],
    ]);
    expect(s.events![0]).toMatchObject({ plan: 'sports-monthly', product: 'Sports', priceList: 'DEFAULT', billingPeriod: 'MONTHLY', isBlockedBilling: false, isBlockedEntitlement: false, catalogEffectiveDate: '2011-01-01T00:00:00.000Z' });
    expect(s.prices).toEqual([
      { planName: 'sports-monthly', phaseName: 'sports-monthly-trial', phaseType: 'TRIAL', fixedPrice: 0, recurringPrice: null, usagePrices: [] },
      { planName: 'sports-monthly', phaseName: 'sports-monthly-evergreen', phaseType: 'EVERGREEN', fixedPrice: null, recurringPrice: 500, usagePrices: [] },
    ]);
    // §13: the account BCD is only stored by the first invoice run.
    expect((await kb.accounts.getAccount(accountId)).data.billCycleDayLocal).toBe(0);
  });

  it('moves to the evergreen phase when the clock passes the trial end, and records the phase change', async () => {
    const { kb, http, accountId } = await tenantWithAccount();
    const { data: created } = await kb.subscriptions.createSubscription(sub(accountId, 'sports-monthly'), 'test');
    expect((await http.put('/1.0/kb/test/clock?days=31&timeoutSec=10', null, by)).status).toBe(200);
    const { data: s } = await kb.subscriptions.getSubscription(created.subscriptionId!);
    expect(s.phaseType).toBe('EVERGREEN');
    expect(s.events!.at(-1)).toMatchObject({ eventType: 'PHASE', phase: 'sports-monthly-evergreen' });
    const queues = await http.get('/1.0/kb/admin/queues');
    const names = queues.data.busEvents.map((e: { name: string; processingState: string }) => `${e.name}:${e.processingState}`);
    expect(names).toEqual(expect.arrayContaining(['SUBSCRIPTION_CREATION:PROCESSED', 'ENTITLEMENT_CREATION:PROCESSED', 'SUBSCRIPTION_PHASE:PROCESSED']));
    // The phase change fired from the subscription queue (invoicing and payment have queues of their own).
    const subscriptionWork = queues.data.notifications.filter((n: { name: string }) => n.name === 'subscription-events');
    expect(subscriptionWork).toMatchObject([{ name: 'subscription-events', processingState: 'PROCESSED' }]);
  });

  it('starts in the phase asked for and reads back by external key', async () => {
    const { kb, accountId } = await tenantWithAccount();
    await kb.subscriptions.createSubscription(sub(accountId, 'sports-monthly', { phaseType: 'EVERGREEN', externalKey: 'skip-trial' }), 'test');
    const { data: s } = await kb.subscriptions.getSubscriptionByKey('skip-trial');
    expect(s.phaseType).toBe('EVERGREEN');
    expect(s.events!.map((e) => e.eventType)).toEqual(['START_ENTITLEMENT', 'START_BILLING']);
  });

  it('creates by product, billing period and price list, with a future entitlement date as PENDING', async () => {
    const { kb, accountId } = await tenantWithAccount();
    const body = { accountId, productName: 'Sports', productCategory: 'BASE', billingPeriod: 'MONTHLY', priceList: 'DEFAULT' } as Subscription;
    const { data: s } = await kb.subscriptions.createSubscription(body, 'test', '2012-04-10', '2012-04-10');
    expect(s).toMatchObject({ planName: 'sports-monthly', state: 'PENDING' });
    // A local date is that day at the account's reference time of day (§2).
    expect(s.startDate!.slice(0, 19)).toBe('2012-04-10T10:00:00');
  });
});

describe('bundles and add-ons', () => {
  it('creates a base with an available add-on in one bundle and lists it on the account and its timeline', async () => {
    const { kb, accountId } = await tenantWithAccount();
    const { data: bundle } = await kb.subscriptions.createSubscriptionWithAddOns([sub(accountId, 'sports-monthly', { bundleExternalKey: 'car' }), sub(accountId, 'oilslick-monthly')], 'test');
    expect(bundle.externalKey).toBe('car');
    expect(bundle.subscriptions!.map((s) => [s.planName, s.productCategory])).toEqual([
      ['sports-monthly', 'BASE'],
      ['oilslick-monthly', 'ADD_ON'],
    ]);
    expect(bundle.timeline!.events!.length).toBe(5);
    expect((await kb.bundles.getBundle(bundle.bundleId!)).data.subscriptions).toHaveLength(2);
    expect((await kb.accounts.getAccountBundles(accountId)).data.map((b) => b.bundleId)).toEqual([bundle.bundleId]);
    expect((await kb.accounts.getAccountBundles(accountId, 'other')).data).toEqual([]);
    const { data: timeline } = await kb.accounts.getAccountTimeline(accountId);
    expect(timeline).toMatchObject({ account: { accountId }, invoices: [], payments: [] });
    expect(timeline.bundles!.map((b) => b.externalKey)).toEqual(['car']);
  });

  it('adds an add-on to an existing bundle and refuses included, unavailable and base-less ones', async () => {
    const { kb, http, accountId } = await tenantWithAccount();
    const { data: base } = await kb.subscriptions.createSubscription(sub(accountId, 'sports-monthly'), 'test');
    const { data: addOn } = await kb.subscriptions.createSubscription(sub(accountId, 'oilslick-monthly', { bundleId: base.bundleId }), 'test');
    expect(addOn).toMatchObject({ bundleId: base.bundleId, productCategory: 'ADD_ON' });
    const post = (body: object) => http.post('/1.0/kb/subscriptions', body, by);
    expect((await post({ accountId, planName: 'telematics-monthly', bundleId: base.bundleId })).data).toMatchObject({ code: 1018 });
    expect((await post({ accountId, planName: 'spoiler-monthly', bundleId: base.bundleId })).data).toMatchObject({ code: 1019 });
    expect((await post({ accountId, planName: 'oilslick-monthly' })).data).toMatchObject({ code: 1013 });
    const again = await post({ accountId, planName: 'sports-monthly', bundleId: base.bundleId });
    expect([again.status, again.data.code]).toEqual([400, 1015]);
  });

  it('creates several bundles in one call and answers them from the account bundles filter', async () => {
    const { kb, accountId } = await tenantWithAccount();
    const { data, status } = await kb.subscriptions.createSubscriptionsWithAddOns(
      [
        { baseEntitlementAndAddOns: [sub(accountId, 'sports-monthly', { bundleExternalKey: 'one' }), sub(accountId, 'oilslick-monthly')] },
        { baseEntitlementAndAddOns: [sub(accountId, 'sports-monthly', { bundleExternalKey: 'two' })] },
      ],
      'test',
    );
    expect(status).toBe(201);
    expect(data.map((b) => [b.externalKey, b.subscriptions!.length])).toEqual([
      ['one', 2],
      ['two', 1],
    ]);
    const { data: found } = await kb.bundles.getBundleByKey('two');
    expect(found.map((b) => b.externalKey)).toEqual(['two']);
  });

  it('rolls the whole call back when one bundle fails', async () => {
    const { kb, http, accountId } = await tenantWithAccount();
    const res = await http.post(
      '/1.0/kb/subscriptions/createSubscriptionsWithAddOns',
      [{ baseEntitlementAndAddOns: [{ accountId, planName: 'sports-monthly', bundleExternalKey: 'ok' }] }, { baseEntitlementAndAddOns: [{ accountId, planName: 'nope' }] }],
      by,
    );
    expect(res.status).toBe(400);
    expect((await kb.accounts.getAccountBundles(accountId)).data).toEqual([]);
  });
});

describe('bad input', () => {
  it('answers 400 for an unknown plan, a price missing in the currency, price overrides and a bad date', async () => {
    const { http, accountId } = await tenantWithAccount();
    const post = (body: object, query = '') => http.post(`/1.0/kb/subscriptions${query}`, body, by);
    const unknown = await post({ accountId, planName: 'nope' });
    expect([unknown.status, unknown.data.code]).toEqual([400, 2020]);
    const euro = await post({ accountId, planName: 'euro-monthly' });
    expect([euro.status, euro.data.code]).toEqual([400, 2010]);
    expect((await post({ accountId, planName: 'sports-monthly', priceOverrides: [{ planName: 'x' }] })).status).toBe(400);
    expect((await post({ accountId, planName: 'sports-monthly', productName: 'Sports' })).status).toBe(400);
    expect((await post({ accountId, planName: 'sports-monthly' }, '?entitlementDate=nope')).status).toBe(400);
  });

  it('answers 4xx without a catalog and 404 for an unknown account or another tenant’s', async () => {
    const bare = await tenantWithAccount(false);
    const noCatalog = await bare.http.post('/1.0/kb/subscriptions', { accountId: bare.accountId, planName: 'sports-monthly' }, by);
    expect(noCatalog.status).toBe(400);
    const { http, accountId } = await tenantWithAccount();
    expect((await http.post('/1.0/kb/subscriptions', { accountId: '00000000-0000-4000-8000-000000000000', planName: 'sports-monthly' }, by)).status).toBe(404);
    expect((await http.post('/1.0/kb/subscriptions', { accountId: bare.accountId, planName: 'sports-monthly' }, by)).status).toBe(404);
    expect((await http.get(`/1.0/kb/accounts/${bare.accountId}/bundles`)).status).toBe(404);
    expect(accountId).toBeTruthy();
  });

  it('never shows one tenant the subscriptions or bundles of another', async () => {
    const a = await tenantWithAccount();
    const b = await tenantWithAccount();
    const { data: s } = await a.kb.subscriptions.createSubscription(sub(a.accountId, 'sports-monthly', { externalKey: 'mine' }), 'test');
    expect((await b.http.get(`/1.0/kb/subscriptions/${s.subscriptionId}`)).status).toBe(404);
    expect((await b.http.get(`/1.0/kb/bundles/${s.bundleId}`)).status).toBe(404);
    expect((await b.http.get('/1.0/kb/subscriptions?externalKey=mine')).status).toBe(404);
    expect((await b.http.get('/1.0/kb/bundles/pagination')).data).toEqual([]);
    expect((await a.http.get('/1.0/kb/bundles/pagination')).data).toHaveLength(1);
    expect((await killbill(server.url, a.credentials).bundles.getBundleByKey(s.bundleExternalKey!)).data).toHaveLength(1);
  });
});

describe("the catalog's view of a subscription", () => {
  it('gives the plan, phase, product and price list a subscription is on at a date', async () => {
    const { kb, accountId } = await tenantWithAccount();
    const { data: s } = await kb.subscriptions.createSubscription(sub(accountId, 'sports-monthly'), 'test');
    const id = s.subscriptionId!;
    expect((await kb.catalog.getPlanForSubscriptionAndDate(id)).data).toMatchObject({ name: 'sports-monthly', billingPeriod: 'MONTHLY' });
    expect((await kb.catalog.getPhaseForSubscriptionAndDate(id)).data).toMatchObject({ type: 'TRIAL' });
    expect((await kb.catalog.getPhaseForSubscriptionAndDate(id, '2012-05-15')).data).toMatchObject({ type: 'EVERGREEN', prices: [{ currency: 'USD', value: 500 }] });
    expect((await kb.catalog.getProductForSubscriptionAndDate(id)).data).toMatchObject({ name: 'Sports', type: 'BASE' });
    expect((await kb.catalog.getPriceListForSubscriptionAndDate(id)).data).toMatchObject({ name: 'DEFAULT' });
  });
});
