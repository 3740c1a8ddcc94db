import { readFileSync } from 'node:fs';
import type { InvoiceDryRun, Subscription } from 'killbill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantOnClock } from '../support/entitlement-setup.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Invoice tracking ids (Kill Bill's invoice_tracking_ids): the usage records an invoice billed first are
 * written with it and read back as its `trackingIds`; voiding it deactivates them and the next run takes them
 * up. test/fixtures/catalogs/usage.xml, clock 2012-04-01T10:00Z UTC; xyz-usage is TOP_TIER in blocks of 10 at
 * 100: 15 or 16 units → 200, 1100 units → 1100.
 */

const CATALOG = readFileSync(new URL('../fixtures/catalogs/usage.xml', import.meta.url), 'utf8');

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(import.meta.filename, { testMode: true });
});
afterAll(async () => {
  await server?.close();
});

async function setup() {
  const t = await tenantOnClock(server.url, CATALOG);
  const sub = (await t.kb.subscriptions.createSubscription({ accountId: t.accountId, planName: 'xyz-monthly' } as Subscription, 'test')).data;
  await t.moveDays(0);
  const record = (trackingId: string, records: [string, number][]) =>
    t.kb.usages.recordUsage(
      { subscriptionId: sub.subscriptionId!, trackingId, unitUsageRecords: [{ unitType: 'XYZ', usageRecords: records.map(([recordDate, amount]) => ({ recordDate, amount })) }] },
      'test',
    );
  /** Each invoice with usage: its USAGE items (start, amount) and its tracking ids, read one by one. */
  const billed = async () => {
    const all = (await t.kb.accounts.getInvoicesForAccount(t.accountId, undefined, undefined, false, false, true, true)).data;
    const out = [];
    for (const i of all.filter((i) => i.items?.some((it) => it.itemType === 'USAGE'))) {
      const one = (await t.kb.invoices.getInvoice(i.invoiceId!, true)).data;
      out.push({ id: one.invoiceId!, status: one.status, usage: one.items!.filter((it) => it.itemType === 'USAGE').map((it) => `${it.startDate} ${it.amount}`), trackingIds: one.trackingIds });
    }
    return out;
  };
  return { ...t, record, billed };
}

describe('invoice tracking ids', () => {
  it('keeps a late record on the invoice of the run that billed it, not on the earlier invoice of its period', async () => {
    const t = await setup();
    await t.record('t-1', [['2012-04-05', 10], ['2012-04-20', 5]]);
    await t.moveDays(30); // 2012-05-01: April billed
    expect(await t.billed()).toEqual([{ id: expect.any(String), status: 'COMMITTED', usage: ['2012-04-01 200'], trackingIds: ['t-1'] }]);

    // 16 units are still 2 blocks: the late April record changes no amount, and goes with the next invoice.
    await t.record('t-late', [['2012-04-25', 1]]);
    await t.record('t-2', [['2012-05-10', 1100]]);
    await t.moveDays(31); // 2012-06-01
    const [april, may] = await t.billed();
    expect(april!.trackingIds).toEqual(['t-1']);
    expect(may).toMatchObject({ usage: ['2012-05-01 1100'], trackingIds: ['t-late', 't-2'] });
  });

  it('deactivates the tracking ids of a voided invoice; the next run bills the records again and carries them', async () => {
    const t = await setup();
    await t.record('t-1', [['2012-04-05', 15]]);
    await t.moveDays(30);
    const [first] = await t.billed();
    expect((await t.kb.invoices.voidInvoice(first!.id, 'test')).status).toBe(204);
    expect((await t.kb.invoices.getInvoice(first!.id, true)).data).toMatchObject({ status: 'VOID', trackingIds: [] });

    const rerun = (await t.kb.invoices.createFutureInvoice(t.accountId, 'test', '2012-05-01')).data;
    expect((await t.kb.invoices.getInvoice(rerun.invoiceId!, true)).data).toMatchObject({ status: 'COMMITTED', trackingIds: ['t-1'] });
    expect((await t.billed()).map((b) => [b.status, b.usage, b.trackingIds])).toEqual([
      ['VOID', ['2012-04-01 200'], []],
      ['COMMITTED', ['2012-04-01 200'], ['t-1']],
    ]);
  });

  it('shows no tracking ids on a dry run, and writes none for it', async () => {
    const t = await setup();
    await t.record('t-1', [['2012-04-05', 15]]);
    const dry = (await t.kb.invoices.generateDryRunInvoice({ dryRunType: 'TARGET_DATE' } as InvoiceDryRun, t.accountId, 'test', '2012-05-01')).data;
    expect(dry.items!.map((i) => `${i.itemType} ${i.amount}`)).toEqual(['USAGE 200']);
    expect(dry.trackingIds).toEqual([]);
    await t.moveDays(30);
    expect((await t.billed())[0]!.trackingIds).toEqual(['t-1']);
  });
});
