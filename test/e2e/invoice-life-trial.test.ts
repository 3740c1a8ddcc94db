import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { InvoiceDryRun, Subscription } from 'killbill';
import { expectLines, invoiceLife, lines, summary, retireLives, type Life } from '../support/invoice-scenarios.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Trial → evergreen and the bill cycle day, through the official client and the test clock. Expected
 * figures are Kill Bill's (killbill-semantics.md §3, §4.2, §4.4, §12), from its beatrix tests:
 * TestIntegration.testBasePlanCompleteWithBillingDayInPast (BCD 31, leading 29/31), TestIntegrationInvoice.
 * testIntegrationWithBCDLargerThanEndMonth (BCD 31 through February), and the account-BCD rule of
 * DefaultInternalBillingApi (computed from the first non-zero recurring charge, then stored).
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(import.meta.filename, { testMode: true });
});
afterEach(retireLives);
afterAll(async () => {
  await server?.close();
});

describe('a Shotgun subscription on an account with BCD 31 (TestIntegration.testBasePlanCompleteWithBillingDayInPast)', () => {
  it('bills a $0 trial, then the leading pro-rated period to the BCD, then whole months through short months', async () => {
    const life = await invoiceLife(server.url, { clock: '2012-02-01T00:03:42.000Z', billCycleDayLocal: 31 });
    const sub = await life.subscribe('shotgun-monthly');

    let invoices = await life.invoices();
    expect(invoices).toHaveLength(1);
    expectLines(invoices[0], ['FIXED 2012-02-01 2012-03-02 0']);
    expect(summary(invoices[0]!)).toEqual({ status: 'COMMITTED', invoiceDate: '2012-02-01', targetDate: '2012-02-01', amount: '0.00', creditAdj: '0.00', balance: '0.00' });
    // No end date for the $0 trial price in Kill Bill's words, the CTD is the end of the trial phase.
    expect((await life.kb.subscriptions.getSubscription(sub.subscriptionId!)).data.chargedThroughDate).toBe('2012-03-02');
    expect(await life.balances()).toEqual({ accountBalance: '0.00', accountCBA: '0.00' });

    // A dry run shows the coming invoice and writes nothing (TARGET_DATE and UPCOMING_INVOICE, §4.11).
    for (const [body, targetDate] of [[{ dryRunType: 'TARGET_DATE' }, '2012-03-02'], [{ dryRunType: 'UPCOMING_INVOICE' }, undefined]] as const) {
      const dry = await life.kb.invoices.generateDryRunInvoice(body as InvoiceDryRun, life.accountId, 'test', targetDate);
      expect(dry.status).toBe(200);
      expectLines(dry.data, ['RECURRING 2012-03-02 2012-03-31 233.82']);
    }
    expect(await life.invoices()).toHaveLength(1);

    // 2012-03-02: the trial ends; [03-02, 03-31] is 29 of the 31 days of [02-29, 03-31] → 233.82.
    await life.days(30);
    invoices = await life.invoices();
    expect(invoices).toHaveLength(2);
    expectLines(invoices[1], ['RECURRING 2012-03-02 2012-03-31 233.82']);
    // The item says what it bills: the plan and phase, the catalog rate (the full month) and the subscription.
    expect(invoices[1]!.items![0]).toMatchObject({
      accountId: life.accountId,
      invoiceId: invoices[1]!.invoiceId,
      subscriptionId: sub.subscriptionId,
      bundleId: sub.bundleId,
      productName: 'Shotgun',
      planName: 'shotgun-monthly',
      phaseName: 'shotgun-monthly-evergreen',
      currency: 'USD',
      rate: 249.95,
    });
    expect(invoices[0]!.items![0]).toMatchObject({ planName: 'shotgun-monthly', phaseName: 'shotgun-monthly-trial', subscriptionId: sub.subscriptionId });
    expect(summary(invoices[1]!)).toEqual({ status: 'COMMITTED', invoiceDate: '2012-03-02', targetDate: '2012-03-02', amount: '233.82', creditAdj: '0.00', balance: '233.82' });
    expect((await life.kb.subscriptions.getSubscription(sub.subscriptionId!)).data.chargedThroughDate).toBe('2012-03-31');
    expect(await life.balances()).toEqual({ accountBalance: '233.82', accountCBA: '0.00' });

    // Whole months from the first BCD date, clamped: 03-31, 04-30, 05-31, 06-30, 07-31.
    await life.days(29); // 2012-03-31
    await life.days(30); // 2012-04-30
    await life.days(31); // 2012-05-31
    await life.days(30); // 2012-06-30
    invoices = await life.invoices();
    expect(invoices).toHaveLength(6);
    expectLines(invoices[2], ['RECURRING 2012-03-31 2012-04-30 249.95']);
    expectLines(invoices[3], ['RECURRING 2012-04-30 2012-05-31 249.95']);
    expectLines(invoices[4], ['RECURRING 2012-05-31 2012-06-30 249.95']);
    expectLines(invoices[5], ['RECURRING 2012-06-30 2012-07-31 249.95']);
    expect(invoices.map((i) => i.invoiceDate)).toEqual(['2012-02-01', '2012-03-02', '2012-03-31', '2012-04-30', '2012-05-31', '2012-06-30']);
    expect(invoices.map((i) => i.targetDate)).toEqual(['2012-02-01', '2012-03-02', '2012-03-31', '2012-04-30', '2012-05-31', '2012-06-30']);
    expect((await life.kb.subscriptions.getSubscription(sub.subscriptionId!)).data.chargedThroughDate).toBe('2012-07-31');
    // Nothing is paid in these lives: the account owes every invoice.
    expect(await life.balances()).toEqual({ accountBalance: '1233.62', accountCBA: '0.00' });

    // Re-running generation with nothing changed writes nothing (InvoiceResource.createFutureInvoice turns
    // INVOICE_NOTHING_TO_DO into a bare 404).
    expect((await life.runInvoice()).status).toBe(404);
    expect(await life.invoices()).toHaveLength(6);
    // A target date more than maxNumberOfMonthsInFuture (36) months ahead is refused (4005), writing nothing.
    const tooFar = await life.runInvoice('2015-07-31');
    expect(tooFar.status).toBe(400);
    expect(tooFar.data.code).toBe(4005);
    expect(await life.invoices()).toHaveLength(6);
  });
});

describe('an account created without a bill cycle day (DefaultInternalBillingApi.computeAccountBCD)', () => {
  it('gets the day of the first non-zero recurring charge at the first invoice run, stores it, and aligns later subscriptions on it', async () => {
    const life = await invoiceLife(server.url, { clock: '2012-04-01T10:00:00.000Z' });
    expect((await life.kb.accounts.getAccount(life.accountId)).data.billCycleDayLocal).toBe(0);

    await life.subscribe('shotgun-monthly');
    // The 30-day trial from 2012-04-01 ends 2012-05-01: BCD 1, stored at the first run (the trial's).
    expect((await life.kb.accounts.getAccount(life.accountId)).data.billCycleDayLocal).toBe(1);
    let invoices = await life.invoices();
    expect(invoices).toHaveLength(1);
    expectLines(invoices[0], ['FIXED 2012-04-01 2012-05-01 0']);

    await life.days(30); // 2012-05-01: a whole month, no leading pro-ration
    invoices = await life.invoices();
    expectLines(invoices[1], ['RECURRING 2012-05-01 2012-06-01 249.95']);

    // A Pistol started 2012-05-10 ends its trial 2012-06-09 and is ACCOUNT-aligned on the stored BCD 1.
    await life.days(9);
    await life.subscribe('pistol-monthly');
    invoices = await life.invoices();
    expect(invoices).toHaveLength(3);
    expectLines(invoices[2], ['FIXED 2012-05-10 2012-06-09 0']);

    await life.days(22); // 2012-06-01
    invoices = await life.invoices();
    expect(invoices).toHaveLength(4);
    expectLines(invoices[3], ['RECURRING 2012-06-01 2012-07-01 249.95']);

    await life.days(8); // 2012-06-09: 22 of the 30 days of [06-01, 07-01] of 29.95 → 21.96
    invoices = await life.invoices();
    expect(invoices).toHaveLength(5);
    expectLines(invoices[4], ['RECURRING 2012-06-09 2012-07-01 21.96']);

    await life.days(22); // 2012-07-01: both on one invoice
    invoices = await life.invoices();
    expect(invoices).toHaveLength(6);
    expectLines(invoices[5], ['RECURRING 2012-07-01 2012-08-01 249.95', 'RECURRING 2012-07-01 2012-08-01 29.95']);
    expect((await life.kb.accounts.getAccount(life.accountId)).data.billCycleDayLocal).toBe(1);
    expect(await life.balances()).toEqual({ accountBalance: '801.76', accountCBA: '0.00' });
  });
});

describe('an account whose only subscription is SUBSCRIPTION-aligned (DefaultInternalBillingApi.computeAccountBCD)', () => {
  it('keeps BCD 0 while an annual plan bills on its own day, and takes one from the first ACCOUNT-aligned plan', async () => {
    const life = await invoiceLife(server.url, { clock: '2012-04-01T10:00:00.000Z' });
    await life.subscribe('shotgun-annual');
    await life.days(30); // 2012-05-01
    let invoices = await life.invoices();
    expect(invoices).toHaveLength(2);
    expectLines(invoices[0], ['FIXED 2012-04-01 2012-05-01 0']);
    expectLines(invoices[1], ['RECURRING 2012-05-01 2013-05-01 2399.95']);
    expect((await life.kb.accounts.getAccount(life.accountId)).data.billCycleDayLocal).toBe(0);

    // A monthly Pistol from 2012-05-01 ends its trial 2012-05-31: the account BCD becomes 31.
    await life.subscribe('pistol-monthly');
    expect((await life.kb.accounts.getAccount(life.accountId)).data.billCycleDayLocal).toBe(31);
    await life.days(30); // 2012-05-31
    invoices = await life.invoices();
    expect(invoices).toHaveLength(4);
    expectLines(invoices[2], ['FIXED 2012-05-01 2012-05-31 0']);
    expectLines(invoices[3], ['RECURRING 2012-05-31 2012-06-30 29.95']);
    expect(await life.balances()).toEqual({ accountBalance: '2429.90', accountCBA: '0.00' });
  });
});

describe('BCD 31 through a common-year February (TestIntegrationInvoice.testIntegrationWithBCDLargerThanEndMonth)', () => {
  it('clamps the period end to February 28 and comes back to the 31st', async () => {
    const life = await invoiceLife(server.url, { clock: '2017-01-31T10:00:00.000Z', billCycleDayLocal: 31 });
    await life.subscribe('pistol-monthly-notrial');
    await life.days(28); // 2017-02-28
    await life.days(31); // 2017-03-31
    await life.days(30); // 2017-04-30
    const invoices = await life.invoices();
    expect(invoices).toHaveLength(4);
    expectLines(invoices[0], ['RECURRING 2017-01-31 2017-02-28 19.95']);
    expectLines(invoices[1], ['RECURRING 2017-02-28 2017-03-31 19.95']);
    expectLines(invoices[2], ['RECURRING 2017-03-31 2017-04-30 19.95']);
    expectLines(invoices[3], ['RECURRING 2017-04-30 2017-05-31 19.95']);
    expect(await life.balances()).toEqual({ accountBalance: '79.80', accountCBA: '0.00' });
  });
});

const updateBcd = async (life: Life, subscriptionId: string, bcd: number) => {
  expect((await life.kb.subscriptions.updateSubscriptionBCD({ billCycleDayLocal: bcd } as Subscription, subscriptionId, 'test')).status).toBe(204);
  await life.settle();
};

describe('a subscription BCD change (TestWithBCDUpdate)', () => {
  it('made in the trial bills a leading period to the new day at the phase change (testBCDChangeInTrial), and a START_OF_TERM cancel repairs the period begun', async () => {
    const life = await invoiceLife(server.url, { clock: '2016-04-01T00:13:42.000Z' });
    const sub = await life.subscribe('shotgun-monthly');
    await life.days(3); // 2016-04-04, in trial
    await updateBcd(life, sub.subscriptionId!, 15);
    await life.days(11); // 2016-04-15: the BCD change takes effect, nothing to bill
    expect(await life.invoices()).toHaveLength(1);

    await life.days(16); // 2016-05-01: [05-01, 05-15] is 14 of the 30 days of [04-15, 05-15] → 116.64
    let invoices = await life.invoices();
    expect(invoices).toHaveLength(2);
    expectLines(invoices[1], ['RECURRING 2016-05-01 2016-05-15 116.64']);

    await life.days(14); // 2016-05-15
    invoices = await life.invoices();
    expect(invoices).toHaveLength(3);
    expectLines(invoices[2], ['RECURRING 2016-05-15 2016-06-15 249.95']);
    // The account keeps the BCD computed from the first non-zero charge (05-01); the subscription has its own.
    expect((await life.kb.accounts.getAccount(life.accountId)).data.billCycleDayLocal).toBe(1);
    expect((await life.kb.subscriptions.getSubscription(sub.subscriptionId!)).data.chargedThroughDate).toBe('2016-06-15');

    // 2016-05-18: cancel with billing START_OF_TERM → billing ends 05-15, the whole [05-15, 06-15] item is
    // repaired; the credit pays the unpaid invoices oldest first (116.64, then 133.31 of the 249.95).
    await life.days(3);
    await life.kb.subscriptions.cancelSubscriptionPlan(sub.subscriptionId!, 'test', undefined, undefined, undefined, 'IMMEDIATE', 'START_OF_TERM');
    await life.settle();
    const { data: s } = await life.kb.subscriptions.getSubscription(sub.subscriptionId!);
    expect(s.billingEndDate!.slice(0, 10)).toBe('2016-05-15');
    invoices = await life.invoices();
    expect(invoices).toHaveLength(4);
    expectLines(invoices[3], ['REPAIR_ADJ 2016-05-15 2016-06-15 -249.95', 'CBA_ADJ 2016-05-18 2016-05-18 249.95']);
    expectLines(invoices[1], ['RECURRING 2016-05-01 2016-05-15 116.64', 'CBA_ADJ 2016-05-18 2016-05-18 -116.64']);
    expectLines(invoices[2], ['RECURRING 2016-05-15 2016-06-15 249.95', 'CBA_ADJ 2016-05-18 2016-05-18 -133.31']);
    expect(invoices.map((i) => i.balance)).toEqual([0, 0, 116.64, 0]);
    expect(await life.balances()).toEqual({ accountBalance: '116.64', accountCBA: '0.00' });
  });

  it('made after the trial bills only the part of the new period the old one does not cover (testBCDChangeAfterTrialFollowOtherBCDChange)', async () => {
    const life = await invoiceLife(server.url, { clock: '2016-04-01T00:13:42.000Z' });
    const sub = await life.subscribe('shotgun-monthly');
    await life.days(30); // 2016-05-01
    expectLines((await life.invoices())[1], ['RECURRING 2016-05-01 2016-06-01 249.95']);
    await updateBcd(life, sub.subscriptionId!, 15);

    // 2016-05-15: the new period [05-15, 06-15] overlaps the billed [05-01, 06-01]: only [06-01, 06-15] is
    // new, 14/31 of 249.95 = 112.88; the billed month is not repaired.
    await life.days(14);
    let invoices = await life.invoices();
    expect(invoices).toHaveLength(3);
    expectLines(invoices[2], ['RECURRING 2016-06-01 2016-06-15 112.88']);
    expectLines(invoices[1], ['RECURRING 2016-05-01 2016-06-01 249.95']);

    await life.days(17); // 2016-06-01: the old renewal date, nothing to bill
    expect(await life.invoices()).toHaveLength(3);
    await life.days(14); // 2016-06-15
    invoices = await life.invoices();
    expect(invoices).toHaveLength(4);
    expectLines(invoices[3], ['RECURRING 2016-06-15 2016-07-15 249.95']);
    expect(await life.balances()).toEqual({ accountBalance: '612.78', accountCBA: '0.00' });
  });
});

describe('the target date of a run that the clock reached late (InvoiceListener / InvoiceDispatcher)', () => {
  // Kill Bill targets the notification's own date (InvoiceListener.handleNextBillingDateEvent:
  // context.toLocalDate(eventDateTime)), and the run then schedules the next, already due, notification: one
  // invoice per renewal, each targeted at its date — also after any delay in processing (a node down).
  it('writes one invoice per renewal passed, each targeted at its own date', async () => {
    const life = await invoiceLife(server.url, { clock: '2012-04-01T10:00:00.000Z', billCycleDayLocal: 1 });
    await life.subscribe('pistol-monthly-notrial');
    await life.at('2012-07-01T12:00:00.000Z');
    const invoices = await life.invoices();
    expect(invoices.map((i) => [i.targetDate, ...lines(i)])).toEqual([
      ['2012-04-01', 'RECURRING 2012-04-01 2012-05-01 19.95'],
      ['2012-05-01', 'RECURRING 2012-05-01 2012-06-01 19.95'],
      ['2012-06-01', 'RECURRING 2012-06-01 2012-07-01 19.95'],
      ['2012-07-01', 'RECURRING 2012-07-01 2012-08-01 19.95'],
    ]);
  });

  // A subscription event's run targets the transition's effective date
  // (InvoiceDispatcher.processSubscriptionForInvoiceGeneration: context.toLocalDate(transition.getEffectiveTransitionTime())).
  it('targets the phase change\'s date when the clock passed it', async () => {
    const life = await invoiceLife(server.url, { clock: '2012-04-01T10:00:00.000Z', billCycleDayLocal: 1 });
    await life.subscribe('shotgun-monthly');
    await life.days(31); // 2012-05-02, past the 05-01 phase change
    const invoices = await life.invoices();
    expect(invoices).toHaveLength(2);
    expectLines(invoices[1], ['RECURRING 2012-05-01 2012-06-01 249.95']);
    expect([invoices[1]!.invoiceDate, invoices[1]!.targetDate]).toEqual(['2012-05-02', '2012-05-01']);
  });
});
