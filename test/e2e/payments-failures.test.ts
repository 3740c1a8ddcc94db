import { randomUUID } from 'node:crypto';
import type { PaymentTransaction } from 'killbill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killbill, rawHttp } from '../support/killbill.js';
import { paymentTenant, startPaymentServer, TEST_PAYMENT, transactionLines, type PaymentServer, tx } from '../support/payments.js';

/**
 * What goes wrong, as Kill Bill answers it: a decline (plugin ERROR → PAYMENT_FAILURE, 402 with the
 * payment), a plugin that throws (PLUGIN_FAILURE, 502), a CANCELED answer (PLUGIN_FAILURE, 502), an
 * UNDEFINED one (UNKNOWN, 503); idempotency on transactionExternalKey (a key that succeeded is refused
 * with 7030, a failed one retries into the same payment); currency precision; tenant isolation.
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


async function payer(currency = 'USD') {
  const t = await paymentTenant(url, currency);
  const pm = await t.addMethod(TEST_PAYMENT, true);
  const pay = (body: Record<string, unknown>, mode?: string) =>
    t.http.post(`/1.0/kb/accounts/${t.accountId}/payments${mode ? `?pluginProperty=${encodeURIComponent(`test.mode=${mode}`)}` : ''}`, body);
  return { ...t, paymentMethodId: pm.paymentMethodId!, pay };
}

describe('gateway outcomes', () => {
  it('answers a decline 402 with the payment JSON: PAYMENT_FAILURE, processedAmount 0, the gateway’s code and message', async () => {
    const t = await payer();
    const res = await t.pay({ transactionType: 'PURCHASE', amount: 20 }, 'decline');
    expect(res.status).toBe(402);
    expect(res.headers['location']).toBe(`${url}/1.0/kb/payments/${res.data.paymentId}`);
    expect(res.data).toMatchObject({ accountId: t.accountId, purchasedAmount: 0, currency: 'USD' });
    expect(res.data.transactions).toHaveLength(1);
    expect(res.data.transactions[0]).toMatchObject({
      transactionType: 'PURCHASE',
      status: 'PAYMENT_FAILURE',
      amount: 20,
      processedAmount: 0,
      gatewayErrorCode: 'card_declined',
      gatewayErrorMsg: 'Your card was declined.',
    });
    // The official client sees the 402 as an error carrying the same body.
    type Answer = { status: number; data: { transactions?: PaymentTransaction[] } };
    const thrown: Answer = await t.kb.accounts
      .processPayment(tx({ transactionType: 'PURCHASE', amount: 1 }), t.accountId, 'test', undefined, undefined, ['test.mode=decline'])
      .then(
        (r) => ({ status: r.status, data: r.data }),
        (e: { response: Answer }) => e.response,
      );
    expect(thrown.status).toBe(402);
    expect(thrown.data.transactions?.[0]?.status).toBe('PAYMENT_FAILURE');
  });

  it('declines every call while the tenant config says mode=decline (uploadPluginConfig), and recovers after', async () => {
    const t = await payer();
    await t.kb.tenants.uploadPluginConfiguration('mode=decline\ndeclineCode=insufficient_funds', TEST_PAYMENT, 'test');
    const declined = await t.pay({ transactionType: 'AUTHORIZE', amount: 5 });
    expect(declined.status).toBe(402);
    expect(declined.data.transactions[0]).toMatchObject({ status: 'PAYMENT_FAILURE', gatewayErrorCode: 'insufficient_funds', processedAmount: 0 });
    expect(declined.data.authAmount).toBe(0);
    await t.kb.tenants.uploadPluginConfiguration('mode=succeed', TEST_PAYMENT, 'test');
    expect((await t.pay({ transactionType: 'AUTHORIZE', amount: 5 })).status).toBe(201);
  });

  it('answers 502 when the plugin throws, recording PLUGIN_FAILURE', async () => {
    const t = await payer();
    const transactionExternalKey = `boom-${randomUUID()}`;
    const res = await t.pay({ transactionType: 'PURCHASE', amount: 3, transactionExternalKey }, 'throw');
    expect(res.status).toBe(502);
    const payment = (await t.kb.paymentTransactions.getPaymentByTransactionExternalKey(transactionExternalKey)).data;
    expect(payment.transactions?.map((x) => `${x.status} ${x.processedAmount}`)).toEqual(['PLUGIN_FAILURE 0']);
    expect(payment.purchasedAmount).toBe(0);
  });

  it('answers 502 for a CANCELED answer (PLUGIN_FAILURE) and 503 for an UNDEFINED one (UNKNOWN)', async () => {
    const t = await payer();
    const canceled = await t.pay({ transactionType: 'PURCHASE', amount: 3 }, 'cancel');
    expect(canceled.status).toBe(502);
    const undefinedAnswer = await t.pay({ transactionType: 'PURCHASE', amount: 3 }, 'undefined');
    expect(undefinedAnswer.status).toBe(503);
    const statuses = (await t.kb.accounts.getPaymentsForAccount(t.accountId)).data.map((p) => p.transactions?.[0]?.status).sort();
    expect(statuses).toEqual(['PLUGIN_FAILURE', 'UNKNOWN']);
  });
});

describe('idempotency on transactionExternalKey', () => {
  it('refuses a key that already succeeded (400, PAYMENT_ACTIVE_TRANSACTION_KEY_EXISTS) and charges once', async () => {
    const t = await payer();
    const transactionExternalKey = `once-${randomUUID()}`;
    expect((await t.pay({ transactionType: 'PURCHASE', amount: 42, transactionExternalKey })).status).toBe(201);
    const again = await t.pay({ transactionType: 'PURCHASE', amount: 42, transactionExternalKey });
    expect(again.status).toBe(400);
    expect(again.data).toMatchObject({ code: 7030, className: expect.stringContaining('PaymentApiException') });
    const payments = (await t.kb.accounts.getPaymentsForAccount(t.accountId)).data;
    expect(payments).toHaveLength(1);
    expect(transactionLines(payments[0]!)).toEqual(['PURCHASE SUCCESS 42/42']);
  });

  it('retries a declined key into the same payment: PAYMENT_FAILURE then SUCCESS', async () => {
    const t = await payer();
    const transactionExternalKey = `retry-${randomUUID()}`;
    const paymentExternalKey = `order-${randomUUID()}`;
    const declined = await t.pay({ transactionType: 'PURCHASE', amount: 30, transactionExternalKey, paymentExternalKey }, 'decline');
    expect(declined.status).toBe(402);
    const ok = await t.pay({ transactionType: 'PURCHASE', amount: 30, transactionExternalKey, paymentExternalKey });
    expect(ok.status).toBe(201);
    const payment = (await t.kb.payments.getPaymentByExternalKey(paymentExternalKey)).data;
    expect(payment.paymentId).toBe(declined.data.paymentId);
    expect(transactionLines(payment)).toEqual(['PURCHASE PAYMENT_FAILURE 30/0', 'PURCHASE SUCCESS 30/30']);
    expect(payment.purchasedAmount).toBe(30);
    expect((await t.kb.accounts.getPaymentsForAccount(t.accountId)).data).toHaveLength(1);
  });

  it('keeps keys per tenant: another tenant may use the same transactionExternalKey', async () => {
    const a = await payer();
    const b = await payer();
    const transactionExternalKey = `shared-${randomUUID()}`;
    expect((await a.pay({ transactionType: 'PURCHASE', amount: 1, transactionExternalKey })).status).toBe(201);
    expect((await b.pay({ transactionType: 'PURCHASE', amount: 1, transactionExternalKey })).status).toBe(201);
  });
});

describe('currency precision', () => {
  it('refuses an amount with more decimals than the currency has (400), recording nothing', async () => {
    const t = await payer('USD');
    const res = await t.pay({ transactionType: 'PURCHASE', amount: 10.001 });
    expect(res.status).toBe(400);
    expect((await t.kb.accounts.getPaymentsForAccount(t.accountId)).data).toEqual([]);
    const jpy = await payer('JPY');
    expect((await jpy.pay({ transactionType: 'PURCHASE', amount: 100.5 })).status).toBe(400);
    expect((await jpy.pay({ transactionType: 'PURCHASE', amount: 100 })).status).toBe(201);
  });

  it('takes BTC with its 8 decimals, exact to the satoshi on the wire', async () => {
    const t = await payer('BTC');
    const res = await t.pay({ transactionType: 'PURCHASE', amount: 0.00012345 });
    expect(res.status).toBe(201);
    const raw = await t.http.get(`/1.0/kb/payments/${res.data.paymentId}`, { transformResponse: (body: string) => body });
    expect(raw.data).toContain('"purchasedAmount":0.00012345');
    expect(raw.data).toContain('"currency":"BTC"');
    const payment = (await t.kb.payments.getPayment(res.data.paymentId)).data;
    expect(payment.transactions?.[0]).toMatchObject({ amount: 0.00012345, processedAmount: 0.00012345, processedCurrency: 'BTC', status: 'SUCCESS' });
  });

  it('keeps refunds exact in amounts a double cannot hold (0.1 + 0.2)', async () => {
    const t = await payer();
    const made = await t.pay({ transactionType: 'PURCHASE', amount: 0.3 });
    await t.http.post(`/1.0/kb/payments/${made.data.paymentId}/refunds`, { amount: 0.1 });
    await t.http.post(`/1.0/kb/payments/${made.data.paymentId}/refunds`, { amount: 0.2 });
    const raw = await t.http.get(`/1.0/kb/payments/${made.data.paymentId}`, { transformResponse: (body: string) => body });
    expect(raw.data).toContain('"refundedAmount":0.3,');
  });
});

describe('tenant isolation', () => {
  it('answers 404 for another tenant’s payment, by id, key, transaction, and for its writes', async () => {
    const mine = await payer();
    const theirs = await payer();
    const paymentExternalKey = `theirs-${randomUUID()}`;
    const made = await theirs.pay({ transactionType: 'AUTHORIZE', amount: 50, paymentExternalKey });
    const paymentId = made.data.paymentId as string;
    const transactionId = made.data.transactions[0].transactionId as string;

    const byId = await mine.http.get(`/1.0/kb/payments/${paymentId}`);
    expect(byId.status).toBe(404);
    expect(byId.data.code).toBe(7020);
    expect((await mine.http.get(`/1.0/kb/payments?externalKey=${paymentExternalKey}`)).status).toBe(404);
    expect((await mine.http.get(`/1.0/kb/paymentTransactions/${transactionId}`)).status).toBe(404);
    expect((await mine.http.post(`/1.0/kb/payments/${paymentId}`, { amount: 50 })).status).toBe(404);
    expect((await mine.http.delete(`/1.0/kb/payments/${paymentId}`, { data: {} })).status).toBe(404);
    expect((await mine.kb.payments.getPayments()).data).toEqual([]);
    // Untouched for its owner.
    expect((await theirs.kb.payments.getPayment(paymentId)).data.capturedAmount).toBe(0);
  });
});

describe('permissions', () => {
  it('needs payment:trigger to pay and payment:refund to refund (403 otherwise), as Kill Bill’s PaymentApi', async () => {
    const t = await payer();
    const role = `cashier-${randomUUID().slice(0, 8)}`;
    const admin = killbill(url);
    await admin.security.addRoleDefinition({ role, permissions: ['payment:trigger'] }, 'test');
    const user = { username: `cashier-${randomUUID().slice(0, 8)}`, password: `pw-${randomUUID()}` };
    await admin.security.addUserRoles({ ...user, roles: [role] }, 'test');
    const cashier = rawHttp(url, t.credentials, user);
    cashier.defaults.headers.common['X-Killbill-CreatedBy'] = 'cashier';

    const paid = await cashier.post(`/1.0/kb/accounts/${t.accountId}/payments`, { transactionType: 'PURCHASE', amount: 5 });
    expect(paid.status).toBe(201);
    const refund = await cashier.post(`/1.0/kb/payments/${paid.data.paymentId}/refunds`, { amount: 5 });
    expect(refund.status).toBe(403);
    expect(refund.data.message).toContain('payment:refund');
    expect((await cashier.post(`/1.0/kb/payments/${paid.data.paymentId}/chargebacks`, { amount: 5 })).status).toBe(403);
    expect((await t.kb.payments.getPayment(paid.data.paymentId)).data.refundedAmount).toBe(0);

  });
});
