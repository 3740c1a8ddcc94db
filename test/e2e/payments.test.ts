import { randomUUID } from 'node:crypto';
import type { Account, ComboPaymentTransaction, Payment } from 'killbill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregates, EXTERNAL_PAYMENT, paymentTenant, startPaymentServer, TEST_PAYMENT, transactionLines, type PaymentServer, tx } from '../support/payments.js';

/**
 * Payments through the official client (Kill Bill's AccountResource / PaymentResource / TransactionResource):
 * purchase, authorize → capture ×2 → refund, void, credit, chargeback and its reversal, PENDING completion,
 * combo payments and every lookup, by id and by external key. The HTTP answer follows the transaction's
 * status as Kill Bill's createPaymentResponse does (SUCCESS/PENDING 201 + Location of the payment).
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

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

/** A tenant whose account has a default method on test-payment. */
async function payer() {
  const t = await paymentTenant(url);
  const pm = await t.addMethod(TEST_PAYMENT, true);
  return { ...t, paymentMethodId: pm.paymentMethodId! };
}

describe('purchase', () => {
  it('answers 201 with the Location of the payment, which carries Kill Bill’s PaymentJson', async () => {
    const t = await payer();
    const res = await t.http.post(`/1.0/kb/accounts/${t.accountId}/payments`, { transactionType: 'PURCHASE', amount: 10.5 });
    expect(res.status).toBe(201);
    const paymentId = res.data.paymentId as string;
    expect(res.headers['location']).toBe(`${url}/1.0/kb/payments/${paymentId}`);

    const payment = (await t.kb.payments.getPayment(paymentId)).data;
    expect(Object.keys(payment)).toEqual([
      'accountId', 'paymentId', 'paymentNumber', 'paymentExternalKey', 'authAmount', 'capturedAmount', 'purchasedAmount',
      'refundedAmount', 'creditedAmount', 'currency', 'paymentMethodId', 'transactions', 'paymentAttempts', 'auditLogs',
    ]);
    expect(payment).toMatchObject({
      accountId: t.accountId,
      paymentExternalKey: paymentId,
      currency: 'USD',
      paymentMethodId: t.paymentMethodId,
      ...{ authAmount: 0, capturedAmount: 0, purchasedAmount: 10.5, refundedAmount: 0, creditedAmount: 0 },
    });
    expect(payment.paymentNumber).toMatch(/^\d+$/);
    const [purchase] = payment.transactions!;
    expect(Object.keys(purchase!)).toEqual([
      'transactionId', 'transactionExternalKey', 'paymentId', 'paymentExternalKey', 'transactionType', 'amount', 'currency', 'effectiveDate',
      'processedAmount', 'processedCurrency', 'status', 'gatewayErrorCode', 'gatewayErrorMsg', 'firstPaymentReferenceId',
      'secondPaymentReferenceId', 'properties', 'auditLogs',
    ]);
    expect(purchase).toMatchObject({
      transactionExternalKey: purchase!.transactionId,
      paymentId,
      paymentExternalKey: paymentId,
      transactionType: 'PURCHASE',
      amount: 10.5,
      currency: 'USD',
      processedAmount: 10.5,
      processedCurrency: 'USD',
      status: 'SUCCESS',
    });
    expect(purchase!.effectiveDate).toMatch(ISO_INSTANT);
    // As Kill Bill, the gateway's side (references, properties) shows only withPluginInfo.
    expect(purchase).toMatchObject({ firstPaymentReferenceId: null, secondPaymentReferenceId: null, properties: null });
    const withInfo = (await t.kb.payments.getPayment(paymentId, true)).data.transactions![0]!;
    expect(withInfo.firstPaymentReferenceId).toMatch(/^tp_/);
    expect(withInfo.properties).toContainEqual(expect.objectContaining({ key: 'test.mode', value: 'succeed' }));
  });

  it('uses the given external keys and payment method, and the client follows the Location', async () => {
    const t = await payer();
    const external = await t.addMethod(EXTERNAL_PAYMENT, false);
    const paymentExternalKey = `order-${randomUUID()}`;
    const transactionExternalKey = `charge-${randomUUID()}`;
    const { data } = await t.kb.accounts.processPayment(
      tx({ transactionType: 'PURCHASE', amount: 12, paymentExternalKey, transactionExternalKey }),
      t.accountId,
      'test',
      external.paymentMethodId,
    );
    expect(data).toMatchObject({ paymentExternalKey, paymentMethodId: external.paymentMethodId, purchasedAmount: 12 });
    expect(data.transactions?.[0]).toMatchObject({ transactionExternalKey, status: 'SUCCESS' });
  });

  it('pays by account external key (POST /accounts/payments?externalKey=)', async () => {
    const t = await payer();
    const { data } = await t.kb.accounts.processPaymentByExternalKey(tx({ transactionType: 'PURCHASE', amount: 3 }), t.account.externalKey!, 'test');
    expect(data).toMatchObject({ accountId: t.accountId, purchasedAmount: 3 });
  });

  it('refuses a payment without a payment method, without an amount, or of a type an account cannot start', async () => {
    const t = await paymentTenant(url);
    const noMethod = await t.http.post(`/1.0/kb/accounts/${t.accountId}/payments`, { transactionType: 'PURCHASE', amount: 1 });
    expect(noMethod.status).toBeGreaterThanOrEqual(400);
    expect(noMethod.status).toBeLessThan(500);
    await t.addMethod(TEST_PAYMENT, true);
    expect((await t.http.post(`/1.0/kb/accounts/${t.accountId}/payments`, { transactionType: 'PURCHASE' })).status).toBe(400);
    expect((await t.http.post(`/1.0/kb/accounts/${t.accountId}/payments`, { amount: 1 })).status).toBe(400);
    // Kill Bill answers 412 for CAPTURE/REFUND/... started from an account.
    expect((await t.http.post(`/1.0/kb/accounts/${t.accountId}/payments`, { transactionType: 'CAPTURE', amount: 1 })).status).toBe(412);
    expect((await t.kb.accounts.getPaymentsForAccount(t.accountId)).data).toEqual([]);
  });

  it('refuses a method of another account (404) and an unknown account (404)', async () => {
    const t = await payer();
    const other = (await t.newAccount()).accountId!;
    const theirs = await t.addMethod(TEST_PAYMENT, false, {}, other);
    const res = await t.http.post(`/1.0/kb/accounts/${t.accountId}/payments?paymentMethodId=${theirs.paymentMethodId}`, { transactionType: 'PURCHASE', amount: 1 });
    expect(res.status).toBe(404);
    expect(res.data.code).toBe(7000);
    expect((await t.http.post(`/1.0/kb/accounts/${randomUUID()}/payments`, { transactionType: 'PURCHASE', amount: 1 })).status).toBe(404);
  });
});

describe('authorize, capture, refund, void', () => {
  it('authorizes 100, captures 30 then 20, refunds 50: the payment’s aggregates follow each step', async () => {
    const t = await payer();
    const auth = (await t.kb.accounts.processPayment(tx({ transactionType: 'AUTHORIZE', amount: 100 }), t.accountId, 'test')).data;
    expect(aggregates(auth)).toEqual({ authAmount: 100, capturedAmount: 0, purchasedAmount: 0, refundedAmount: 0, creditedAmount: 0 });

    const first = await t.http.post(`/1.0/kb/payments/${auth.paymentId}`, { amount: 30 });
    expect(first.status).toBe(201);
    expect(first.headers['location']).toBe(`${url}/1.0/kb/payments/${auth.paymentId}`);
    const second = (await t.kb.payments.captureAuthorization(tx({ amount: 20 }), auth.paymentId!, 'test')).data;
    expect(aggregates(second)).toEqual({ authAmount: 100, capturedAmount: 50, purchasedAmount: 0, refundedAmount: 0, creditedAmount: 0 });

    const refunded = (await t.kb.payments.refundPayment(tx({ amount: 50 }), auth.paymentId!, 'test')).data;
    expect(aggregates(refunded)).toEqual({ authAmount: 100, capturedAmount: 50, purchasedAmount: 0, refundedAmount: 50, creditedAmount: 0 });
    expect(transactionLines(refunded)).toEqual(['AUTHORIZE SUCCESS 100/100', 'CAPTURE SUCCESS 30/30', 'CAPTURE SUCCESS 20/20', 'REFUND SUCCESS 50/50']);
  });

  it('voids an authorization (204): authAmount reads 0, and a capture after it is refused (400, PAYMENT_INVALID_OPERATION)', async () => {
    const t = await payer();
    const auth = (await t.kb.accounts.processPayment(tx({ transactionType: 'AUTHORIZE', amount: 40 }), t.accountId, 'test')).data;
    const voided = await t.kb.payments.voidPayment(tx({}), auth.paymentId!, 'test');
    expect(voided.status).toBe(204);
    const payment = (await t.kb.payments.getPayment(auth.paymentId!)).data;
    expect(payment.authAmount).toBe(0);
    expect(payment.transactions?.map((x) => `${x.transactionType} ${x.status}`)).toEqual(['AUTHORIZE SUCCESS', 'VOID SUCCESS']);

    const capture = await t.http.post(`/1.0/kb/payments/${auth.paymentId}`, { amount: 10 });
    expect(capture.status).toBe(400);
    expect(capture.headers['location']).toBeUndefined();
    expect(capture.data).toMatchObject({ code: 7032, className: expect.stringContaining('PaymentApiException') });
    expect((await t.kb.payments.getPayment(auth.paymentId!)).data.transactions).toHaveLength(2);
  });

  it('voids with no body at all, sent as a form the way body-less client calls are (204)', async () => {
    const t = await payer();
    const auth = (await t.kb.accounts.processPayment(tx({ transactionType: 'AUTHORIZE', amount: 9 }), t.accountId, 'test')).data;
    const res = await t.http.delete(`/1.0/kb/payments/${auth.paymentId}`, { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(204);
    expect((await t.kb.payments.getPayment(auth.paymentId!)).data.transactions?.map((x) => x.transactionType)).toEqual(['AUTHORIZE', 'VOID']);
  });

  it('refuses to refund an authorization that was never captured, and to void a purchase (400, 7032)', async () => {
    const t = await payer();
    const auth = (await t.kb.accounts.processPayment(tx({ transactionType: 'AUTHORIZE', amount: 5 }), t.accountId, 'test')).data;
    const refund = await t.http.post(`/1.0/kb/payments/${auth.paymentId}/refunds`, { amount: 5 });
    expect(refund.status).toBe(400);
    expect(refund.data.code).toBe(7032);
    const purchase = (await t.kb.accounts.processPayment(tx({ transactionType: 'PURCHASE', amount: 5 }), t.accountId, 'test')).data;
    const voided = await t.http.delete(`/1.0/kb/payments/${purchase.paymentId}`, { data: {} });
    expect(voided.status).toBe(400);
    expect(voided.data.code).toBe(7032);
  });

  it('does the same by external keys: capture, refund and void addressed by paymentExternalKey', async () => {
    const t = await payer();
    const paymentExternalKey = `ext-${randomUUID()}`;
    await t.kb.accounts.processPayment(tx({ transactionType: 'AUTHORIZE', amount: 60, paymentExternalKey }), t.accountId, 'test');
    const captured = (await t.kb.payments.captureAuthorizationByExternalKey(tx({ paymentExternalKey, amount: 60 }), 'test')).data;
    expect(captured.capturedAmount).toBe(60);
    const refunded = (await t.kb.payments.refundPaymentByExternalKey(tx({ paymentExternalKey, amount: 10 }), 'test')).data;
    expect(refunded.refundedAmount).toBe(10);

    const otherKey = `ext-${randomUUID()}`;
    await t.kb.accounts.processPayment(tx({ transactionType: 'AUTHORIZE', amount: 7, paymentExternalKey: otherKey }), t.accountId, 'test');
    expect((await t.kb.payments.voidPaymentByExternalKey(tx({ paymentExternalKey: otherKey }), 'test')).status).toBe(204);
    expect((await t.kb.payments.getPaymentByExternalKey(otherKey)).data.authAmount).toBe(0);
  });

  it('credits an account (CREDIT): creditedAmount', async () => {
    const t = await payer();
    const { data } = await t.kb.accounts.processPayment(tx({ transactionType: 'CREDIT', amount: 8.25 }), t.accountId, 'test');
    expect(aggregates(data)).toEqual({ authAmount: 0, capturedAmount: 0, purchasedAmount: 0, refundedAmount: 0, creditedAmount: 8.25 });
  });
});

describe('chargebacks', () => {
  it('charges back a purchase, then reverses the chargeback with its transactionExternalKey (a CHARGEBACK in PAYMENT_FAILURE)', async () => {
    const t = await payer();
    const purchase = (await t.kb.accounts.processPayment(tx({ transactionType: 'PURCHASE', amount: 25 }), t.accountId, 'test')).data;
    const chargebackKey = `cb-${randomUUID()}`;
    const res = await t.http.post(`/1.0/kb/payments/${purchase.paymentId}/chargebacks`, { amount: 25, transactionExternalKey: chargebackKey });
    expect(res.status).toBe(201);
    const charged = (await t.kb.payments.getPayment(purchase.paymentId!)).data;
    expect(transactionLines(charged)).toEqual(['PURCHASE SUCCESS 25/25', 'CHARGEBACK SUCCESS 25/25']);

    // Kill Bill answers the reversal from the status of the CHARGEBACK it appends: PAYMENT_FAILURE → 402, Location of the payment.
    const reversal = await t.http.post(`/1.0/kb/payments/${purchase.paymentId}/chargebackReversals`, { transactionExternalKey: chargebackKey });
    expect(reversal.status).toBe(402);
    expect(reversal.headers['location']).toBe(`${url}/1.0/kb/payments/${purchase.paymentId}`);
    const reversed = (await t.kb.payments.getPayment(purchase.paymentId!)).data;
    expect(reversed.transactions?.map((x) => `${x.transactionType} ${x.status} ${x.transactionExternalKey === chargebackKey}`)).toEqual([
      'PURCHASE SUCCESS false',
      'CHARGEBACK SUCCESS true',
      'CHARGEBACK PAYMENT_FAILURE true',
    ]);
  });

  it('refuses a reversal without transactionExternalKey (400) and a chargeback of an authorization (400, 7032)', async () => {
    const t = await payer();
    const purchase = (await t.kb.accounts.processPayment(tx({ transactionType: 'PURCHASE', amount: 4 }), t.accountId, 'test')).data;
    expect((await t.http.post(`/1.0/kb/payments/${purchase.paymentId}/chargebackReversals`, {})).status).toBe(400);
    const auth = (await t.kb.accounts.processPayment(tx({ transactionType: 'AUTHORIZE', amount: 4 }), t.accountId, 'test')).data;
    const cb = await t.http.post(`/1.0/kb/payments/${auth.paymentId}/chargebacks`, { amount: 4 });
    expect(cb.status).toBe(400);
    expect(cb.data.code).toBe(7032);
  });

  it('charges back by payment external key', async () => {
    const t = await payer();
    const paymentExternalKey = `cbx-${randomUUID()}`;
    await t.kb.accounts.processPayment(tx({ transactionType: 'PURCHASE', amount: 9, paymentExternalKey }), t.accountId, 'test');
    const { data } = await t.kb.payments.chargebackPaymentByExternalKey(tx({ paymentExternalKey, amount: 9 }), 'test');
    expect(transactionLines(data)).toEqual(['PURCHASE SUCCESS 9/9', 'CHARGEBACK SUCCESS 9/9']);
  });
});

describe('PENDING transactions', () => {
  it('answers 201 for a PENDING purchase, and completes it with PUT /payments/{id} (204)', async () => {
    const t = await payer();
    const res = await t.http.post(`/1.0/kb/accounts/${t.accountId}/payments?pluginProperty=test.mode%3Dpending`, { transactionType: 'PURCHASE', amount: 15 });
    expect(res.status).toBe(201);
    const paymentId = res.data.paymentId as string;
    expect((await t.kb.payments.getPayment(paymentId)).data.transactions?.map((x) => x.status)).toEqual(['PENDING']);

    expect((await t.kb.payments.completeTransaction(tx({}), paymentId, 'test')).status).toBe(204);
    const done = (await t.kb.payments.getPayment(paymentId)).data;
    expect(done.transactions?.map((x) => x.status)).toEqual(['SUCCESS']);
    expect(done.purchasedAmount).toBe(15);
  });

  it('reads withPluginInfo from the plugin: the gateway\'s reference and properties, and a PENDING purchase it settled since reads SUCCESS', async () => {
    const t = await payer();
    const res = await t.http.post(`/1.0/kb/accounts/${t.accountId}/payments?pluginProperty=test.mode%3Dpending`, { transactionType: 'PURCHASE', amount: 6.5 });
    const paymentId = res.data.paymentId as string;
    // The gateway settles it on its side; without withPluginInfo nobody asks it, so it stays PENDING here.
    await t.kb.tenants.uploadPluginConfiguration('settle=processed', TEST_PAYMENT, 'test');
    expect((await t.kb.payments.getPayment(paymentId)).data.transactions?.map((x) => x.status)).toEqual(['PENDING']);

    const read = (await t.kb.payments.getPayment(paymentId, true)).data;
    expect(read.transactions?.map((x) => [x.status, x.processedAmount])).toEqual([['SUCCESS', 6.5]]);
    expect(read.purchasedAmount).toBe(6.5);
    expect(read.transactions![0]!.firstPaymentReferenceId).toMatch(/^tp_/);
    expect(read.transactions![0]!.properties).toEqual([{ key: 'test.mode', value: 'pending', isUpdatable: false }]);
    // Recorded, not only shown: a plain read now says SUCCESS too, and so do the account's payments.
    expect((await t.kb.payments.getPayment(paymentId)).data.transactions?.map((x) => x.status)).toEqual(['SUCCESS']);
    const listed = (await t.kb.accounts.getPaymentsForAccount(t.accountId, false, true)).data;
    expect(listed.map((p) => p.transactions![0]!.firstPaymentReferenceId)).toEqual([read.transactions![0]!.firstPaymentReferenceId]);
  });

  it('settles a PENDING transaction by notifyStateChanged (POST /paymentTransactions/{id})', async () => {
    const t = await payer();
    const pending = (
      await t.kb.accounts.processPayment(tx({ transactionType: 'AUTHORIZE', amount: 11 }), t.accountId, 'test', undefined, undefined, ['test.mode=pending'])
    ).data;
    const transactionId = pending.transactions![0]!.transactionId!;
    const { data } = await t.kb.paymentTransactions.notifyStateChanged(tx({ paymentId: pending.paymentId, status: 'SUCCESS' }), transactionId, 'test');
    expect(data.transactions?.[0]?.status).toBe('SUCCESS');
    expect(data.authAmount).toBe(11);
  });
});

describe('combo payments', () => {
  it('creates the account and its payment method, then purchases, in one call', async () => {
    const t = await paymentTenant(url);
    const externalKey = `combo-${randomUUID()}`;
    const body = {
      account: { name: 'Combo', externalKey, currency: 'EUR' } as Account,
      paymentMethod: { pluginName: TEST_PAYMENT },
      transaction: { transactionType: 'PURCHASE', amount: 19.99 },
    } as ComboPaymentTransaction;
    const { data } = await t.kb.payments.createComboPayment(body, 'test');
    const account = (await t.kb.accounts.getAccountByKey(externalKey)).data;
    expect(data).toMatchObject({ accountId: account.accountId, currency: 'EUR', purchasedAmount: 19.99 });
    const methods = (await t.kb.accounts.getPaymentMethodsForAccount(account.accountId!)).data;
    expect(methods.map((m) => m.paymentMethodId)).toEqual([data.paymentMethodId]);

    // The same account and method again, found by key: a second payment, no second account or method.
    const again = (await t.kb.payments.createComboPayment({ ...body, paymentMethod: { pluginName: TEST_PAYMENT, paymentMethodId: data.paymentMethodId } }, 'test')).data;
    expect(again.accountId).toBe(account.accountId);
    expect((await t.kb.accounts.getPaymentsForAccount(account.accountId!)).data).toHaveLength(2);
  });
});

describe('combo payments on an existing account', () => {
  it('finds the account by id and takes AccountJson numbers (billCycleDayLocal) when it creates one', async () => {
    const t = await payer();
    const byId = (await t.kb.payments.createComboPayment({ account: { accountId: t.accountId } as Account, transaction: { transactionType: 'AUTHORIZE', amount: 4 } }, 'test')).data;
    // No paymentMethod: the account's default, as Kill Bill's combo call.
    expect(byId).toMatchObject({ accountId: t.accountId, paymentMethodId: t.paymentMethodId, authAmount: 4 });

    const externalKey = `combo-bcd-${randomUUID()}`;
    const body = {
      account: { name: 'Combo BCD', externalKey, currency: 'USD', billCycleDayLocal: 15 } as Account,
      paymentMethod: { pluginName: TEST_PAYMENT, externalKey: `card-${randomUUID()}` },
      transaction: { transactionType: 'PURCHASE', amount: 1 },
    } as ComboPaymentTransaction;
    await t.kb.payments.createComboPayment(body, 'test');
    expect((await t.kb.accounts.getAccountByKey(externalKey)).data.billCycleDayLocal).toBe(15);
    // The method found again by its external key: still one method.
    const again = (await t.kb.payments.createComboPayment(body, 'test')).data;
    expect((await t.kb.accounts.getPaymentMethodsForAccount(again.accountId!)).data).toHaveLength(1);
  });
});

describe('finding payments', () => {
  it('finds a payment by id, external key, transaction id and transaction external key; lists the account’s', async () => {
    const t = await payer();
    const paymentExternalKey = `find-${randomUUID()}`;
    const transactionExternalKey = `find-tx-${randomUUID()}`;
    const made = (await t.kb.accounts.processPayment(tx({ transactionType: 'PURCHASE', amount: 2, paymentExternalKey, transactionExternalKey }), t.accountId, 'test')).data;
    const transactionId = made.transactions![0]!.transactionId!;

    expect((await t.kb.payments.getPaymentByExternalKey(paymentExternalKey)).data.paymentId).toBe(made.paymentId);
    expect((await t.kb.paymentTransactions.getPaymentByTransactionId(transactionId)).data.paymentId).toBe(made.paymentId);
    expect((await t.kb.paymentTransactions.getPaymentByTransactionExternalKey(transactionExternalKey)).data.paymentId).toBe(made.paymentId);
    expect((await t.kb.accounts.getPaymentsForAccount(t.accountId)).data.map((p: Payment) => p.paymentId)).toEqual([made.paymentId]);

    expect((await t.http.get(`/1.0/kb/payments/${randomUUID()}`)).data.code).toBe(7020);
    expect((await t.http.get(`/1.0/kb/payments?externalKey=nope-${randomUUID()}`)).status).toBe(404);
    expect((await t.http.get(`/1.0/kb/paymentTransactions/${randomUUID()}`)).status).toBe(404);
    expect((await t.http.get('/1.0/kb/payments/not-a-uuid')).status).toBeGreaterThanOrEqual(400);
  });

  it('shows the attempts with withAttempts, and audit logs with audit=FULL', async () => {
    const t = await payer();
    const made = (await t.kb.accounts.processPayment(tx({ transactionType: 'PURCHASE', amount: 6 }), t.accountId, 'test')).data;
    const plain = (await t.kb.payments.getPayment(made.paymentId!)).data;
    expect(plain.paymentAttempts ?? null).toBeNull();
    const withAttempts = (await t.kb.payments.getPayment(made.paymentId!, false, true, undefined, 'FULL')).data;
    expect(withAttempts.paymentAttempts?.length).toBeGreaterThanOrEqual(1);
    expect(withAttempts.paymentAttempts?.[0]).toMatchObject({ accountId: t.accountId, transactionType: 'PURCHASE', amount: 6, currency: 'USD' });
    expect(withAttempts.auditLogs?.[0]).toMatchObject({ changeType: 'INSERT', changedBy: 'test' });
  });

  it('pages through the tenant’s payments with pagination headers and searches them', async () => {
    const t = await payer();
    const paymentExternalKey = `search-${randomUUID()}`;
    const made: Payment[] = [];
    for (const amount of [1, 2, 3]) {
      const keys = amount === 2 ? { paymentExternalKey } : {};
      made.push((await t.kb.accounts.processPayment(tx({ transactionType: 'PURCHASE', amount, ...keys }), t.accountId, 'test')).data);
    }
    const page = await t.http.get('/1.0/kb/payments/pagination?offset=1&limit=1');
    expect(page.status).toBe(200);
    expect(page.data).toHaveLength(1);
    expect(page.headers['x-killbill-pagination-currentoffset']).toBe('1');
    expect(page.headers['x-killbill-pagination-totalnbrecords']).toBe('3');
    expect(page.headers['x-killbill-pagination-nextoffset']).toBe('2');
    expect((await t.kb.payments.getPayments()).data).toHaveLength(3);
    const wanted = made[1]!;
    expect((await t.kb.payments.searchPayments(paymentExternalKey)).data.map((p) => p.paymentId)).toEqual([wanted.paymentId]);
    expect((await t.kb.payments.searchPayments(wanted.paymentId!)).data.map((p) => p.paymentId)).toEqual([wanted.paymentId]);
    const searched = await t.http.get(`/1.0/kb/payments/search/${paymentExternalKey}`);
    expect(searched.headers['x-killbill-pagination-totalnbrecords']).toBe('1');
  });
});
