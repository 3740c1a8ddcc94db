import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Invoice, Subscription } from 'killbill';
import { expectLines, invoiceLife, type Life } from '../support/invoice-scenarios.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Dry run SUBSCRIPTION_ACTION (killbill-semantics.md §4.11; InvoiceResource.generateDryRunInvoice): the plan
 * by name or by product + billing period, and the billing policy of a CHANGE or STOP_BILLING. A Shotgun
 * life on BCD 1 from 2012-04-01 (30-day trial, then 249.95/month), at 2012-05-16 with [05-01, 06-01]
 * billed: an IMMEDIATE change shows the repair and the new plan's item as the real change then writes
 * them; an END_OF_TERM stop (at the charged-through date 06-01) has nothing to bill now (204).
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(import.meta.filename, { testMode: true });
});
afterAll(async () => {
  await server?.close();
});

async function shotgunOnMay16() {
  const life = await invoiceLife(server.url, { clock: '2012-04-01T10:00:00.000Z', billCycleDayLocal: 1 });
  const sub = await life.subscribe('shotgun-monthly');
  await life.days(45); // 2012-05-16
  const invoices = await life.invoices();
  expect(invoices).toHaveLength(2);
  expectLines(invoices[1], ['RECURRING 2012-05-01 2012-06-01 249.95']);
  return { life, sub };
}

const dryRun = (life: Life, body: Record<string, unknown>, targetDate?: string) =>
  life.http.post(`/1.0/kb/invoices/dryRun?accountId=${life.accountId}${targetDate ? `&targetDate=${targetDate}` : ''}`, { dryRunType: 'SUBSCRIPTION_ACTION', ...body });

const ids = (sub: Subscription) => ({ subscriptionId: sub.subscriptionId, bundleId: sub.bundleId });

describe('a dry run CHANGE naming only the plan', () => {
  it('IMMEDIATE shows the REPAIR_ADJ and the new plan\'s item, the same lines the real change then writes', async () => {
    const { life, sub } = await shotgunOnMay16();
    const res = await dryRun(life, { dryRunAction: 'CHANGE', planName: 'assault-rifle-monthly', billingPolicy: 'IMMEDIATE', ...ids(sub) });
    expect(res.status).toBe(200);
    // Aligned on the subscription start (changeAlignment START_OF_SUBSCRIPTION): past its trial, the EVERGREEN
    // phase. [05-16, 06-01] 16/31 of 599.95 = 309.65; the 249.95 item repaired 16/31 = -129.01.
    const lines = ['RECURRING 2012-05-16 2012-06-01 309.65', 'REPAIR_ADJ 2012-05-16 2012-06-01 -129.01'];
    expectLines(res.data as Invoice, lines);
    expect((await life.invoices()).length).toBe(2); // nothing written

    await life.kb.subscriptions.changeSubscriptionPlan({ planName: 'assault-rifle-monthly' } as Subscription, sub.subscriptionId!, 'test', undefined, undefined, undefined, 'IMMEDIATE');
    await life.settle();
    const invoices = await life.invoices();
    expect(invoices).toHaveLength(3);
    expectLines(invoices[2], lines);

    // Item JSON pretty names come from the catalog (InvoiceItemFactory.computePrettyName): shotgun-monthly has
    // prettyName "Shotgun Monthly", its product and phase none (the name); a REPAIR_ADJ gets none.
    const billed = invoices[1]!.items!.find((i) => i.itemType === 'RECURRING')!;
    expect(billed).toMatchObject({ prettyPlanName: 'Shotgun Monthly', prettyProductName: 'Shotgun', prettyPhaseName: 'shotgun-monthly-evergreen', prettyUsageName: null });
    expect(invoices[2]!.items!.find((i) => i.itemType === 'REPAIR_ADJ')).toMatchObject({ prettyPlanName: null, prettyProductName: null });
  });

  it('END_OF_TERM changes at the charged-through date: nothing now (204), the new plan\'s period at 06-01', async () => {
    const { life, sub } = await shotgunOnMay16();
    const body = { dryRunAction: 'CHANGE', planName: 'assault-rifle-monthly', billingPolicy: 'END_OF_TERM', ...ids(sub) };
    expect((await dryRun(life, body)).status).toBe(204);
    const atCtd = await dryRun(life, body, '2012-06-01');
    expect(atCtd.status).toBe(200);
    expectLines(atCtd.data as Invoice, ['RECURRING 2012-06-01 2012-07-01 599.95']);
  });

  it('also resolves the plan from product, billing period and price list', async () => {
    const { life, sub } = await shotgunOnMay16();
    const res = await dryRun(life, { dryRunAction: 'CHANGE', productName: 'Assault-Rifle', productCategory: 'BASE', billingPeriod: 'MONTHLY', priceListName: 'DEFAULT', billingPolicy: 'IMMEDIATE', ...ids(sub) });
    expect(res.status).toBe(200);
    expectLines(res.data as Invoice, ['RECURRING 2012-05-16 2012-06-01 309.65', 'REPAIR_ADJ 2012-05-16 2012-06-01 -129.01']);
  });
});

describe('a dry run STOP_BILLING', () => {
  it('END_OF_TERM stops at the charged-through date: nothing to do (204), as Kill Bill', async () => {
    const { life, sub } = await shotgunOnMay16();
    expect((await dryRun(life, { dryRunAction: 'STOP_BILLING', billingPolicy: 'END_OF_TERM', ...ids(sub) })).status).toBe(204);
  });

  it('IMMEDIATE repairs the rest of the period, the repair becoming credit', async () => {
    const { life, sub } = await shotgunOnMay16();
    const res = await dryRun(life, { dryRunAction: 'STOP_BILLING', billingPolicy: 'IMMEDIATE', ...ids(sub) });
    expect(res.status).toBe(200);
    expectLines(res.data as Invoice, ['REPAIR_ADJ 2012-05-16 2012-06-01 -129.01', 'CBA_ADJ 2012-05-16 2012-05-16 129.01']);
  });

  it('refuses an unknown billing policy', async () => {
    const { life, sub } = await shotgunOnMay16();
    expect((await dryRun(life, { dryRunAction: 'STOP_BILLING', billingPolicy: 'SOMETIME', ...ids(sub) })).status).toBe(400);
  });
});

describe('a dry run START_BILLING naming only the plan', () => {
  it('bills the new subscription from today on the account BCD', async () => {
    const { life } = await shotgunOnMay16();
    const res = await dryRun(life, { dryRunAction: 'START_BILLING', planName: 'pistol-monthly-notrial' });
    expect(res.status).toBe(200);
    // [05-16, 06-01] 16/31 of 19.95 = 10.30.
    expectLines(res.data as Invoice, ['RECURRING 2012-05-16 2012-06-01 10.3']);
  });
});
