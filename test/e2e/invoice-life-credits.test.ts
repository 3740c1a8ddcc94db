import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { InvoiceItem, Subscription } from 'killbill';
import { WRITTEN_OFF, expectLines, invoiceLife, summary, retireLives } from '../support/invoice-scenarios.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Credits and item adjustments on unpaid invoices (killbill-semantics.md §4.6, §4.7, §4.8). Figures from
 * TestIntegrationInvoice.testWithUserCreditDeletion (1000 credit → account balance -500.10 a month later),
 * testApplyCreditOnExistingBalance (300 credit → -50.05, then 199.90 left to pay), and
 * TestIntegrationInvoiceWithRepairLogic.testSimplePartialRepairWithItemAdjustment (repair capped at what the
 * adjustment left: -239.95). Those tests run with AUTO_PAY_OFF or pay; nothing is paid here.
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(import.meta.filename, { testMode: true });
});
afterEach(retireLives);
afterAll(async () => {
  await server?.close();
});

/** A Shotgun life on BCD 14 from 2015-05-15, moved to 2015-06-14 with [06-14, 07-14] 249.95 billed. */
async function shotgunBilledFromJune() {
  const life = await invoiceLife(server.url, { clock: '2015-05-15T00:00:00.000Z', billCycleDayLocal: 14 });
  await life.subscribe('shotgun-monthly');
  await life.days(30); // 2015-06-14
  const invoices = await life.invoices();
  expect(invoices).toHaveLength(2);
  expectLines(invoices[0], ['FIXED 2015-05-15 2015-06-14 0']);
  expectLines(invoices[1], ['RECURRING 2015-06-14 2015-07-14 249.95']);
  expect(await life.balances()).toEqual({ accountBalance: '249.95', accountCBA: '0.00' });
  return life;
}

const credit = (accountId: string, amount: number) => [{ accountId, amount, currency: 'USD', description: 'some description' } as InvoiceItem];

describe('a credit larger than what is owed (TestIntegrationInvoice.testWithUserCreditDeletion)', () => {
  it('is a credit invoice (CREDIT_ADJ + CBA_ADJ, balance 0) whose credit pays the unpaid invoice and next month\'s', async () => {
    const life = await shotgunBilledFromJune();
    const { data: created } = await life.credits.createCredits(credit(life.accountId, 1000), 'test', true);
    expect(created).toHaveLength(1);
    // The answer shows the credit as given (+1000): DefaultInvoiceUserApi.insertCredits negates the stored -1000 back.
    expect(created[0]).toMatchObject({ itemType: 'CREDIT_ADJ', amount: 1000 });
    await life.settle();

    let invoices = await life.invoices();
    expect(invoices).toHaveLength(3);
    const creditInvoice = invoices.find((i) => i.invoiceId === created[0]!.invoiceId)!;
    expectLines(creditInvoice, ['CREDIT_ADJ 2015-06-14 2015-06-14 -1000', 'CBA_ADJ 2015-06-14 2015-06-14 1000']);
    // The 2-item credit invoice: the CREDIT_ADJ is not a charge, the CBA_ADJ is the credit (InvoiceCalculatorUtils.isCreditInvoice).
    expect(summary(creditInvoice)).toMatchObject({ status: 'COMMITTED', amount: '0.00', creditAdj: '1000.00', balance: '0.00' });
    expectLines(invoices[1], ['RECURRING 2015-06-14 2015-07-14 249.95', 'CBA_ADJ 2015-06-14 2015-06-14 -249.95']);
    expect(invoices[1]!.balance).toBe(0);
    expect(await life.balances()).toEqual({ accountBalance: '-750.05', accountCBA: '750.05' });

    await life.days(30); // 2015-07-14: the next invoice uses the credit at once
    invoices = await life.invoices();
    expect(invoices).toHaveLength(4);
    expectLines(invoices[3], ['RECURRING 2015-07-14 2015-08-14 249.95', 'CBA_ADJ 2015-07-14 2015-07-14 -249.95']);
    // amount is what is charged, creditAdj the credit used (InvoiceJson).
    expect(summary(invoices[3]!)).toMatchObject({ amount: '249.95', creditAdj: '-249.95', balance: '0.00' });
    expect(await life.balances()).toEqual({ accountBalance: '-500.10', accountCBA: '500.10' });

    // Deleting the credit (DefaultInvoiceDao.deleteCBA on a credit invoice): the CREDIT_ADJ and its CBA_ADJ go
    // to 0 and the 499.90 already used is reclaimed from the invoices that used it (their CBA_ADJ go to 0).
    const cba = creditInvoice.items!.find((i) => i.itemType === 'CBA_ADJ')!;
    expect((await life.kb.invoices.deleteCBA(creditInvoice.invoiceId!, cba.invoiceItemId, life.accountId, 'test')).status).toBe(204);
    await life.settle();
    invoices = await life.invoices();
    expectLines(invoices[2], ['CREDIT_ADJ 2015-06-14 2015-06-14 0', 'CBA_ADJ 2015-06-14 2015-06-14 0']);
    expectLines(invoices[1], ['RECURRING 2015-06-14 2015-07-14 249.95', 'CBA_ADJ 2015-06-14 2015-06-14 0']);
    expectLines(invoices[3], ['RECURRING 2015-07-14 2015-08-14 249.95', 'CBA_ADJ 2015-07-14 2015-07-14 0']);
    expect(invoices.map((i) => i.balance)).toEqual([0, 249.95, 0, 249.95]);
    expect(await life.balances()).toEqual({ accountBalance: '499.90', accountCBA: '0.00' });
  });
});

describe('a credit smaller than the next invoice (TestIntegrationInvoice.testApplyCreditOnExistingBalance)', () => {
  it('pays the unpaid invoice, and what is left of it reduces the next invoice to 199.90', async () => {
    const life = await shotgunBilledFromJune();
    await life.credits.createCredits(credit(life.accountId, 300), 'test', true);
    await life.settle();
    let invoices = await life.invoices();
    expect(invoices[1]!.balance).toBe(0);
    expect(await life.balances()).toEqual({ accountBalance: '-50.05', accountCBA: '50.05' });

    await life.days(30); // 2015-07-14
    invoices = await life.invoices();
    expect(invoices).toHaveLength(4);
    expectLines(invoices[3], ['RECURRING 2015-07-14 2015-08-14 249.95', 'CBA_ADJ 2015-07-14 2015-07-14 -50.05']);
    expect(invoices[3]!.balance).toBe(199.9);
    expect(await life.balances()).toEqual({ accountBalance: '199.90', accountCBA: '0.00' });
  });
});

describe('an item adjustment on an unpaid invoice (TestIntegrationInvoiceWithRepairLogic.testSimplePartialRepairWithItemAdjustment)', () => {
  it('writes an ITEM_ADJ on the same invoice, refuses too much, and caps a later repair at what is left', async () => {
    const life = await invoiceLife(server.url, { clock: '2012-04-01T10:00:00.000Z', billCycleDayLocal: 1 });
    const sub = await life.subscribe('shotgun-monthly');
    await life.days(31); // 2012-05-02
    let invoices = await life.invoices();
    expect(invoices).toHaveLength(2);
    expectLines(invoices[1], ['RECURRING 2012-05-01 2012-06-01 249.95']);
    const invoiceId = invoices[1]!.invoiceId!;
    const recurring = invoices[1]!.items![0]!;

    const adjusted = await life.kb.invoices.adjustInvoiceItem({ invoiceItemId: recurring.invoiceItemId, accountId: life.accountId, amount: 10, currency: 'USD' } as InvoiceItem, invoiceId, 'test');
    expect([200, 201]).toContain(adjusted.status);
    await life.settle();
    invoices = await life.invoices();
    expect(invoices).toHaveLength(2);
    // Unpaid, the invoice stays positive (239.95): no credit is generated (Kill Bill's paid invoice got CBA_ADJ +10).
    expectLines(invoices[1], ['RECURRING 2012-05-01 2012-06-01 249.95', 'ITEM_ADJ 2012-05-02 2012-05-02 -10']);
    expect(invoices[1]!.items!.find((i) => i.itemType === 'ITEM_ADJ')!.linkedInvoiceItemId).toBe(recurring.invoiceItemId);
    expect(summary(invoices[1]!)).toMatchObject({ amount: '239.95', balance: '239.95', creditAdj: '0.00' });
    expect(await life.balances()).toEqual({ accountBalance: '239.95', accountCBA: '0.00' });

    // More than what is left, or not positive: Kill Bill's 4020 and 4010, and nothing written.
    const tooMuch = await life.http.post(`/1.0/kb/invoices/${invoiceId}`, { invoiceItemId: recurring.invoiceItemId, accountId: life.accountId, amount: 240, currency: 'USD' });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.data.code).toBe(4020);
    const negative = await life.http.post(`/1.0/kb/invoices/${invoiceId}`, { invoiceItemId: recurring.invoiceItemId, accountId: life.accountId, amount: -5, currency: 'USD' });
    expect(negative.status).toBe(400);
    expect(negative.data.code).toBe(4010);
    expect((await life.invoices())[1]!.items).toHaveLength(2);

    // 2012-05-02 → Blowdart IMMEDIATE: [05-02, 06-01] 30/31 of 9.95 = 9.63; the repair would be 241.89 but
    // only 239.95 is left of the item → -239.95; the -230.32 balance is credit, used by the adjusted invoice.
    await life.kb.subscriptions.changeSubscriptionPlan({ planName: 'blowdart-monthly' } as Subscription, sub.subscriptionId!, 'test', undefined, undefined, undefined, 'IMMEDIATE');
    await life.settle();
    invoices = await life.invoices();
    expect(invoices).toHaveLength(3);
    expectLines(invoices[2], ['RECURRING 2012-05-02 2012-06-01 9.63', 'REPAIR_ADJ 2012-05-02 2012-06-01 -239.95', 'CBA_ADJ 2012-05-02 2012-05-02 230.32']);
    expectLines(invoices[1], ['RECURRING 2012-05-01 2012-06-01 249.95', 'ITEM_ADJ 2012-05-02 2012-05-02 -10', 'CBA_ADJ 2012-05-02 2012-05-02 -230.32']);
    expect(invoices[1]!.balance).toBe(9.63);
    expect(invoices[2]!.balance).toBe(0);
    expect(await life.balances()).toEqual({ accountBalance: '9.63', accountCBA: '0.00' });
    expect((await life.runInvoice()).status).toBe(404);
  });
});

describe('a WRITTEN_OFF invoice (TestIntegrationWithWrittenOffTag)', () => {
  it('reads balance 0, leaves the account balance, and does not take credit', async () => {
    const life = await shotgunBilledFromJune();
    const owed = (await life.invoices())[1]!;
    await life.kb.invoices.createInvoiceTags([WRITTEN_OFF], owed.invoiceId!, 'test');
    await life.settle();
    expect((await life.kb.invoices.getInvoice(owed.invoiceId!)).data.balance).toBe(0);
    expect(await life.balances()).toEqual({ accountBalance: '0.00', accountCBA: '0.00' });

    // A written-off invoice is not unpaid for CBADao: the credit stays on the account.
    await life.credits.createCredits(credit(life.accountId, 100), 'test', true);
    await life.settle();
    expectLines((await life.invoices())[1], ['RECURRING 2015-06-14 2015-07-14 249.95']);
    expect(await life.balances()).toEqual({ accountBalance: '-100.00', accountCBA: '100.00' });

    // Untagged, it is owed again; the credit is used by the next invoice run, not by the tag removal.
    await life.kb.invoices.deleteInvoiceTags(owed.invoiceId!, 'test', [WRITTEN_OFF]);
    await life.settle();
    expect((await life.kb.invoices.getInvoice(owed.invoiceId!)).data.balance).toBe(249.95);
    expect(await life.balances()).toEqual({ accountBalance: '149.95', accountCBA: '100.00' });
  });
});
