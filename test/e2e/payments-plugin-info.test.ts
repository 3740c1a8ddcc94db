import { randomUUID } from 'node:crypto';
import type { Payment } from 'killbill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoicePayer } from '../support/invoice-payments.js';
import { paymentTenant, startPaymentServer, TEST_PAYMENT, type PaymentServer, tx } from '../support/payments.js';

/**
 * What the payment plugin is asked on reads, through the official client and plain HTTP: searches
 * withPluginInfo or in a named plugin go to the plugins' searchPayments instead of the table (Kill Bill's
 * PaymentRefresher.searchPayments); the account's invoice payments are one list read that survives a failing
 * plugin, an invoice's payments are read one by one and do not (Kill Bill's AccountResource.getInvoicePayments
 * / InvoiceResource.getPaymentsForInvoice); notifyStateChanged settles only PENDING transactions.
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


/** A tenant whose account has a default method on test-payment. */
async function payer() {
  const t = await paymentTenant(url);
  await t.addMethod(TEST_PAYMENT, true);
  return t;
}

describe('searching payments in their plugins', () => {
  it('finds a payment by its gateway reference withPluginInfo, which the table search does not know, and not by its external key', async () => {
    const t = await payer();
    // An external key of its own: by default it is the payment id, which test-payment's search knows too.
    const paid = (await t.kb.accounts.processPayment(tx({ transactionType: 'PURCHASE', amount: 12.5, paymentExternalKey: `order-${randomUUID()}` }), t.accountId, 'test')).data;
    const reference = (await t.kb.payments.getPayment(paid.paymentId!, true)).data.transactions![0]!.firstPaymentReferenceId!;
    expect(reference).toMatch(/^tp_/);

    const searched = await t.http.get(`/1.0/kb/payments/search/${reference}?withPluginInfo=true`);
    expect(searched.status).toBe(200);
    const found = searched.data as Payment[];
    expect(found.map((p) => [p.paymentId, p.purchasedAmount, p.transactions![0]!.firstPaymentReferenceId])).toEqual([[paid.paymentId, 12.5, reference]]);
    expect(searched.headers['x-killbill-pagination-totalnbrecords']).toBe('1');

    expect((await t.kb.payments.searchPayments(reference)).data).toEqual([]);
    expect((await t.kb.payments.searchPayments(paid.paymentExternalKey!, 0, 100, true)).data).toEqual([]);
    expect((await t.kb.payments.searchPayments(paid.paymentExternalKey!)).data.map((p) => p.paymentId)).toEqual([paid.paymentId]);
  });

  it('searches only the plugin named by pluginName, showing its answers only withPluginInfo, and refuses a name that is no payment plugin (400, 7028)', async () => {
    const t = await payer();
    const paid = (await t.kb.accounts.processPayment(tx({ transactionType: 'PURCHASE', amount: 3 }), t.accountId, 'test')).data;
    const inPlugin = (await t.kb.payments.searchPayments(paid.paymentId!, 0, 100, false, false, TEST_PAYMENT)).data;
    expect(inPlugin.map((p) => [p.paymentId, p.transactions![0]!.firstPaymentReferenceId])).toEqual([[paid.paymentId, null]]);
    expect((await t.kb.payments.searchPayments(paid.paymentId!, 0, 100, false, false, '__EXTERNAL_PAYMENT__')).data).toEqual([]);

    const unknown = await t.http.get(`/1.0/kb/payments/search/${paid.paymentId}?pluginName=no-such-gateway`);
    expect([unknown.status, unknown.data.code]).toEqual([400, 7028]);
  });
});

describe('invoice payment lists withPluginInfo while the plugin fails', () => {
  it("answers the account's invoice payments without plugin info, all its payments, and fails an invoice's payments (500, 7102)", async () => {
    const t = await invoicePayer(url, ps.server.config.dbUrl);
    const inv = await t.subscribe();
    const loose = (await t.kb.accounts.processPayment(tx({ transactionType: 'PURCHASE', amount: 5 }), t.accountId, 'test')).data;
    // test-payment refuses a mode it does not know on every call, getPaymentInfo included: the gateway is down for reads.
    await t.kb.tenants.uploadPluginConfiguration('mode=gateway-down', TEST_PAYMENT, 'test');

    const listed = await t.http.get(`/1.0/kb/accounts/${t.accountId}/invoicePayments?withPluginInfo=true`);
    expect(listed.status).toBe(200);
    const payments = listed.data as (Payment & { targetInvoiceId: string | null })[];
    expect(payments.map((p) => [p.paymentId, p.targetInvoiceId, p.purchasedAmount, p.transactions![0]!.firstPaymentReferenceId])).toEqual([
      [payments[0]!.paymentId, inv.invoiceId, 249.95, null],
      [loose.paymentId, null, 5, null],
    ]);

    const forInvoice = await t.http.get(`/1.0/kb/invoices/${inv.invoiceId}/payments?withPluginInfo=true`);
    expect([forInvoice.status, forInvoice.data.code]).toEqual([500, 7102]);

    await t.kb.tenants.uploadPluginConfiguration('mode=succeed', TEST_PAYMENT, 'test');
    const again = (await t.kb.invoices.getPaymentsForInvoice(inv.invoiceId!, true)).data;
    expect(again.map((p) => p.transactions![0]!.firstPaymentReferenceId)).toEqual([expect.stringMatching(/^tp_/)]);
  });
});

describe('notifyStateChanged (POST /paymentTransactions/{transactionId})', () => {
  it('refuses an UNKNOWN transaction and a settled one with 404 PAYMENT_NO_SUCH_SUCCESS_PAYMENT (7024), leaving them as they were', async () => {
    const t = await payer();
    const hung = await t.http.post(`/1.0/kb/accounts/${t.accountId}/payments?pluginProperty=test.mode%3Dundefined`, { transactionType: 'PURCHASE', amount: 4 });
    expect(hung.status).toBe(503);
    const unknown = hung.data as Payment;
    const refused = await t.http.post(`/1.0/kb/paymentTransactions/${unknown.transactions![0]!.transactionId}`, { paymentId: unknown.paymentId, status: 'SUCCESS' });
    expect([refused.status, refused.data.code]).toEqual([404, 7024]);
    expect((await t.kb.payments.getPayment(unknown.paymentId!)).data.transactions?.map((x) => x.status)).toEqual(['UNKNOWN']);

    const paid = (await t.kb.accounts.processPayment(tx({ transactionType: 'PURCHASE', amount: 2 }), t.accountId, 'test')).data;
    const again = await t.http.post(`/1.0/kb/paymentTransactions/${paid.transactions![0]!.transactionId}`, { paymentId: paid.paymentId, status: 'PAYMENT_FAILURE' });
    expect([again.status, again.data.code]).toEqual([404, 7024]);
    expect((await t.kb.payments.getPayment(paid.paymentId!)).data.transactions?.map((x) => x.status)).toEqual(['SUCCESS']);
  });
});
