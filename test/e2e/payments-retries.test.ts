import type { InvoiceItem, Payment } from 'killbill';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentTenant, startPaymentServer, TEST_PAYMENT, transactionLines, type PaymentServer } from '../support/payments.js';

/**
 * Retries and the janitor with the official client and the test clock: a declined invoice payment is
 * retried on the tenant's schedule (Kill Bill's 8,8,8 days) into the same payment and stops after the
 * last retry, a plugin failure after 300 s × 2^n; a scheduled retry can be cancelled; a PENDING invoice payment is completed by the janitor
 * an hour later and a hanging call (UNKNOWN) 5 minutes later; a payment-control plugin (test-payment, named by controlPluginName) aborts with 422 or
 * adjusts the amount. The gateway's behaviour comes from the tenant's test-payment config.
 */
let ps: PaymentServer;
let url: string;

beforeAll(async () => {
  // A short plugin deadline (KB_PLUGIN_TIMEOUT_MS): a hanging gateway call ends UNKNOWN in 1.5 s.
  ps = await startPaymentServer(import.meta.filename, { pluginTimeoutMs: 1_500 });
  url = ps.server.url;
});

afterAll(async () => {
  await ps?.close();
});

const START = DateTime.fromISO('2012-04-01T10:00:00.000Z', { zone: 'utc' });

async function payerOnClock(gatewayConfig: string) {
  const t = await paymentTenant(url);
  await t.http.post(`/1.0/kb/test/clock?requestedDate=${START.toISO()}`, null);
  await t.addMethod(TEST_PAYMENT, true);
  await t.kb.tenants.uploadPluginConfiguration(gatewayConfig, TEST_PAYMENT, 'test');
  let now: DateTime = START;
  const setClock = async (to: DateTime) => {
    now = to;
    expect((await t.http.post(`/1.0/kb/test/clock?requestedDate=${encodeURIComponent(to.toISO()!)}&timeoutSec=10`, null)).status).toBe(200);
  };
  // A minute more each time: a retry is due `days` after the failure, which happened a moment after the clock was set.
  const moveDays = (days: number) => setClock(now.plus({ days, minutes: 1 }));
  const moveHours = (hours: number) => setClock(now.plus({ hours, minutes: 1 }));
  const moveMinutes = (minutes: number) => setClock(now.plus({ minutes }));
  /** A committed external-charge invoice: INVOICE_CREATION pays it automatically. */
  const invoice = async (amount: number) => {
    const charge = [{ accountId: t.accountId, amount, currency: 'USD', description: 'charge' } as InvoiceItem];
    const invoiceId = (await t.kb.invoices.createExternalCharges(charge, t.accountId, 'test', undefined, true)).data[0]!.invoiceId!;
    expect((await t.http.get('/1.0/kb/test/queues?timeoutSec=10')).status).toBe(200);
    return invoiceId;
  };
  const balance = async (invoiceId: string) => (await t.kb.invoices.getInvoice(invoiceId)).data.balance;
  const payments = async (): Promise<Payment[]> => (await t.kb.accounts.getPaymentsForAccount(t.accountId, true)).data;
  const config = (text: string) => t.kb.tenants.uploadPluginConfiguration(text, TEST_PAYMENT, 'test');
  return { ...t, moveDays, moveHours, moveMinutes, invoice, balance, payments, config };
}

describe('retries of declined invoice payments', () => {
  it('leaves the invoice unpaid after a decline and pays it with the retry 8 days later, in the same payment', async () => {
    const t = await payerOnClock('mode=decline');
    const invoiceId = await t.invoice(20);
    expect(await t.balance(invoiceId)).toBe(20);
    const [declined] = await t.payments();
    expect(transactionLines(declined!)).toEqual(['PURCHASE PAYMENT_FAILURE 20/0']);
    expect(declined!.paymentAttempts?.map((a) => a.stateName)).toEqual(['RETRIED']);

    await t.config('mode=succeed');
    await t.moveDays(7);
    expect(await t.balance(invoiceId)).toBe(20);
    await t.moveDays(1);
    expect(await t.balance(invoiceId)).toBe(0);
    const all = await t.payments();
    expect(all).toHaveLength(1);
    expect(all[0]!.paymentId).toBe(declined!.paymentId);
    expect(transactionLines(all[0]!)).toEqual(['PURCHASE PAYMENT_FAILURE 20/0', 'PURCHASE SUCCESS 20/20']);
    expect(all[0]!.transactions![1]!.transactionExternalKey).toBe(declined!.transactions![0]!.transactionExternalKey);
    expect(all[0]!.purchasedAmount).toBe(20);
  });

  it('stops after the third retry of the 8,8,8 schedule', async () => {
    const t = await payerOnClock('mode=decline');
    const invoiceId = await t.invoice(5);
    for (let i = 0; i < 4; i++) await t.moveDays(8);
    const [payment] = await t.payments();
    expect(transactionLines(payment!)).toEqual(Array(4).fill('PURCHASE PAYMENT_FAILURE 5/0'));
    expect(payment!.paymentAttempts?.map((a) => a.stateName)).toEqual(['RETRIED', 'RETRIED', 'RETRIED', 'ABORTED']);
    expect(await t.balance(invoiceId)).toBe(5);
  });

  it('follows the tenant’s org.killbill.payment.retry.days (PER_TENANT_CONFIG)', async () => {
    const t = await payerOnClock('mode=decline');
    await t.kb.tenants.uploadPerTenantConfiguration(JSON.stringify({ 'org.killbill.payment.retry.days': '1' }), 'test');
    await t.invoice(5);
    await t.moveDays(1);
    await t.moveDays(8);
    const [payment] = await t.payments();
    expect(transactionLines(payment!)).toHaveLength(2);
  });

  it('does not charge again when the invoice was paid before the retry', async () => {
    const t = await payerOnClock('mode=decline');
    const invoiceId = await t.invoice(12);
    const item = (await t.kb.invoices.getInvoice(invoiceId, true)).data.items![0]!;
    await t.kb.invoices.adjustInvoiceItem({ invoiceItemId: item.invoiceItemId, accountId: t.accountId, amount: 12, currency: 'USD' } as InvoiceItem, invoiceId, 'test');
    expect(await t.balance(invoiceId)).toBe(0);
    await t.config('mode=succeed');
    await t.moveDays(8);
    const declined = (await t.payments()).find((p) => p.transactions?.[0]?.status === 'PAYMENT_FAILURE');
    expect(transactionLines(declined!)).toEqual(['PURCHASE PAYMENT_FAILURE 12/0']);
  });

  it('retries a plugin failure after 300 s, then 600 s, into the same payment', async () => {
    const t = await payerOnClock('mode=throw');
    const invoiceId = await t.invoice(4);
    expect(transactionLines((await t.payments())[0]!)).toEqual(['PURCHASE PLUGIN_FAILURE 4/0']);
    await t.moveMinutes(6);
    expect(transactionLines((await t.payments())[0]!)).toEqual(['PURCHASE PLUGIN_FAILURE 4/0', 'PURCHASE PLUGIN_FAILURE 4/0']);
    await t.config('mode=succeed');
    await t.moveMinutes(6);
    expect(transactionLines((await t.payments())[0]!)).toHaveLength(2);
    await t.moveMinutes(5);
    expect(transactionLines((await t.payments())[0]!)).toEqual(['PURCHASE PLUGIN_FAILURE 4/0', 'PURCHASE PLUGIN_FAILURE 4/0', 'PURCHASE SUCCESS 4/4']);
    expect(await t.balance(invoiceId)).toBe(0);
  });

  it('cancels a scheduled retry (DELETE /payments/{transactionId}/cancelScheduledPaymentTransaction)', async () => {
    const t = await payerOnClock('mode=decline');
    const invoiceId = await t.invoice(9);
    const [declined] = await t.payments();
    expect((await t.kb.payments.cancelScheduledPaymentTransactionById(declined!.transactions![0]!.transactionId!, 'test')).status).toBe(204);
    await t.config('mode=succeed');
    await t.moveDays(8);
    const [after] = await t.payments();
    expect(transactionLines(after!)).toEqual(['PURCHASE PAYMENT_FAILURE 9/0']);
    expect(after!.paymentAttempts?.map((a) => a.stateName)).toEqual(['ABORTED']);
    expect(await t.balance(invoiceId)).toBe(9);
    // By external key, with nothing left scheduled: still 204.
    expect((await t.kb.payments.cancelScheduledPaymentTransactionByExternalKey(declined!.transactions![0]!.transactionExternalKey!, 'test')).status).toBe(204);
  });
});

describe('the janitor', () => {
  it('completes a PENDING invoice payment an hour later, once the gateway settled it', async () => {
    const t = await payerOnClock('mode=pending');
    const invoiceId = await t.invoice(30);
    expect(transactionLines((await t.payments())[0]!)).toEqual(['PURCHASE PENDING 30/30']);
    await t.config('settle=processed');
    await t.moveHours(1);
    const [payment] = await t.payments();
    expect(transactionLines(payment!)).toEqual(['PURCHASE SUCCESS 30/30']);
    expect(payment!.purchasedAmount).toBe(30);
    expect(await t.balance(invoiceId)).toBe(0);
  });

  it('records a hanging gateway call UNKNOWN (503) and reconciles it from getPaymentInfo 5 minutes later', async () => {
    const t = await payerOnClock('mode=succeed');
    const res = await t.http.post(`/1.0/kb/accounts/${t.accountId}/payments?pluginProperty=${encodeURIComponent('test.mode=hang')}`, { transactionType: 'PURCHASE', amount: 15 });
    expect(res.status).toBe(503);
    expect(transactionLines((await t.payments())[0]!)).toEqual(['PURCHASE UNKNOWN 15/0']);
    await t.config('settle=processed');
    await t.moveMinutes(6);
    const [payment] = await t.payments();
    expect(transactionLines(payment!)).toEqual(['PURCHASE SUCCESS 15/15']);
    expect(payment!.purchasedAmount).toBe(15);
  });
});

describe('payment control plugins', () => {
  it('answers 422 (PAYMENT_PLUGIN_API_ABORTED) when a control plugin aborts, recording nothing', async () => {
    const t = await payerOnClock('mode=succeed');
    const res = await t.http.post(`/1.0/kb/accounts/${t.accountId}/payments?controlPluginName=${TEST_PAYMENT}&pluginProperty=${encodeURIComponent('test.control=abort')}`, { transactionType: 'PURCHASE', amount: 10 });
    expect(res.status).toBe(422);
    expect(res.data).toMatchObject({ code: 7106 });
    expect(await t.payments()).toEqual([]);
  });

  it('charges the amount a control plugin adjusted', async () => {
    const t = await payerOnClock('mode=succeed');
    const res = await t.http.post(`/1.0/kb/accounts/${t.accountId}/payments?controlPluginName=${TEST_PAYMENT}&pluginProperty=${encodeURIComponent('test.control.amount=7.5')}`, { transactionType: 'PURCHASE', amount: 10 });
    expect(res.status).toBe(201);
    expect(transactionLines((await t.payments())[0]!)).toEqual(['PURCHASE SUCCESS 7.5/7.5']);
  });
});
