import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { InvoiceDryRun } from 'killbill';
import { expectLines, invoiceLife, retireLives } from '../support/invoice-scenarios.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Cancel each way, and pause/resume (billing blocked), through the official client and the test clock
 * (killbill-semantics.md §4.5, §4.6, §5.3, §5.4). Pause/resume figures from TestIntegration.
 * testWithPauseResume (-233.82 repaired at the pause, 224.96 billed from the resume). Kill Bill's test pays
 * each invoice; nothing is paid here, so the credit of a repair is used at once by the oldest unpaid
 * invoice (CBADao.useExistingCBAFromTransaction).
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(import.meta.filename, { testMode: true });
});
afterEach(retireLives);
afterAll(async () => {
  await server?.close();
});

/** A Shotgun life on BCD 1 from 2012-04-01, moved to 2012-05-10 with [05-01, 06-01] 249.95 billed. */
async function shotgunBilledFromMay() {
  const life = await invoiceLife(server.url, { clock: '2012-04-01T10:00:00.000Z', billCycleDayLocal: 1 });
  const sub = await life.subscribe('shotgun-monthly');
  await life.days(30); // 2012-05-01
  await life.days(9); // 2012-05-10
  const invoices = await life.invoices();
  expect(invoices).toHaveLength(2);
  expectLines(invoices[1], ['RECURRING 2012-05-01 2012-06-01 249.95']);
  return { life, sub };
}

describe('cancelling after the trial', () => {
  it('by the catalog END_OF_TERM rule bills nothing more: no repair now, nothing at the charged-through date', async () => {
    const { life, sub } = await shotgunBilledFromMay();
    expect((await life.kb.subscriptions.cancelSubscriptionPlan(sub.subscriptionId!, 'test')).status).toBe(204);
    await life.settle();
    expect(await life.invoices()).toHaveLength(2);
    const { data: s } = await life.kb.subscriptions.getSubscription(sub.subscriptionId!);
    expect(s.billingEndDate!.slice(0, 10)).toBe('2012-06-01');
    // Nothing to bill at the charged-through date: a dry run for it is empty (204; TestIntegration.testFutureCancelBPWithAO*).
    const dry = await life.kb.invoices.generateDryRunInvoice({ dryRunType: 'TARGET_DATE' } as InvoiceDryRun, life.accountId, 'test', '2012-06-01');
    expect(dry.status).toBe(204);

    await life.days(22); // 2012-06-01
    await life.days(30); // 2012-07-01
    expect(await life.invoices()).toHaveLength(2);
    expect((await life.runInvoice()).status).toBe(404);
    expect(await life.balances()).toEqual({ accountBalance: '249.95', accountCBA: '0.00' });
  });

  it('IMMEDIATE repairs the rest of the period (22/31 of 249.95 = 177.38) and the credit pays down the unpaid invoice', async () => {
    const { life, sub } = await shotgunBilledFromMay();
    const res = await life.kb.subscriptions.cancelSubscriptionPlan(sub.subscriptionId!, 'test', undefined, undefined, undefined, 'IMMEDIATE', 'IMMEDIATE');
    expect(res.status).toBe(204);
    await life.settle();
    const invoices = await life.invoices();
    expect(invoices).toHaveLength(3);
    expectLines(invoices[2], ['REPAIR_ADJ 2012-05-10 2012-06-01 -177.38', 'CBA_ADJ 2012-05-10 2012-05-10 177.38']);
    expectLines(invoices[1], ['RECURRING 2012-05-01 2012-06-01 249.95', 'CBA_ADJ 2012-05-10 2012-05-10 -177.38']);
    expect(invoices[1]!.balance).toBe(72.57);
    expect(invoices[2]!.balance).toBe(0);
    expect(await life.balances()).toEqual({ accountBalance: '72.57', accountCBA: '0.00' });

    // A system-generated credit (from a repair) cannot be deleted (DefaultInvoiceDao.deleteCBA: INVOICE_CBA_DELETED, 4030).
    const generated = invoices[2]!.items!.find((i) => i.itemType === 'CBA_ADJ')!;
    const refused = await life.http.delete(`/1.0/kb/invoices/${invoices[2]!.invoiceId}/${generated.invoiceItemId}/cba?accountId=${life.accountId}`);
    expect(refused.status).toBe(400);
    expect(refused.data.code).toBe(4030);
    // Nor can its invoice be voided: the credit it generated is used (CAN_NOT_VOID_INVOICE_THAT_GENERATED_USED_CREDIT, 4033).
    const voided = await life.http.put(`/1.0/kb/invoices/${invoices[2]!.invoiceId}/voidInvoice`, null);
    expect(voided.status).toBe(400);
    expect(voided.data.code).toBe(4033);

    await life.days(22); // 2012-06-01: nothing to renew
    expect(await life.invoices()).toHaveLength(3);
  });
});

describe('cancelling in the trial (catalog TRIAL → IMMEDIATE)', () => {
  it('leaves the $0 trial invoice alone and never bills the evergreen phase', async () => {
    const life = await invoiceLife(server.url, { clock: '2012-04-01T10:00:00.000Z', billCycleDayLocal: 1 });
    const sub = await life.subscribe('shotgun-monthly');
    await life.days(10);
    expect((await life.kb.subscriptions.cancelSubscriptionPlan(sub.subscriptionId!, 'test')).status).toBe(204);
    await life.settle();
    await life.days(30); // 2012-05-11, after the would-be phase change
    const invoices = await life.invoices();
    expect(invoices).toHaveLength(1);
    expectLines(invoices[0], ['FIXED 2012-04-01 2012-05-01 0']);
    expect(await life.balances()).toEqual({ accountBalance: '0.00', accountCBA: '0.00' });
  });
});

describe('pausing and resuming a bundle (TestIntegration.testWithPauseResume)', () => {
  it('repairs the paused rest of the period, bills nothing while paused, and bills a leading period from the resume', async () => {
    const life = await invoiceLife(server.url, { clock: '2012-02-01T00:03:42.000Z', billCycleDayLocal: 2 });
    const sub = await life.subscribe('shotgun-monthly');
    expectLines((await life.invoices())[0], ['FIXED 2012-02-01 2012-03-02 0']);

    await life.days(30); // 2012-03-02
    await life.days(2); // 2012-03-04
    let invoices = await life.invoices();
    expect(invoices).toHaveLength(2);
    expectLines(invoices[1], ['RECURRING 2012-03-02 2012-04-02 249.95']);

    // Pause today: [03-04, 04-02] is 29 of the item's 31 days → -233.82, credited, and used by invoice 2.
    expect((await life.kb.bundles.pauseBundle(sub.bundleId!, 'test')).status).toBe(204);
    await life.settle();
    invoices = await life.invoices();
    expect(invoices).toHaveLength(3);
    expectLines(invoices[2], ['REPAIR_ADJ 2012-03-04 2012-04-02 -233.82', 'CBA_ADJ 2012-03-04 2012-03-04 233.82']);
    expectLines(invoices[1], ['RECURRING 2012-03-02 2012-04-02 249.95', 'CBA_ADJ 2012-03-04 2012-03-04 -233.82']);
    expect(invoices[1]!.balance).toBe(16.13);
    expect(await life.balances()).toEqual({ accountBalance: '16.13', accountCBA: '0.00' });

    // 2012-04-05: the 04-02 renewal passed while billing was blocked: nothing billed.
    await life.days(32);
    expect(await life.invoices()).toHaveLength(3);

    // Resume today: [04-05, 05-02] is 27 of the 30 days of [04-02, 05-02] → 224.96.
    expect((await life.kb.bundles.resumeBundle(sub.bundleId!, 'test')).status).toBe(204);
    await life.settle();
    invoices = await life.invoices();
    expect(invoices).toHaveLength(4);
    expectLines(invoices[3], ['RECURRING 2012-04-05 2012-05-02 224.96']);
    expect(await life.balances()).toEqual({ accountBalance: '241.09', accountCBA: '0.00' });

    await life.days(27); // 2012-05-02
    invoices = await life.invoices();
    expect(invoices).toHaveLength(5);
    expectLines(invoices[4], ['RECURRING 2012-05-02 2012-06-02 249.95']);
    expect(await life.balances()).toEqual({ accountBalance: '491.04', accountCBA: '0.00' });
    expect((await life.runInvoice()).status).toBe(404);
  });
});
