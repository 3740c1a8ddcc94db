import { randomUUID } from 'node:crypto';
import type { Account, ComboHostedPaymentPage, HostedPaymentPageFields, PaymentMethod } from 'killbill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTERNAL_PAYMENT, paymentTenant, startPaymentServer, TEST_PAYMENT, type PaymentServer } from '../support/payments.js';

/**
 * Kill Bill's PaymentGatewayResource through the official client's PaymentGatewayApi: a gateway
 * notification reaches plugins/test-payment (in its worker) with its raw body AND its request headers, and
 * the plugin's GatewayNotification is the answer; hosted payment page forms come from the plugin of the
 * account's default method, of a given method, or of a combo call's new account and method.
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

const fields = (values: Record<string, string>) => ({ formFields: Object.entries(values).map(([key, value]) => ({ key, value })) }) as HostedPaymentPageFields;

describe('gateway notifications', () => {
  it('hands the raw body and the headers to the plugin and answers with its GatewayNotification', async () => {
    const t = await paymentTenant(url);
    const body = '{"type":"charge.succeeded","id":"evt_1"}';
    const res = await t.kb.paymentGateways.processNotification(body, TEST_PAYMENT, 'test', undefined, ['source=webhook'], undefined, undefined, {
      headers: { 'X-Test-Payment-Signature': 'sig-abc' },
    });
    expect(res.status).toBe(200);
    expect(res.headers['x-test-payment-notification']).toBe('1');
    const echoed = res.data as unknown as { notification: string; signature: string; headers: Record<string, string>; properties: unknown[] };
    expect(echoed.notification).toBe(body);
    expect(echoed.signature).toBe('sig-abc');
    expect(echoed.headers['x-killbill-createdby']).toBe('test');
    expect(echoed.properties).toEqual([{ key: 'source', value: 'webhook' }]);
    // The caller's credentials never reach a plugin.
    expect(echoed.headers['authorization']).toBeUndefined();
    expect(echoed.headers['x-killbill-apisecret']).toBeUndefined();
  });

  it('answers with the status, body and headers the plugin chose', async () => {
    const t = await paymentTenant(url);
    const body = JSON.stringify({ respondWith: { status: 202, body: '[accepted]', headers: { 'Content-Type': 'text/plain', 'X-Gateway-Ack': 'yes' } } });
    const res = await t.http.post(`/1.0/kb/paymentGateways/notification/${TEST_PAYMENT}`, body, { headers: { 'Content-Type': 'application/json' }, transformResponse: (x: unknown) => x });
    expect(res.status).toBe(202);
    expect(res.data).toBe('[accepted]');
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.headers['x-gateway-ack']).toBe('yes');
  });

  it('takes the raw query string when the body is empty, as Kill Bill', async () => {
    const t = await paymentTenant(url);
    const res = await t.http.post(`/1.0/kb/paymentGateways/notification/${TEST_PAYMENT}?txn_id=42&payment_status=Completed`, '', { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(200);
    expect(res.data.notification).toBe('txn_id=42&payment_status=Completed');
  });

  it('answers an empty 200 for __EXTERNAL_PAYMENT__ and 7028 for an unknown plugin', async () => {
    const t = await paymentTenant(url);
    const ext = await t.http.post(`/1.0/kb/paymentGateways/notification/${EXTERNAL_PAYMENT}`, 'x', { headers: { 'Content-Type': 'text/plain' } });
    expect(ext.status).toBe(200);
    expect(ext.data).toBe('');
    const unknown = await t.http.post('/1.0/kb/paymentGateways/notification/no-such-gateway', 'x', { headers: { 'Content-Type': 'text/plain' } });
    expect(unknown.status).toBe(400);
    expect(unknown.data).toMatchObject({ code: 7028 });
  });
});

describe('a gateway notification settling a PENDING transaction', () => {
  /** A PENDING purchase on test-payment, and the webhook that settles it. */
  async function pendingPurchase(amount: number) {
    const t = await paymentTenant(url);
    await t.addMethod(TEST_PAYMENT, true);
    const res = await t.http.post(`/1.0/kb/accounts/${t.accountId}/payments?pluginProperty=test.mode%3Dpending`, { transactionType: 'PURCHASE', amount });
    expect(res.status).toBe(201);
    const paymentId = res.data.paymentId as string;
    const transactionId = (await t.kb.payments.getPayment(paymentId)).data.transactions![0]!.transactionId!;
    const webhook = (settle: 'processed' | 'error') => JSON.stringify({ kbPaymentId: paymentId, kbTransactionId: transactionId, settle });
    return { t, paymentId, transactionId, webhook };
  }
  const post = (t: Awaited<ReturnType<typeof paymentTenant>>, body: string) =>
    t.http.post(`/1.0/kb/paymentGateways/notification/${TEST_PAYMENT}`, body, { headers: { 'Content-Type': 'application/json' } });

  it('completes the transaction through ctx.killbill.notifyPendingTransaction: SUCCESS, purchased, audited as the plugin', async () => {
    const { t, paymentId, transactionId, webhook } = await pendingPurchase(42.1);
    const res = await post(t, webhook('processed'));
    expect(res.status).toBe(200);
    expect(res.data.settled).toEqual({ kbPaymentId: paymentId, kbTransactionId: transactionId, transactionType: 'PURCHASE', status: 'SUCCESS' });
    const payment = (await t.kb.payments.getPayment(paymentId, true, false, undefined, 'FULL')).data;
    expect(payment.transactions?.map((x) => [x.status, x.processedAmount])).toEqual([['SUCCESS', 42.1]]);
    expect(payment.purchasedAmount).toBe(42.1);
    expect(payment.transactions![0]!.auditLogs?.at(-1)).toMatchObject({ changeType: 'UPDATE', changedBy: `plugin:${TEST_PAYMENT}` });
    // Sent again (gateways retry): nothing is PENDING any more, the plugin still answers 200 and nothing changes.
    const again = await post(t, webhook('processed'));
    expect(again.status).toBe(200);
    expect(again.data).toMatchObject({ settled: null, refused: 'PAYMENT_NO_SUCH_SUCCESS_PAYMENT' });
  });

  it('fails the transaction on a declined settlement: PAYMENT_FAILURE, nothing purchased', async () => {
    const { t, paymentId, webhook } = await pendingPurchase(7);
    expect((await post(t, webhook('error'))).data.settled).toMatchObject({ status: 'PAYMENT_FAILURE' });
    const payment = (await t.kb.payments.getPayment(paymentId)).data;
    expect(payment.transactions?.map((x) => x.status)).toEqual(['PAYMENT_FAILURE']);
    expect(payment.purchasedAmount).toBe(0);
  });

  it('cannot settle another tenant\'s transaction: the webhook reaches the plugin in its own tenant only', async () => {
    const { t, paymentId, webhook } = await pendingPurchase(5);
    const other = await paymentTenant(url);
    const res = await post(other, webhook('processed'));
    expect(res.status).toBe(422);
    expect(res.data).toMatchObject({ refused: 'PAYMENT_NO_SUCH_PAYMENT' });
    expect((await t.kb.payments.getPayment(paymentId)).data.transactions?.map((x) => x.status)).toEqual(['PENDING']);
  });
});

describe('hosted payment page forms', () => {
  it("builds the descriptor with the plugin of the account's default method", async () => {
    const t = await paymentTenant(url);
    await t.kb.tenants.uploadPluginConfiguration('formUrl=https://pay.example/hpp', TEST_PAYMENT, 'test');
    await t.addMethod(TEST_PAYMENT, true);
    const { status, data } = await t.kb.paymentGateways.buildFormDescriptor(fields({ amount: '12.50', currency: 'USD' }), t.accountId, 'test', undefined, undefined, ['lang=fr']);
    expect(status).toBe(200);
    expect(data).toMatchObject({ kbAccountId: t.accountId, formMethod: 'POST', formUrl: 'https://pay.example/hpp', auditLogs: [] });
    expect(data.formFields).toMatchObject({ amount: '12.50', currency: 'USD', accountId: t.accountId });
    expect(String((data.formFields as Record<string, unknown>)['token'])).toMatch(/^tp_hpp_/);
    // The plugin's properties: the custom fields merged with the call's pluginProperty values.
    expect(data.properties).toEqual({ amount: '12.50', currency: 'USD', lang: 'fr' });
  });

  it('uses the method given by paymentMethodId, and refuses one of another account', async () => {
    const t = await paymentTenant(url);
    await t.addMethod(TEST_PAYMENT, true);
    const external = await t.addMethod(EXTERNAL_PAYMENT, false);
    const { data } = await t.kb.paymentGateways.buildFormDescriptor(fields({}), t.accountId, 'test', external.paymentMethodId);
    expect(data).toEqual({ kbAccountId: t.accountId, formMethod: null, formUrl: null, formFields: {}, properties: {}, auditLogs: [] });

    const other = await t.newAccount();
    const res = await t.http.post(`/1.0/kb/paymentGateways/hosted/form/${other.accountId}?paymentMethodId=${external.paymentMethodId}`, { formFields: [] });
    expect(res.status).toBe(404);
    expect(res.data).toMatchObject({ code: 7000 });
  });

  it('refuses an account without a default method (7031) and an unknown account (404)', async () => {
    const t = await paymentTenant(url);
    const none = await t.http.post(`/1.0/kb/paymentGateways/hosted/form/${t.accountId}`, { formFields: [] });
    expect(none.status).toBe(400);
    expect(none.data).toMatchObject({ code: 7031 });
    const missing = await t.http.post(`/1.0/kb/paymentGateways/hosted/form/${randomUUID()}`, { formFields: [] });
    expect(missing.status).toBe(404);
  });

  it('creates the account and its first method (as default) in the combo call', async () => {
    const t = await paymentTenant(url);
    const externalKey = `hpp-${randomUUID()}`;
    const combo = {
      account: { name: 'HPP', externalKey, currency: 'EUR' } as Account,
      paymentMethod: { pluginName: TEST_PAYMENT, externalKey: `pm-${externalKey}` } as PaymentMethod,
      hostedPaymentPageFields: fields({ amount: '3.00' }),
      paymentMethodPluginProperties: [],
    } as ComboHostedPaymentPage;
    const { data } = await t.kb.paymentGateways.buildComboFormDescriptor(combo, 'test');
    const account = (await t.kb.accounts.getAccountByKey(externalKey)).data;
    expect(data.kbAccountId).toBe(account.accountId);
    expect(data.formFields).toMatchObject({ amount: '3.00', accountId: account.accountId });
    const methods = (await t.kb.accounts.getPaymentMethodsForAccount(account.accountId!)).data;
    expect(methods.map((m) => [m.externalKey, m.pluginName, m.isDefault])).toEqual([[`pm-${externalKey}`, TEST_PAYMENT, true]]);
  });
});
