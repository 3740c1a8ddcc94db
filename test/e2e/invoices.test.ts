import type { Invoice, InvoiceItem } from 'killbill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantOnClock } from '../support/entitlement-setup.js';
import { writingHttp } from '../support/killbill.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * The explicit invoice writes and reads over HTTP with the official client: credits, external charges
 * (DRAFT → commit), item adjustments, void, credit deletion, migration invoices, tags, lists and errors.
 * Figures follow killbill-semantics.md §4.6–4.9 (worked by hand beside each assertion).
 */

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(import.meta.filename, { testMode: true });
});
afterAll(async () => {
  await server?.close();
});

const WRITTEN_OFF = '00000000-0000-0000-0000-000000000004';

async function setup() {
  const t = await tenantOnClock(server.url, null);
  const write = writingHttp(server.url, t.credentials);
  const balances = async (accountId = t.accountId) => {
    const { data } = await t.kb.accounts.getAccount(accountId, false, true);
    return { balance: data.accountBalance, cba: data.accountCBA };
  };
  const invoice = async (id: string) => (await t.kb.invoices.getInvoice(id)).data;
  const charge = async (amount: number, autoCommit: boolean, accountId = t.accountId, extra: Partial<InvoiceItem> = {}) =>
    (await t.kb.invoices.createExternalCharges([{ accountId, amount, description: 'Setup fee', ...extra } as InvoiceItem], accountId, 'test', undefined, autoCommit)).data;
  const credit = async (amount: number, autoCommit = true, accountId = t.accountId) =>
    (await t.kb.credits.createCredits([{ accountId, amount, description: 'Goodwill' } as InvoiceItem], 'test', autoCommit)).data;
  const types = (inv: Invoice) => inv.items!.map((i) => [i.itemType, i.amount]);
  return { ...t, write, balances, invoice, charge, credit, types };
}

describe('credits', () => {
  it('makes a credit invoice (CREDIT_ADJ −x, CBA_ADJ +x, balance 0) and gives the account that credit', async () => {
    const t = await setup();
    const res = await t.kb.credits.createCredits([{ accountId: t.accountId, amount: 50, description: 'Goodwill' } as InvoiceItem], 'test', true);
    expect(res.status).toBe(200);
    expect(res.data).toHaveLength(1);
    const [created] = res.data;
    // Kill Bill shows the credit with a positive amount (negateCreditItems).
    expect(created).toMatchObject({ itemType: 'CREDIT_ADJ', amount: 50, currency: 'USD', accountId: t.accountId, description: 'Goodwill', startDate: '2012-04-01' });

    const inv = await t.invoice(created!.invoiceId!);
    expect(inv).toMatchObject({ status: 'COMMITTED', amount: 0, creditAdj: 50, refundAdj: 0, balance: 0, invoiceDate: '2012-04-01', targetDate: '2012-04-01', isParentInvoice: false });
    expect(t.types(inv)).toEqual([
      ['CREDIT_ADJ', -50],
      ['CBA_ADJ', 50],
    ]);
    expect(await t.balances()).toEqual({ balance: -50, cba: 50 });
    expect((await t.kb.credits.getCredit(created!.invoiceItemId!)).data).toMatchObject({ itemType: 'CREDIT_ADJ', amount: 50, invoiceId: inv.invoiceId });
  });

  it('keeps a credit made without autoCommit as a DRAFT that gives nothing until it is committed', async () => {
    const t = await setup();
    const [draft] = await t.credit(20, false);
    const inv = await t.invoice(draft!.invoiceId!);
    expect(inv.status).toBe('DRAFT');
    expect(await t.balances()).toEqual({ balance: 0, cba: 0 });
    await t.kb.invoices.commitInvoice(inv.invoiceId!, 'test');
    expect(await t.balances()).toEqual({ balance: -20, cba: 20 });
  });

  it('refuses a negative or zero credit with Kill Bill’s CREDIT_AMOUNT_INVALID (400) and writes nothing', async () => {
    const t = await setup();
    const res = await t.write.post('/1.0/kb/credits', [{ accountId: t.accountId, amount: -5 }]);
    expect(res.status).toBe(400);
    expect(res.data).toMatchObject({ code: 4009, message: 'Credit amount -5 should be strictly positive', className: 'InvoiceApiException' });
    expect((await t.write.post('/1.0/kb/credits', [{ accountId: t.accountId, amount: 0 }])).status).toBe(400);
    expect((await t.write.post('/1.0/kb/credits', [{ amount: 5 }])).data).toMatchObject({ message: 'CreditJson accountId needs to be set' });
    expect((await t.kb.accounts.getInvoicesForAccount(t.accountId)).data).toEqual([]);
  });

  it('reads amounts from the request digits, never through a JS number', async () => {
    const t = await setup();
    const res = await t.write.post('/1.0/kb/credits?autoCommit=true', `[{"accountId":"${t.accountId}","amount":0.30000000000000004}]`, {
      headers: { 'Content-Type': 'application/json' },
      transformResponse: (r: string) => r,
    });
    expect(res.status).toBe(200);
    // Rounded HALF_UP to the cent from the exact decimal, and written back as the JSON number 0.3.
    expect(res.data).toContain('"amount":0.3,');
  });

  it('answers an unknown credit with 404', async () => {
    const t = await setup();
    const res = await t.write.get('/1.0/kb/credits/00000000-0000-0000-0000-0000000000aa');
    expect(res.status).toBe(404);
    expect(res.data).toMatchObject({ code: 4008 });
  });
});

describe('external charges and taxes', () => {
  it('creates a DRAFT charge (balance 0, nothing owed) and commits it, when existing credit pays it', async () => {
    const t = await setup();
    await t.credit(50);
    const [item] = await t.charge(20, false);
    expect(item).toMatchObject({ itemType: 'EXTERNAL_CHARGE', amount: 20, description: 'Setup fee', startDate: '2012-04-01', currency: 'USD' });
    const draft = await t.invoice(item!.invoiceId!);
    expect(draft).toMatchObject({ status: 'DRAFT', amount: 20, balance: 0 });
    expect(await t.balances()).toEqual({ balance: -50, cba: 50 });

    const commit = await t.kb.invoices.commitInvoice(draft.invoiceId!, 'test');
    expect(commit.status).toBe(204);
    const committed = await t.invoice(draft.invoiceId!);
    // 20 owed, 20 of the 50 credit used: CBA_ADJ −20, balance 0; the account keeps 30.
    expect(committed).toMatchObject({ status: 'COMMITTED', amount: 20, creditAdj: -20, balance: 0 });
    expect(t.types(committed)).toEqual([
      ['EXTERNAL_CHARGE', 20],
      ['CBA_ADJ', -20],
    ]);
    expect(await t.balances()).toEqual({ balance: -30, cba: 30 });
  });

  it('adds charges to a given DRAFT invoice and refuses a COMMITTED one (INVOICE_ALREADY_COMMITTED)', async () => {
    const t = await setup();
    const [first] = await t.charge(10, false);
    const [second] = await t.charge(5.5, false, t.accountId, { invoiceId: first!.invoiceId });
    expect(second!.invoiceId).toBe(first!.invoiceId);
    expect(await t.invoice(first!.invoiceId!)).toMatchObject({ amount: 15.5, status: 'DRAFT' });

    const [committed] = await t.charge(7, true);
    const res = await t.write.post(`/1.0/kb/invoices/charges/${t.accountId}`, [{ accountId: t.accountId, amount: 1, invoiceId: committed!.invoiceId }]);
    expect(res.status).toBe(400);
    expect(res.data).toMatchObject({
      code: 4024,
      message: `Cannot add credit or external charge for invoice id ${committed!.invoiceId} because it is already in COMMITTED status`,
    });
  });

  it('puts tax items on an invoice and refuses a charge in another currency or a negative one', async () => {
    const t = await setup();
    const res = await t.kb.invoices.createTaxItems([{ accountId: t.accountId, amount: 1.99, description: 'VAT' } as InvoiceItem], t.accountId, 'test', true);
    expect(res.data[0]).toMatchObject({ itemType: 'TAX', amount: 1.99, description: 'VAT' });
    expect(await t.balances()).toEqual({ balance: 1.99, cba: 0 });

    const eur = await t.write.post(`/1.0/kb/invoices/charges/${t.accountId}`, [{ accountId: t.accountId, amount: 1, currency: 'EUR' }]);
    expect(eur.status).toBe(400);
    expect(eur.data).toMatchObject({ code: 3, message: 'Invalid currency EUR, expected USD' });
    const negative = await t.write.post(`/1.0/kb/invoices/charges/${t.accountId}`, [{ accountId: t.accountId, amount: -1 }]);
    expect(negative.data).toMatchObject({ code: 4015, message: 'External charge amount -1 should be strictly positive' });
  });
});

describe('item adjustments', () => {
  it('adjusts part of an item, then what is left, and answers 404 when nothing is left', async () => {
    const t = await setup();
    const [item] = await t.charge(100, true);
    const adjusted = await t.kb.invoices.adjustInvoiceItem({ accountId: t.accountId, invoiceItemId: item!.invoiceItemId, amount: 30 } as InvoiceItem, item!.invoiceId!, 'test');
    // The client follows the 201's Location to the invoice.
    expect(adjusted.data).toMatchObject({ amount: 70, balance: 70 });
    const adj = adjusted.data.items!.find((i) => i.itemType === 'ITEM_ADJ')!;
    expect(adj).toMatchObject({ amount: -30, linkedInvoiceItemId: item!.invoiceItemId, startDate: '2012-04-01', endDate: '2012-04-01' });

    const rest = await t.kb.invoices.adjustInvoiceItem({ accountId: t.accountId, invoiceItemId: item!.invoiceItemId } as InvoiceItem, item!.invoiceId!, 'test');
    expect(rest.data).toMatchObject({ amount: 0, balance: 0 });
    expect(t.types(rest.data)).toEqual([
      ['EXTERNAL_CHARGE', 100],
      ['ITEM_ADJ', -30],
      ['ITEM_ADJ', -70],
    ]);
    const none = await t.write.post(`/1.0/kb/invoices/${item!.invoiceId}`, { accountId: t.accountId, invoiceItemId: item!.invoiceItemId });
    expect(none.status).toBe(404);
  });

  it('refuses more than is left and a non-positive amount with Kill Bill’s messages', async () => {
    const t = await setup();
    const [item] = await t.charge(249.95, true);
    const url = `/1.0/kb/invoices/${item!.invoiceId}`;
    const tooMuch = await t.write.post(url, { accountId: t.accountId, invoiceItemId: item!.invoiceItemId, amount: 300 });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.data).toMatchObject({ code: 4020, message: 'Invoice adjustment amount 300 should be lower than 249.950000000' });
    const negative = await t.write.post(url, { accountId: t.accountId, invoiceItemId: item!.invoiceItemId, amount: -1 });
    expect(negative.data).toMatchObject({ code: 4010, message: 'Invoice adjustment amount -1 should be strictly positive' });
    const unknown = await t.write.post(url, { accountId: t.accountId, invoiceItemId: '00000000-0000-0000-0000-0000000000bb', amount: 1 });
    expect(unknown.status).toBe(404);
    expect(unknown.data).toMatchObject({ code: 4011 });
  });

  it('turns an adjustment of a credit-paid item into account credit (ITEM_ADJ −10, CBA_ADJ +10)', async () => {
    const t = await setup();
    await t.credit(100);
    const [item] = await t.charge(100, true);
    expect(await t.invoice(item!.invoiceId!)).toMatchObject({ balance: 0, creditAdj: -100 });
    const adjusted = await t.kb.invoices.adjustInvoiceItem({ accountId: t.accountId, invoiceItemId: item!.invoiceItemId, amount: 10 } as InvoiceItem, item!.invoiceId!, 'test');
    // 100 − 10 charged, −100 + 10 credited: balance 0; the 10 goes back to the account.
    expect(adjusted.data).toMatchObject({ amount: 90, creditAdj: -90, balance: 0 });
    expect(t.types(adjusted.data)).toEqual([
      ['EXTERNAL_CHARGE', 100],
      ['CBA_ADJ', -100],
      ['ITEM_ADJ', -10],
      ['CBA_ADJ', 10],
    ]);
    expect(await t.balances()).toEqual({ balance: -10, cba: 10 });
  });
});

describe('void, commit and credit deletion', () => {
  it('voids an unpaid invoice (it stops counting) and refuses a second void or a commit of a committed invoice', async () => {
    const t = await setup();
    const [item] = await t.charge(40, true);
    expect(await t.balances()).toEqual({ balance: 40, cba: 0 });
    expect((await t.kb.invoices.voidInvoice(item!.invoiceId!, 'test')).status).toBe(204);
    expect(await t.invoice(item!.invoiceId!)).toMatchObject({ status: 'VOID', balance: 0 });
    expect(await t.balances()).toEqual({ balance: 0, cba: 0 });
    const again = await t.write.put(`/1.0/kb/invoices/${item!.invoiceId}/voidInvoice`);
    expect(again.status).toBe(400);
    expect(again.data).toMatchObject({ code: 4023, message: `The invoice status VOID is invalid for invoice id ${item!.invoiceId}. Current status is VOID` });

    const [other] = await t.charge(1, true);
    const commit = await t.write.put(`/1.0/kb/invoices/${other!.invoiceId}/commitInvoice`);
    expect(commit.data).toMatchObject({ code: 4023, message: `The invoice status COMMITTED is invalid for invoice id ${other!.invoiceId}. Current status is COMMITTED` });
  });

  it('returns the credit a voided invoice had used', async () => {
    const t = await setup();
    await t.credit(30);
    const [item] = await t.charge(20, true);
    expect(await t.balances()).toEqual({ balance: -10, cba: 10 });
    await t.kb.invoices.voidInvoice(item!.invoiceId!, 'test');
    expect(await t.balances()).toEqual({ balance: -30, cba: 30 });
  });

  it('deletes a given credit, first taking back the part another invoice used', async () => {
    const t = await setup();
    const [credit] = await t.credit(50);
    const [item] = await t.charge(20, true);
    expect(await t.balances()).toEqual({ balance: -30, cba: 30 });
    const creditInvoice = await t.invoice(credit!.invoiceId!);
    const cba = creditInvoice.items!.find((i) => i.itemType === 'CBA_ADJ')!;
    const res = await t.kb.invoices.deleteCBA(creditInvoice.invoiceId!, cba.invoiceItemId!, t.accountId, 'test');
    expect(res.status).toBe(204);
    // The charge's −20 use is reclaimed (it owes 20 again); the credit invoice's items drop to 0.
    expect(await t.invoice(item!.invoiceId!)).toMatchObject({ balance: 20, creditAdj: 0 });
    expect(t.types(await t.invoice(credit!.invoiceId!))).toEqual([
      ['CREDIT_ADJ', 0],
      ['CBA_ADJ', 0],
    ]);
    expect(await t.balances()).toEqual({ balance: 20, cba: 0 });
  });

  it('deletes a credit use, so that invoice owes that part again', async () => {
    const t = await setup();
    await t.credit(50);
    const [item] = await t.charge(20, true);
    const use = (await t.invoice(item!.invoiceId!)).items!.find((i) => i.itemType === 'CBA_ADJ')!;
    await t.kb.invoices.deleteCBA(item!.invoiceId!, use.invoiceItemId!, t.accountId, 'test');
    expect(await t.invoice(item!.invoiceId!)).toMatchObject({ balance: 20 });
    expect(await t.balances()).toEqual({ balance: -30, cba: 50 });
  });
});

describe('migration invoices, tags and lists', () => {
  it('creates a migration invoice (201, balance 0) listed only with withMigrationInvoices', async () => {
    const t = await setup();
    const res = await t.kb.invoices.createMigrationInvoice(
      [{ accountId: t.accountId, itemType: 'RECURRING', amount: 25, startDate: '2012-03-01', endDate: '2012-04-01', planName: 'legacy' } as InvoiceItem],
      t.accountId,
      'test',
      '2012-03-01',
    );
    expect(res.data).toMatchObject({ status: 'COMMITTED', amount: 25, balance: 0, targetDate: '2012-03-01' });
    expect(await t.balances()).toEqual({ balance: 0, cba: 0 });
    expect((await t.kb.accounts.getInvoicesForAccount(t.accountId)).data).toEqual([]);
    expect((await t.kb.accounts.getInvoicesForAccount(t.accountId, undefined, undefined, true)).data.map((i) => i.invoiceId)).toEqual([res.data.invoiceId]);
  });

  it('writes an invoice off with the WRITTEN_OFF tag (balance 0) and back', async () => {
    const t = await setup();
    const [item] = await t.charge(12.5, true);
    const tags = await t.kb.invoices.createInvoiceTags([WRITTEN_OFF], item!.invoiceId!, 'test');
    expect(tags.data.map((x) => x.tagDefinitionName)).toEqual(['WRITTEN_OFF']);
    expect(await t.invoice(item!.invoiceId!)).toMatchObject({ amount: 12.5, balance: 0 });
    expect(await t.balances()).toEqual({ balance: 0, cba: 0 });
    await t.kb.invoices.deleteInvoiceTags(item!.invoiceId!, 'test', [WRITTEN_OFF]);
    expect(await t.balances()).toEqual({ balance: 12.5, cba: 0 });
  });

  it('keeps custom fields on invoices and items, and the change history of both', async () => {
    const t = await setup();
    const [item] = await t.charge(3, true);
    await t.kb.invoices.createInvoiceCustomFields([{ name: 'po', value: 'PO-1' }], item!.invoiceId!, 'test');
    expect((await t.kb.invoices.getInvoiceCustomFields(item!.invoiceId!)).data).toMatchObject([{ name: 'po', value: 'PO-1', objectType: 'INVOICE' }]);
    const itemField = await t.write.post(`/1.0/kb/invoiceItems/${item!.invoiceItemId}/customFields`, [{ name: 'sku', value: 'A-7' }]);
    expect(itemField.status).toBe(201);
    expect((await t.write.get(`/1.0/kb/invoiceItems/${item!.invoiceItemId}/customFields`)).data).toMatchObject([{ name: 'sku', objectType: 'INVOICE_ITEM' }]);
    const history = await t.kb.invoices.getInvoiceAuditLogsWithHistory(item!.invoiceId!);
    expect(history.data[0]).toMatchObject({ changeType: 'INSERT', objectType: 'INVOICE' });
    const itemHistory = await t.write.get(`/1.0/kb/invoiceItems/${item!.invoiceItemId}/auditLogsWithHistory`);
    expect(itemHistory.data[0]).toMatchObject({ changeType: 'INSERT', objectType: 'INVOICE_ITEM', history: { type: 'EXTERNAL_CHARGE' } });
  });

  it('lists an account’s invoices with Kill Bill’s filters', async () => {
    const t = await setup();
    const [a] = await t.charge(10, true);
    const [b] = await t.charge(5, true);
    await t.kb.invoices.voidInvoice(b!.invoiceId!, 'test');
    const [c] = await t.credit(3);
    const list = async (...args: Parameters<typeof t.kb.accounts.getInvoicesForAccount> extends [string, ...infer R] ? R : never) =>
      (await t.kb.accounts.getInvoicesForAccount(t.accountId, ...args)).data;
    // The 3 credit paid 3 of invoice a (10 → 7): only a is unpaid.
    expect((await list()).map((i) => i.invoiceId)).toEqual([a!.invoiceId, c!.invoiceId]);
    expect((await list()).every((i) => i.items!.length === 0)).toBe(true);
    expect((await list(undefined, undefined, false, false, true)).map((i) => i.invoiceId)).toEqual([a!.invoiceId, b!.invoiceId, c!.invoiceId]);
    expect((await list(undefined, undefined, false, true)).map((i) => [i.invoiceId, i.balance])).toEqual([[a!.invoiceId, 7]]);
    expect((await list(undefined, undefined, false, false, false, true))[0]!.items!.map((i) => i.itemType)).toEqual(['EXTERNAL_CHARGE', 'CBA_ADJ']);
    expect((await list(undefined, undefined, false, false, false, false, c!.invoiceId)).map((i) => i.invoiceId)).toEqual([c!.invoiceId]);
    const bad = await t.write.get(`/1.0/kb/accounts/${t.accountId}/invoices?unpaidInvoicesOnly=true&withMigrationInvoices=true`);
    expect(bad.status).toBe(400);
  });

  it('pages and searches invoices with Kill Bill’s pagination headers', async () => {
    const t = await setup();
    for (const amount of [1, 2, 3]) await t.charge(amount, true);
    const first = await t.kb.invoices.getInvoices(0, 2);
    expect(first.data.map((i) => i.amount)).toEqual([1, 2]);
    expect(first.headers['x-killbill-pagination-totalnbrecords']).toBe('3');
    expect(first.headers['x-killbill-pagination-nextoffset']).toBe('2');
    const found = await t.kb.invoices.searchInvoices(t.accountId, 0, 10);
    expect(found.data).toHaveLength(3);
    const byNumber = await t.kb.invoices.getInvoiceByNumber(Number(first.data[1]!.invoiceNumber));
    expect(byNumber.data.invoiceId).toBe(first.data[1]!.invoiceId);
    const full = await t.invoice(first.data[0]!.invoiceId!);
    expect((await t.kb.invoices.getInvoiceByItemId(full.items![0]!.invoiceItemId!)).data.invoiceId).toBe(full.invoiceId);
  });

  it('shows audit logs and explanations when asked', async () => {
    const t = await setup();
    const [item] = await t.charge(9, true);
    const { data } = await t.kb.invoices.getInvoice(item!.invoiceId!, false, 'FULL');
    expect(data.auditLogs![0]).toMatchObject({ changeType: 'INSERT', objectType: 'INVOICE', changedBy: 'test' });
    expect(data.items![0]!.auditLogs![0]).toMatchObject({ changeType: 'INSERT', objectType: 'INVOICE_ITEM' });
    const explained = await t.write.get(`/1.0/kb/invoices/${item!.invoiceId}?withExplanation=true`);
    expect(explained.data.items[0].explanation).toEqual({ kind: 'API', operation: 'EXTERNAL_CHARGE' });
    expect(data.items![0]).not.toHaveProperty('explanation');
  });
});

describe('errors', () => {
  it('answers an unknown invoice with 404 and a malformed id with 400', async () => {
    const t = await setup();
    const unknown = await t.write.get('/1.0/kb/invoices/00000000-0000-0000-0000-0000000000cc');
    expect(unknown.status).toBe(404);
    expect(unknown.data).toMatchObject({ code: 4006, message: 'No invoice could be found for id 00000000-0000-0000-0000-0000000000cc.' });
    expect((await t.write.get('/1.0/kb/invoices/not-a-uuid')).status).toBe(400);
    expect((await t.write.put('/1.0/kb/invoices/00000000-0000-0000-0000-0000000000cc/commitInvoice')).status).toBe(404);
  });
});

describe('account credit between accounts', () => {
  it('moves a child’s credit to its parent and refuses accounts without a parent or without credit', async () => {
    const t = await setup();
    const parent = t.accountId;
    const child = (await t.kb.accounts.createAccount({ name: 'kid', externalKey: `kid-${Math.random()}`, currency: 'USD', parentAccountId: parent }, 'test')).data.accountId!;
    const noCredit = await t.write.put(`/1.0/kb/accounts/${child}/transferCredit`);
    expect(noCredit.data).toMatchObject({ code: 4027, message: `Child account ${child} does not have credit` });
    const noParent = await t.write.put(`/1.0/kb/accounts/${parent}/transferCredit`);
    expect(noParent.status).toBe(400);
    expect(noParent.data).toMatchObject({ code: 3009, message: `The Account ${parent} does not have a Parent Account associated` });

    await t.credit(25, true, child);
    expect((await t.kb.accounts.transferChildCreditToParent(child, 'test')).status).toBe(204);
    expect(await t.balances(child)).toEqual({ balance: 0, cba: 0 });
    expect(await t.balances(parent)).toEqual({ balance: -25, cba: 25 });
  });

  it('rebalances credit over unpaid invoices on request (204)', async () => {
    const t = await setup();
    await t.charge(10, true);
    expect((await t.kb.accounts.rebalanceExistingCBAOnAccount(t.accountId, 'test')).status).toBe(204);
    expect(await t.balances()).toEqual({ balance: 10, cba: 0 });
  });
});
