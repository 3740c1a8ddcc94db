import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Decimal } from 'decimal.js';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testCallContext } from '../../../test/support/engine.js';
import { createAccountService, type AccountService } from '../account/service.js';
import { systemClock } from '../clock/clock.js';
import { isBillingError } from '../errors/index.js';
import { ObjectRegistry } from '../object/registry.js';
import type { Database } from '../persistence/database.js';
import type { HostBackend } from '../plugins/host-api.js';
import { createPluginService, workerPoolFactory, type PluginService } from '../plugins/service.js';
import type { TenantId } from '../values/ids.js';
import { EXTERNAL_PAYMENT_PLUGIN, type PaymentService } from './payment-service.js';
import { createPaymentGateway, type PaymentGateway } from './plugin-call.js';
import { createPaymentService } from './service.js';

/**
 * The payment service on a real MariaDB: the built-in __EXTERNAL_PAYMENT__ in-process, and
 * plugins/test-payment installed into a temporary KB_PLUGINS_DIR and running in its worker pool (its
 * ledger in an in-memory plugin storage). The plugin deadline is shortened so a hanging plugin ends fast.
 */
const logger = pino({ level: 'silent' });
const testPayment = fileURLToPath(new URL('../../../plugins/test-payment', import.meta.url));
const ctx = testCallContext(21);
const storage = new Map<string, string>();
const backend: HostBackend = {
  getAccount: async () => { throw new Error('not used'); },
  getTenantValues: async () => [],
  getPluginValue: async (_ctx, plugin, key) => storage.get(`${plugin}:${key}`) ?? null,
  putPluginValue: async (_ctx, plugin, key, value) => void storage.set(`${plugin}:${key}`, value),
  log: () => undefined,
};
const tenants = {
  getById: async (id: TenantId) => ({ recordId: 21, id, externalKey: null, apiKey: 'payments', createdDate: new Date() }),
  getValues: async (_ctx: unknown, key: string) => ({ key, values: [] as string[] }),
};

let db: Database & { drop(): Promise<void> };
let work: string;
let plugins: PluginService;
let accounts: AccountService;
let payments: PaymentService;
let pluginCalls = 0;

beforeAll(async () => {
  db = await openTestDatabase(import.meta.filename);
  work = await mkdtemp(join(tmpdir(), 'payments-'));
  plugins = createPluginService({ pluginsDir: work, poolFactory: workerPoolFactory(logger), broadcast: null, logger, hostBackend: backend });
  await plugins.install(testPayment);
  await plugins.start('test-payment');
  const objects = new ObjectRegistry();
  accounts = createAccountService({ db, clock: systemClock, objects });
  const real = createPaymentGateway({ plugins, tenants, logger, deadlineMs: 5_000 });
  const gateway: PaymentGateway = {
    ...real,
    transaction: (c, call) => {
      pluginCalls++;
      return real.transaction(c, call);
    },
  };
  payments = createPaymentService({ db, clock: systemClock, logger, gateway, tags: { add: async () => undefined }, objects });
}, 60_000);

afterAll(async () => {
  await plugins?.stopAll();
  await db?.drop();
  if (work) await rm(work, { recursive: true, force: true });
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (e) {
    if (isBillingError(e)) return e.code;
    throw e;
  }
  throw new Error('expected a BillingError');
}

async function accountWith(pluginName: string, currency = 'USD') {
  const account = await accounts.create(ctx, { currency: currency as 'USD' });
  const method = await payments.addPaymentMethod(ctx, { accountId: account.id, pluginName, isDefault: true });
  return { account, method };
}

const mode = (m: string) => [{ key: 'test.mode', value: m }];

describe('payment methods', () => {
  it('adds a default method on the test gateway and lists it as the default', async () => {
    const { account, method } = await accountWith('test-payment');
    expect(method).toMatchObject({ accountId: account.id, pluginName: 'test-payment', isDefault: true, isActive: true, externalKey: method.id });
    const listed = await payments.listAccountPaymentMethods(ctx, account.id);
    expect(listed.map((m) => [m.id, m.isDefault])).toEqual([[method.id, true]]);
  });

  it('refuses to delete the default method unless forced, and a second external method', async () => {
    const { account, method } = await accountWith(EXTERNAL_PAYMENT_PLUGIN);
    expect(await codeOf(payments.deletePaymentMethod(ctx, method.id))).toBe('PAYMENT_DEL_DEFAULT_PAYMENT_METHOD');
    expect(await codeOf(payments.addPaymentMethod(ctx, { accountId: account.id, pluginName: EXTERNAL_PAYMENT_PLUGIN }))).toBe('PAYMENT_EXTERNAL_PAYMENT_METHOD_ALREADY_EXISTS');
    await payments.deletePaymentMethod(ctx, method.id, { forceDefaultPmDeletion: true });
    expect(await payments.listAccountPaymentMethods(ctx, account.id)).toEqual([]);
    expect(await codeOf(payments.getPaymentMethod(ctx, method.id))).toBe('PAYMENT_NO_SUCH_PAYMENT_METHOD');
    expect((await payments.getPaymentMethod(ctx, method.id, { includedDeleted: true })).isActive).toBe(false);
  });

  it('refuses a plugin that is not running and a purchase without a default method', async () => {
    const account = await accounts.create(ctx, { currency: 'USD' });
    expect(await codeOf(payments.addPaymentMethod(ctx, { accountId: account.id, pluginName: 'no-such-gateway' }))).toBe('PAYMENT_NO_SUCH_PAYMENT_PLUGIN');
    expect(await codeOf(payments.createPayment(ctx, { accountId: account.id, transactionType: 'PURCHASE', amount: new Decimal(5) }))).toBe('PAYMENT_NO_DEFAULT_PAYMENT_METHOD');
  });

  it('answers an account that does not exist, or is another tenant’s, as ACCOUNT_DOES_NOT_EXIST_FOR_ID, for a method and for a payment', async () => {
    const theirs = await accounts.create(testCallContext(ctx.tenant.recordId + 1000), { currency: 'USD' });
    for (const accountId of [crypto.randomUUID(), theirs.id]) {
      expect(await codeOf(payments.addPaymentMethod(ctx, { accountId, pluginName: EXTERNAL_PAYMENT_PLUGIN }))).toBe('ACCOUNT_DOES_NOT_EXIST_FOR_ID');
      expect(await codeOf(payments.createPayment(ctx, { accountId, transactionType: 'PURCHASE', amount: new Decimal(5) }))).toBe('ACCOUNT_DOES_NOT_EXIST_FOR_ID');
    }
  });
});

describe('payments through the test gateway in its worker', () => {
  it('authorizes, captures twice and refunds with Kill Bill figures', async () => {
    const { account } = await accountWith('test-payment');
    const auth = await payments.createPayment(ctx, { accountId: account.id, transactionType: 'AUTHORIZE', amount: new Decimal('10.00') });
    expect(auth.transaction.status).toBe('SUCCESS');
    expect(auth.payment.stateName).toBe('AUTH_SUCCESS');
    const target = { paymentId: auth.payment.id };
    await payments.capture(ctx, { target, amount: new Decimal('4.00') });
    await payments.capture(ctx, { target, amount: new Decimal('5.00') });
    const refund = await payments.refund(ctx, { target, amount: new Decimal('3.00') });
    expect(refund.transaction).toMatchObject({ transactionType: 'REFUND', status: 'SUCCESS' });
    const p = refund.payment;
    expect([p.authAmount, p.capturedAmount, p.purchasedAmount, p.refundedAmount, p.creditedAmount].map((d) => d.toFixed(2))).toEqual(['10.00', '9.00', '0.00', '3.00', '0.00']);
    expect(p.transactions.map((t) => t.transactionType)).toEqual(['AUTHORIZE', 'CAPTURE', 'CAPTURE', 'REFUND']);
    expect(p.stateName).toBe('REFUND_SUCCESS');
    expect(await codeOf(payments.capture(ctx, { target, amount: new Decimal('1.00') }))).toBe('PAYMENT_INVALID_OPERATION');
    expect(await codeOf(payments.refund(ctx, { target, amount: new Decimal('6.01') }))).toBe('PAYMENT_INVALID_PARAMETER');
  });

  it('refuses a capture after a void, and reads authAmount 0', async () => {
    const { account } = await accountWith('test-payment');
    const auth = await payments.createPayment(ctx, { accountId: account.id, transactionType: 'AUTHORIZE', amount: new Decimal('10') });
    const voided = await payments.void(ctx, { target: { paymentExternalKey: auth.payment.externalKey } });
    expect(voided.payment).toMatchObject({ stateName: 'VOID_SUCCESS', isAuthVoided: true });
    expect(voided.payment.authAmount.toString()).toBe('0');
    expect(await codeOf(payments.capture(ctx, { target: { paymentId: auth.payment.id }, amount: new Decimal('1') }))).toBe('PAYMENT_INVALID_OPERATION');
  });

  it('records a decline as PAYMENT_FAILURE with processedAmount 0, and lets the key be retried into the same payment', async () => {
    const { account } = await accountWith('test-payment');
    const declined = await payments.createPayment(ctx, { accountId: account.id, transactionType: 'PURCHASE', amount: new Decimal('7.50'), transactionExternalKey: 'decline-1', properties: mode('decline') });
    expect(declined.transaction).toMatchObject({ status: 'PAYMENT_FAILURE', gatewayErrorCode: 'card_declined' });
    expect(declined.transaction.processedAmount.toString()).toBe('0');
    expect(declined.payment.stateName).toBe('PURCHASE_FAILED');
    const retried = await payments.createPayment(ctx, { accountId: account.id, transactionType: 'PURCHASE', amount: new Decimal('7.50'), transactionExternalKey: 'decline-1', paymentExternalKey: declined.payment.externalKey });
    expect(retried.payment.id).toBe(declined.payment.id);
    expect(retried.transaction.status).toBe('SUCCESS');
    expect(retried.payment.purchasedAmount.toFixed(2)).toBe('7.50');
    expect(retried.payment.transactions.map((t) => t.status)).toEqual(['PAYMENT_FAILURE', 'SUCCESS']);
  });

  it('records a throwing plugin as PLUGIN_FAILURE and a hanging one as UNKNOWN', async () => {
    const { account } = await accountWith('test-payment');
    const thrown = await payments.createPayment(ctx, { accountId: account.id, transactionType: 'PURCHASE', amount: new Decimal('3'), properties: mode('throw') });
    expect(thrown.transaction.status).toBe('PLUGIN_FAILURE');
    expect(thrown.payment.stateName).toBe('PURCHASE_ERRORED');
    const hung = await payments.createPayment(ctx, { accountId: account.id, transactionType: 'PURCHASE', amount: new Decimal('3'), properties: mode('hang') });
    expect(hung.transaction.status).toBe('UNKNOWN');
    expect(hung.transaction.processedAmount.toString()).toBe('0');
  }, 20_000);

  it('completes a PENDING purchase by asking the plugin again', async () => {
    const { account } = await accountWith('test-payment');
    const pending = await payments.createPayment(ctx, { accountId: account.id, transactionType: 'PURCHASE', amount: new Decimal('12'), properties: mode('pending') });
    expect(pending.transaction.status).toBe('PENDING');
    expect(pending.payment.purchasedAmount.toString()).toBe('0');
    const done = await payments.completeTransaction(ctx, { target: { paymentId: pending.payment.id } });
    expect(done.transaction).toMatchObject({ id: pending.transaction.id, status: 'SUCCESS' });
    expect(done.payment.purchasedAmount.toString()).toBe('12');
  });
});

describe('reads withPluginInfo', () => {
  it('ask the plugin: each transaction carries what the gateway reports, and a PENDING one it settled meanwhile is recorded settled on the way', async () => {
    const { account } = await accountWith('test-payment');
    const pending = await payments.createPayment(ctx, { accountId: account.id, transactionType: 'PURCHASE', amount: new Decimal('8.25'), properties: mode('pending') });
    const plain = await payments.getPayment(ctx, pending.payment.id);
    expect(plain.transactions[0]!.paymentInfoPlugin).toBeNull();
    // The gateway settles it on its side (its ledger, as getPaymentInfo reports it).
    const key = `test-payment:payment:${pending.payment.id}`;
    storage.set(key, JSON.stringify((JSON.parse(storage.get(key)!) as { status: string }[]).map((t) => ({ ...t, status: 'PROCESSED' }))));

    const read = await payments.getPayment(ctx, pending.payment.id, { withPluginInfo: true, withAttempts: true });
    expect(read.transactions[0]!.paymentInfoPlugin).toMatchObject({ status: 'PROCESSED', amount: '8.25', firstPaymentReferenceId: expect.stringMatching(/^tp_/), properties: [{ key: 'test.mode', value: 'pending' }] });
    expect(read.transactions[0]!.status).toBe('SUCCESS');
    expect(read.purchasedAmount.toFixed(2)).toBe('8.25');
    expect(read.attempts.map((a) => a.stateName)).toEqual(['SUCCESS']);
    expect((await payments.getPayment(ctx, pending.payment.id)).stateName).toBe('PURCHASE_SUCCESS');
  });

  it('fail a read of one payment or method whose plugin fails (7102, 7004), while lists answer without the plugin info', async () => {
    const { account, method } = await accountWith('test-payment');
    const paid = await payments.createPayment(ctx, { accountId: account.id, transactionType: 'PURCHASE', amount: new Decimal('2') });
    await plugins.stop('test-payment');
    try {
      expect(await codeOf(payments.getPayment(ctx, paid.payment.id, { withPluginInfo: true }))).toBe('PAYMENT_PLUGIN_GET_PAYMENT_INFO');
      expect(await codeOf(payments.getPaymentByTransactionId(ctx, paid.transaction.id, { withPluginInfo: true }))).toBe('PAYMENT_PLUGIN_GET_PAYMENT_INFO');
      const [listed] = await payments.listAccountPayments(ctx, account.id, { withPluginInfo: true });
      expect(listed!.transactions.map((t) => [t.status, t.paymentInfoPlugin])).toEqual([['SUCCESS', null]]);
      expect(await codeOf(payments.getPaymentMethod(ctx, method.id, { withPluginInfo: true }))).toBe('PAYMENT_GET_PAYMENT_METHODS');
      const page = await payments.searchPaymentMethods(ctx, method.id, { offset: 0, limit: 10 }, { withPluginInfo: true });
      expect(page.items.map((m) => [m.id, m.pluginInfo])).toEqual([[method.id, null]]);
    } finally {
      await plugins.start('test-payment');
    }
  });
});

describe('searching payments withPluginInfo', () => {
  it('asks the payment plugins instead of the table, as Kill Bill: the gateway\'s reference finds the payment, its external key does not', async () => {
    const { account } = await accountWith('test-payment');
    const paid = await payments.createPayment(ctx, { accountId: account.id, transactionType: 'PURCHASE', amount: new Decimal('9.10'), paymentExternalKey: `search-${account.id}` });
    const reference = (await payments.getPayment(ctx, paid.payment.id, { withPluginInfo: true })).transactions[0]!.paymentInfoPlugin!.firstPaymentReferenceId!;
    const page = { offset: 0, limit: 10 };

    const found = await payments.searchPayments(ctx, reference, page, { withPluginInfo: true });
    expect(found.items.map((p) => [p.id, p.transactions[0]!.paymentInfoPlugin?.firstPaymentReferenceId])).toEqual([[paid.payment.id, reference]]);
    expect([found.total, found.max]).toEqual([1, 1]);
    // The table knows no gateway reference; the plugin knows no external key.
    expect((await payments.searchPayments(ctx, reference, page)).items).toEqual([]);
    expect((await payments.searchPayments(ctx, paid.payment.externalKey, page, { withPluginInfo: true })).items).toEqual([]);
    expect((await payments.searchPayments(ctx, paid.payment.externalKey, page)).items.map((p) => p.id)).toEqual([paid.payment.id]);
  });
});

describe('the built-in __EXTERNAL_PAYMENT__', () => {
  it('processes every call, and follows Kill Bill\'s fail switches', async () => {
    const { account } = await accountWith(EXTERNAL_PAYMENT_PLUGIN);
    const ok = await payments.createPayment(ctx, { accountId: account.id, transactionType: 'PURCHASE', amount: new Decimal('20') });
    expect(ok.transaction.status).toBe('SUCCESS');
    const fail = async (what: string) =>
      (await payments.createPayment(ctx, { accountId: account.id, transactionType: 'PURCHASE', amount: new Decimal('1'), properties: [{ key: `killbill.external.payment.fail.${what}`, value: 'true' }] })).transaction.status;
    expect(await fail('error')).toBe('PAYMENT_FAILURE');
    expect(await fail('cancellation')).toBe('PLUGIN_FAILURE');
    expect(await fail('exception')).toBe('PLUGIN_FAILURE');
    expect(await fail('timeout')).toBe('UNKNOWN');
  });

  it('charges a chargeback and its reversal back and forth without calling a plugin', async () => {
    const { account } = await accountWith(EXTERNAL_PAYMENT_PLUGIN);
    const purchase = await payments.createPayment(ctx, { accountId: account.id, transactionType: 'PURCHASE', amount: new Decimal('20') });
    const target = { paymentId: purchase.payment.id };
    const before = pluginCalls;
    const cb = await payments.chargeback(ctx, { target, amount: new Decimal('20'), transactionExternalKey: 'cb-1' });
    expect(cb.payment.purchasedAmount.toString()).toBe('0');
    const reversed = await payments.chargebackReversal(ctx, { target, transactionExternalKey: 'cb-1' });
    expect(reversed.transaction).toMatchObject({ transactionType: 'CHARGEBACK', status: 'PAYMENT_FAILURE', externalKey: 'cb-1' });
    expect(reversed.payment.purchasedAmount.toString()).toBe('20');
    expect(pluginCalls).toBe(before);
    expect((await payments.refund(ctx, { target, amount: new Decimal('5') })).transaction.status).toBe('SUCCESS');
  });

  it('validates amounts in the currency\'s precision (BTC has 8 digits)', async () => {
    const { account } = await accountWith(EXTERNAL_PAYMENT_PLUGIN, 'BTC');
    const ok = await payments.createPayment(ctx, { accountId: account.id, transactionType: 'PURCHASE', amount: new Decimal('0.00012345') });
    expect(ok.payment.purchasedAmount.toString()).toBe('0.00012345');
    expect(ok.payment.currency).toBe('BTC');
    expect(await codeOf(payments.createPayment(ctx, { accountId: account.id, transactionType: 'PURCHASE', amount: new Decimal('0.000000001') }))).toBe('PAYMENT_INVALID_PARAMETER');
    expect(await codeOf(payments.createPayment(ctx, { accountId: account.id, transactionType: 'PURCHASE', amount: new Decimal('0') }))).toBe('PAYMENT_INVALID_PARAMETER');
    expect(await codeOf(payments.createPayment(ctx, { accountId: account.id, transactionType: 'PURCHASE', amount: new Decimal('1.001'), currency: 'USD' }))).toBe('PAYMENT_INVALID_PARAMETER');
  });
});

describe('idempotency', () => {
  it('refuses the key of a successful transaction with PAYMENT_ACTIVE_TRANSACTION_KEY_EXISTS', async () => {
    const { account } = await accountWith(EXTERNAL_PAYMENT_PLUGIN);
    const first = await payments.createPayment(ctx, { accountId: account.id, transactionType: 'PURCHASE', amount: new Decimal('5'), transactionExternalKey: 'once' });
    expect(first.transaction.externalKey).toBe('once');
    expect(first.payment.externalKey).toBe(first.payment.id);
    expect(await codeOf(payments.createPayment(ctx, { accountId: account.id, transactionType: 'PURCHASE', amount: new Decimal('5'), transactionExternalKey: 'once' }))).toBe('PAYMENT_ACTIVE_TRANSACTION_KEY_EXISTS');
  });

  it('charges once for 20 concurrent purchases with one key', async () => {
    const { account } = await accountWith(EXTERNAL_PAYMENT_PLUGIN);
    const before = pluginCalls;
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => payments.createPayment(ctx, { accountId: account.id, transactionType: 'PURCHASE', amount: new Decimal('9.99'), transactionExternalKey: 'concurrent-1' })),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.flatMap((r) => (r.status === 'rejected' && isBillingError(r.reason) ? [r.reason.code] : []));
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(19);
    expect(new Set(refused)).toEqual(new Set(['PAYMENT_ACTIVE_TRANSACTION_KEY_EXISTS']));
    expect(pluginCalls - before).toBe(1);
    const all = await payments.listAccountPayments(ctx, account.id);
    expect(all.flatMap((p) => p.transactions).filter((t) => t.status === 'SUCCESS')).toHaveLength(1);
  });
});
