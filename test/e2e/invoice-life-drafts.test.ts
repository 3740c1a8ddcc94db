import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { InvoiceItem } from 'killbill';
import { AUTO_INVOICING_DRAFT, AUTO_INVOICING_OFF, AUTO_INVOICING_REUSE_DRAFT, expectLines, invoiceLife, summary, retireLives, type Life } from '../support/invoice-scenarios.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * External charges (DRAFT then committed, and against a credit), void and re-bill, and the invoicing control
 * tags AUTO_INVOICING_OFF / AUTO_INVOICING_DRAFT / AUTO_INVOICING_REUSE_DRAFT (killbill-semantics.md
 * §4.6–4.9). Scenarios and figures from TestIntegrationInvoice.testDraftInvoice, TestIntegrationVoidInvoice.
 * testVoidInvoice / testVoidRepairedInvoice (credit 20, 19.95 used, -9.31 repaired, 10.64 re-billed, account
 * CBA 9.36), TestIntegrationWithAutoInvoiceOffTag.testAutoInvoiceOffAccount and TestIntegrationWithAutoInvoiceDraft.
 * Nothing is paid here (Kill Bill's tests use AUTO_PAY_OFF or pay).
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(import.meta.filename, { testMode: true });
});
afterEach(retireLives);
afterAll(async () => {
  await server?.close();
});

async function shotgunBilledFromJune() {
  const life = await invoiceLife(server.url, { clock: '2015-05-15T00:00:00.000Z', billCycleDayLocal: 14 });
  const sub = await life.subscribe('shotgun-monthly');
  await life.days(30); // 2015-06-14
  const invoices = await life.invoices();
  expect(invoices).toHaveLength(2);
  expectLines(invoices[1], ['RECURRING 2015-06-14 2015-07-14 249.95']);
  return { life, sub };
}

describe('an external charge with autoCommit=false (TestIntegrationInvoice.testDraftInvoice)', () => {
  it('stays a DRAFT with balance 0 that invoicing leaves alone, and counts once committed', async () => {
    const { life } = await shotgunBilledFromJune();
    const charge = [{ accountId: life.accountId, amount: 10, currency: 'USD', description: 'ten' } as InvoiceItem];
    const { data: items } = await life.kb.invoices.createExternalCharges(charge, life.accountId, 'test', undefined, false);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ itemType: 'EXTERNAL_CHARGE', amount: 10 });
    const draftId = items[0]!.invoiceId!;

    let draft = (await life.kb.invoices.getInvoice(draftId)).data;
    expectLines(draft, ['EXTERNAL_CHARGE 2015-06-14 - 10']);
    expect(summary(draft)).toMatchObject({ status: 'DRAFT', invoiceDate: '2015-06-14', balance: '0.00' });
    expect(await life.balances()).toEqual({ accountBalance: '249.95', accountCBA: '0.00' });

    // 2015-07-14: the renewal is a new invoice; the DRAFT is not reused (no AUTO_INVOICING_REUSE_DRAFT).
    await life.days(30);
    const invoices = await life.invoices();
    expect(invoices).toHaveLength(4);
    expect(invoices[2]!.invoiceId).toBe(draftId);
    expectLines(invoices[2], ['EXTERNAL_CHARGE 2015-06-14 - 10']);
    expect(invoices[2]!.status).toBe('DRAFT');
    expectLines(invoices[3], ['RECURRING 2015-07-14 2015-08-14 249.95']);
    expect(await life.balances()).toEqual({ accountBalance: '499.90', accountCBA: '0.00' });

    expect((await life.kb.invoices.commitInvoice(draftId, 'test')).status).toBe(204);
    await life.settle();
    draft = (await life.kb.invoices.getInvoice(draftId)).data;
    expect(summary(draft)).toMatchObject({ status: 'COMMITTED', amount: '10.00', balance: '10.00' });
    expect(await life.balances()).toEqual({ accountBalance: '509.90', accountCBA: '0.00' });

    // A COMMITTED invoice takes no more charges (INVOICE_ALREADY_COMMITTED, 4024).
    const more = await life.http.post(`/1.0/kb/invoices/charges/${life.accountId}?autoCommit=false`, [{ accountId: life.accountId, invoiceId: draftId, amount: 5, currency: 'USD' }]);
    expect(more.status).toBe(400);
    expect(more.data.code).toBe(4024);
  });
});

describe('external charges on an account with credit (DefaultInvoiceDao: CBA logic on creation and on commit)', () => {
  it('use the credit when committed, at once with autoCommit=true, and at commitInvoice for a DRAFT', async () => {
    const life = await invoiceLife(server.url, { clock: '2015-05-15T00:00:00.000Z', billCycleDayLocal: 14 });
    await life.credits.createCredits([{ accountId: life.accountId, amount: 25, currency: 'USD', description: 'goodwill' } as InvoiceItem], 'test', true);
    await life.settle();
    expect(await life.balances()).toEqual({ accountBalance: '-25.00', accountCBA: '25.00' });

    const charge = (amount: number) => [{ accountId: life.accountId, amount, currency: 'USD', description: 'charge' } as InvoiceItem];
    const committedId = (await life.kb.invoices.createExternalCharges(charge(10), life.accountId, 'test', undefined, true)).data[0]!.invoiceId!;
    await life.settle();
    const committed = (await life.kb.invoices.getInvoice(committedId)).data;
    expectLines(committed, ['EXTERNAL_CHARGE 2015-05-15 - 10', 'CBA_ADJ 2015-05-15 2015-05-15 -10']);
    expect(summary(committed)).toMatchObject({ status: 'COMMITTED', amount: '10.00', creditAdj: '-10.00', balance: '0.00' });
    expect(await life.balances()).toEqual({ accountBalance: '-15.00', accountCBA: '15.00' });

    const draftId = (await life.kb.invoices.createExternalCharges(charge(30), life.accountId, 'test', undefined, false)).data[0]!.invoiceId!;
    await life.settle();
    expectLines((await life.kb.invoices.getInvoice(draftId)).data, ['EXTERNAL_CHARGE 2015-05-15 - 30']);
    expect(await life.balances()).toEqual({ accountBalance: '-15.00', accountCBA: '15.00' });

    await life.kb.invoices.commitInvoice(draftId, 'test');
    await life.settle();
    const draft = (await life.kb.invoices.getInvoice(draftId)).data;
    expectLines(draft, ['EXTERNAL_CHARGE 2015-05-15 - 30', 'CBA_ADJ 2015-05-15 2015-05-15 -15']);
    expect(summary(draft)).toMatchObject({ status: 'COMMITTED', balance: '15.00' });
    expect(await life.balances()).toEqual({ accountBalance: '15.00', accountCBA: '0.00' });

    // Committing again is an invalid transition (DefaultInvoiceDao.changeInvoiceStatus: INVOICE_INVALID_STATUS, 4023).
    const again = await life.http.put(`/1.0/kb/invoices/${draftId}/commitInvoice`, null);
    expect(again.status).toBe(400);
    expect(again.data.code).toBe(4023);
  });
});

describe('voiding an unpaid invoice (TestIntegrationVoidInvoice.testVoidInvoice)', () => {
  it('takes it out of the balance, and the next run bills its period again with the new one', async () => {
    const { life } = await shotgunBilledFromJune();
    const voided = (await life.invoices())[1]!;
    expect((await life.kb.invoices.voidInvoice(voided.invoiceId!, 'test')).status).toBe(204);
    await life.settle();
    expect(await life.invoices()).toHaveLength(1);
    const withVoided = await life.invoices(true);
    expect(withVoided).toHaveLength(2);
    expect(summary(withVoided[1]!)).toMatchObject({ status: 'VOID', balance: '0.00' });
    expectLines(withVoided[1], ['RECURRING 2015-06-14 2015-07-14 249.95']);
    expect(await life.balances()).toEqual({ accountBalance: '0.00', accountCBA: '0.00' });

    await life.days(31); // 2015-07-15, past the 07-14 renewal
    const invoices = await life.invoices(true);
    expect(invoices).toHaveLength(3);
    expect(invoices[1]!.status).toBe('VOID');
    expectLines(invoices[2], ['RECURRING 2015-06-14 2015-07-14 249.95', 'RECURRING 2015-07-14 2015-08-14 249.95']);
    expect(await life.balances()).toEqual({ accountBalance: '499.90', accountCBA: '0.00' });
  });
});

/**
 * TestIntegrationVoidInvoice.testVoidRepairedInvoice up to the repair: credit 20, a 19.95 month that uses it,
 * cancelled at once on 2013-07-01 ([07-01, 07-15] is 14 of the item's 30 days → -9.31, credited).
 */
async function repairedPistolWithCredit() {
  const life = await invoiceLife(server.url, { clock: '2013-06-15T00:00:00.000Z', billCycleDayLocal: 15 });
  await life.credits.createCredits([{ accountId: life.accountId, amount: 20, currency: 'USD', description: 'credit invoice' } as InvoiceItem], 'test', true);
  await life.settle();
  expect(await life.balances()).toEqual({ accountBalance: '-20.00', accountCBA: '20.00' });

  const sub = await life.subscribe('pistol-monthly-notrial');
  let invoices = await life.invoices();
  expect(invoices).toHaveLength(2);
  expectLines(invoices[0], ['CREDIT_ADJ 2013-06-15 2013-06-15 -20', 'CBA_ADJ 2013-06-15 2013-06-15 20']);
  expectLines(invoices[1], ['RECURRING 2013-06-15 2013-07-15 19.95', 'CBA_ADJ 2013-06-15 2013-06-15 -19.95']);
  expect(await life.balances()).toEqual({ accountBalance: '-0.05', accountCBA: '0.05' });

  await life.days(16); // 2013-07-01
  await life.kb.subscriptions.cancelSubscriptionPlan(sub.subscriptionId!, 'test', undefined, undefined, undefined, 'IMMEDIATE', 'IMMEDIATE');
  await life.settle();
  invoices = await life.invoices();
  expect(invoices).toHaveLength(3);
  expectLines(invoices[2], ['REPAIR_ADJ 2013-07-01 2013-07-15 -9.31', 'CBA_ADJ 2013-07-01 2013-07-01 9.31']);
  expect(await life.balances()).toEqual({ accountBalance: '-9.36', accountCBA: '9.36' });
  return { life, repaired: invoices[1]!, repairing: invoices[2]! };
}

describe('voiding a repaired invoice (TestIntegrationVoidInvoice.testVoidRepairedInvoice)', () => {
  // Refused while a COMMITTED invoice repairs it (CAN_NOT_VOID_INVOICE_THAT_IS_REPAIRED, 4032); Kill Bill counts
  // only repairs on COMMITTED invoices (InvoiceItemSqlDao.sql.stg getRepairMap: `and i.status = 'COMMITTED'`), so
  // once the repairing invoice is void it is allowed, and a run re-bills what was used.
  it('is refused until the repairing invoice is voided; a run then bills the period used ([06-15, 07-01] 16/30 = 10.64)', async () => {
    const { life, repaired, repairing } = await repairedPistolWithCredit();
    const refused = await life.http.put(`/1.0/kb/invoices/${repaired.invoiceId}/voidInvoice`, null);
    expect(refused.status).toBe(400);
    expect(refused.data.code).toBe(4032);
    expect((await life.invoices()).map((i) => i.status)).toEqual(['COMMITTED', 'COMMITTED', 'COMMITTED']);

    expect((await life.kb.invoices.voidInvoice(repairing.invoiceId!, 'test')).status).toBe(204);
    expect((await life.kb.invoices.voidInvoice(repaired.invoiceId!, 'test')).status).toBe(204);
    await life.settle();
    expect(await life.balances()).toEqual({ accountBalance: '-20.00', accountCBA: '20.00' });

    const run = await life.runInvoice('2013-07-01');
    expect(run.status).toBe(201);
    const invoices = await life.invoices();
    expect(invoices).toHaveLength(2);
    expectLines(invoices[1], ['RECURRING 2013-06-15 2013-07-01 10.64', 'CBA_ADJ 2013-07-01 2013-07-01 -10.64']);
    // 20 - 10.64 = 9.36, as Kill Bill's test asserts.
    expect(await life.balances()).toEqual({ accountBalance: '-9.36', accountCBA: '9.36' });
    expect((await life.runInvoice('2013-07-01')).status).toBe(404);
  });
});

describe('AUTO_INVOICING_OFF on the account (TestIntegrationWithAutoInvoiceOffTag.testAutoInvoiceOffAccount)', () => {
  it('writes no invoice through the trial and the phase change, and catches everything up on one invoice when removed', async () => {
    const life = await invoiceLife(server.url, { clock: '2012-05-01T00:03:42.000Z', billCycleDayLocal: 25 });
    await life.kb.accounts.createAccountTags([AUTO_INVOICING_OFF], life.accountId, 'test');
    await life.subscribe('shotgun-monthly');
    expect(await life.invoices()).toHaveLength(0);
    await life.days(10); // 2012-05-11, in trial
    expect(await life.invoices()).toHaveLength(0);
    await life.days(30); // 2012-06-10, after the 05-31 phase change
    expect(await life.invoices()).toHaveLength(0);

    // Removing the tag runs invoicing: the trial, and [05-31, 06-25] 25/31 of 249.95 = 201.57 to BCD 25.
    await life.kb.accounts.deleteAccountTags(life.accountId, 'test', [AUTO_INVOICING_OFF]);
    await life.settle();
    let invoices = await life.invoices();
    expect(invoices).toHaveLength(1);
    expectLines(invoices[0], ['FIXED 2012-05-01 2012-05-31 0', 'RECURRING 2012-05-31 2012-06-25 201.57']);
    expect(invoices[0]!.invoiceDate).toBe('2012-06-10');
    expect(await life.balances()).toEqual({ accountBalance: '201.57', accountCBA: '0.00' });

    await life.days(15); // 2012-06-25
    invoices = await life.invoices();
    expect(invoices).toHaveLength(2);
    expectLines(invoices[1], ['RECURRING 2012-06-25 2012-07-25 249.95']);
    expect(await life.balances()).toEqual({ accountBalance: '451.52', accountCBA: '0.00' });
  });
});

describe('AUTO_INVOICING_OFF and the explicit run (InvoiceDispatcher.processAccount: `!isApiCall && isAccountAutoInvoiceOff`)', () => {
  it('lets an API run invoice while the bus and notification runs write nothing', async () => {
    const life = await invoiceLife(server.url, { clock: '2012-04-01T10:00:00.000Z', billCycleDayLocal: 1 });
    await life.kb.accounts.createAccountTags([AUTO_INVOICING_OFF], life.accountId, 'test');
    await life.subscribe('shotgun-monthly');
    expect(await life.invoices()).toHaveLength(0);

    expect((await life.runInvoice()).status).toBe(201);
    let invoices = await life.invoices();
    expect(invoices).toHaveLength(1);
    expectLines(invoices[0], ['FIXED 2012-04-01 2012-05-01 0']);

    await life.days(30); // 2012-05-01: the phase change runs nothing
    expect(await life.invoices()).toHaveLength(1);
    expect((await life.runInvoice()).status).toBe(201);
    invoices = await life.invoices();
    expect(invoices).toHaveLength(2);
    expectLines(invoices[1], ['RECURRING 2012-05-01 2012-06-01 249.95']);
  });

  // Kill Bill computes and stores the BCD on every run, before the tag is looked at: InvoiceDispatcher.processAccount
  // calls billingApi.getBillingEventsForAccountAndUpdateAccountBCD first and only then returns on
  // `!isApiCall && billingEvents.isAccountAutoInvoiceOff()` (DefaultInternalBillingApi ignores the account tag
  // when it computes the BCD).
  it('still computes and stores the account BCD on the subscription\'s run', async () => {
    const life = await invoiceLife(server.url, { clock: '2012-04-01T10:00:00.000Z' });
    await life.kb.accounts.createAccountTags([AUTO_INVOICING_OFF], life.accountId, 'test');
    await life.subscribe('shotgun-monthly');
    expect(await life.invoices()).toHaveLength(0);
    expect((await life.kb.accounts.getAccount(life.accountId)).data.billCycleDayLocal).toBe(1);
  });
});

/**
 * AUTO_INVOICING_OFF on a bundle: Billwright lets the tag apply to bundles (core/src/tag/control-tags.ts, beyond
 * Kill Bill 0.24's ControlTagType, which lists ACCOUNT only), and invoicing then does what Kill Bill's billing
 * code does for a tagged bundle (DefaultInternalBillingApi: its subscriptions are skipped). Tags go through
 * BundleResource's /bundles/{id}/tags with the official client.
 */
describe('AUTO_INVOICING_OFF on a bundle (DefaultInternalBillingApi: subscriptions of a tagged bundle are skipped)', () => {
  it('bills the other bundles only; once removed, the next run catches the bundle up', async () => {
    const life = await invoiceLife(server.url, { clock: '2012-04-01T10:00:00.000Z', billCycleDayLocal: 1 });
    await life.subscribe('shotgun-monthly');
    const pistol = await life.subscribe('pistol-monthly');
    await life.kb.bundles.createBundleTags([AUTO_INVOICING_OFF], pistol.bundleId!, 'test');
    await life.settle();
    expect((await life.kb.bundles.getBundleTags(pistol.bundleId!)).data.map((t) => t.tagDefinitionName)).toEqual(['AUTO_INVOICING_OFF']);
    let invoices = await life.invoices();
    expect(invoices).toHaveLength(2);
    expectLines(invoices[1], ['FIXED 2012-04-01 2012-05-01 0']);
    expect(invoices[1]!.items![0]!.subscriptionId).toBe(pistol.subscriptionId);

    await life.days(30); // 2012-05-01: only the Shotgun is billed
    invoices = await life.invoices();
    expect(invoices).toHaveLength(3);
    expectLines(invoices[2], ['RECURRING 2012-05-01 2012-06-01 249.95']);

    // Removing the tag runs invoicing, as removing the account's does (Kill Bill's InvoiceTagHandler, which only
    // knows the account tag; the bundle tag is Billwright's), and the bundle is caught up.
    await life.kb.bundles.deleteBundleTags(pistol.bundleId!, 'test', [AUTO_INVOICING_OFF]);
    await life.settle();
    invoices = await life.invoices();
    expect(invoices).toHaveLength(4);
    expectLines(invoices[3], ['RECURRING 2012-05-01 2012-06-01 29.95']);
    expect(invoices[3]!.items![0]!.subscriptionId).toBe(pistol.subscriptionId);
    expect(await life.balances()).toEqual({ accountBalance: '279.90', accountCBA: '0.00' });
  });

  it('leaves the repairs of a tagged bundle out with its items, so the other bundles are still billed', async () => {
    const life = await invoiceLife(server.url, { clock: '2012-04-01T10:00:00.000Z', billCycleDayLocal: 1 });
    await life.subscribe('shotgun-monthly');
    const pistol = await life.subscribe('pistol-monthly');
    await life.days(45); // 2012-05-16, both billed on 05-01
    await life.kb.subscriptions.cancelSubscriptionPlan(pistol.subscriptionId!, 'test', undefined, true, 10, 'IMMEDIATE', 'IMMEDIATE');
    await life.settle();
    expectLines((await life.invoices()).at(-1), ['REPAIR_ADJ 2012-05-16 2012-06-01 -15.46', 'CBA_ADJ 2012-05-16 2012-05-16 15.46']);

    // The REPAIR_ADJ names no subscription: were it kept without the item it repairs, the run would stop at
    // ILLEGAL INVOICING STATE (a repair of no item) and park the account.
    await life.kb.bundles.createBundleTags([AUTO_INVOICING_OFF], pistol.bundleId!, 'test');
    await life.days(16); // 2012-06-01
    expectLines((await life.invoices()).at(-1), ['RECURRING 2012-06-01 2012-07-01 249.95']);
  });
});

const ctdOf = async (life: Life, subscriptionId: string) => (await life.kb.subscriptions.getSubscription(subscriptionId)).data.chargedThroughDate ?? null;

describe('AUTO_INVOICING_DRAFT on the account (TestIntegrationWithAutoInvoiceDraft.testAutoInvoicingDraftBasic)', () => {
  it('writes each run as a DRAFT that moves the charged-through date only when committed', async () => {
    const life = await invoiceLife(server.url, { clock: '2017-06-16T10:00:00.000Z', billCycleDayLocal: 25 });
    await life.kb.accounts.createAccountTags([AUTO_INVOICING_DRAFT], life.accountId, 'test');
    const sub = await life.subscribe('shotgun-monthly');
    let invoices = await life.invoices();
    expect(invoices).toHaveLength(1);
    expect(invoices[0]!.status).toBe('DRAFT');
    expectLines(invoices[0], ['FIXED 2017-06-16 2017-07-16 0']);
    expect(await ctdOf(life, sub.subscriptionId!)).toBeNull();

    await life.kb.invoices.commitInvoice(invoices[0]!.invoiceId!, 'test');
    await life.settle();
    expect(await ctdOf(life, sub.subscriptionId!)).toBe('2017-07-16');

    // 2017-07-16: [07-16, 07-25] 9/30 of 249.95 = 74.99, as a DRAFT: no balance, no CTD move.
    await life.days(30);
    invoices = await life.invoices();
    expect(invoices).toHaveLength(2);
    expect(summary(invoices[1]!)).toMatchObject({ status: 'DRAFT', balance: '0.00' });
    expectLines(invoices[1], ['RECURRING 2017-07-16 2017-07-25 74.99']);
    expect(await ctdOf(life, sub.subscriptionId!)).toBe('2017-07-16');
    expect(await life.balances()).toEqual({ accountBalance: '0.00', accountCBA: '0.00' });

    await life.kb.invoices.commitInvoice(invoices[1]!.invoiceId!, 'test');
    await life.settle();
    expect(await ctdOf(life, sub.subscriptionId!)).toBe('2017-07-25');
    expect(await life.balances()).toEqual({ accountBalance: '74.99', accountCBA: '0.00' });

    await life.kb.accounts.deleteAccountTags(life.accountId, 'test', [AUTO_INVOICING_DRAFT]);
    await life.days(9); // 2017-07-25: committed straight away again
    invoices = await life.invoices();
    expect(invoices).toHaveLength(3);
    expect(invoices[2]!.status).toBe('COMMITTED');
    expectLines(invoices[2], ['RECURRING 2017-07-25 2017-08-25 249.95']);
    expect(await ctdOf(life, sub.subscriptionId!)).toBe('2017-08-25');
    expect(await life.balances()).toEqual({ accountBalance: '324.94', accountCBA: '0.00' });
  });
});

describe('a DRAFT left uncommitted when AUTO_INVOICING_DRAFT is removed (TestIntegrationWithAutoInvoiceDraft.testWithExistingDraftInvoice)', () => {
  // Kill Bill's DefaultInvoiceGenerator gets every non-VOID invoice, DRAFT included, as existing items (its test:
  // the next invoice holds "*only* [...] 2017-07-25 -> 2017-08-25 (and not 2017-07-16 -> 2017-07-25 from the
  // DRAFT invoice)"), and removing AUTO_INVOICING_DRAFT starts no run (InvoiceTagHandler: AUTO_INVOICING_OFF only).
  it('stays DRAFT, and the next run bills only what follows it, not its period again', async () => {
    const life = await invoiceLife(server.url, { clock: '2017-06-16T10:00:00.000Z', billCycleDayLocal: 25 });
    await life.kb.accounts.createAccountTags([AUTO_INVOICING_DRAFT], life.accountId, 'test');
    await life.subscribe('shotgun-monthly');
    await life.kb.invoices.commitInvoice((await life.invoices())[0]!.invoiceId!, 'test');
    await life.settle();

    await life.days(30); // 2017-07-16
    let invoices = await life.invoices();
    expect(invoices).toHaveLength(2);
    expect(summary(invoices[1]!)).toMatchObject({ status: 'DRAFT', invoiceDate: '2017-07-16', balance: '0.00' });
    expectLines(invoices[1], ['RECURRING 2017-07-16 2017-07-25 74.99']);
    expect(await life.balances()).toEqual({ accountBalance: '0.00', accountCBA: '0.00' });

    await life.kb.accounts.deleteAccountTags(life.accountId, 'test', [AUTO_INVOICING_DRAFT]);
    await life.settle();
    expect(await life.invoices()).toHaveLength(2);

    await life.days(9); // 2017-07-25
    invoices = await life.invoices();
    expect(invoices).toHaveLength(3);
    expect(invoices.map((i) => i.status)).toEqual(['COMMITTED', 'DRAFT', 'COMMITTED']);
    expectLines(invoices[2], ['RECURRING 2017-07-25 2017-08-25 249.95']);
    expect(await life.balances()).toEqual({ accountBalance: '249.95', accountCBA: '0.00' });

    await life.kb.invoices.commitInvoice(invoices[1]!.invoiceId!, 'test');
    await life.settle();
    expect(await life.balances()).toEqual({ accountBalance: '324.94', accountCBA: '0.00' });
  });
});

/** TestIntegrationWithAutoInvoiceDraft.testAutoInvoicingReuseDraftBasic up to 2017-07-16: one DRAFT gathering every run. */
async function reusedDraftThroughTrial() {
  const life = await invoiceLife(server.url, { clock: '2017-06-16T10:00:00.000Z', billCycleDayLocal: 25 });
  await life.kb.accounts.createAccountTags([AUTO_INVOICING_DRAFT, AUTO_INVOICING_REUSE_DRAFT], life.accountId, 'test');
  const charge = [{ accountId: life.accountId, amount: 10, currency: 'USD', description: 'Initial external charge', startDate: '2017-06-16', endDate: '2017-06-21' } as InvoiceItem];
  const draftId = (await life.kb.invoices.createExternalCharges(charge, life.accountId, 'test', undefined, false)).data[0]!.invoiceId!;

  await life.subscribe('shotgun-monthly');
  let invoices = await life.invoices();
  expect(invoices.map((i) => [i.invoiceId, i.status])).toEqual([[draftId, 'DRAFT']]);
  expectLines(invoices[0], ['EXTERNAL_CHARGE 2017-06-16 2017-06-21 10', 'FIXED 2017-06-16 2017-07-16 0']);

  await life.days(30); // 2017-07-16
  invoices = await life.invoices();
  expect(invoices.map((i) => [i.invoiceId, i.status])).toEqual([[draftId, 'DRAFT']]);
  expectLines(invoices[0], ['EXTERNAL_CHARGE 2017-06-16 2017-06-21 10', 'FIXED 2017-06-16 2017-07-16 0', 'RECURRING 2017-07-16 2017-07-25 74.99']);
  expect(await life.balances()).toEqual({ accountBalance: '0.00', accountCBA: '0.00' });
  return { life, draftId };
}

describe('AUTO_INVOICING_DRAFT with AUTO_INVOICING_REUSE_DRAFT (TestIntegrationWithAutoInvoiceDraft.testAutoInvoicingReuseDraftBasic)', () => {
  // Removing AUTO_INVOICING_DRAFT starts no run (InvoiceTagHandler runs invoicing only when AUTO_INVOICING_OFF
  // leaves an ACCOUNT): the DRAFT stays until the next run (07-25), which appends [07-25, 08-25] and commits it
  // (testAutoInvoicingReuseDraftBasic; killbill-semantics.md §4.9 "the next run").
  it('adds every run to the existing DRAFT, and commits it at the first run after AUTO_INVOICING_DRAFT is removed, not at the removal', async () => {
    const { life, draftId } = await reusedDraftThroughTrial();
    await life.kb.accounts.deleteAccountTags(life.accountId, 'test', [AUTO_INVOICING_DRAFT]);
    await life.settle();
    expect((await life.invoices()).map((i) => [i.invoiceId, i.status, i.items!.length])).toEqual([[draftId, 'DRAFT', 3]]);

    await life.days(9); // 2017-07-25
    let invoices = await life.invoices();
    expect(invoices.map((i) => [i.invoiceId, i.status])).toEqual([[draftId, 'COMMITTED']]);
    expectLines(invoices[0], [
      'EXTERNAL_CHARGE 2017-06-16 2017-06-21 10',
      'FIXED 2017-06-16 2017-07-16 0',
      'RECURRING 2017-07-16 2017-07-25 74.99',
      'RECURRING 2017-07-25 2017-08-25 249.95',
    ]);
    expect(await life.balances()).toEqual({ accountBalance: '334.94', accountCBA: '0.00' });

    await life.days(31); // 2017-08-25: a new invoice of its own
    invoices = await life.invoices();
    expect(invoices).toHaveLength(2);
    expect(invoices[1]!.status).toBe('COMMITTED');
    expectLines(invoices[1], ['RECURRING 2017-08-25 2017-09-25 249.95']);
    expect(await life.balances()).toEqual({ accountBalance: '584.89', accountCBA: '0.00' });
  });
});
