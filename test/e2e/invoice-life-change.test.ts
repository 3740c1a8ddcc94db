import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Subscription } from 'killbill';
import { expectLines, invoiceLife, retireLives, type Life } from '../support/invoice-scenarios.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Upgrades and downgrades mid-period with each policy (killbill-semantics.md §4.5 repair, §4.6 credit,
 * §5.2 change). Figures from TestIntegrationInvoiceWithRepairLogic.testMultiplePartialRepairs (8.02,
 * -483.83, 475.81, 23.19, -7.70) and TestIntegration.testBasePlanCompleteWithBillingDayInPast (EOT change
 * billed at the CTD, no repair). Kill Bill's tests pay each invoice; here nothing is paid, so by
 * CBADao.useExistingCBAFromTransaction the credit a repair generates is used at once by the oldest unpaid
 * invoice (same rule as its AUTO_PAY_OFF tests) — the balances below follow from that.
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(import.meta.filename, { testMode: true });
});
afterEach(retireLives);
afterAll(async () => {
  await server?.close();
});

const change = async (life: Life, subscriptionId: string, planName: string, billingPolicy?: 'IMMEDIATE' | 'END_OF_TERM' | 'START_OF_TERM') => {
  const res = await life.kb.subscriptions.changeSubscriptionPlan({ planName } as Subscription, subscriptionId, 'test', undefined, undefined, undefined, billingPolicy);
  expect(res.status).toBe(204);
  await life.settle();
};

describe('changing plan IMMEDIATE three times (TestIntegrationInvoiceWithRepairLogic.testMultiplePartialRepairs)', () => {
  it('bills the rest of the trial at $0, then repairs each billed period by its own pro-ration and moves the credit', async () => {
    const life = await invoiceLife(server.url, { clock: '2012-04-01T10:00:00.000Z', billCycleDayLocal: 1 });
    const sub = await life.subscribe('shotgun-monthly');
    expectLines((await life.invoices())[0], ['FIXED 2012-04-01 2012-05-01 0']);

    // 2012-04-04, in trial: a new $0 FIXED item for the rest of the trial; FIXED items are never repaired.
    await life.days(3);
    await change(life, sub.subscriptionId!, 'assault-rifle-monthly', 'IMMEDIATE');
    let invoices = await life.invoices();
    expect(invoices).toHaveLength(2);
    expectLines(invoices[0], ['FIXED 2012-04-01 2012-05-01 0']);
    expectLines(invoices[1], ['FIXED 2012-04-04 2012-05-01 0']);

    await life.days(27); // 2012-05-01
    invoices = await life.invoices();
    expect(invoices).toHaveLength(3);
    expectLines(invoices[2], ['RECURRING 2012-05-01 2012-06-01 599.95']);
    expect(await life.balances()).toEqual({ accountBalance: '599.95', accountCBA: '0.00' });

    // 2012-05-07 → Blowdart, aligned on the subscription start: its DISCOUNT phase at 9.95.
    // New [05-07, 06-01] 25/31 of 9.95 = 8.02; repair 25/31 of the 599.95 item = 483.83; the -475.81
    // balance becomes credit, which the unpaid 599.95 invoice uses at once.
    await life.days(6);
    await change(life, sub.subscriptionId!, 'blowdart-monthly', 'IMMEDIATE');
    invoices = await life.invoices();
    expect(invoices).toHaveLength(4);
    expectLines(invoices[3], ['RECURRING 2012-05-07 2012-06-01 8.02', 'REPAIR_ADJ 2012-05-07 2012-06-01 -483.83', 'CBA_ADJ 2012-05-07 2012-05-07 475.81']);
    expectLines(invoices[2], ['RECURRING 2012-05-01 2012-06-01 599.95', 'CBA_ADJ 2012-05-07 2012-05-07 -475.81']);
    const repair = invoices[3]!.items!.find((i) => i.itemType === 'REPAIR_ADJ')!;
    expect(repair.linkedInvoiceItemId).toBe(invoices[2]!.items!.find((i) => i.itemType === 'RECURRING')!.invoiceItemId);
    expect(invoices[3]!.balance).toBe(0);
    expect(invoices[2]!.balance).toBe(124.14);
    expect(await life.balances()).toEqual({ accountBalance: '124.14', accountCBA: '0.00' });

    // 2012-05-08 → Pistol (EVERGREEN 29.95): [05-08, 06-01] 24/31 = 23.19; repair 24/25 of the 8.02 item = 7.70.
    // Balance 15.49 and no credit left to use.
    await life.days(1);
    await change(life, sub.subscriptionId!, 'pistol-monthly', 'IMMEDIATE');
    invoices = await life.invoices();
    expect(invoices).toHaveLength(5);
    expectLines(invoices[4], ['RECURRING 2012-05-08 2012-06-01 23.19', 'REPAIR_ADJ 2012-05-08 2012-06-01 -7.70']);
    expect(invoices[4]!.balance).toBe(15.49);
    expectLines(invoices[3], ['RECURRING 2012-05-07 2012-06-01 8.02', 'REPAIR_ADJ 2012-05-07 2012-06-01 -483.83', 'CBA_ADJ 2012-05-07 2012-05-07 475.81']);
    expect(await life.balances()).toEqual({ accountBalance: '139.63', accountCBA: '0.00' });

    await life.days(24); // 2012-06-01
    invoices = await life.invoices();
    expect(invoices).toHaveLength(6);
    expectLines(invoices[5], ['RECURRING 2012-06-01 2012-07-01 29.95']);
    expect(await life.balances()).toEqual({ accountBalance: '169.58', accountCBA: '0.00' });
    expect((await life.runInvoice()).status).toBe(404);
  });
});

describe('an upgrade after the trial', () => {
  it('by the catalog rule (to Assault-Rifle: IMMEDIATE) bills the new plan from today and repairs the rest of the old period', async () => {
    const life = await invoiceLife(server.url, { clock: '2012-04-01T10:00:00.000Z', billCycleDayLocal: 1 });
    const sub = await life.subscribe('pistol-monthly');
    await life.days(30); // 2012-05-01
    expectLines((await life.invoices())[1], ['RECURRING 2012-05-01 2012-06-01 29.95']);

    // 2012-05-10: 22/31 of 599.95 = 425.77 new; 22/31 of the 29.95 item = 21.25 repaired.
    await life.days(9);
    await change(life, sub.subscriptionId!, 'assault-rifle-monthly');
    let invoices = await life.invoices();
    expect(invoices).toHaveLength(3);
    expectLines(invoices[2], ['RECURRING 2012-05-10 2012-06-01 425.77', 'REPAIR_ADJ 2012-05-10 2012-06-01 -21.25']);
    expect(invoices[2]!.balance).toBe(404.52);
    expect(await life.balances()).toEqual({ accountBalance: '434.47', accountCBA: '0.00' });

    await life.days(22); // 2012-06-01
    invoices = await life.invoices();
    expect(invoices).toHaveLength(4);
    expectLines(invoices[3], ['RECURRING 2012-06-01 2012-07-01 599.95']);
    expect(await life.balances()).toEqual({ accountBalance: '1034.42', accountCBA: '0.00' });
  });

  it('with billingPolicy END_OF_TERM (overriding the catalog\'s IMMEDIATE) waits for the charged-through date, with no repair', async () => {
    const life = await invoiceLife(server.url, { clock: '2012-04-01T10:00:00.000Z', billCycleDayLocal: 1 });
    const sub = await life.subscribe('pistol-monthly');
    await life.days(30); // 2012-05-01
    await life.days(9); // 2012-05-10
    await change(life, sub.subscriptionId!, 'shotgun-monthly', 'END_OF_TERM');
    expect(await life.invoices()).toHaveLength(2);
    expect((await life.runInvoice()).status).toBe(404);

    await life.days(22); // 2012-06-01: the change happens and the new plan is billed for the whole month
    const invoices = await life.invoices();
    expect(invoices).toHaveLength(3);
    expectLines(invoices[2], ['RECURRING 2012-06-01 2012-07-01 249.95']);
    expect(await life.balances()).toEqual({ accountBalance: '279.90', accountCBA: '0.00' });
  });
});

describe('an upgrade after the trial with billingPolicy START_OF_TERM (DefaultSubscriptionBase.getEffectiveDateForPolicy)', () => {
  it('takes effect at the start of the billed period: the whole old item is repaired and the new plan billed for it', async () => {
    const life = await invoiceLife(server.url, { clock: '2012-04-01T10:00:00.000Z', billCycleDayLocal: 1 });
    const sub = await life.subscribe('pistol-monthly');
    await life.days(30); // 2012-05-01
    await life.days(9); // 2012-05-10
    await change(life, sub.subscriptionId!, 'assault-rifle-monthly', 'START_OF_TERM');
    const { data: s } = await life.kb.subscriptions.getSubscription(sub.subscriptionId!);
    expect(s.events!.filter((e) => e.eventType === 'CHANGE').map((e) => e.effectiveDate!.slice(0, 10))).toEqual(['2012-05-01']);
    const invoices = await life.invoices();
    expect(invoices).toHaveLength(3);
    expectLines(invoices[2], ['RECURRING 2012-05-01 2012-06-01 599.95', 'REPAIR_ADJ 2012-05-01 2012-06-01 -29.95']);
    expect(invoices[2]!.balance).toBe(570);
    expect(await life.balances()).toEqual({ accountBalance: '599.95', accountCBA: '0.00' });
  });
});

describe('a downgrade after the trial by the catalog END_OF_TERM rule (TestIntegration.testBasePlanCompleteWithBillingDayInPast)', () => {
  it('writes nothing until the charged-through date, then bills the cheaper plan from there', async () => {
    const life = await invoiceLife(server.url, { clock: '2012-04-01T10:00:00.000Z', billCycleDayLocal: 1 });
    const sub = await life.subscribe('assault-rifle-monthly');
    await life.days(30); // 2012-05-01
    expectLines((await life.invoices())[1], ['RECURRING 2012-05-01 2012-06-01 599.95']);

    await life.days(9); // 2012-05-10
    await change(life, sub.subscriptionId!, 'pistol-monthly');
    expect(await life.invoices()).toHaveLength(2);
    const { data: s } = await life.kb.subscriptions.getSubscription(sub.subscriptionId!);
    expect(s.events!.filter((e) => e.eventType === 'CHANGE').map((e) => e.effectiveDate!.slice(0, 10))).toEqual(['2012-06-01']);

    await life.days(22); // 2012-06-01
    const invoices = await life.invoices();
    expect(invoices).toHaveLength(3);
    expectLines(invoices[2], ['RECURRING 2012-06-01 2012-07-01 29.95']);
    expectLines(invoices[1], ['RECURRING 2012-05-01 2012-06-01 599.95']);
    expect(await life.balances()).toEqual({ accountBalance: '629.90', accountCBA: '0.00' });
  });
});

describe('a quantity change (TestWithQuantityUpdate.testQuantityBasic, then §4.2/§4.5 for one mid-period)', () => {
  it('multiplies the rate from its effective date, and mid-period repairs the old quantity and bills the new one', async () => {
    const life = await invoiceLife(server.url, { clock: '2022-11-27T10:00:00.000Z', billCycleDayLocal: 27 });
    const sub = await life.subscribe('pistol-monthly-notrial', { quantity: 7 });
    expectLines((await life.invoices())[0], ['RECURRING 2022-11-27 2022-12-27 139.65']);

    // 2022-12-12: 10 from the next invoice date (no pro-ration).
    await life.days(15);
    const q = await life.kb.subscriptions.updateSubscriptionQuantity({ quantity: 10 } as Subscription, sub.subscriptionId!, 'test', '2022-12-27');
    expect(q.status).toBe(204);
    await life.settle();
    expect(await life.invoices()).toHaveLength(1);
    await life.days(15); // 2022-12-27
    let invoices = await life.invoices();
    expect(invoices).toHaveLength(2);
    expectLines(invoices[1], ['RECURRING 2022-12-27 2023-01-27 199.50']);

    // 2023-01-11: 5 from today. [01-11, 01-27] is 16 of the 31 days: repair 16/31 of 199.50 = 102.97,
    // bill 16/31 of 5 × 19.95 = 51.48; the -51.49 becomes credit, used by the oldest unpaid invoice.
    await life.days(15);
    await life.kb.subscriptions.updateSubscriptionQuantity({ quantity: 5 } as Subscription, sub.subscriptionId!, 'test');
    await life.settle();
    invoices = await life.invoices();
    expect(invoices).toHaveLength(3);
    expectLines(invoices[2], ['RECURRING 2023-01-11 2023-01-27 51.48', 'REPAIR_ADJ 2023-01-11 2023-01-27 -102.97', 'CBA_ADJ 2023-01-11 2023-01-11 51.49']);
    expectLines(invoices[0], ['RECURRING 2022-11-27 2022-12-27 139.65', 'CBA_ADJ 2023-01-11 2023-01-11 -51.49']);
    expect(await life.balances()).toEqual({ accountBalance: '287.66', accountCBA: '0.00' });

    await life.days(16); // 2023-01-27
    invoices = await life.invoices();
    expect(invoices).toHaveLength(4);
    expectLines(invoices[3], ['RECURRING 2023-01-27 2023-02-27 99.75']);
  });
});
