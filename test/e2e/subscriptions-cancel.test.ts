import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Subscription } from 'killbill';
import { tenantOnClock } from '../support/entitlement-setup.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Cancel and uncancel through the official client (killbill-semantics.md §5.3). Nothing invoices yet, so
 * the charged-through date is unknown and END_OF_TERM means now; the policy matrix with charged-through
 * dates is covered by core/src/subscription/cancel.test.ts.
 */
const CATALOG = readFileSync(new URL('../fixtures/catalogs/change-cancel.xml', import.meta.url), 'utf8');

let server: TestServer;
const by = { headers: { 'X-Killbill-CreatedBy': 'test' } };

beforeAll(async () => {
  server = await startTestServer(import.meta.filename, { testMode: true });
});
afterAll(async () => {
  await server?.close();
});

async function tenantWithSubscription(withAddOn = false) {
  // The rules with no invoice yet (END_OF_TERM = now): invoicing off, so no charged-through date is set.
  const t = await tenantOnClock(server.url, CATALOG, { invoicing: false });
  const sub = (planName: string) => ({ accountId: t.accountId, planName }) as Subscription;
  const { data: bundle } = await t.kb.subscriptions.createSubscriptionWithAddOns(withAddOn ? [sub('sports-monthly'), sub('oilslick-monthly')] : [sub('sports-monthly')], 'test');
  const id = bundle.subscriptions!.find((s) => s.productCategory === 'BASE')!.subscriptionId!;
  const addOnId = bundle.subscriptions!.find((s) => s.productCategory === 'ADD_ON')?.subscriptionId ?? '';
  const get = async (subscriptionId = id) => (await t.kb.subscriptions.getSubscription(subscriptionId)).data;
  return { ...t, id, addOnId, get };
}

const stops = (s: Subscription) => s.events!.filter((e) => e.eventType!.startsWith('STOP')).map((e) => `${e.eventType}@${e.effectiveDate!.slice(0, 10)}`);
type Cancel = { requestedDate?: string; entitlementPolicy?: 'IMMEDIATE' | 'END_OF_TERM'; billingPolicy?: 'START_OF_TERM' | 'END_OF_TERM' | 'IMMEDIATE'; useRequestedDateForBilling?: boolean };

async function cancel(t: Awaited<ReturnType<typeof tenantWithSubscription>>, o: Cancel = {}, subscriptionId = t.id) {
  const { status } = await t.kb.subscriptions.cancelSubscriptionPlan(subscriptionId, 'test', o.requestedDate, undefined, undefined, o.entitlementPolicy, o.billingPolicy, o.useRequestedDateForBilling);
  expect(status).toBe(204);
}

describe('cancelling without a policy', () => {
  it('ends the entitlement today and billing by the catalog END_OF_TERM, which is now with no invoice', async () => {
    const t = await tenantWithSubscription();
    await t.moveDays(5);
    await cancel(t);
    const s = await t.get();
    expect(s.state).toBe('CANCELLED');
    expect(stops(s)).toEqual(['STOP_ENTITLEMENT@2012-04-06', 'STOP_BILLING@2012-04-06']);
    expect(s.events!.map((e) => e.eventType)).not.toContain('PHASE');
    const names = (await t.http.get('/1.0/kb/admin/queues')).data.busEvents.map((e: { name: string }) => e.name);
    expect(names).toEqual(expect.arrayContaining(['SUBSCRIPTION_CANCEL', 'ENTITLEMENT_CANCEL']));
    const again = await t.http.delete(`/1.0/kb/subscriptions/${t.id}`, by);
    expect([again.status, again.data.code]).toEqual([400, 1031]);
  });

  it('with a requested date ends the entitlement then, billing still by the catalog', async () => {
    const t = await tenantWithSubscription();
    await cancel(t, { requestedDate: '2012-04-15' });
    const s = await t.get();
    expect(s).toMatchObject({ state: 'ACTIVE' });
    expect(s.cancelledDate!.slice(0, 10)).toBe('2012-04-15');
    expect(stops(s)).toEqual(['STOP_BILLING@2012-04-01', 'STOP_ENTITLEMENT@2012-04-15']);
    await t.moveDays(15);
    expect((await t.get()).state).toBe('CANCELLED');
  });

  it('with useRequestedDateForBilling ends both at the requested date: a pending cancellation', async () => {
    const t = await tenantWithSubscription();
    await cancel(t, { requestedDate: '2012-04-15', useRequestedDateForBilling: true });
    let s = await t.get();
    expect(s.state).toBe('ACTIVE');
    expect([s.cancelledDate!.slice(0, 10), s.billingEndDate!.slice(0, 10)]).toEqual(['2012-04-15', '2012-04-15']);
    expect(stops(s)).toEqual(['STOP_ENTITLEMENT@2012-04-15', 'STOP_BILLING@2012-04-15']);
    await t.moveDays(20);
    s = await t.get();
    expect(s.state).toBe('CANCELLED');
    const late = await t.http.put(`/1.0/kb/subscriptions/${t.id}/uncancel`, null, by);
    expect([late.status, late.data.code]).toEqual([400, 1070]);
  });

  it('refuses a requested date before the start with SUB_INVALID_REQUESTED_DATE', async () => {
    const t = await tenantWithSubscription();
    const r = await t.http.delete(`/1.0/kb/subscriptions/${t.id}?requestedDate=2012-03-01`, by);
    expect([r.status, r.data.code]).toEqual([400, 1001]);
  });
});

describe('cancelling with policies', () => {
  it('entitlementPolicy END_OF_TERM with no invoice ends both today', async () => {
    const t = await tenantWithSubscription();
    await t.moveDays(3);
    await cancel(t, { entitlementPolicy: 'END_OF_TERM' });
    expect(stops(await t.get())).toEqual(['STOP_ENTITLEMENT@2012-04-04', 'STOP_BILLING@2012-04-04']);
  });

  it('billingPolicy IMMEDIATE with a past requested date ends the entitlement then and billing now', async () => {
    const t = await tenantWithSubscription();
    await t.moveDays(10);
    await cancel(t, { requestedDate: '2012-04-05', billingPolicy: 'IMMEDIATE' });
    const s = await t.get();
    expect(s.state).toBe('CANCELLED');
    expect(stops(s)).toEqual(['STOP_ENTITLEMENT@2012-04-05', 'STOP_BILLING@2012-04-11']);
  });

  it('billingPolicy START_OF_TERM with no invoice ends billing when the phase in force started', async () => {
    const t = await tenantWithSubscription();
    await t.moveDays(35);
    await cancel(t, { entitlementPolicy: 'IMMEDIATE', billingPolicy: 'START_OF_TERM' });
    expect(stops(await t.get())).toEqual(['STOP_BILLING@2012-05-01', 'STOP_ENTITLEMENT@2012-05-06']);
  });

  it('both END_OF_TERM ends both now when never invoiced', async () => {
    const t = await tenantWithSubscription();
    await cancel(t, { entitlementPolicy: 'END_OF_TERM', billingPolicy: 'END_OF_TERM' });
    const s = await t.get();
    expect(s.state).toBe('CANCELLED');
    expect(stops(s)).toEqual(['STOP_ENTITLEMENT@2012-04-01', 'STOP_BILLING@2012-04-01']);
  });
});

describe('uncancelling', () => {
  it('drops a pending cancellation and brings back the next phase', async () => {
    const t = await tenantWithSubscription();
    await cancel(t, { requestedDate: '2012-05-10', useRequestedDateForBilling: true });
    expect((await t.get()).events!.map((e) => e.eventType)).toContain('STOP_BILLING');
    expect((await t.kb.subscriptions.uncancelSubscriptionPlan(t.id, 'test')).status).toBe(204);
    const s = await t.get();
    expect([s.cancelledDate, s.billingEndDate]).toEqual([null, null]);
    expect(s.events!.map((e) => `${e.eventType}@${e.effectiveDate!.slice(0, 10)}`)).toEqual(['START_ENTITLEMENT@2012-04-01', 'START_BILLING@2012-04-01', 'PHASE@2012-05-01']);
    const names = (await t.http.get('/1.0/kb/admin/queues')).data.busEvents.map((e: { name: string }) => e.name);
    expect(names).toContain('SUBSCRIPTION_UNCANCEL');
    await t.moveDays(45);
    expect(await t.get()).toMatchObject({ state: 'ACTIVE', phaseType: 'EVERGREEN' });
  });

  it('refuses a subscription that was never cancelled', async () => {
    const t = await tenantWithSubscription();
    const r = await t.http.put(`/1.0/kb/subscriptions/${t.id}/uncancel`, null, by);
    expect([r.status, r.data.code]).toEqual([400, 8004]);
  });
});

describe('cancelling a base', () => {
  it('cancels its add-ons at the same dates', async () => {
    const t = await tenantWithSubscription(true);
    await cancel(t, { requestedDate: '2012-04-20', useRequestedDateForBilling: true });
    const addOn = await t.get(t.addOnId);
    expect(addOn.state).toBe('ACTIVE');
    expect(stops(addOn)).toEqual(['STOP_ENTITLEMENT@2012-04-20', 'STOP_BILLING@2012-04-20']);
    await t.moveDays(20);
    expect((await t.get(t.addOnId)).state).toBe('CANCELLED');
    expect((await t.get()).state).toBe('CANCELLED');
  });

  it('and uncancelling the base keeps its add-ons', async () => {
    const t = await tenantWithSubscription(true);
    await cancel(t, { requestedDate: '2012-04-20', useRequestedDateForBilling: true });
    await t.kb.subscriptions.uncancelSubscriptionPlan(t.id, 'test');
    const addOn = await t.get(t.addOnId);
    expect([addOn.cancelledDate, addOn.billingEndDate]).toEqual([null, null]);
    await t.moveDays(25);
    expect((await t.get(t.addOnId)).state).toBe('ACTIVE');
  });
});
