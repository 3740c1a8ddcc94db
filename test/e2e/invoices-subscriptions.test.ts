import type { InvoiceItem } from 'killbill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREATED_BY, tenantWithAccount } from '../support/entitlement-setup.js';
import { writingHttp } from '../support/killbill.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Subscription-driven invoices through the invoice REST API, on the entitlement catalog (sports-monthly: a
 * 30-day $0 trial, then $500/month, ACCOUNT-aligned), the clock starting 2012-04-01T10:00Z in UTC.
 * Hand-worked figures (killbill-semantics.md §3, §4.2, §4.4):
 * - creation 2012-04-01: FIXED 0 [04-01, 05-01] (the trial has no recurring price, so the item ends with it);
 * - account BCD = day of the first non-zero recurring charge = 2012-05-01 → 1;
 * - 2012-05-01 (PHASE): RECURRING 500 [05-01, 06-01], a whole period (ratio 1).
 */

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(import.meta.filename, { testMode: true });
});
afterAll(async () => {
  await server?.close();
});

const AUTO_INVOICING_DRAFT = '00000000-0000-0000-0000-000000000008';

async function setup() {
  const t = await tenantWithAccount(server.url);
  const write = writingHttp(server.url, t.credentials);
  const invoices = async () => (await t.kb.accounts.getInvoicesForAccount(t.accountId, undefined, undefined, false, false, true, true)).data;
  const items = (inv: { items?: InvoiceItem[] }) => inv.items!.map((i) => [i.itemType, i.startDate, i.endDate ?? null, i.amount]);
  return { ...t, write, invoices, items };
}

describe('invoices from subscriptions', () => {
  it('bills the trial at 0 on creation, then the first month at 500 from 2012-05-01 (BCD 1)', async () => {
    const t = await setup();
    const sub = await t.subscribe();
    // The creation's invoice is made by the bus consumer: a clock call returns once the bus has drained.
    await t.moveDays(0);
    const [trial] = await t.invoices();
    expect(t.items(trial!)).toEqual([['FIXED', '2012-04-01', '2012-05-01', 0]]);
    expect(trial).toMatchObject({ status: 'COMMITTED', amount: 0, balance: 0, invoiceDate: '2012-04-01', targetDate: '2012-04-01' });
    expect(trial!.items![0]).toMatchObject({ subscriptionId: sub.subscriptionId, planName: 'sports-monthly', phaseName: 'sports-monthly-trial' });

    await t.moveDays(30);
    const all = await t.invoices();
    expect(all).toHaveLength(2);
    expect(t.items(all[1]!)).toEqual([['RECURRING', '2012-05-01', '2012-06-01', 500]]);
    expect(all[1]).toMatchObject({ amount: 500, balance: 500, invoiceDate: '2012-05-01', targetDate: '2012-05-01' });
    expect(all[1]!.items![0]).toMatchObject({ rate: 500, phaseName: 'sports-monthly-evergreen' });
    const { data: account } = await t.kb.accounts.getAccount(t.accountId, false, true);
    expect(account).toMatchObject({ billCycleDayLocal: 1, accountBalance: 500, accountCBA: 0 });
  });

  it('explains a recurring item: billing event, catalog rate, BCD and pro-ration', async () => {
    const t = await setup();
    await t.subscribe();
    await t.moveDays(0);
    await t.moveDays(30);
    const recurring = (await t.invoices())[1]!;
    const res = await t.write.get(`/1.0/kb/invoices/${recurring.invoiceId}?withExplanation=true`);
    expect(res.data.items[0].explanation).toMatchObject({ kind: 'RECURRING', planName: 'sports-monthly', billCycleDayLocal: 1, billingPeriod: 'MONTHLY' });
  });

  it('uses existing credit on the first recurring invoice (500 − 100 credit = 400 owed)', async () => {
    const t = await setup();
    await t.subscribe();
    await t.kb.credits.createCredits([{ accountId: t.accountId, amount: 100 } as InvoiceItem], 'test', true);
    await t.moveDays(30);
    const recurring = (await t.invoices()).at(-1)!;
    expect(t.items(recurring)).toEqual([
      ['RECURRING', '2012-05-01', '2012-06-01', 500],
      ['CBA_ADJ', '2012-05-01', '2012-05-01', -100],
    ]);
    expect(recurring).toMatchObject({ amount: 500, creditAdj: -100, balance: 400 });
    expect((await t.kb.accounts.getAccount(t.accountId, false, true)).data).toMatchObject({ accountBalance: 400, accountCBA: 0 });
  });

  it('adjusts a recurring item (−10 → 490 owed)', async () => {
    const t = await setup();
    await t.subscribe();
    await t.moveDays(30);
    const recurring = (await t.invoices())[1]!;
    const item = recurring.items![0]!;
    const { data } = await t.kb.invoices.adjustInvoiceItem({ accountId: t.accountId, invoiceItemId: item.invoiceItemId, amount: 10 } as InvoiceItem, recurring.invoiceId!, 'test');
    expect(data).toMatchObject({ amount: 490, balance: 490 });
    expect(data.items!.find((i) => i.itemType === 'ITEM_ADJ')).toMatchObject({ amount: -10, linkedInvoiceItemId: item.invoiceItemId, startDate: '2012-05-01' });
  });

  it('bills a voided period again on the next run (POST /invoices), and answers 404 when nothing is left to bill', async () => {
    const t = await setup();
    await t.subscribe();
    await t.moveDays(30);
    const recurring = (await t.invoices())[1]!;
    await t.kb.invoices.voidInvoice(recurring.invoiceId!, 'test');
    const rerun = await t.kb.invoices.createFutureInvoice(t.accountId, 'test', '2012-05-01');
    expect(t.items(rerun.data)).toEqual([['RECURRING', '2012-05-01', '2012-06-01', 500]]);
    const nothing = await t.write.post(`/1.0/kb/invoices?accountId=${t.accountId}&targetDate=2012-05-01`);
    expect(nothing.status).toBe(404);
  });

  it('dry-runs the next period without writing it (200), and answers 204 when there is nothing', async () => {
    const t = await setup();
    await t.subscribe();
    await t.moveDays(30);
    const dry = await t.kb.invoices.generateDryRunInvoice({ dryRunType: 'TARGET_DATE' }, t.accountId, 'test', '2012-06-01');
    expect(t.items(dry.data)).toEqual([['RECURRING', '2012-06-01', '2012-07-01', 500]]);
    expect(await t.invoices()).toHaveLength(2);
    const none = await t.write.post(`/1.0/kb/invoices/dryRun?accountId=${t.accountId}&targetDate=2012-05-15`, { dryRunType: 'TARGET_DATE' });
    expect(none.status).toBe(204);
  });

  it('leaves an AUTO_INVOICING_DRAFT invoice as DRAFT and sets the charged-through date when it is committed', async () => {
    const t = await setup();
    const sub = await t.subscribe();
    await t.kb.accounts.createAccountTags([AUTO_INVOICING_DRAFT], t.accountId, 'test');
    await t.moveDays(30);
    const draft = (await t.invoices()).at(-1)!;
    expect(draft).toMatchObject({ status: 'DRAFT', amount: 500, balance: 0 });
    const before = (await t.kb.subscriptions.getSubscription(sub.subscriptionId!)).data.chargedThroughDate;
    expect(before).not.toBe('2012-06-01');
    await t.http.put(`/1.0/kb/invoices/${draft.invoiceId}/commitInvoice`, null, CREATED_BY);
    expect((await t.kb.invoices.getInvoice(draft.invoiceId!)).data).toMatchObject({ status: 'COMMITTED', balance: 500 });
    expect((await t.kb.subscriptions.getSubscription(sub.subscriptionId!)).data.chargedThroughDate).toBe('2012-06-01');
  });
});
