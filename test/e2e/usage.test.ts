import { readFileSync } from 'node:fs';
import type { InvoiceItem, Subscription } from 'killbill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREATED_BY, tenantOnClock } from '../support/entitlement-setup.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Usage billing through the official client (killbill-semantics.md §6), on test/fixtures/catalogs/usage.xml,
 * the clock starting 2012-04-01T10:00Z in UTC (account BCD 1: the plans are usage-only).
 * Hand-worked figures: TOP_TIER 15 XYZ → 2 blocks × 100 = 200; 1100 XYZ → 110 blocks × 10 = 1100;
 * CAPACITY max 51 members → 10.00.
 */

const CATALOG = readFileSync(new URL('../fixtures/catalogs/usage.xml', import.meta.url), 'utf8');

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(import.meta.filename, { testMode: true });
});
afterAll(async () => {
  await server?.close();
});

async function setup(planName: string) {
  const t = await tenantOnClock(server.url, CATALOG);
  const sub = (await t.kb.subscriptions.createSubscription({ accountId: t.accountId, planName } as Subscription, 'test')).data;
  await t.moveDays(0);
  const record = (trackingId: string, unitType: string, records: [string, number][]) =>
    t.kb.usages.recordUsage(
      { subscriptionId: sub.subscriptionId!, trackingId, unitUsageRecords: [{ unitType, usageRecords: records.map(([recordDate, amount]) => ({ recordDate, amount })) }] },
      'test',
    );
  const invoices = async () => (await t.kb.accounts.getInvoicesForAccount(t.accountId, undefined, undefined, false, false, true, true)).data;
  const usageItems = async () =>
    (await invoices()).flatMap((i) => i.items ?? []).filter((i: InvoiceItem) => i.itemType === 'USAGE').map((i) => [i.usageName, i.startDate, i.endDate, i.amount]);
  return { ...t, sub, record, invoices, usageItems };
}

describe('usage billing', () => {
  it('bills TOP_TIER consumable usage in arrear at the period end: 15 units → 200, then 1100 units → 1100', async () => {
    const t = await setup('xyz-monthly');
    await t.record('t-1', 'XYZ', [['2012-04-05', 10], ['2012-04-20', 5]]);
    expect(await t.usageItems()).toEqual([]);

    await t.moveDays(30); // 2012-05-01: the April period has ended
    expect(await t.usageItems()).toEqual([['xyz-usage', '2012-04-01', '2012-05-01', 200]]);
    const item = (await t.invoices()).flatMap((i) => i.items ?? []).find((i) => i.itemType === 'USAGE')!;
    expect(JSON.parse(item.itemDetails!)).toMatchObject({ tierDetails: [{ tier: 1, tierUnit: 'XYZ', tierPrice: 100, tierBlockSize: 10, quantity: 2, amount: 200 }], amount: 200 });

    const billed = (await t.invoices()).find((i) => i.items?.some((it) => it.itemType === 'USAGE'))!;
    expect(billed.trackingIds).toEqual(['t-1']);
    const explained = await t.http.get(`/1.0/kb/invoices/${billed.invoiceId}?withExplanation=true`);
    expect(explained.data.items[0].explanation).toMatchObject({ kind: 'USAGE', usageName: 'xyz-usage', units: [{ unitType: 'XYZ', amount: '15' }], periodAmount: '200' });

    await t.record('t-2', 'XYZ', [['2012-05-10', 1100]]);
    await t.moveDays(31); // 2012-06-01
    expect(await t.usageItems()).toEqual([
      ['xyz-usage', '2012-04-01', '2012-05-01', 200],
      ['xyz-usage', '2012-05-01', '2012-06-01', 1100],
    ]);
  });

  it('bills per tier in DETAIL mode and writes no $0 usage item when the tenant says so (per-tenant config)', async () => {
    const t = await setup('xyz-monthly');
    await t.kb.tenants.uploadPerTenantConfiguration(
      JSON.stringify({ 'org.killbill.invoice.item.result.behavior.mode': 'DETAIL', 'org.killbill.invoice.disable.usage.zero.amount': 'true' }),
      'test',
    );
    const detailItems = async () =>
      (await t.invoices()).flatMap((i) => i.items ?? []).filter((i: InvoiceItem) => i.itemType === 'USAGE').map((i) => [i.startDate, i.rate, i.quantity, i.amount, JSON.parse(i.itemDetails!)]);
    await t.record('d-1', 'XYZ', [['2012-04-05', 15]]);
    await t.moveDays(30); // 2012-05-01: April, 15 XYZ → 2 blocks at 100.00
    expect(await detailItems()).toEqual([['2012-04-01', 100, 2, 200, { tier: 1, tierUnit: 'XYZ', tierPrice: 100, tierBlockSize: 10, quantity: 2, amount: 200 }]]);

    await t.moveDays(31); // 2012-06-01: May without usage is $0, so no item and no invoice
    expect(await detailItems()).toHaveLength(1);
    expect(await t.invoices()).toHaveLength(1);

    await t.record('d-2', 'XYZ', [['2012-06-10', 1100]]);
    await t.moveDays(30); // 2012-07-01: June, 1100 XYZ → all 110 blocks at the second tier, 10.00
    expect((await detailItems()).at(-1)).toEqual(['2012-06-01', 10, 110, 1100, { tier: 2, tierUnit: 'XYZ', tierPrice: 10, tierBlockSize: 10, quantity: 110, amount: 1100 }]);
  });

  it('reads recorded usage back rolled up, per unit and for all units', async () => {
    const t = await setup('xyz-monthly');
    await t.record('t-1', 'XYZ', [['2012-04-05', 10], ['2012-04-20', 5]]);
    const one = (await t.kb.usages.getUsage(t.sub.subscriptionId!, 'XYZ', '2012-04-01', '2012-04-21')).data;
    expect(one).toMatchObject({ subscriptionId: t.sub.subscriptionId, rolledUpUnits: [{ unitType: 'XYZ', amount: 15 }] });
    const early = (await t.kb.usages.getAllUsage(t.sub.subscriptionId!, '2012-04-01', '2012-04-20')).data;
    expect(early.rolledUpUnits).toEqual([{ unitType: 'XYZ', amount: 10 }]);
    expect((await t.http.get(`/1.0/kb/usages/${t.sub.subscriptionId}?startDate=2012-04-01`)).status).toBe(400);
  });

  it('bills CAPACITY usage at the tier of the period max: 51 members → 10.00', async () => {
    const t = await setup('members-monthly');
    await t.record('m-1', 'members', [['2012-04-02', 10], ['2012-04-10', 51], ['2012-04-25', 3]]);
    await t.moveDays(30);
    expect(await t.usageItems()).toEqual([['members-usage', '2012-04-01', '2012-05-01', 10]]);
  });

  it('ends the usage period early on cancellation and bills it on the cancel date; later records are refused', async () => {
    const t = await setup('xyz-monthly');
    await t.moveDays(30); // 2012-05-01: April billed at $0
    await t.record('c-1', 'XYZ', [['2012-05-03', 1]]);
    await t.moveDays(15); // 2012-05-16
    await t.kb.subscriptions.cancelSubscriptionPlan(t.sub.subscriptionId!, 'test', undefined, true, 10, 'IMMEDIATE', 'IMMEDIATE');
    await t.moveDays(0);
    expect(await t.usageItems()).toEqual([
      ['xyz-usage', '2012-04-01', '2012-05-01', 0],
      ['xyz-usage', '2012-05-01', '2012-05-16', 100],
    ]);
    const late = { subscriptionId: t.sub.subscriptionId, trackingId: 'c-2', unitUsageRecords: [{ unitType: 'XYZ', usageRecords: [{ recordDate: '2012-05-20', amount: 1 }] }] };
    expect((await t.http.post('/1.0/kb/usages', late, CREATED_BY)).status).toBe(400);
  });

  it('refuses a trackingId already recorded for the subscription, and usage of an unknown subscription', async () => {
    const t = await setup('xyz-monthly');
    await t.record('dup', 'XYZ', [['2012-04-05', 1]]);
    const body = { subscriptionId: t.sub.subscriptionId, trackingId: 'dup', unitUsageRecords: [{ unitType: 'XYZ', usageRecords: [{ recordDate: '2012-04-06', amount: 1 }] }] };
    const dup = await t.http.post('/1.0/kb/usages', body, CREATED_BY);
    expect(dup.status).toBe(409);
    expect(dup.data).toMatchObject({ code: 50000 });
    const unknown = await t.http.post('/1.0/kb/usages', { ...body, subscriptionId: '00000000-0000-0000-0000-00000000abcd', trackingId: 'x' }, CREATED_BY);
    expect(unknown.status).toBe(404);
    const rolled = (await t.kb.usages.getAllUsage(t.sub.subscriptionId!, '2012-04-01', '2012-05-01')).data;
    expect(rolled.rolledUpUnits).toEqual([{ unitType: 'XYZ', amount: 1 }]);
  });
});
