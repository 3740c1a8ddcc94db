import type { InvoicePayment, PaymentMethod, PaymentTransaction } from 'killbill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTO_PAY_OFF, invoicePayer } from '../support/invoice-payments.js';
import { queryDb } from '../support/mysql.js';
import { EXTERNAL_PAYMENT, startPaymentServer, TEST_PAYMENT, transactionLines, type PaymentServer } from '../support/payments.js';

/**
 * Invoice payments with the official client and the test clock (Kill Bill's InvoicePaymentControlPluginApi,
 * §7.3): a subscription's invoice is paid on creation, a declined gateway, no method or AUTO_PAY_OFF leave
 * it unpaid (paid when the tag goes); payAllInvoices pays oldest first and turns a surplus into credit;
 * createInstantPayment refuses more than the balance. Refunds and chargebacks: invoice-payments-refunds.test.ts.
 */
let ps: PaymentServer;
let url: string;

beforeAll(async () => {
  ps = await startPaymentServer(import.meta.filename);
  url = ps.server.url;
});

afterAll(async () => {
  await ps?.close();
});

const payer = (method?: string | null) => invoicePayer(url, ps.server.config.dbUrl, method);

describe('the automatic payment on INVOICE_CREATION', () => {
  it("pays a subscription's invoice with the default method", async () => {
    const t = await payer();
    const inv = await t.subscribe();
    expect(inv.amount).toBe(249.95);
    expect(await t.balances(inv.invoiceId!)).toEqual({ invoice: 0, account: 0, cba: 0 });

    const [payment] = await t.invoicePayments();
    expect(payment!.targetInvoiceId).toBe(inv.invoiceId);
    expect(Object.keys(payment!)[0]).toBe('targetInvoiceId');
    expect(payment!.purchasedAmount).toBe(249.95);
    expect(transactionLines(payment!)).toEqual(['PURCHASE SUCCESS 249.95/249.95']);
    expect(payment!.paymentAttempts?.map((a) => a.pluginName)).toEqual(['__INVOICE_PAYMENT_CONTROL_PLUGIN__']);

    const forInvoice = (await t.kb.invoices.getPaymentsForInvoice(inv.invoiceId!)).data;
    expect(forInvoice.map((p) => p.paymentId)).toEqual([payment!.paymentId]);
    expect((await t.kb.invoicePayments.getInvoicePayment(payment!.paymentId!)).data.targetInvoiceId).toBe(inv.invoiceId);
    expect(await t.events(inv.invoiceId!)).toEqual(['INVOICE_PAYMENT_SUCCESS']);
  });

  it('leaves the invoice unpaid when the gateway declines', async () => {
    const t = await payer();
    await t.kb.tenants.uploadPluginConfiguration('mode=decline', TEST_PAYMENT, 'test');
    const inv = await t.subscribe();
    expect(await t.balances(inv.invoiceId!)).toEqual({ invoice: 249.95, account: 249.95, cba: 0 });
    const [payment] = await t.invoicePayments();
    expect(transactionLines(payment!)).toEqual(['PURCHASE PAYMENT_FAILURE 249.95/0']);
    expect(payment!.targetInvoiceId).toBe(inv.invoiceId);
    expect(await t.events(inv.invoiceId!)).toEqual(['INVOICE_PAYMENT_FAILED']);
  });

  it('waits while the account is AUTO_PAY_OFF and pays when the tag is removed', async () => {
    const t = await payer();
    await t.kb.accounts.createAccountTags([AUTO_PAY_OFF], t.accountId, 'test');
    const inv = await t.subscribe();
    expect(await t.balances(inv.invoiceId!)).toEqual({ invoice: 249.95, account: 249.95, cba: 0 });
    expect(await t.invoicePayments()).toEqual([]);

    await t.kb.accounts.deleteAccountTags(t.accountId, 'test', [AUTO_PAY_OFF]);
    await t.drained();
    expect(await t.balances(inv.invoiceId!)).toEqual({ invoice: 0, account: 0, cba: 0 });
    const [payment] = await t.invoicePayments();
    expect(transactionLines(payment!)).toEqual(['PURCHASE SUCCESS 249.95/249.95']);
  });

  it('pays nothing without a default payment method, and posts INVOICE_PAYMENT_FAILED', async () => {
    const t = await payer(null);
    const inv = await t.subscribe();
    expect(await t.balances(inv.invoiceId!)).toEqual({ invoice: 249.95, account: 249.95, cba: 0 });
    expect(await t.invoicePayments()).toEqual([]);
    expect(await t.events(inv.invoiceId!)).toEqual(['INVOICE_PAYMENT_FAILED']);
  });
});

describe('payments asked for through the API', () => {
  it('pays all unpaid invoices oldest first and turns the surplus into credit (pay 15 on 7 + 5)', async () => {
    const t = await payer(null);
    const first = await t.charge(7);
    const second = await t.charge(5);
    expect((await t.account()).accountBalance).toBe(12);

    const res = await t.http.post(`/1.0/kb/accounts/${t.accountId}/invoicePayments?externalPayment=true&paymentAmount=15`, null);
    expect(res.status).toBe(201);
    expect((res.data as { invoiceId: string }[]).map((i) => i.invoiceId)).toEqual([first, second]);
    await t.drained();
    expect((await t.invoice(first)).balance).toBe(0);
    expect((await t.invoice(second)).balance).toBe(0);
    const acc = await t.account();
    expect([acc.accountBalance, acc.accountCBA]).toEqual([-3, 3]);
    const payments = await t.invoicePayments();
    expect(payments.map((p) => [p.targetInvoiceId, p.purchasedAmount])).toEqual([[first, 7], [second, 5]]);
    const methods = (await t.kb.accounts.getPaymentMethodsForAccount(t.accountId)).data;
    expect(methods.map((m) => m.pluginName)).toEqual([EXTERNAL_PAYMENT]);

    expect((await t.http.post(`/1.0/kb/accounts/${t.accountId}/invoicePayments?externalPayment=true`, null)).status).toBe(204);
  });

  it('pays the unpaid invoices with a new default method added with payAllUnpaidInvoices', async () => {
    const t = await payer(null);
    const invoiceId = await t.charge(30);
    await t.kb.accounts.createPaymentMethod({ pluginName: TEST_PAYMENT } as PaymentMethod, t.accountId, 'test', true, true);
    expect((await t.invoice(invoiceId)).balance).toBe(0);
    expect((await t.invoicePayments()).map((p) => [p.targetInvoiceId, p.purchasedAmount])).toEqual([[invoiceId, 30]]);
  });

  it('pays one invoice with createInstantPayment, refusing more than its balance (422)', async () => {
    const t = await payer(null);
    const invoiceId = await t.charge(20);
    const tooMuch = await t.http.post(`/1.0/kb/invoices/${invoiceId}/payments?externalPayment=true`, { accountId: t.accountId, purchasedAmount: 25 });
    expect([tooMuch.status, tooMuch.data.code]).toEqual([422, 7106]);

    const paid = (await t.kb.invoices.createInstantPayment({ accountId: t.accountId, purchasedAmount: 8 } as InvoicePayment, invoiceId, 'test', true)).data;
    expect(paid.targetInvoiceId).toBe(invoiceId);
    expect(transactionLines(paid)).toEqual(['PURCHASE SUCCESS 8/8']);
    expect((await t.invoice(invoiceId)).balance).toBe(12);

    const rest = await t.http.post(`/1.0/kb/invoices/${invoiceId}/payments?externalPayment=true`, { accountId: t.accountId });
    expect(rest.status).toBe(201);
    expect(rest.headers['location']).toBe(`${url}/1.0/kb/invoicePayments/${rest.data.paymentId}`);
    expect((await t.invoice(invoiceId)).balance).toBe(0);
    expect((await t.http.post(`/1.0/kb/invoices/${invoiceId}/payments?externalPayment=true`, { accountId: t.accountId })).status).toBe(204);
  });
});

describe('a PENDING invoice payment completed later', () => {
  /** A subscription whose invoice payment the gateway leaves PENDING; then the gateway answers PROCESSED again. */
  async function pendingInvoice() {
    const t = await payer();
    await t.kb.tenants.uploadPluginConfiguration('mode=pending', TEST_PAYMENT, 'test');
    const inv = await t.subscribe();
    const [payment] = await t.invoicePayments();
    expect(transactionLines(payment!)).toEqual(['PURCHASE PENDING 249.95/249.95']);
    expect(await t.balances(inv.invoiceId!)).toEqual({ invoice: 249.95, account: 249.95, cba: 0 });
    expect(await attemptRows(inv.invoiceId!)).toEqual([['ATTEMPT', 'PENDING', 0]]);
    await t.kb.tenants.uploadPluginConfiguration('mode=succeed', TEST_PAYMENT, 'test');
    return { t, inv, payment: payment! };
  }
  const attemptRows = async (invoiceId: string) =>
    (await queryDb<{ type: string; status: string; success: number }>(ps.server.config.dbUrl, 'select type, status, success from invoice_payments where invoice_id = ? order by record_id', [invoiceId])).map((r) => [r.type, r.status, Number(r.success)]);

  it('pays the invoice when completed with PUT /payments/{paymentId}, as the first call would have', async () => {
    const { t, inv, payment } = await pendingInvoice();
    expect((await t.kb.payments.completeTransaction({} as PaymentTransaction, payment.paymentId!, 'test')).status).toBe(204);
    await t.drained();
    expect(await t.balances(inv.invoiceId!)).toEqual({ invoice: 0, account: 0, cba: 0 });
    expect(await attemptRows(inv.invoiceId!)).toEqual([['ATTEMPT', 'SUCCESS', 1]]);
    const [after] = await t.invoicePayments();
    expect(transactionLines(after!)).toEqual(['PURCHASE SUCCESS 249.95/249.95']);
    expect(after!.paymentAttempts?.map((a) => a.stateName)).toEqual(['SUCCESS']);
    expect(await t.events(inv.invoiceId!)).toEqual(['INVOICE_PAYMENT_SUCCESS', 'INVOICE_PAYMENT_SUCCESS']);
  });

  it('pays the invoice when completed by payment external key (PUT /payments)', async () => {
    const { t, inv, payment } = await pendingInvoice();
    expect((await t.kb.payments.completeTransactionByExternalKey({ paymentExternalKey: payment.paymentExternalKey } as PaymentTransaction, 'test')).status).toBe(204);
    await t.drained();
    expect(await t.balances(inv.invoiceId!)).toEqual({ invoice: 0, account: 0, cba: 0 });
    expect(await attemptRows(inv.invoiceId!)).toEqual([['ATTEMPT', 'SUCCESS', 1]]);
  });

  it('leaves the invoice unpaid, its attempt at 0, when POST /paymentTransactions/{id} says the transaction failed', async () => {
    const { t, inv, payment } = await pendingInvoice();
    const transactionId = payment.transactions![0]!.transactionId!;
    const { data } = await t.kb.paymentTransactions.notifyStateChanged({ paymentId: payment.paymentId, status: 'PAYMENT_FAILURE' } as PaymentTransaction, transactionId, 'test');
    expect(data.transactions?.[0]?.status).toBe('PAYMENT_FAILURE');
    await t.drained();
    expect(await t.balances(inv.invoiceId!)).toEqual({ invoice: 249.95, account: 249.95, cba: 0 });
    expect(await attemptRows(inv.invoiceId!)).toEqual([['ATTEMPT', 'INIT', 0]]);
    expect(await t.events(inv.invoiceId!)).toEqual(['INVOICE_PAYMENT_SUCCESS', 'INVOICE_PAYMENT_FAILED']);
  });
});
