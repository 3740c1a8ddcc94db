import { Decimal } from 'decimal.js';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testCallContext } from '../../../test/support/engine.js';
import { createAccountService, type AccountService } from '../account/service.js';
import type { BusHandler } from '../bus/bus.js';
import type { BusEvent } from '../bus/event.js';
import { BusEventEntity } from '../bus/model.js';
import { systemClock } from '../clock/clock.js';
import { InvoicePaymentEntity } from '../invoice/model.js';
import { BillingError } from '../errors/index.js';
import { loadInvoice, insertInvoice } from '../invoice/store.js';
import type { NotificationHandler } from '../notification/queue.js';
import { NotificationEntity } from '../notification/model.js';
import { ObjectRegistry } from '../object/registry.js';
import { lockAccount } from '../persistence/account-lock.js';
import type { Database } from '../persistence/database.js';
import { readEm, writeTx } from '../persistence/scope.js';
import type { LocalDate } from '../subscription/account-time.js';
import type { TenantId } from '../values/ids.js';
import { EXTERNAL_PAYMENT_PLUGIN } from './payment-service.js';
import { createPaymentGateway } from './plugin-call.js';
import { createPaymentService } from './service.js';

/**
 * Invoice payments with the bus and the notification queue replaced by their registered handlers, run
 * here in transactions as the real ones would (the handler's transaction holds the account lock).
 */
const logger = pino({ level: 'silent' });
const ctx = testCallContext(31);
let db: Database & { drop(): Promise<void> };
let accounts: AccountService;
let payments: ReturnType<typeof createPaymentService>;
const consumers: BusHandler[] = [];
const queues = new Map<string, NotificationHandler>();
let declining = false;
let pending = false;
let unknown = false;
let infoFails = false;

beforeAll(async () => {
  db = await openTestDatabase(import.meta.filename);
  const objects = new ObjectRegistry();
  accounts = createAccountService({ db, clock: systemClock, objects });
  const tenants = { getById: async (id: TenantId) => ({ recordId: 31, id, externalKey: null, apiKey: 'k', createdDate: new Date() }), getValues: async (_c: unknown, key: string) => ({ key, values: [] as string[] }) };
  const real = createPaymentGateway({ plugins: { running: () => null, runningPlugins: () => [], use: async () => { throw new Error('no worker plugins here'); }, hostFor: () => null }, tenants, logger });
  // A gateway that declines while `declining` is set, as a card gateway answering ERROR would.
  // Or answers PENDING while `pending` is set, as a bank transfer the gateway settles later.
  const gateway = {
    ...real,
    transaction: async (c: Parameters<typeof real.transaction>[0], call: Parameters<typeof real.transaction>[1]) => {
      const answer = await real.transaction(c, call);
      if (declining) return { ...answer, status: 'PAYMENT_FAILURE' as const, processedAmount: new Decimal(0) };
      if (unknown) return { ...answer, status: 'UNKNOWN' as const, processedAmount: new Decimal(0) };
      return pending ? { ...answer, status: 'PENDING' as const } : answer;
    },
    // A gateway that is down for reads while `infoFails` is set (withPluginInfo).
    getPaymentInfo: async (...args: Parameters<typeof real.getPaymentInfo>) => {
      if (infoFails) throw new BillingError('PAYMENT_PLUGIN_EXCEPTION', 'Plugin exception gateway down');
      return real.getPaymentInfo(...args);
    },
  };
  payments = createPaymentService({
    db, clock: systemClock, logger, gateway, tags: { add: async () => undefined }, objects,
    bus: { subscribe: (_name, _types, handle) => void consumers.push(handle) },
    notifications: { register: (name, handler) => void queues.set(name, handler), onPoll: () => undefined },
  });
});
afterAll(async () => {
  await db?.drop();
});

async function committedInvoice(amount: string, withMethod = true) {
  const account = await accounts.create(ctx, { currency: 'USD' });
  if (withMethod) await payments.addPaymentMethod(ctx, { accountId: account.id, pluginName: EXTERNAL_PAYMENT_PLUGIN, isDefault: true });
  const invoice = await writeTx(db, ctx, (em) =>
    insertInvoice(em, ctx, systemClock, {
      account: { id: account.id, recordId: account.recordId }, status: 'COMMITTED', invoiceDate: '2026-12-01' as LocalDate, targetDate: '2026-12-01' as LocalDate, currency: 'USD',
      items: [{ type: 'EXTERNAL_CHARGE', amount: new Decimal(amount), description: 'charge', startDate: '2026-12-01' as LocalDate }],
    }),
  );
  return { account, invoice };
}

/** An invoice whose automatic payment the gateway left PENDING: its ATTEMPT row reads PENDING. */
async function pendingInvoicePayment(amount: string) {
  const created = await committedInvoice(amount);
  pending = true;
  try {
    await invoiceCreated(created.account.recordId, created.invoice.id);
  } finally {
    pending = false;
  }
  expect(await invoicePaymentRows(created.invoice.id)).toEqual([['ATTEMPT', new Decimal(amount).toFixed(2), false, 'PENDING']]);
  return created;
}

/** The invoice's invoice_payments rows: type, amount, success, status. */
async function invoicePaymentRows(invoiceId: string) {
  const rows = await readEm(db, ctx).find(InvoicePaymentEntity, { invoiceId }, { orderBy: { recordId: 'asc' } });
  return rows.map((r) => [r.type, new Decimal(r.amount).toFixed(2), r.success, r.status]);
}

/** INVOICE_CREATION through the consumer, under the account lock as the bus runs it; then the plugin call it started. */
async function invoiceCreated(accountRecordId: number, invoiceId: string): Promise<void> {
  const event: BusEvent = { recordId: 1, id: 'e', tenant: ctx.tenant, userToken: null, createdDate: new Date(), eventType: 'INVOICE_CREATION', objectType: 'INVOICE', objectId: invoiceId, accountRecordId, payload: {} };
  await writeTx(db, ctx, async (em) => {
    await lockAccount(em, ctx.tenant.recordId, accountRecordId);
    for (const c of consumers) await c(em, event, ctx);
  });
  // Paid on the event itself, as Kill Bill's InvoiceHandler: nothing goes through the queue.
  expect(await readEm(db, ctx).find(NotificationEntity, { queueName: 'payment-invoice', accountRecordId })).toEqual([]);
  for (let i = 0; i < 200 && payments.pendingInvoicePayments() > 0; i++) await new Promise((r) => setTimeout(r, 25));
}

describe('invoice payments', () => {
  it('queues the payment for a retry of its own when it cannot start on the invoice event, leaving the event handled', async () => {
    const { account, invoice } = await committedInvoice('12');
    // The default method is gone underneath the account (no API does this): step (a) throws on it.
    await db.fork().getConnection().execute('update payment_methods set is_active = 0 where account_id = ?', [account.id]);
    const event: BusEvent = { recordId: 1, id: 'e', tenant: ctx.tenant, userToken: null, createdDate: new Date(), eventType: 'INVOICE_CREATION', objectType: 'INVOICE', objectId: invoice.id, accountRecordId: account.recordId, payload: {} };
    await writeTx(db, ctx, async (em) => {
      await lockAccount(em, ctx.tenant.recordId, account.recordId);
      for (const c of consumers) await c(em, event, ctx);
    });
    const queued = await readEm(db, ctx).find(NotificationEntity, { queueName: 'payment-invoice', accountRecordId: account.recordId });
    expect(queued.map((n) => n.payload)).toEqual([{ invoiceId: invoice.id }]);
    expect(await payments.listAccountPayments(ctx, account.id)).toEqual([]);
  });

  it('pays a new invoice\'s balance with the default method, so its balance drops to 0', async () => {
    const { account, invoice } = await committedInvoice('42.50');
    await invoiceCreated(account.recordId, invoice.id);
    const [payment] = await payments.listAccountPayments(ctx, account.id);
    expect(payment!.purchasedAmount.toFixed(2)).toBe('42.50');
    expect(payment!.transactions[0]!.status).toBe('SUCCESS');
    const after = await loadInvoice(readEm(db, ctx), invoice.id);
    expect(after!.balance.toFixed(2)).toBe('0.00');
    const events = await readEm(db, ctx).find(BusEventEntity, { accountRecordId: account.recordId, eventType: { $in: ['PAYMENT_SUCCESS', 'INVOICE_PAYMENT_SUCCESS'] } });
    expect(events.map((e) => e.eventType).sort()).toEqual(['INVOICE_PAYMENT_SUCCESS', 'PAYMENT_SUCCESS']);
  });

  it('records a declined invoice payment with amount 0, leaving the invoice unpaid', async () => {
    const { account, invoice } = await committedInvoice('15');
    declining = true;
    try {
      await invoiceCreated(account.recordId, invoice.id);
    } finally {
      declining = false;
    }
    const [payment] = await payments.listAccountPayments(ctx, account.id);
    expect(payment!.transactions[0]!.status).toBe('PAYMENT_FAILURE');
    const after = await loadInvoice(readEm(db, ctx), invoice.id);
    expect(after!.balance.toFixed(2)).toBe('15.00');
    expect(after!.payments.map((p) => [p.type, p.amount.toFixed(2), p.success])).toEqual([['ATTEMPT', '0.00', false]]);
    const events = await readEm(db, ctx).find(BusEventEntity, { accountRecordId: account.recordId, eventType: { $in: ['PAYMENT_FAILED', 'INVOICE_PAYMENT_FAILED'] } });
    expect(events.map((e) => e.eventType).sort()).toEqual(['INVOICE_PAYMENT_FAILED', 'PAYMENT_FAILED']);
  });

  it('completes a PENDING invoice payment through completeTransaction: its ATTEMPT row and payment attempt become SUCCESS, as the first call would have', async () => {
    const { account, invoice } = await pendingInvoicePayment('30.00');
    const [payment] = await payments.listAccountPayments(ctx, account.id);
    const outcome = await payments.completeTransaction(ctx, { target: { paymentId: payment!.id } });
    expect(outcome.transaction.status).toBe('SUCCESS');
    const after = await loadInvoice(readEm(db, ctx), invoice.id);
    expect(after!.balance.toFixed(2)).toBe('0.00');
    expect(await invoicePaymentRows(invoice.id)).toEqual([['ATTEMPT', '30.00', true, 'SUCCESS']]);
    const [read] = await payments.listAccountPayments(ctx, account.id, { withAttempts: true });
    expect(read!.attempts.map((a) => a.stateName)).toEqual(['SUCCESS']);
    const events = await readEm(db, ctx).find(BusEventEntity, { accountRecordId: account.recordId, eventType: 'INVOICE_PAYMENT_SUCCESS' });
    expect(events).toHaveLength(2); // PENDING, then SUCCESS
  });

  it('fails a PENDING invoice payment through notifyPendingTransactionOfStateChanged: amount 0 on its ATTEMPT row, and a retry scheduled as for a decline', async () => {
    const { account, invoice } = await pendingInvoicePayment('12.34');
    const [payment] = await payments.listAccountPayments(ctx, account.id);
    const outcome = await payments.notifyPendingTransactionOfStateChanged(ctx, payment!.transactions[0]!.id, false);
    expect(outcome.transaction.status).toBe('PAYMENT_FAILURE');
    const after = await loadInvoice(readEm(db, ctx), invoice.id);
    expect(after!.balance.toFixed(2)).toBe('12.34');
    expect(await invoicePaymentRows(invoice.id)).toEqual([['ATTEMPT', '0.00', false, 'INIT']]);
    const [read] = await payments.listAccountPayments(ctx, account.id, { withAttempts: true });
    expect(read!.attempts.map((a) => a.stateName)).toEqual(['RETRIED']);
    expect(await readEm(db, ctx).count(NotificationEntity, { queueName: 'payment-retry', accountRecordId: account.recordId })).toBe(1);
    expect(await readEm(db, ctx).count(BusEventEntity, { accountRecordId: account.recordId, eventType: 'INVOICE_PAYMENT_FAILED' })).toBe(1);
  });

  it('refuses to notify a transaction that is no longer PENDING (Kill Bill\'s PAYMENT_NO_SUCH_SUCCESS_PAYMENT), and another plugin\'s transaction', async () => {
    const { account } = await pendingInvoicePayment('5.00');
    const [payment] = await payments.listAccountPayments(ctx, account.id);
    const transactionId = payment!.transactions[0]!.id;
    await expect(payments.notifyPendingTransactionOfStateChanged(ctx, transactionId, true, { pluginName: 'test-payment' })).rejects.toMatchObject({ code: 'PAYMENT_NO_SUCH_PAYMENT' });
    await payments.notifyPendingTransactionOfStateChanged(ctx, transactionId, true, { pluginName: EXTERNAL_PAYMENT_PLUGIN });
    await expect(payments.notifyPendingTransactionOfStateChanged(ctx, transactionId, false)).rejects.toMatchObject({ code: 'PAYMENT_NO_SUCH_SUCCESS_PAYMENT' });
    const [read] = await payments.listAccountPayments(ctx, account.id);
    expect(read!.transactions.map((t) => t.status)).toEqual(['SUCCESS']);
  });

  it('refuses notifyStateChanged on an UNKNOWN transaction, as Kill Bill settles only PENDING ones (PAYMENT_NO_SUCH_SUCCESS_PAYMENT)', async () => {
    const account = await accounts.create(ctx, { currency: 'USD' });
    await payments.addPaymentMethod(ctx, { accountId: account.id, pluginName: EXTERNAL_PAYMENT_PLUGIN, isDefault: true });
    unknown = true;
    const hung = await payments.createPayment(ctx, { accountId: account.id, transactionType: 'PURCHASE', amount: new Decimal('3.00') }).finally(() => (unknown = false));
    expect(hung.transaction.status).toBe('UNKNOWN');
    await expect(payments.notifyStateChanged(ctx, hung.transaction.id, true)).rejects.toMatchObject({ code: 'PAYMENT_NO_SUCH_SUCCESS_PAYMENT' });
    const paid = await payments.createPayment(ctx, { accountId: account.id, transactionType: 'PURCHASE', amount: new Decimal('2.00') });
    await expect(payments.notifyStateChanged(ctx, paid.transaction.id, false)).rejects.toMatchObject({ code: 'PAYMENT_NO_SUCH_SUCCESS_PAYMENT' });
    expect((await payments.getPayment(ctx, hung.payment.id)).transactions.map((t) => t.status)).toEqual(['UNKNOWN']);
  });

  it('settles a PENDING invoice payment through notifyStateChanged, paying the invoice', async () => {
    const { account, invoice } = await pendingInvoicePayment('7.25');
    const [payment] = await payments.listAccountPayments(ctx, account.id);
    expect((await payments.notifyStateChanged(ctx, payment!.transactions[0]!.id, true)).transaction.status).toBe('SUCCESS');
    expect((await loadInvoice(readEm(db, ctx), invoice.id))!.balance.toFixed(2)).toBe('0.00');
    expect(await invoicePaymentRows(invoice.id)).toEqual([['ATTEMPT', '7.25', true, 'SUCCESS']]);
  });

  it('lists the account\'s invoice payments as one read, as Kill Bill: all its payments (null target for one of no invoice), a failing plugin\'s without plugin info', async () => {
    const { account, invoice } = await committedInvoice('20.00');
    await invoiceCreated(account.recordId, invoice.id);
    const loose = await payments.createPayment(ctx, { accountId: account.id, transactionType: 'PURCHASE', amount: new Decimal('4.00') });
    infoFails = true;
    try {
      const listed = await payments.invoicePayments.accountInvoicePayments(ctx, account.id, { withPluginInfo: true });
      expect(listed.map((p) => [p.targetInvoiceId, p.purchasedAmount.toFixed(2), p.transactions[0]!.paymentInfoPlugin])).toEqual([[invoice.id, '20.00', null], [null, '4.00', null]]);
      expect(listed[1]!.id).toBe(loose.payment.id);
      // The invoice's own list reads each payment alone (getPaymentsForInvoice → getPayment), so it fails.
      await expect(payments.invoicePayments.invoicePayments(ctx, invoice.id, { withPluginInfo: true })).rejects.toMatchObject({ code: 'PAYMENT_PLUGIN_GET_PAYMENT_INFO' });
    } finally {
      infoFails = false;
    }
    expect((await payments.invoicePayments.invoicePayments(ctx, invoice.id, { withPluginInfo: true })).map((p) => p.targetInvoiceId)).toEqual([invoice.id]);
  });

  it('does not pay for an account without a default method', async () => {
    const { account, invoice } = await committedInvoice('10', false);
    await invoiceCreated(account.recordId, invoice.id);
    expect(await payments.listAccountPayments(ctx, account.id)).toEqual([]);
    expect((await loadInvoice(readEm(db, ctx), invoice.id))!.balance.toFixed(2)).toBe('10.00');
  });
});
