import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlockingState, EventSubscription } from 'killbill';
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
const summary = (events: EventSubscription[] | undefined) =>
  (events ?? []).map((e) => `${e.eventType}/${e.serviceName}/${e.serviceStateName}/${e.effectiveDate?.slice(0, 10)}`);
const ops = (extra: Partial<BlockingState> = {}) => ({ stateName: 'STOPPED', service: 'ops-service', isBlockChange: true, isBlockEntitlement: true, isBlockBilling: true, ...extra }) as BlockingState;

describe('pausing and resuming a bundle', () => {
  it('blocks the subscription from now and shows pause then resume events as Kill Bill does', async () => {
    const { kb, subscribe, moveClock } = await setup();
    const s = await subscribe();
    await moveClock(5);
    const paused = await kb.bundles.pauseBundle(s.bundleId!, 'test');
    expect(paused.status).toBe(204);
    const { data: during } = await kb.subscriptions.getSubscription(s.subscriptionId!);
    expect(during.state).toBe('BLOCKED');
    expect(summary(during.events).filter((e) => e.startsWith('PAUSE'))).toEqual(['PAUSE_ENTITLEMENT/entitlement-service/ENT_BLOCKED/2012-04-06', 'PAUSE_BILLING/billing-service/ENT_BLOCKED/2012-04-06']);
    expect(during.events!.find((e) => e.eventType === 'PAUSE_BILLING')).toMatchObject({ isBlockedBilling: true, isBlockedEntitlement: true, plan: 'sports-monthly', phase: 'sports-monthly-trial' });

    await moveClock(4);
    expect((await kb.bundles.resumeBundle(s.bundleId!, 'test')).status).toBe(204);
    const { data: after } = await kb.subscriptions.getSubscription(s.subscriptionId!);
    expect(after.state).toBe('ACTIVE');
    expect(summary(after.events)).toEqual([
      'START_ENTITLEMENT/entitlement-service/ENT_STARTED/2012-04-01',
      'START_BILLING/billing-service/START_BILLING/2012-04-01',
      'PAUSE_ENTITLEMENT/entitlement-service/ENT_BLOCKED/2012-04-06',
      'PAUSE_BILLING/billing-service/ENT_BLOCKED/2012-04-06',
      'RESUME_ENTITLEMENT/entitlement-service/ENT_CLEAR/2012-04-10',
      'RESUME_BILLING/billing-service/ENT_CLEAR/2012-04-10',
      'PHASE/entitlement+billing-service/PHASE/2012-05-01',
    ]);
    const { data: bundle } = await kb.bundles.getBundle(s.bundleId!);
    expect(bundle.timeline!.events!.map((e) => e.eventType)).toContain('RESUME_BILLING');
  });

  it('schedules a pause at a future requested date, which takes effect when the clock reaches it', async () => {
    const { kb, http, subscribe, moveClock } = await setup();
    const s = await subscribe();
    await kb.bundles.pauseBundle(s.bundleId!, 'test', '2012-04-10');
    expect((await kb.subscriptions.getSubscription(s.subscriptionId!)).data.state).toBe('ACTIVE');
    await moveClock(10);
    const { data } = await kb.subscriptions.getSubscription(s.subscriptionId!);
    expect(data.state).toBe('BLOCKED');
    expect(summary(data.events)).toContain('PAUSE_ENTITLEMENT/entitlement-service/ENT_BLOCKED/2012-04-10');
    const queues = await http.get('/1.0/kb/admin/queues?withHistory=true');
    expect(JSON.stringify(queues.data)).toContain('BUNDLE_PAUSE');
  });

  it('answers 404 for an unknown bundle, 400 for a bad id or date, and 404 for another tenant’s bundle', async () => {
    const { http, subscribe } = await setup();
    const s = await subscribe();
    expect((await http.put('/1.0/kb/bundles/6f2b8f0e-2f0a-4b52-9a3e-3c0d2b1f9a11/pause', null, CREATED_BY)).status).toBe(404);
    expect((await http.put('/1.0/kb/bundles/not-a-uuid/pause', null, CREATED_BY)).status).toBe(400);
    expect((await http.put(`/1.0/kb/bundles/${s.bundleId}/pause?requestedDate=2012-13-45`, null, CREATED_BY)).status).toBe(400);
    expect((await http.put(`/1.0/kb/bundles/${s.bundleId}/pause`, null)).status).toBe(400);
    const other = await setup();
    expect((await other.http.put(`/1.0/kb/bundles/${s.bundleId}/pause`, null, CREATED_BY)).status).toBe(404);
    expect((await other.http.put(`/1.0/kb/bundles/${s.bundleId}/resume`, null, CREATED_BY)).status).toBe(404);
  });
});

describe('blocking states', () => {
  it('applies an account-level block to every subscription of the account and lists it by type and service', async () => {
    const { kb, accountId, subscribe } = await setup();
    const a = await subscribe();
    const b = await subscribe();
    const { data: created, status } = await kb.accounts.addAccountBlockingState(ops(), accountId, 'test');
    expect(status).toBe(201);
    expect(created).toEqual([expect.objectContaining({ blockedId: accountId, type: 'ACCOUNT', stateName: 'STOPPED', service: 'ops-service', isBlockChange: true })]);
    for (const s of [a, b]) {
      const { data } = await kb.subscriptions.getSubscription(s.subscriptionId!);
      expect(data.state).toBe('BLOCKED');
      expect(summary(data.events).filter((e) => e.startsWith('PAUSE'))).toEqual(['PAUSE_ENTITLEMENT/ops-service/STOPPED/2012-04-01', 'PAUSE_BILLING/ops-service/STOPPED/2012-04-01']);
    }
    const { data: all } = await kb.accounts.getBlockingStates(accountId);
    expect(all.map((s) => `${s.type}/${s.stateName}`)).toEqual(['SUBSCRIPTION/ENT_STARTED', 'SUBSCRIPTION/ENT_STARTED', 'ACCOUNT/STOPPED']);
    expect((await kb.accounts.getBlockingStates(accountId, ['ACCOUNT'])).data).toHaveLength(1);
    expect((await kb.accounts.getBlockingStates(accountId, undefined, ['entitlement-service'])).data).toHaveLength(2);
    const { data: audited } = await kb.accounts.getBlockingStates(accountId, ['ACCOUNT'], undefined, 'FULL');
    expect(audited[0]!.auditLogs![0]).toMatchObject({ changeType: 'INSERT', objectType: 'BLOCKING_STATES', changedBy: 'test' });
  });

  it('clears an account block from a later date with another state of the same service', async () => {
    const { kb, accountId, subscribe, moveClock } = await setup();
    const s = await subscribe();
    await kb.accounts.addAccountBlockingState(ops(), accountId, 'test');
    await kb.accounts.addAccountBlockingState(ops({ stateName: 'CLEARED', isBlockChange: false, isBlockEntitlement: false, isBlockBilling: false }), accountId, 'test', '2012-04-05');
    expect((await kb.subscriptions.getSubscription(s.subscriptionId!)).data.state).toBe('BLOCKED');
    await moveClock(5);
    const { data } = await kb.subscriptions.getSubscription(s.subscriptionId!);
    expect(data.state).toBe('ACTIVE');
    expect(summary(data.events)).toContain('RESUME_ENTITLEMENT/ops-service/CLEARED/2012-04-05');
  });

  it('shows a state that blocks nothing as a service state change, on a subscription or a bundle', async () => {
    const { kb, subscribe } = await setup();
    const s = await subscribe();
    const flagless = ops({ stateName: 'NOTICED', isBlockChange: false, isBlockEntitlement: false, isBlockBilling: false });
    const { data: subStates } = await kb.subscriptions.addSubscriptionBlockingState(flagless, s.subscriptionId!, 'test');
    expect(subStates.map((x) => x.stateName)).toEqual(['ENT_STARTED', 'NOTICED']);
    const { data: bundleStates } = await kb.bundles.addBundleBlockingState({ ...flagless, stateName: 'BUNDLE_NOTICED' }, s.bundleId!, 'test');
    expect(bundleStates).toEqual([expect.objectContaining({ type: 'SUBSCRIPTION_BUNDLE', blockedId: s.bundleId, stateName: 'BUNDLE_NOTICED' })]);
    const { data } = await kb.subscriptions.getSubscription(s.subscriptionId!);
    expect(data.state).toBe('ACTIVE');
    expect(summary(data.events).filter((e) => e.startsWith('SERVICE_STATE_CHANGE'))).toEqual([
      'SERVICE_STATE_CHANGE/ops-service/NOTICED/2012-04-01',
      'SERVICE_STATE_CHANGE/ops-service/BUNDLE_NOTICED/2012-04-01',
    ]);
  });

  it('refuses the entitlement service, its reserved states and a missing state with SUB_BLOCKING_STATE_INVALID_ARG', async () => {
    const { http, accountId } = await setup();
    for (const body of [ops({ service: 'entitlement-service' }), ops({ stateName: 'ENT_BLOCKED' }), ops({ stateName: 'ENT_CANCELLED' }), { service: 'ops-service' }, { stateName: 'X' }]) {
      const res = await http.post(`/1.0/kb/accounts/${accountId}/block`, body, CREATED_BY);
      expect(res.status).toBe(400);
      expect(res.data).toMatchObject({ code: 1107 });
    }
    expect((await http.post(`/1.0/kb/accounts/${accountId}/block`, { ...ops(), isBlockBilling: 'yes' }, CREATED_BY)).status).toBe(400);
    expect((await http.post(`/1.0/kb/accounts/${accountId}/block`, '[1]', { headers: { ...CREATED_BY.headers, 'Content-Type': 'application/json' } })).status).toBe(400);
    expect((await http.post(`/1.0/kb/accounts/${accountId}/block?requestedDate=tomorrow`, ops(), CREATED_BY)).status).toBe(400);
    expect((await http.get(`/1.0/kb/accounts/${accountId}/block?blockingStateTypes=PLANET`)).status).toBe(400);
    const { data } = await http.get(`/1.0/kb/accounts/${accountId}/block`);
    expect(data).toEqual([]);
  });

  it('keeps blocking states inside their tenant', async () => {
    const { accountId, subscribe } = await setup();
    const s = await subscribe();
    const other = await setup();
    expect((await other.http.post(`/1.0/kb/accounts/${accountId}/block`, ops(), CREATED_BY)).status).toBe(404);
    expect((await other.http.post(`/1.0/kb/bundles/${s.bundleId}/block`, ops(), CREATED_BY)).status).toBe(404);
    expect((await other.http.post(`/1.0/kb/subscriptions/${s.subscriptionId}/block`, ops(), CREATED_BY)).status).toBe(404);
    expect((await other.http.get(`/1.0/kb/accounts/${accountId}/block`)).status).toBe(404);
  });
});
