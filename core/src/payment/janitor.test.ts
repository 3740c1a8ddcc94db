import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Decimal } from 'decimal.js';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testCallContext } from '../../../test/support/engine.js';
import { createAccountService, type AccountService } from '../account/service.js';
import { OffsetClock } from '../clock/clock.js';
import { NotificationQueue } from '../notification/queue.js';
import { ObjectRegistry } from '../object/registry.js';
import type { Database } from '../persistence/database.js';
import type { HostBackend } from '../plugins/host-api.js';
import { createPluginService, workerPoolFactory, type PluginService } from '../plugins/service.js';
import { TenantKey } from '../tenant/tenant.js';
import type { TenantId } from '../values/ids.js';
import { createPaymentControl } from './control-plugins.js';
import type { PaymentService } from './payment-service.js';
import { createPaymentGateway, type PaymentGateway } from './plugin-call.js';
import { nextRetry, tenantRetryDays } from './retries.js';
import { createPaymentService } from './service.js';

/**
 * The janitor and control plugins on a real MariaDB with the real notification queue on a movable clock
 * and plugins/test-payment in its worker pool (deadline shortened so a hanging call ends fast):
 * a hung call is UNKNOWN and reconciled 5 minutes later from getPaymentInfo; a call interrupted between
 * recording and result (a crash) is settled 12 hours later; a PENDING one that the gateway still reports
 * PENDING stays so. The retry schedule itself is pure (nextRetry); the invoice retries run end to end in
 * test/e2e/payments-retries.test.ts.
 */
const logger = pino({ level: 'silent' });
const testPayment = fileURLToPath(new URL('../../../plugins/test-payment', import.meta.url));
const TENANT = 41;
const ctx = testCallContext(TENANT);
const storage = new Map<string, string>();
let gatewayConfig = '';
const backend: HostBackend = {
  getAccount: async () => { throw new Error('not used'); },
  getTenantValues: async () => [],
  getPluginValue: async (_ctx, plugin, key) => storage.get(`${plugin}:${key}`) ?? null,
  putPluginValue: async (_ctx, plugin, key, value) => void storage.set(`${plugin}:${key}`, value),
  log: () => undefined,
};
const tenants = {
  getById: async (id: TenantId) => ({ recordId: TENANT, id, externalKey: null, apiKey: 'janitor', createdDate: new Date() }),
  getValues: async (_ctx: unknown, key: string) => ({ key, values: key === TenantKey.pluginConfig('test-payment') && gatewayConfig ? [gatewayConfig] : [] }),
};
const clock = new OffsetClock();
const hung = new Set<string>();

let db: Database & { drop(): Promise<void> };
let work: string;
let plugins: PluginService;
let accounts: AccountService;
let payments: PaymentService & { pendingInvoicePayments(): number };
let queue: NotificationQueue;

beforeAll(async () => {
  db = await openTestDatabase(import.meta.filename);
  await db.fork().getConnection().execute(
    "insert into tenants (record_id, id, created_date, created_by, updated_date, updated_by, api_key, api_secret_hash) values (?, ?, now(3), 't', now(3), 't', 'janitor', 'x')",
    [TENANT, ctx.tenant.id],
  );
  work = await mkdtemp(join(tmpdir(), 'janitor-'));
  plugins = createPluginService({ pluginsDir: work, poolFactory: workerPoolFactory(logger), broadcast: null, logger, hostBackend: backend });
  await plugins.install(testPayment);
  await plugins.start('test-payment');
  const objects = new ObjectRegistry();
  accounts = createAccountService({ db, clock, objects });
  const real = createPaymentGateway({ plugins, tenants, logger, deadlineMs: 1_500 });
  // A process that dies during the plugin call: the call never returns, step (c) never runs.
  const gateway: PaymentGateway = { ...real, transaction: (c, call) => (call.properties.some((p) => p.key === 'crash') ? (hung.add(call.transactionId), new Promise(() => {})) : real.transaction(c, call)) };
  queue = new NotificationQueue({ db, clock, logger });
  payments = createPaymentService({ db, clock, logger, gateway, tags: { add: async () => undefined }, objects, notifications: queue, control: createPaymentControl({ plugins, tenants, logger }), tenants });
  queue.start(50);
}, 60_000);

afterAll(async () => {
  await queue?.stop();
  await plugins?.stopAll();
  await db?.drop();
  if (work) await rm(work, { recursive: true, force: true });
});

async function payer() {
  const account = await accounts.create(ctx, { currency: 'USD' });
  await payments.addPaymentMethod(ctx, { accountId: account.id, pluginName: 'test-payment', isDefault: true });
  return account;
}

/** Moves business time forward and waits until nothing is due and no janitor check is still asking the plugin. */
async function advance(minutes: number): Promise<void> {
  clock.setOffset(clock.offsetMs + minutes * 60_000);
  queue.wake();
  await expect.poll(async () => (await queue.due(null, clock.now())) || payments.pendingInvoicePayments() > 0, { timeout: 15_000, interval: 50 }).toBe(false);
}

const statusOf = async (paymentId: string) => (await payments.getPayment(ctx, paymentId)).transactions.map((t) => `${t.transactionType} ${t.status} ${t.processedAmount.toFixed()}`);

describe('the janitor', () => {
  it('records a hung plugin call UNKNOWN and settles it from getPaymentInfo 5 minutes later', async () => {
    gatewayConfig = '';
    const account = await payer();
    const outcome = await payments.createPayment(ctx, { accountId: account.id, transactionType: 'PURCHASE', amount: new Decimal('12.5'), properties: [{ key: 'test.mode', value: 'hang' }] });
    expect(outcome.transaction.status).toBe('UNKNOWN');
    await advance(4);
    expect(await statusOf(outcome.payment.id)).toEqual(['PURCHASE UNKNOWN 0']);
    gatewayConfig = 'settle=processed';
    await advance(2);
    expect(await statusOf(outcome.payment.id)).toEqual(['PURCHASE SUCCESS 12.5']);
    const payment = await payments.getPayment(ctx, outcome.payment.id);
    expect(payment.purchasedAmount.toFixed()).toBe('12.5');
    expect(payment.stateName).toBe('PURCHASE_SUCCESS');
  }, 30_000);

  it('keeps asking on the unknown schedule while the gateway cannot say, and settles a later decline as PAYMENT_FAILURE', async () => {
    gatewayConfig = '';
    const account = await payer();
    const outcome = await payments.createPayment(ctx, { accountId: account.id, transactionType: 'PURCHASE', amount: new Decimal('3'), properties: [{ key: 'test.mode', value: 'undefined' }] });
    expect(outcome.transaction.status).toBe('UNKNOWN');
    await advance(6); // 5 min: still UNDEFINED at the gateway
    expect(await statusOf(outcome.payment.id)).toEqual(['PURCHASE UNKNOWN 0']);
    gatewayConfig = 'settle=error';
    await advance(61); // the 1 h check
    expect(await statusOf(outcome.payment.id)).toEqual(['PURCHASE PAYMENT_FAILURE 0']);
    expect((await payments.getPayment(ctx, outcome.payment.id)).stateName).toBe('PURCHASE_FAILED');
  }, 30_000);

  it('settles a call interrupted before its result was recorded 12 hours later (the gateway never saw it: PLUGIN_FAILURE)', async () => {
    gatewayConfig = '';
    const account = await payer();
    void payments.createPayment(ctx, { accountId: account.id, transactionType: 'PURCHASE', amount: new Decimal('8'), properties: [{ key: 'crash', value: true }] });
    await expect.poll(() => hung.size).toBe(1);
    const [payment] = await payments.listAccountPayments(ctx, account.id);
    expect(await statusOf(payment!.id)).toEqual(['PURCHASE UNKNOWN 0']);
    await advance(11 * 60);
    expect(await statusOf(payment!.id)).toEqual(['PURCHASE UNKNOWN 0']);
    await advance(61);
    expect(await statusOf(payment!.id)).toEqual(['PURCHASE PLUGIN_FAILURE 0']);
    // The payment is no longer in flight: the key can be retried.
    const retried = await payments.createPayment(ctx, { accountId: account.id, transactionType: 'PURCHASE', paymentId: payment!.id, amount: new Decimal('8') });
    expect(retried.transaction.status).toBe('SUCCESS');
  }, 30_000);

  it('settles an interrupted call once when two nodes sweep at the same moment, and schedules no notification for it', async () => {
    gatewayConfig = '';
    // A second node: its own queue and payment service on the same database and clock.
    const otherQueue = new NotificationQueue({ db, clock, logger });
    const other = createPaymentService({ db, clock, logger, gateway: createPaymentGateway({ plugins, tenants, logger, deadlineMs: 1_500 }), tags: { add: async () => undefined }, objects: new ObjectRegistry(), notifications: otherQueue, tenants });
    otherQueue.start(50);
    try {
      const account = await payer();
      void payments.createPayment(ctx, { accountId: account.id, transactionType: 'PURCHASE', amount: new Decimal('9'), properties: [{ key: 'crash', value: true }] });
      await expect.poll(() => hung.size).toBe(2);
      const [payment] = await payments.listAccountPayments(ctx, account.id);
      const transactionId = payment!.transactions[0]!.id;
      const janitorRows = async () => (await db.fork().getConnection().execute("select count(*) as n from notifications where queue_name = 'payment-janitor' and payload like ?", [`%${transactionId}%`])) as { n: number }[];
      expect(Number((await janitorRows())[0]!.n)).toBe(0);

      clock.setOffset(clock.offsetMs + (12 * 60 + 1) * 60_000);
      queue.wake();
      otherQueue.wake();
      await expect.poll(async () => (await queue.due(null, clock.now())) || (await otherQueue.due(null, clock.now())) || payments.pendingInvoicePayments() + other.pendingInvoicePayments() > 0, { timeout: 15_000, interval: 50 }).toBe(false);

      expect(await statusOf(payment!.id)).toEqual(['PURCHASE PLUGIN_FAILURE 0']);
      const updates = (await db.fork().getConnection().execute("select count(*) as n from audit_log where target_id = ? and change_type = 'UPDATE'", [transactionId])) as { n: number }[];
      expect(Number(updates[0]!.n)).toBe(1);
    } finally {
      await otherQueue.stop();
    }
  }, 30_000);

  it('leaves a PENDING transaction PENDING while the gateway still says so, and completes it at the next check', async () => {
    gatewayConfig = '';
    const account = await payer();
    const outcome = await payments.createPayment(ctx, { accountId: account.id, transactionType: 'AUTHORIZE', amount: new Decimal('20'), properties: [{ key: 'test.mode', value: 'pending' }] });
    expect(outcome.transaction.status).toBe('PENDING');
    await advance(61);
    expect(await statusOf(outcome.payment.id)).toEqual(['AUTHORIZE PENDING 20']);
    gatewayConfig = 'settle=processed';
    await advance(24 * 60);
    expect(await statusOf(outcome.payment.id)).toEqual(['AUTHORIZE SUCCESS 20']);
    expect((await payments.getPayment(ctx, outcome.payment.id)).authAmount.toFixed()).toBe('20');
  }, 30_000);
});

describe('payment control plugins', () => {
  it('aborts with PAYMENT_PLUGIN_API_ABORTED before anything is recorded', async () => {
    const account = await payer();
    const call = payments.createPayment(ctx, { accountId: account.id, transactionType: 'PURCHASE', amount: new Decimal('5'), controlPluginNames: ['test-payment'], properties: [{ key: 'test.control', value: 'abort' }] });
    await expect(call).rejects.toMatchObject({ code: 'PAYMENT_PLUGIN_API_ABORTED' });
    expect(await payments.listAccountPayments(ctx, account.id)).toEqual([]);
  });

  it('retries a declined payment at the nextRetryDate its control plugin answered, into the same payment and key', async () => {
    gatewayConfig = 'sequence=decline';
    const account = await payer();
    const retryAt = clock.now().plus({ hours: 2 }).toISO()!;
    const outcome = await payments.createPayment(ctx, {
      accountId: account.id, transactionType: 'PURCHASE', amount: new Decimal('6'), transactionExternalKey: `k-${account.id}`, controlPluginNames: ['test-payment'],
      properties: [{ key: 'test.control.retryAt', value: retryAt }],
    });
    expect(outcome.transaction.status).toBe('PAYMENT_FAILURE');
    await advance(119);
    expect(await statusOf(outcome.payment.id)).toEqual(['PURCHASE PAYMENT_FAILURE 0']);
    await advance(2);
    expect(await statusOf(outcome.payment.id)).toEqual(['PURCHASE PAYMENT_FAILURE 0', 'PURCHASE SUCCESS 6']);
    expect((await payments.getPayment(ctx, outcome.payment.id)).transactions.map((t) => t.externalKey)).toEqual([`k-${account.id}`, `k-${account.id}`]);
    gatewayConfig = '';
  }, 30_000);

  it('skips a named control plugin that is not running, as Kill Bill skips an unregistered one', async () => {
    const account = await payer();
    const outcome = await payments.createPayment(ctx, { accountId: account.id, transactionType: 'PURCHASE', amount: new Decimal('5'), controlPluginNames: ['no-such-control'] });
    expect(outcome.transaction.status).toBe('SUCCESS');
  });
});

describe('the retry schedule', () => {
  const now = clock.now();
  it('retries the n-th decline after days[n-1] and stops beyond the list', () => {
    expect(nextRetry(now, 'PAYMENT_FAILURE', 1, [8, 8, 8])?.diff(now, 'days').days).toBe(8);
    expect(nextRetry(now, 'PAYMENT_FAILURE', 3, [1, 2, 3])?.diff(now, 'days').days).toBe(3);
    expect(nextRetry(now, 'PAYMENT_FAILURE', 4, [8, 8, 8])).toBeNull();
  });

  it('backs plugin failures off from 300 s, doubling, for at most 8 retries', () => {
    expect([1, 2, 3, 8].map((n) => nextRetry(now, 'PLUGIN_FAILURE', n, [])?.diff(now, 'seconds').seconds)).toEqual([300, 600, 1200, 38400]);
    expect(nextRetry(now, 'PLUGIN_FAILURE', 9, [])).toBeNull();
    expect(nextRetry(now, 'UNKNOWN', 1, [8])).toBeNull();
  });

  it('reads org.killbill.payment.retry.days from a PER_TENANT_CONFIG JSON', () => {
    expect(tenantRetryDays('{"org.killbill.payment.retry.days":"1,2, 3"}')).toEqual([1, 2, 3]);
    expect(tenantRetryDays('{"org.killbill.payment.retry.days":[4,5]}')).toEqual([4, 5]);
    expect(tenantRetryDays('{"other":"x"}')).toBeNull();
    expect(tenantRetryDays('not json')).toBeNull();
  });
});
