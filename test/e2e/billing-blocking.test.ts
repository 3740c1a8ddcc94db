import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountId, BillingEvent } from '@billwright/core';
import { testCallContext } from '../support/engine.js';
import { tenantWithAccount } from '../support/entitlement-setup.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(import.meta.filename, { testMode: true });
});
afterAll(async () => {
  await server?.close();
});

/** Billing events are not in the REST API: read them from core, as invoicing will. */
async function billingEventsOf(apiKey: string, accountId: string) {
  const tenant = await server.engine.tenants.getByApiKey(apiKey);
  return (await server.engine.subscriptions.billingEvents(testCallContext(tenant.recordId), accountId as AccountId)).events;
}
const show = (events: readonly BillingEvent[]) => events.map((e) => [e.type, e.effectiveDate.toISODate(), e.phaseName, e.recurringPrice?.toString() ?? null, e.billingPeriod]);

describe('a paused bundle in the billing events (BlockingCalculator)', () => {
  it('stops billing at the pause and restarts it at the resume', async () => {
    const { kb, credentials, accountId, subscribe, moveClock } = await tenantWithAccount(server.url);
    const s = await subscribe();
    await moveClock(31);
    expect((await kb.bundles.pauseBundle(s.bundleId!, 'test')).status).toBe(204);
    expect(show(await billingEventsOf(credentials.apiKey, accountId))).toEqual([
      ['CREATE', '2012-04-01', 'sports-monthly-trial', null, 'NO_BILLING_PERIOD'],
      ['PHASE', '2012-05-01', 'sports-monthly-evergreen', '500', 'MONTHLY'],
      ['START_BILLING_DISABLED', '2012-05-02', 'sports-monthly-evergreen', null, 'NO_BILLING_PERIOD'],
    ]);

    await moveClock(10);
    expect((await kb.bundles.resumeBundle(s.bundleId!, 'test')).status).toBe(204);
    const events = await billingEventsOf(credentials.apiKey, accountId);
    expect(show(events).slice(2)).toEqual([
      ['START_BILLING_DISABLED', '2012-05-02', 'sports-monthly-evergreen', null, 'NO_BILLING_PERIOD'],
      ['END_BILLING_DISABLED', '2012-05-12', 'sports-monthly-evergreen', '500', 'MONTHLY'],
    ]);
    expect(events.every((e) => e.subscriptionId === s.subscriptionId && e.billCycleDayLocal === 1)).toBe(true);
  });

  it('moves a phase change inside a scheduled pause to the resume', async () => {
    const { kb, credentials, accountId, subscribe } = await tenantWithAccount(server.url);
    const s = await subscribe();
    await kb.bundles.pauseBundle(s.bundleId!, 'test', '2012-04-10');
    await kb.bundles.resumeBundle(s.bundleId!, 'test', '2012-05-10');
    expect(show(await billingEventsOf(credentials.apiKey, accountId))).toEqual([
      ['CREATE', '2012-04-01', 'sports-monthly-trial', null, 'NO_BILLING_PERIOD'],
      ['START_BILLING_DISABLED', '2012-04-10', 'sports-monthly-trial', null, 'NO_BILLING_PERIOD'],
      ['END_BILLING_DISABLED', '2012-05-10', 'sports-monthly-evergreen', '500', 'MONTHLY'],
    ]);
  });
});
