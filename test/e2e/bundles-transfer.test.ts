import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Bundle, Subscription } from 'killbill';
import { CREATED_BY, tenantWithAccount } from '../support/entitlement-setup.js';
import { newTenant, rawHttp } from '../support/killbill.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(import.meta.filename, { testMode: true });
});
afterAll(async () => {
  await server?.close();
});

// Transfers before anything is billed (END_OF_TERM = the transfer date): invoicing off, so no charged-through date.
const setup = () => tenantWithAccount(server.url, { invoicing: false });
/** Kill Bill 0.24 shows these dates as instants; the test clock's day is what matters. */
const day = (d: string) => expect.stringMatching(new RegExp(`^${d}`));

describe('transferring a bundle to another account', () => {
  it('ends the source subscriptions at the transfer date and continues them, same key and phase, on the destination', async () => {
    const { kb, http, accountId, newAccount, subscribe, moveClock } = await setup();
    const s = await subscribe(accountId, 'family-plan');
    const to = await newAccount('bob');
    await moveClock(5);

    const res = await kb.bundles.transferBundle({ accountId: to } as Bundle, s.bundleId!, 'test');
    expect(res.status).toBe(201);
    expect(res.headers['location']).toMatch(new RegExp(`/1.0/kb/bundles/${res.data.bundleId}$`));
    expect(res.data).toMatchObject({ accountId: to, externalKey: 'family-plan' });
    expect(res.data.bundleId).not.toBe(s.bundleId);

    const old = await kb.subscriptions.getSubscription(s.subscriptionId!);
    expect(old.data).toMatchObject({ state: 'CANCELLED', cancelledDate: day('2012-04-06'), billingEndDate: day('2012-04-06') });
    const sourceBundles = (await kb.accounts.getAccountBundles(accountId)).data;
    expect(sourceBundles.map((b) => b.bundleId)).toEqual([s.bundleId]);
    expect(sourceBundles[0]!.externalKey).not.toBe('family-plan');

    const destBundles = (await kb.accounts.getAccountBundles(to)).data;
    expect(destBundles).toHaveLength(1);
    expect(destBundles[0]).toMatchObject({ bundleId: res.data.bundleId, externalKey: 'family-plan', accountId: to });
    const moved = destBundles[0]!.subscriptions!;
    expect(moved).toHaveLength(1);
    expect(moved[0]).toMatchObject({ accountId: to, state: 'ACTIVE', planName: 'sports-monthly', phaseType: 'TRIAL', startDate: day('2012-04-06') });
    expect(moved[0]!.subscriptionId).not.toBe(s.subscriptionId);
    expect((await kb.bundles.getBundleByKey('family-plan')).data.map((b) => b.bundleId)).toEqual([res.data.bundleId]);

    // The bus events Kill Bill posts (this tenant's only subscription before was the source one): the source's
    // cancel, requested and effective, and its entitlement cancel; the destination's creation and entitlement start.
    const bus = (await http.get('/1.0/kb/admin/queues?withHistory=true')).data.busEvents as { name: string }[];
    const count = (name: string) => bus.filter((e) => e.name === name).length;
    expect([count('SUBSCRIPTION_CREATION'), count('ENTITLEMENT_CREATION'), count('SUBSCRIPTION_CANCEL'), count('ENTITLEMENT_CANCEL')]).toEqual([2, 2, 2, 1]);

    // The trial still ends 30 days after the original start (2012-05-01), not 30 days after the transfer.
    await moveClock(26);
    const after = await kb.subscriptions.getSubscription(moved[0]!.subscriptionId!);
    expect(after.data).toMatchObject({ state: 'ACTIVE', phaseType: 'EVERGREEN' });
    expect(after.data.events!.map((e) => [e.eventType, e.effectiveDate!.slice(0, 10)])).toEqual(
      expect.arrayContaining([
        ['START_ENTITLEMENT', '2012-04-06'],
        ['PHASE', '2012-05-01'],
      ]),
    );
  });

  it('at a future date leaves the source running and the destination pending until then', async () => {
    const { kb, accountId, newAccount, subscribe, moveClock } = await setup();
    const s = await subscribe();
    const to = await newAccount('carl');
    const res = await kb.bundles.transferBundle({ accountId: to } as Bundle, s.bundleId!, 'test', '2012-04-20', 'IMMEDIATE');
    expect(res.status).toBe(201);
    expect((await kb.subscriptions.getSubscription(s.subscriptionId!)).data).toMatchObject({ state: 'ACTIVE', cancelledDate: day('2012-04-20'), billingEndDate: day('2012-04-20') });
    const newSub = (await kb.accounts.getAccountBundles(to)).data[0]!.subscriptions![0]!;
    expect(newSub).toMatchObject({ state: 'PENDING', phaseType: 'TRIAL' });

    await moveClock(20);
    expect((await kb.subscriptions.getSubscription(s.subscriptionId!)).data.state).toBe('CANCELLED');
    expect((await kb.subscriptions.getSubscription(newSub.subscriptionId!)).data).toMatchObject({ state: 'ACTIVE', phaseType: 'TRIAL', startDate: day('2012-04-20') });
    expect((await kb.accounts.getAccountBundles(accountId)).data[0]!.subscriptions![0]!.state).toBe('CANCELLED');
  });

  it('can move the bundle back, and refuses to move the cancelled source again', async () => {
    const { kb, http, accountId, newAccount, subscribe } = await setup();
    const s = await subscribe(accountId, 'round-trip');
    const to = await newAccount('dora');
    const there = await kb.bundles.transferBundle({ accountId: to } as Bundle, s.bundleId!, 'test');
    const again = await http.post(`/1.0/kb/bundles/${s.bundleId}`, { accountId: to }, CREATED_BY);
    expect(again.status).toBe(404);
    expect(again.data).toMatchObject({ code: 1084 });
    const back = await kb.bundles.transferBundle({ accountId } as Bundle, there.data.bundleId!, 'test');
    expect(back.data).toMatchObject({ accountId, externalKey: 'round-trip' });
    expect((await kb.accounts.getAccountBundles(to)).data[0]!.subscriptions![0]!.state).toBe('CANCELLED');
  });
});

describe('transferring a bundle with an add-on', () => {
  it('moves the add-on with its base and ends both on the source', async () => {
    // A tenant of its own: the saas catalog has another name than the entitlement one.
    const { kb, credentials } = await newTenant(server.url);
    const http = rawHttp(server.url, credentials);
    await http.post('/1.0/kb/test/clock?requestedDate=2012-04-01T10:00:00.000Z', null, CREATED_BY);
    await kb.catalog.uploadCatalogXml(readFileSync(new URL('../../examples/catalogs/saas.xml', import.meta.url), 'utf8'), 'test');
    const newAccount = async (name: string) => (await kb.accounts.createAccount({ name, currency: 'USD', timeZone: 'UTC' }, 'test')).data.accountId!;
    const accountId = await newAccount('eve');
    const created = await kb.subscriptions.createSubscriptionWithAddOns(
      [{ accountId, planName: 'team-monthly', bundleExternalKey: 'team' }, { accountId, planName: 'extra-seats-monthly', bundleExternalKey: 'team' }] as Subscription[],
      'test',
    );
    const to = await newAccount('fay');
    await http.put('/1.0/kb/test/clock?days=3&timeoutSec=10', null, CREATED_BY);
    const res = await kb.bundles.transferBundle({ accountId: to } as Bundle, created.data.bundleId!, 'test');
    const source = (await kb.accounts.getAccountBundles(accountId)).data.find((b) => b.bundleId === created.data.bundleId)!;
    expect(source.subscriptions!.map((x) => [x.productCategory, x.state])).toEqual([
      ['BASE', 'CANCELLED'],
      ['ADD_ON', 'CANCELLED'],
    ]);
    const moved = (await kb.bundles.getBundle(res.data.bundleId!)).data;
    expect(moved.subscriptions!.map((x) => [x.productCategory, x.planName, x.state, x.phaseType])).toEqual([
      ['BASE', 'team-monthly', 'ACTIVE', 'TRIAL'],
      ['ADD_ON', 'extra-seats-monthly', 'ACTIVE', 'EVERGREEN'],
    ]);
  });
});

describe('refusing a transfer', () => {
  it('answers 400 for bad input, 404 for unknown or foreign accounts and bundles, 409 for a paused bundle', async () => {
    const { kb, http, accountId, newAccount, subscribe } = await setup();
    const s = await subscribe();
    const to = await newAccount('erin');
    const post = (body: object, query = '') => http.post(`/1.0/kb/bundles/${s.bundleId}${query}`, body, CREATED_BY);

    expect((await post({})).status).toBe(400);
    expect((await post({ accountId: 'not-a-uuid' })).status).toBe(400);
    expect((await post({ accountId })).status).toBe(400);
    expect((await post({ accountId: to }, '?billingPolicy=SOMETIME')).status).toBe(400);
    expect((await post({ accountId: to }, '?billingPolicy=START_OF_TERM')).status).toBe(400);
    expect((await post({ accountId: to }, '?requestedDate=someday')).status).toBe(400);
    expect((await post({ accountId: to }, '?bcdTransfer=LATER')).status).toBe(400);
    expect((await http.post(`/1.0/kb/bundles/${s.bundleId}`, { accountId: to })).status).toBe(400);
    expect((await post({ accountId: '6f2b8f0e-2f0a-4b52-9a3e-3c0d2b1f9a11' })).status).toBe(404);
    expect((await http.post('/1.0/kb/bundles/6f2b8f0e-2f0a-4b52-9a3e-3c0d2b1f9a11', { accountId: to }, CREATED_BY)).status).toBe(404);

    const stranger = await setup();
    expect((await post({ accountId: stranger.accountId })).status).toBe(404);
    expect((await stranger.http.post(`/1.0/kb/bundles/${s.bundleId}`, { accountId: stranger.accountId }, CREATED_BY)).status).toBe(404);

    await kb.subscriptions.cancelSubscriptionPlan(s.subscriptionId!, 'test');
    const cancelled = await post({ accountId: to });
    expect(cancelled.status).toBe(404);
    expect(cancelled.data).toMatchObject({ code: 1084 });

    const p = await subscribe();
    await kb.bundles.pauseBundle(p.bundleId!, 'test');
    const paused = await http.post(`/1.0/kb/bundles/${p.bundleId}`, { accountId: to }, CREATED_BY);
    expect(paused.status).toBe(409);
    expect(paused.data).toMatchObject({ code: 8001 });

    // Nothing moved: the destination has no bundle, the sources keep theirs.
    expect((await kb.accounts.getAccountBundles(to)).data).toEqual([]);
    expect((await kb.bundles.getBundle(p.bundleId!)).data.accountId).toBe(accountId);
  });
});
