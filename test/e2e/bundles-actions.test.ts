import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { checkNotBlocked, readEm, type AccountId } from '@billwright/core';
import type { Bundle, Subscription } from 'killbill';
import { testCallContext } from '../support/engine.js';
import { CREATED_BY, tenantWithAccount } from '../support/entitlement-setup.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(import.meta.filename, { testMode: true });
});
afterAll(async () => {
  await server?.close();
});

const setup = () => tenantWithAccount(server.url);

/** Core's view of the tenant, for what the REST API does not show (billing events, the blocked-change check). */
async function coreContext(apiKey: string) {
  const tenant = await server.engine.tenants.getByApiKey(apiKey);
  return testCallContext(tenant.recordId);
}

describe('updating a subscription BCD', () => {
  it('adds a BCD change from the next such day, shown in the subscription and used by billing events', async () => {
    const { kb, credentials, accountId, subscribe, moveClock } = await setup();
    const s = await subscribe();
    const res = await kb.subscriptions.updateSubscriptionBCD({ billCycleDayLocal: 15 } as Subscription, s.subscriptionId!, 'test');
    expect(res.status).toBe(204);
    const ctx = await coreContext(credentials.apiKey);
    const { events } = await server.engine.subscriptions.billingEvents(ctx, accountId as AccountId);
    const change = events.find((e) => e.type === 'BCD_CHANGE');
    expect(change?.effectiveDate.toISODate()).toBe('2012-04-15');
    expect(change?.billCycleDayLocal).toBe(15);
    expect(events.find((e) => e.type === 'PHASE')?.billCycleDayLocal).toBe(15);
    expect(events.find((e) => e.type === 'CREATE')?.billCycleDayLocal).not.toBe(15);

    await moveClock(15);
    const { data } = await kb.subscriptions.getSubscription(s.subscriptionId!);
    expect(data.billCycleDayLocal).toBe(15);
  });

  it('refuses a past effective date unless forced, and a day that is not a day of the month', async () => {
    const { kb, http, subscribe, moveClock } = await setup();
    const s = await subscribe();
    await moveClock(10);
    const past = await http.put(`/1.0/kb/subscriptions/${s.subscriptionId}/bcd?effectiveFromDate=2012-04-02`, { billCycleDayLocal: 3 }, CREATED_BY);
    expect(past.status).toBe(400);
    expect(past.data.message).toContain('forceNewBcdWithPastEffectiveDate');
    await kb.subscriptions.updateSubscriptionBCD({ billCycleDayLocal: 3 } as Subscription, s.subscriptionId!, 'test', '2012-04-02', true);
    expect((await kb.subscriptions.getSubscription(s.subscriptionId!)).data.billCycleDayLocal).toBe(3);
    for (const body of [{ billCycleDayLocal: 32 }, { billCycleDayLocal: 0 }, { billCycleDayLocal: 'x' }, {}]) {
      expect((await http.put(`/1.0/kb/subscriptions/${s.subscriptionId}/bcd`, body, CREATED_BY)).status).toBe(400);
    }
    expect((await http.put(`/1.0/kb/subscriptions/${s.subscriptionId}/bcd?effectiveFromDate=soon`, { billCycleDayLocal: 3 }, CREATED_BY)).status).toBe(400);
    expect((await http.put('/1.0/kb/subscriptions/6f2b8f0e-2f0a-4b52-9a3e-3c0d2b1f9a11/bcd', { billCycleDayLocal: 3 }, CREATED_BY)).status).toBe(404);
    const other = await setup();
    expect((await other.http.put(`/1.0/kb/subscriptions/${s.subscriptionId}/bcd`, { billCycleDayLocal: 3 }, CREATED_BY)).status).toBe(404);
  });
});

describe('updating a subscription quantity', () => {
  it('sets the quantity now or from a future date', async () => {
    const { kb, http, subscribe, moveClock } = await setup();
    const s = await subscribe();
    expect((await kb.subscriptions.updateSubscriptionQuantity({ quantity: 3 } as Subscription, s.subscriptionId!, 'test')).status).toBe(204);
    expect((await kb.subscriptions.getSubscription(s.subscriptionId!)).data.quantity).toBe(3);
    await kb.subscriptions.updateSubscriptionQuantity({ quantity: 5 } as Subscription, s.subscriptionId!, 'test', '2012-04-05');
    expect((await kb.subscriptions.getSubscription(s.subscriptionId!)).data.quantity).toBe(3);
    await moveClock(5);
    expect((await kb.subscriptions.getSubscription(s.subscriptionId!)).data.quantity).toBe(5);
    expect((await http.put(`/1.0/kb/subscriptions/${s.subscriptionId}/quantity`, { quantity: 0 }, CREATED_BY)).status).toBe(400);
    expect((await http.put(`/1.0/kb/subscriptions/${s.subscriptionId}/quantity`, {}, CREATED_BY)).status).toBe(400);
  });
});

describe('a blocked change', () => {
  it('is refused with BLOCK_BLOCKED_ACTION while a state blocking changes is in force on the account', async () => {
    const { kb, credentials, accountId, subscribe } = await setup();
    const s = await subscribe();
    const ctx = await coreContext(credentials.apiKey);
    const account = await server.engine.accounts.getById(ctx, accountId as AccountId);
    const target = { subscriptionId: s.subscriptionId!, bundleId: s.bundleId!, accountId, accountRecordId: account.recordId };
    const at = DateTime.fromISO('2012-04-03T00:00:00Z', { zone: 'utc' });
    await expect(checkNotBlocked(readEm(server.engine.db, ctx), target, at)).resolves.toBeUndefined();
    await kb.accounts.addAccountBlockingState({ stateName: 'FROZEN', service: 'ops-service', isBlockChange: true }, accountId, 'test', '2012-04-02');
    await expect(checkNotBlocked(readEm(server.engine.db, ctx), target, at)).rejects.toMatchObject({ code: 'BLOCK_BLOCKED_ACTION' });
    await expect(checkNotBlocked(readEm(server.engine.db, ctx), target, DateTime.fromISO('2012-04-01T12:00:00Z', { zone: 'utc' }))).resolves.toBeUndefined();
  });
});

describe('renaming a bundle key', () => {
  it('gives the bundle the new key, and refuses a key an active bundle holds', async () => {
    const { kb, http, subscribe } = await setup();
    const s = await subscribe(undefined, `old-${Math.random()}`);
    const other = await subscribe(undefined, `taken-${Math.random()}`);
    const key = `new-${Math.random()}`;
    expect((await kb.bundles.renameExternalKey({ externalKey: key } as Bundle, s.bundleId!, 'test')).status).toBe(204);
    expect((await kb.bundles.getBundle(s.bundleId!)).data.externalKey).toBe(key);
    expect((await kb.bundles.getBundleByKey(key)).data[0]!.bundleId).toBe(s.bundleId);
    expect((await kb.subscriptions.getSubscription(s.subscriptionId!)).data.bundleExternalKey).toBe(key);

    const clash = await http.put(`/1.0/kb/bundles/${s.bundleId}/renameKey`, { externalKey: other.bundleExternalKey }, CREATED_BY);
    expect(clash.status).toBe(400);
    expect(clash.data).toMatchObject({ code: 1014 });
    expect((await http.put(`/1.0/kb/bundles/${s.bundleId}/renameKey`, {}, CREATED_BY)).status).toBe(400);
    expect((await http.put(`/1.0/kb/bundles/${s.bundleId}/renameKey`, { externalKey: 'k'.repeat(256) }, CREATED_BY)).status).toBe(400);
    const stranger = await setup();
    expect((await stranger.http.put(`/1.0/kb/bundles/${s.bundleId}/renameKey`, { externalKey: 'mine' }, CREATED_BY)).status).toBe(404);
  });
});

describe('transferring a bundle', () => {
  it('validates the request, refuses a paused bundle, and moves the bundle to the other account', async () => {
    const { kb, http, newAccount, subscribe } = await setup();
    const s = await subscribe();
    const to = await newAccount('bob');
    expect((await http.post(`/1.0/kb/bundles/${s.bundleId}`, {}, CREATED_BY)).status).toBe(400);
    expect((await http.post(`/1.0/kb/bundles/${s.bundleId}`, { accountId: s.accountId }, CREATED_BY)).status).toBe(400);
    expect((await http.post(`/1.0/kb/bundles/${s.bundleId}?billingPolicy=SOMETIME`, { accountId: to }, CREATED_BY)).status).toBe(400);
    expect((await http.post(`/1.0/kb/bundles/${s.bundleId}`, { accountId: '6f2b8f0e-2f0a-4b52-9a3e-3c0d2b1f9a11' }, CREATED_BY)).status).toBe(404);
    const stranger = await setup();
    expect((await http.post(`/1.0/kb/bundles/${s.bundleId}`, { accountId: stranger.accountId }, CREATED_BY)).status).toBe(404);
    expect((await stranger.http.post(`/1.0/kb/bundles/${s.bundleId}`, { accountId: stranger.accountId }, CREATED_BY)).status).toBe(404);

    const p = await subscribe();
    await kb.bundles.pauseBundle(p.bundleId!, 'test');
    const paused = await http.post(`/1.0/kb/bundles/${p.bundleId}`, { accountId: to }, CREATED_BY);
    expect(paused.status).toBe(409);
    expect(paused.data).toMatchObject({ code: 8001 });

    const moved = await kb.bundles.transferBundle({ accountId: to } as Bundle, s.bundleId!, 'test');
    expect(moved.status).toBe(201);
    expect(moved.data).toMatchObject({ accountId: to, externalKey: s.bundleExternalKey });
  });
});
