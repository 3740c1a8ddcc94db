import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Subscription } from 'killbill';
import { tenantOnClock } from '../support/entitlement-setup.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** Change plan and undo change through the official client (killbill-semantics.md §5.2), on the change-cancel catalog. */
const CATALOG = readFileSync(new URL('../fixtures/catalogs/change-cancel.xml', import.meta.url), 'utf8');

let server: TestServer;
const by = { headers: { 'X-Killbill-CreatedBy': 'test' } };

beforeAll(async () => {
  server = await startTestServer(import.meta.filename, { testMode: true });
});
afterAll(async () => {
  await server?.close();
});

// The rules with no invoice yet (END_OF_TERM = now): invoicing off, so no charged-through date is set.
const tenantWithAccount = () => tenantOnClock(server.url, CATALOG, { invoicing: false });

const sub = (accountId: string, planName: string, extra: Partial<Subscription> = {}) => ({ accountId, planName, ...extra }) as Subscription;
const plan = (planName: string) => ({ planName }) as Subscription;
const events = (s: Subscription) => s.events!.map((e) => `${e.eventType}@${e.effectiveDate!.slice(0, 10)}:${e.phase}`);

describe('changing plan in the trial', () => {
  it('happens at once by the catalog TRIAL→IMMEDIATE rule and keeps the rest of the trial', async () => {
    const { kb, http, accountId, moveDays } = await tenantWithAccount();
    const { data: created } = await kb.subscriptions.createSubscription(sub(accountId, 'sports-monthly'), 'test');
    await moveDays(5);
    const { status } = await kb.subscriptions.changeSubscriptionPlan(plan('racing-monthly'), created.subscriptionId!, 'test');
    expect(status).toBe(204);
    const { data: s } = await kb.subscriptions.getSubscription(created.subscriptionId!);
    expect(s).toMatchObject({ planName: 'racing-monthly', productName: 'Racing', phaseType: 'TRIAL', state: 'ACTIVE' });
    expect(events(s)).toEqual([
      'START_ENTITLEMENT@2012-04-01:sports-monthly-trial',
      'START_BILLING@2012-04-01:sports-monthly-trial',
      'CHANGE@2012-04-06:racing-monthly-trial',
      'PHASE@2012-05-01:racing-monthly-evergreen',
    ]);
    const queues = await http.get('/1.0/kb/admin/queues');
    const changes = queues.data.busEvents.filter((e: { name: string }) => e.name === 'SUBSCRIPTION_CHANGE');
    // One REQUESTED and one EFFECTIVE change (admin/queues reads one snapshot, so none is listed twice).
    expect(changes.length).toBe(2);
    const kinds = changes.map((e: { payload: { metaData?: string } }) => (JSON.parse(e.payload.metaData ?? '{}') as { actionType?: string }).actionType);
    expect(new Set(kinds)).toEqual(new Set(['REQUESTED', 'EFFECTIVE']));
    await moveDays(30);
    expect((await kb.subscriptions.getSubscription(created.subscriptionId!)).data).toMatchObject({ planName: 'racing-monthly', phaseType: 'EVERGREEN' });
  });

  it('with START_OF_TERM and no invoice yet, goes back to the start and replaces the creation', async () => {
    const { kb, accountId, moveDays } = await tenantWithAccount();
    const { data: created } = await kb.subscriptions.createSubscription(sub(accountId, 'sports-monthly'), 'test');
    await moveDays(5);
    await kb.subscriptions.changeSubscriptionPlan(plan('racing-monthly'), created.subscriptionId!, 'test', undefined, undefined, undefined, 'START_OF_TERM');
    const { data: s } = await kb.subscriptions.getSubscription(created.subscriptionId!);
    expect(events(s)).toEqual(['START_ENTITLEMENT@2012-04-01:racing-monthly-trial', 'START_BILLING@2012-04-01:racing-monthly-trial', 'PHASE@2012-05-01:racing-monthly-evergreen']);
  });
});

describe('changing plan after the trial', () => {
  it('by the catalog END_OF_TERM with no charged-through date happens now, in the new plan\'s evergreen', async () => {
    const { kb, accountId, moveDays } = await tenantWithAccount();
    const { data: created } = await kb.subscriptions.createSubscription(sub(accountId, 'sports-monthly'), 'test');
    await moveDays(35);
    await kb.subscriptions.changeSubscriptionPlan(plan('racing-monthly'), created.subscriptionId!, 'test');
    const { data: s } = await kb.subscriptions.getSubscription(created.subscriptionId!);
    expect(s).toMatchObject({ planName: 'racing-monthly', phaseType: 'EVERGREEN' });
    expect(events(s).slice(2)).toEqual(['PHASE@2012-05-01:sports-monthly-evergreen', 'CHANGE@2012-05-06:racing-monthly-evergreen']);
  });

  it('with billingPolicy IMMEDIATE happens now', async () => {
    const { kb, accountId, moveDays } = await tenantWithAccount();
    const { data: created } = await kb.subscriptions.createSubscription(sub(accountId, 'sports-monthly'), 'test');
    await moveDays(35);
    await kb.subscriptions.changeSubscriptionPlan(plan('racing-monthly'), created.subscriptionId!, 'test', undefined, undefined, undefined, 'IMMEDIATE');
    expect(events((await kb.subscriptions.getSubscription(created.subscriptionId!)).data).at(-1)).toBe('CHANGE@2012-05-06:racing-monthly-evergreen');
  });

  it('with START_OF_TERM and no invoice yet, takes effect when the phase in force started, in its place', async () => {
    const { kb, accountId, moveDays } = await tenantWithAccount();
    const { data: created } = await kb.subscriptions.createSubscription(sub(accountId, 'sports-monthly'), 'test');
    await moveDays(35);
    await kb.subscriptions.changeSubscriptionPlan(plan('racing-monthly'), created.subscriptionId!, 'test', undefined, undefined, undefined, 'START_OF_TERM');
    const { data: s } = await kb.subscriptions.getSubscription(created.subscriptionId!);
    // Kill Bill's changePlan deactivates every event from the change date on: the phase that started then too.
    expect(events(s).slice(2)).toEqual(['CHANGE@2012-05-01:racing-monthly-evergreen']);
  });

  it('to a CHANGE_OF_PLAN product restarts the phases at the change date', async () => {
    const { kb, accountId, moveDays } = await tenantWithAccount();
    const { data: created } = await kb.subscriptions.createSubscription(sub(accountId, 'sports-monthly'), 'test');
    await moveDays(35);
    await kb.subscriptions.changeSubscriptionPlan(plan('pickup-monthly'), created.subscriptionId!, 'test', undefined, undefined, undefined, 'IMMEDIATE');
    const { data: s } = await kb.subscriptions.getSubscription(created.subscriptionId!);
    expect(s).toMatchObject({ planName: 'pickup-monthly', phaseType: 'TRIAL' });
    expect(events(s).slice(3)).toEqual(['CHANGE@2012-05-06:pickup-monthly-trial', 'PHASE@2012-06-05:pickup-monthly-evergreen']);
  });
});

describe('a change at a requested date', () => {
  it('is pending until the date, and undoChangePlan removes it', async () => {
    const { kb, http, accountId, moveDays } = await tenantWithAccount();
    const { data: created } = await kb.subscriptions.createSubscription(sub(accountId, 'sports-monthly'), 'test');
    const id = created.subscriptionId!;
    await kb.subscriptions.changeSubscriptionPlan(plan('racing-monthly'), id, 'test', '2012-04-20');
    let { data: s } = await kb.subscriptions.getSubscription(id);
    expect(s.planName).toBe('sports-monthly');
    expect(events(s).slice(2)).toEqual(['CHANGE@2012-04-20:racing-monthly-trial', 'PHASE@2012-05-01:racing-monthly-evergreen']);

    expect((await kb.subscriptions.undoChangeSubscriptionPlan(id, 'test')).status).toBe(204);
    ({ data: s } = await kb.subscriptions.getSubscription(id));
    expect(events(s).slice(2)).toEqual(['PHASE@2012-05-01:sports-monthly-evergreen']);

    const again = await http.put(`/1.0/kb/subscriptions/${id}/undoChangePlan`, null, by);
    expect(again.status).toBe(400);
    expect(again.data).toMatchObject({ code: 1071, className: 'SubscriptionBaseApiException' });
    await moveDays(40);
    expect((await kb.subscriptions.getSubscription(id)).data).toMatchObject({ planName: 'sports-monthly', phaseType: 'EVERGREEN' });
  });

  it('takes effect when the clock reaches it', async () => {
    const { kb, accountId, moveDays } = await tenantWithAccount();
    const { data: created } = await kb.subscriptions.createSubscription(sub(accountId, 'sports-monthly'), 'test');
    await kb.subscriptions.changeSubscriptionPlan(plan('racing-monthly'), created.subscriptionId!, 'test', '2012-04-20');
    await moveDays(20);
    expect((await kb.subscriptions.getSubscription(created.subscriptionId!)).data).toMatchObject({ planName: 'racing-monthly', phaseType: 'TRIAL' });
  });
});

describe('refused changes', () => {
  it('a cancelled subscription cannot change (SUB_CHANGE_NON_ACTIVE), a future-cancelled one neither (SUB_CHANGE_FUTURE_CANCELLED)', async () => {
    const { kb, http, accountId } = await tenantWithAccount();
    const { data: gone } = await kb.subscriptions.createSubscription(sub(accountId, 'sports-monthly'), 'test');
    await kb.subscriptions.cancelSubscriptionPlan(gone.subscriptionId!, 'test', undefined, undefined, undefined, 'IMMEDIATE', 'IMMEDIATE');
    const r1 = await http.put(`/1.0/kb/subscriptions/${gone.subscriptionId}`, { planName: 'racing-monthly' }, by);
    expect(r1.status).toBe(400);
    expect(r1.data.code).toBe(1021);

    const { data: leaving } = await kb.subscriptions.createSubscription(sub(accountId, 'racing-monthly'), 'test');
    await kb.subscriptions.cancelSubscriptionPlan(leaving.subscriptionId!, 'test', '2012-04-20', undefined, undefined, undefined, undefined, true);
    const r2 = await http.put(`/1.0/kb/subscriptions/${leaving.subscriptionId}`, { planName: 'sports-monthly' }, by);
    expect(r2.status).toBe(400);
    expect(r2.data.code).toBe(1022);
  });

  it('an ILLEGAL catalog rule is CAT_ILLEGAL_CHANGE_REQUEST, CHANGE_OF_PRICELIST is not implemented, and both date and policy are refused', async () => {
    const { kb, http, accountId } = await tenantWithAccount();
    const { data: s } = await kb.subscriptions.createSubscription(sub(accountId, 'sports-monthly'), 'test');
    const legacy = await http.put(`/1.0/kb/subscriptions/${s.subscriptionId}`, { planName: 'legacy-monthly' }, by);
    expect([legacy.status, legacy.data.code]).toEqual([400, 2001]);
    const trucks = await http.put(`/1.0/kb/subscriptions/${s.subscriptionId}`, { planName: 'trucks-monthly' }, by);
    expect([trucks.status, trucks.data.code]).toEqual([400, 1]);
    const both = await http.put(`/1.0/kb/subscriptions/${s.subscriptionId}?requestedDate=2012-04-10&billingPolicy=IMMEDIATE`, { planName: 'racing-monthly' }, by);
    expect(both.status).toBe(400);
    const none = await http.put(`/1.0/kb/subscriptions/${s.subscriptionId}`, { productName: 'Racing' }, by);
    expect(none.status).toBe(400);
    expect((await kb.subscriptions.getSubscription(s.subscriptionId!)).data.planName).toBe('sports-monthly');
  });
});

describe('changing the base plan', () => {
  it('cancels, at the change date, an add-on the new product does not offer', async () => {
    const { kb, accountId } = await tenantWithAccount();
    const { data: bundle } = await kb.subscriptions.createSubscriptionWithAddOns([sub(accountId, 'sports-monthly'), sub(accountId, 'oilslick-monthly')], 'test');
    const base = bundle.subscriptions!.find((x) => x.productCategory === 'BASE')!;
    const addOn = bundle.subscriptions!.find((x) => x.productCategory === 'ADD_ON')!;
    await kb.subscriptions.changeSubscriptionPlan({ productName: 'Pickup', billingPeriod: 'MONTHLY', priceList: 'DEFAULT' } as Subscription, base.subscriptionId!, 'test');
    const { data: a } = await kb.subscriptions.getSubscription(addOn.subscriptionId!);
    expect(a.state).toBe('CANCELLED');
    expect(events(a).slice(-2)).toEqual(['STOP_ENTITLEMENT@2012-04-01:oilslick-monthly-evergreen', 'STOP_BILLING@2012-04-01:oilslick-monthly-evergreen']);
  });

  it('at a future date cancels the add-on then, and undoing the change keeps it', async () => {
    const { kb, accountId, moveDays } = await tenantWithAccount();
    const { data: bundle } = await kb.subscriptions.createSubscriptionWithAddOns([sub(accountId, 'sports-monthly'), sub(accountId, 'oilslick-monthly')], 'test');
    const base = bundle.subscriptions!.find((x) => x.productCategory === 'BASE')!;
    const addOn = bundle.subscriptions!.find((x) => x.productCategory === 'ADD_ON')!;
    await kb.subscriptions.changeSubscriptionPlan(plan('pickup-monthly'), base.subscriptionId!, 'test', '2012-04-10');
    let { data: a } = await kb.subscriptions.getSubscription(addOn.subscriptionId!);
    expect(a.state).toBe('ACTIVE');
    expect(a.billingEndDate!.slice(0, 10)).toBe('2012-04-10');
    await kb.subscriptions.undoChangeSubscriptionPlan(base.subscriptionId!, 'test');
    ({ data: a } = await kb.subscriptions.getSubscription(addOn.subscriptionId!));
    expect([a.cancelledDate, a.billingEndDate]).toEqual([null, null]);
    await moveDays(15);
    expect((await kb.subscriptions.getSubscription(addOn.subscriptionId!)).data.state).toBe('ACTIVE');
    expect((await kb.subscriptions.getSubscription(base.subscriptionId!)).data.planName).toBe('sports-monthly');
  });

  it('keeps an add-on the new product also offers', async () => {
    const { kb, accountId } = await tenantWithAccount();
    const { data: bundle } = await kb.subscriptions.createSubscriptionWithAddOns([sub(accountId, 'sports-monthly'), sub(accountId, 'oilslick-monthly')], 'test');
    const base = bundle.subscriptions!.find((x) => x.productCategory === 'BASE')!;
    const addOn = bundle.subscriptions!.find((x) => x.productCategory === 'ADD_ON')!;
    await kb.subscriptions.changeSubscriptionPlan(plan('racing-monthly'), base.subscriptionId!, 'test');
    expect((await kb.subscriptions.getSubscription(addOn.subscriptionId!)).data).toMatchObject({ state: 'ACTIVE', billingEndDate: null });
  });
});
