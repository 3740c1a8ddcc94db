import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Invoice, InvoiceItem } from 'killbill';
import { expectLines, invoiceLife, money, retireLives } from '../support/invoice-scenarios.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Parent/child accounts (killbill-semantics.md §4.10). Parent invoices from TestIntegrationParentInvoice.
 * testParentInvoiceGeneration (without its payments). Credit transfer from DefaultInvoiceUserApi /
 * DefaultInvoiceDao.transferChildCreditToParent: the child gets an EXTERNAL_CHARGE of its credit (which uses
 * it up), the parent a CREDIT_ADJ of the same amount (turned into its credit); a child without credit is
 * refused with CHILD_ACCOUNT_MISSING_CREDIT (4027).
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(import.meta.filename, { testMode: true });
});
afterEach(retireLives);
afterAll(async () => {
  await server?.close();
});

describe('a child account\'s credit (DefaultInvoiceDao.transferChildCreditToParent)', () => {
  it('moves to its parent with transferCredit, and a child without credit is refused (4027)', async () => {
    const life = await invoiceLife(server.url, { clock: '2015-05-15T00:00:00.000Z', billCycleDayLocal: 14 });
    const parentId = life.accountId;
    const childId = await life.newAccount({ parentAccountId: parentId, isPaymentDelegatedToParent: true });

    const empty = await life.http.put(`/1.0/kb/accounts/${childId}/transferCredit`, null);
    expect(empty.status).toBe(400);
    expect(empty.data.code).toBe(4027);

    await life.credits.createCredits([{ accountId: childId, amount: 50, currency: 'USD', description: 'goodwill' } as InvoiceItem], 'test', true);
    await life.settle();
    expect(await life.balancesOf(childId)).toEqual({ accountBalance: '-50.00', accountCBA: '50.00' });

    expect((await life.kb.accounts.transferChildCreditToParent(childId, 'test')).status).toBe(204);
    await life.settle();
    const child = await life.invoicesOf(childId);
    expect(child).toHaveLength(2);
    expectLines(child[1], ['EXTERNAL_CHARGE 2015-05-15 2015-05-15 50', 'CBA_ADJ 2015-05-15 2015-05-15 -50']);
    expect(await life.balancesOf(childId)).toEqual({ accountBalance: '0.00', accountCBA: '0.00' });
    const parent = await life.invoicesOf(parentId);
    expect(parent).toHaveLength(1);
    expectLines(parent[0], ['CREDIT_ADJ 2015-05-15 2015-05-15 -50', 'CBA_ADJ 2015-05-15 2015-05-15 50']);
    expect(await life.balancesOf(parentId)).toEqual({ accountBalance: '-50.00', accountCBA: '50.00' });
  });
});

/** A parent invoice as `status balance | PARENT_SUMMARY amount child...` (children named c1, c2). */
const parentView = (invoice: Invoice, children: Record<string, string>) => [
  invoice.status,
  invoice.isParentInvoice,
  money(invoice.balance),
  ...(invoice.items ?? []).map((i) => `${i.itemType} ${money(i.amount)} ${children[i.childAccountId ?? ''] ?? i.childAccountId}`).sort(),
];

describe('a parent account paying for two children (TestIntegrationParentInvoice.testParentInvoiceGeneration)', () => {
  it('collects each child invoice as a PARENT_SUMMARY item on a daily DRAFT parent invoice, committed at the end of the day', async () => {
    const life = await invoiceLife(server.url, { clock: '2015-05-15T00:00:00.000Z', billCycleDayLocal: 14 });
    const parentId = life.accountId;
    const c1 = await life.newAccount({ parentAccountId: parentId, isPaymentDelegatedToParent: true });
    const c2 = await life.newAccount({ parentAccountId: parentId, isPaymentDelegatedToParent: true });
    const children = { [c1]: 'c1', [c2]: 'c2' };
    await life.subscribe('shotgun-monthly', { accountId: c1 });
    await life.subscribe('pistol-monthly', { accountId: c2 });

    // The trial: one DRAFT parent invoice for the day, a $0 summary per child.
    let parent = await life.invoicesOf(parentId);
    expect(parent.map((i) => parentView(i, children))).toEqual([['DRAFT', true, '0.00', 'PARENT_SUMMARY 0.00 c1', 'PARENT_SUMMARY 0.00 c2']]);
    expectLines((await life.invoicesOf(c1))[0], ['FIXED 2015-05-15 2015-06-14 0']);
    expectLines((await life.invoicesOf(c2))[0], ['FIXED 2015-05-15 2015-06-14 0']);

    // Committed by the notification at the end of the day (parent.commit.local.utc.time 23:59:59.999).
    await life.days(1);
    parent = await life.invoicesOf(parentId);
    expect(parent.map((i) => i.status)).toEqual(['COMMITTED']);

    // 2015-06-14: both children renew; a new DRAFT parent invoice sums them (249.95 + 29.95), and while it is
    // DRAFT the child invoices read balance 0.
    await life.days(29);
    parent = await life.invoicesOf(parentId);
    expect(parent).toHaveLength(2);
    expect(parentView(parent[1]!, children)).toEqual(['DRAFT', true, '0.00', 'PARENT_SUMMARY 249.95 c1', 'PARENT_SUMMARY 29.95 c2']);
    const child1 = await life.invoicesOf(c1);
    expect(child1).toHaveLength(2);
    expectLines(child1[1], ['RECURRING 2015-06-14 2015-07-14 249.95']);
    expect(child1[1]!.balance).toBe(0);
    expectLines((await life.invoicesOf(c2))[1], ['RECURRING 2015-06-14 2015-07-14 29.95']);

    // The next day it is committed; nothing is paid here, so the parent owes 279.90.
    await life.days(1);
    parent = await life.invoicesOf(parentId);
    expect(parentView(parent[1]!, children)).toEqual(['COMMITTED', true, '279.90', 'PARENT_SUMMARY 249.95 c1', 'PARENT_SUMMARY 29.95 c2']);
    expect(await life.balancesOf(parentId)).toEqual({ accountBalance: '279.90', accountCBA: '0.00' });
  });
});
