import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Invoice, InvoiceItem, Subscription } from 'killbill';
import { expectLines, invoiceLife, money, type Life } from '../support/invoice-scenarios.js';
import { queryDb } from '../support/mysql.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Parent/child invoicing (killbill-semantics.md §4.10; Kill Bill's TestIntegrationParentInvoice, without
 * payments): each COMMITTED invoice of a child whose payment is delegated to its parent adds to the child's
 * PARENT_SUMMARY item on the parent's DRAFT parent invoice of the day, committed at 23:59:59.999 UTC.
 * Clock 2015-05-15T00:00Z, BCD 14, the Firearms catalog: shotgun-monthly 249.95 and pistol-monthly 29.95
 * after a 30-day $0 trial.
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(import.meta.filename, { testMode: true });
});
afterAll(async () => {
  await server?.close();
});

async function family() {
  const life = await invoiceLife(server.url, { clock: '2015-05-15T00:00:00.000Z', billCycleDayLocal: 14 });
  const parentId = life.accountId;
  const child1 = await life.newAccount({ parentAccountId: parentId, isPaymentDelegatedToParent: true });
  const child2 = await life.newAccount({ parentAccountId: parentId, isPaymentDelegatedToParent: true });
  const subscribe = async (accountId: string, planName: string) => {
    await life.kb.subscriptions.createSubscription({ accountId, planName } as Subscription, 'test');
    await life.settle();
  };
  return { life, parentId, child1, child2, subscribe };
}

const summaries = (invoice: Invoice) =>
  Object.fromEntries((invoice.items ?? []).filter((i) => i.itemType === 'PARENT_SUMMARY').map((i) => [i.childAccountId!, money(i.amount)]));

async function invoice(life: Life, id: string, withChildrenItems = false): Promise<Invoice> {
  return (await life.kb.invoices.getInvoice(id, withChildrenItems)).data;
}

describe('a parent account paying for two children (TestIntegrationParentInvoice.testParentInvoiceGeneration)', () => {
  it('collects each child invoice on one daily DRAFT parent invoice, reads the children as 0 while it is DRAFT, and commits it at the end of the day', async () => {
    const { life, parentId, child1, child2, subscribe } = await family();
    await subscribe(child1, 'shotgun-monthly');
    await subscribe(child2, 'pistol-monthly');

    // The trial: one DRAFT parent invoice, a PARENT_SUMMARY of 0 per child.
    let parent = await life.invoicesOf(parentId);
    expect(parent).toHaveLength(1);
    expect(parent[0]!.status).toBe('DRAFT');
    expect(parent[0]!.isParentInvoice).toBe(true);
    expect(money(parent[0]!.balance)).toBe('0.00');
    expect(summaries(parent[0]!)).toEqual({ [child1]: '0.00', [child2]: '0.00' });
    expect(parent[0]!.items!.every((i) => i.description?.endsWith(' summary'))).toBe(true);
    const child1Trial = (await life.invoicesOf(child1))[0]!;
    expectLines(child1Trial, ['FIXED 2015-05-15 2015-06-14 0']);
    expect(child1Trial.parentInvoiceId).toBe(parent[0]!.invoiceId);
    expect(child1Trial.parentAccountId).toBe(parentId);

    // Its commit is due at the end of the (UTC) day.
    const due = await queryDb<{ at: string }>(
      server.config.dbUrl,
      "select date_format(effective_date, '%Y-%m-%dT%H:%i:%s.%f') as at from notifications where queue_name = 'invoice-parent-commit' and account_record_id = (select record_id from accounts where id = ?)",
      [parentId],
    );
    expect(due.map((r) => r.at)).toEqual(['2015-05-15T23:59:59.999000']);

    await life.days(1);
    parent = await life.invoicesOf(parentId);
    expect(parent.map((i) => i.status)).toEqual(['COMMITTED']);

    // The end of the trial: a second parent invoice, 249.95 + 29.95, DRAFT, the child invoices read 0.
    await life.days(29);
    parent = await life.invoicesOf(parentId);
    expect(parent).toHaveLength(2);
    const second = parent[1]!;
    expect(second.status).toBe('DRAFT');
    expect(summaries(second)).toEqual({ [child1]: '249.95', [child2]: '29.95' });
    expect(money(second.balance)).toBe('0.00');
    const child1Recurring = (await life.invoicesOf(child1))[1]!;
    expectLines(child1Recurring, ['RECURRING 2015-06-14 2015-07-14 249.95']);
    expect(money(child1Recurring.balance)).toBe('0.00');
    expect(child1Recurring.parentInvoiceId).toBe(second.invoiceId);
    expect(await life.balancesOf(child1)).toEqual({ accountBalance: '0.00', accountCBA: '0.00' });

    // The child items under each summary.
    const withChildren = await invoice(life, second.invoiceId!, true);
    const childLines = Object.fromEntries(
      withChildren.items!.map((i) => [i.childAccountId!, (i.childItems ?? []).map((c: InvoiceItem) => `${c.itemType} ${c.accountId === i.childAccountId} ${money(c.amount)}`)]),
    );
    expect(childLines).toEqual({ [child1]: ['RECURRING true 249.95'], [child2]: ['RECURRING true 29.95'] });

    // The end of that day: COMMITTED, the parent owes the sum; the children read their own balance again.
    await life.days(1);
    const committed = await invoice(life, second.invoiceId!);
    expect(committed.status).toBe('COMMITTED');
    expect(money(committed.balance)).toBe('279.90');
    expect(await life.balancesOf(parentId)).toEqual({ accountBalance: '279.90', accountCBA: '0.00' });
    expect(money((await invoice(life, child1Recurring.invoiceId!)).balance)).toBe('249.95');
  });
});

describe('a child item adjustment (TestIntegrationParentInvoice.testParentInvoiceItemAdjustment*)', () => {
  it('lowers the summary of a DRAFT parent invoice, and adds an ITEM_ADJ to a COMMITTED one', async () => {
    const { life, parentId, child1, child2, subscribe } = await family();
    await subscribe(child1, 'shotgun-monthly');
    await subscribe(child2, 'pistol-monthly');
    await life.days(30);
    const draft = (await life.invoicesOf(parentId))[1]!;
    const child1Invoice = (await life.invoicesOf(child1))[1]!;

    const adjust = async (inv: Invoice, amount: number) => {
      const recurring = inv.items!.find((i) => i.itemType === 'RECURRING')!;
      await life.kb.invoices.adjustInvoiceItem({ invoiceItemId: recurring.invoiceItemId, accountId: inv.accountId, amount, currency: 'USD', description: 'test adjustment' } as InvoiceItem, inv.invoiceId!, 'test');
      await life.settle();
    };

    await adjust(child1Invoice, 10);
    const adjusted = await invoice(life, child1Invoice.invoiceId!);
    expectLines(adjusted, ['RECURRING 2015-06-14 2015-07-14 249.95', 'ITEM_ADJ 2015-06-14 2015-06-14 -10']);
    expect(money(adjusted.balance)).toBe('0.00');
    const stillDraft = await invoice(life, draft.invoiceId!);
    expect(stillDraft.status).toBe('DRAFT');
    expect(stillDraft.items).toHaveLength(2);
    expect(summaries(stillDraft)).toEqual({ [child1]: '239.95', [child2]: '29.95' });

    await life.days(1);
    expect(money((await invoice(life, draft.invoiceId!)).balance)).toBe('269.90');

    const child2Invoice = (await life.invoicesOf(child2))[1]!;
    await adjust(child2Invoice, 5);
    const parentNow = await invoice(life, draft.invoiceId!);
    const summary2 = parentNow.items!.find((i) => i.childAccountId === child2)!;
    const adj = parentNow.items!.find((i) => i.itemType === 'ITEM_ADJ')!;
    expect(adj.linkedInvoiceItemId).toBe(summary2.invoiceItemId);
    expect(money(adj.amount)).toBe('-5.00');
    expect(adj.description).toMatch(/^Adjustment for account /);
    expect(summaries(parentNow)).toEqual({ [child1]: '239.95', [child2]: '29.95' });
    expect(money(parentNow.balance)).toBe('264.90');
    expect(await life.balancesOf(parentId)).toEqual({ accountBalance: '264.90', accountCBA: '0.00' });
  });
});

describe('a child with credit (TestIntegrationParentInvoice.testParentInvoiceGenerationChildCreditUnpaidInvoice)', () => {
  it('lowers its summary by the credit, which pays the child invoice once, not again next month', async () => {
    const { life, parentId, child1, subscribe } = await family();
    await subscribe(child1, 'pistol-monthly');
    await life.days(30);
    await life.credits.createCredits([{ accountId: child1, amount: 10, currency: 'USD', description: 'some description' } as InvoiceItem], 'test', true);
    await life.settle();

    const children = await life.invoicesOf(child1);
    expect(children).toHaveLength(3);
    expectLines(children[1], ['RECURRING 2015-06-14 2015-07-14 29.95', 'CBA_ADJ 2015-06-14 2015-06-14 -10']);
    expect(money(children[1]!.balance)).toBe('0.00');
    const draft = (await life.invoicesOf(parentId))[1]!;
    expect(draft.status).toBe('DRAFT');
    expect(summaries(draft)).toEqual({ [child1]: '19.95' });
    expect(await life.balancesOf(child1)).toEqual({ accountBalance: '0.00', accountCBA: '0.00' });

    await life.days(1);
    expect(money((await invoice(life, draft.invoiceId!)).balance)).toBe('19.95');
    await life.days(30);
    const next = (await life.invoicesOf(parentId))[2]!;
    expect(summaries(next)).toEqual({ [child1]: '29.95' });
  });
});

describe('a child whose payment is not delegated', () => {
  it('is invoiced alone: no parent invoice, its own balance', async () => {
    const life = await invoiceLife(server.url, { clock: '2015-05-15T00:00:00.000Z', billCycleDayLocal: 14 });
    const parentId = life.accountId;
    const child = await life.newAccount({ parentAccountId: parentId, isPaymentDelegatedToParent: false });
    await life.kb.subscriptions.createSubscription({ accountId: child, planName: 'pistol-monthly' } as Subscription, 'test');
    await life.settle();
    await life.days(30);
    expect(await life.invoicesOf(parentId)).toEqual([]);
    const own = await life.invoicesOf(child);
    expect(own).toHaveLength(2);
    expectLines(own[1], ['RECURRING 2015-06-14 2015-07-14 29.95']);
    expect(money(own[1]!.balance)).toBe('29.95');
    expect(own[1]!.parentInvoiceId ?? null).toBeNull();
    expect(await life.balancesOf(child)).toEqual({ accountBalance: '29.95', accountCBA: '0.00' });
  });
});
