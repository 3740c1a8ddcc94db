import type { EntityManager } from '@mikro-orm/core';
import { Decimal } from 'decimal.js';
import type { DateTime } from 'luxon';
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { CallContext, TenantContext } from '../context.js';
import { isBillingError } from '../errors/index.js';
import { NotificationEntity } from '../notification/model.js';
import { scheduleNotification, type NotificationQueue } from '../notification/queue.js';
import { lockAccount } from '../persistence/account-lock.js';
import { readEm, writeTx } from '../persistence/scope.js';
import { touch } from '../persistence/stamps.js';
import type { TenantService } from '../tenant/service.js';
import { TenantKey } from '../tenant/tenant.js';
import { INVOICE_CONTROL_PLUGIN, type PaymentControl } from './control-plugins.js';
import { accountRow } from './deps.js';
import { judgeInvoicePayment } from './invoice-control.js';
import { recordInvoicePaymentAttempt, recordInvoicePaymentOutcome } from './invoice-payments.js';
import { PaymentAttemptEntity, PaymentEntity, PaymentTransactionEntity } from './model.js';
import type { PaymentPluginProperty, TransactionStatus, TransactionType } from './payment-service.js';
import type { GatewayResult } from './plugin-call.js';
import type { Begun, FinishHook, TransactionPath } from './transactions.js';

/**
 * Retries of failed payments (Kill Bill's RetryService with InvoicePaymentControlPluginApi's schedule,
 * PaymentConfig), all on the `payment-retry` notification queue, scheduled in the transaction that
 * recorded the failure, so a restart loses nothing:
 * - an invoice payment (property IPCD_INVOICE_ID) in PAYMENT_FAILURE is retried after the tenant's
 *   `org.killbill.payment.retry.days` (PER_TENANT_CONFIG JSON, else KB_PAYMENT_RETRY_DAYS, default 8,8,8):
 *   the n-th failure of the payment waits days[n-1]; after the last one nothing more (the attempt stays
 *   ABORTED). PLUGIN_FAILURE waits 300 s × 2^(n-1), at most 8 retries (`failure.retry.*`);
 * - a payment whose control plugin's onFailureCall answered a nextRetryDate is retried then (the same
 *   transaction type, amount and control plugins; priorCall is not run again on such a retry), at most
 *   CONTROL_MAX_RETRIES times per transaction key.
 * A retry appends a new transaction to the same payment with the same transaction external key (the key
 * of a failed transaction is free). An invoice retry re-reads the invoice at retry time: paid meanwhile
 * (balance ≤ 0), voided or AUTO_PAY_OFF/MANUAL_PAY → nothing, and it charges the balance as it is then.
 * A scheduled retry's attempt reads RETRIED; cancelScheduled removes the notification (attempt ABORTED).
 * The handler records step (a) in the queue's transaction; the plugin call runs after that commit.
 */

export const RETRY_QUEUE = 'payment-retry';
export const DEFAULT_RETRY_DAYS: readonly number[] = [8, 8, 8];
export const PLUGIN_FAILURE_RETRY_START_SEC = 300;
export const PLUGIN_FAILURE_RETRY_MULTIPLIER = 2;
export const PLUGIN_FAILURE_MAX_ATTEMPTS = 8;
/** At most this many retries a control plugin's nextRetryDate may ask for, per transaction key. */
export const CONTROL_MAX_RETRIES = 8;
const RETRY_DAYS_KEY = 'org.killbill.payment.retry.days';
const COMMIT_WAIT_MS = 15_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RetryDeps {
  readonly db: Parameters<typeof readEm>[0];
  readonly clock: Clock;
  readonly logger: Logger;
  readonly notifications: Pick<NotificationQueue, 'register'>;
  readonly path: TransactionPath;
  readonly callPlugin: (ctx: CallContext, begun: Begun) => Promise<GatewayResult>;
  readonly control: PaymentControl | null;
  /** KB_PAYMENT_RETRY_DAYS. */
  readonly retryDays?: readonly number[];
  readonly tenants?: Pick<TenantService, 'getValues'> | null;
}

export interface Retries {
  /** Retries waiting for their handler's commit or their plugin (the test clock waits for 0). */
  pending(): number;
  /** Removes the scheduled retries of a payment or of a (failed) transaction, by id or by external key. */
  cancelScheduled(ctx: CallContext, by: { readonly id: string } | { readonly transactionExternalKey: string }): Promise<void>;
  /** After a control plugin's onFailureCall answered a date: schedule the same call again then. */
  scheduleControlRetry(ctx: CallContext, begun: Begun, controlPluginNames: readonly string[], transactionExternalKey: string, at: DateTime): Promise<void>;
}

/** The days of the tenant's `org.killbill.payment.retry.days`, or null when it does not set them. */
export function tenantRetryDays(text: string | null | undefined): number[] | null {
  if (!text) return null;
  try {
    const value = (JSON.parse(text) as Record<string, unknown>)[RETRY_DAYS_KEY];
    if (value === undefined || value === null) return null;
    const days = (Array.isArray(value) ? value : String(value).split(',')).map((d) => Number(String(d).trim())).filter((d) => Number.isInteger(d) && d >= 0);
    return days;
  } catch {
    return null;
  }
}

/** When the n-th failure (1-based) of `status` on a payment is retried, or null for no retry. */
export function nextRetry(now: DateTime, status: TransactionStatus, failures: number, retryDays: readonly number[]): DateTime | null {
  if (status === 'PAYMENT_FAILURE') {
    const days = retryDays[failures - 1];
    return days === undefined ? null : now.plus({ days });
  }
  if (status === 'PLUGIN_FAILURE') {
    if (failures > PLUGIN_FAILURE_MAX_ATTEMPTS) return null;
    return now.plus({ seconds: PLUGIN_FAILURE_RETRY_START_SEC * PLUGIN_FAILURE_RETRY_MULTIPLIER ** (failures - 1) });
  }
  return null;
}

export function invoiceIdOf(properties: readonly PaymentPluginProperty[]): string | null {
  const value = properties.find((p) => p.key === 'IPCD_INVOICE_ID')?.value;
  return typeof value === 'string' ? value : null;
}

type RetryPayload =
  | { kind: 'invoice'; invoiceId: string; paymentId: string; transactionId: string; transactionExternalKey: string }
  | { kind: 'control'; paymentId: string; transactionId: string; transactionExternalKey: string; type: TransactionType; amount: string; currency: string; controlPluginNames: string[]; properties: PaymentPluginProperty[] };

/** Waits until a transaction recorded in a caller's (committing) transaction is visible; false if it never shows. */
export async function waitForCommit(db: RetryDeps['db'], ctx: TenantContext, transactionId: string): Promise<boolean> {
  const deadline = Date.now() + COMMIT_WAIT_MS;
  while (!(await readEm(db, ctx).findOne(PaymentTransactionEntity, { id: transactionId }, { fields: ['id'] }))) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

export function registerRetries(deps: RetryDeps): Retries {
  const { db, clock, path } = deps;
  const logger = deps.logger.child({ component: 'payment-retries' });
  let inFlight = 0;

  async function retryDays(ctx: CallContext): Promise<readonly number[]> {
    const text = deps.tenants ? (await deps.tenants.getValues(ctx, TenantKey.PER_TENANT_CONFIG)).values.at(-1) : null;
    return tenantRetryDays(text) ?? deps.retryDays ?? DEFAULT_RETRY_DAYS;
  }

  // A failed invoice payment: schedule its retry in the transaction that recorded the failure.
  path.listen({
    finished: async (tx, ctx, begun, result) => {
      if (result.status !== 'PAYMENT_FAILURE' && result.status !== 'PLUGIN_FAILURE') return;
      const invoiceId = invoiceIdOf(begun.properties);
      if (!invoiceId) return;
      const failures = (await tx.count(PaymentTransactionEntity, { paymentId: begun.paymentId, transactionStatus: result.status, id: { $ne: begun.transactionId } })) + 1;
      const at = nextRetry(clock.now(), result.status, failures, await retryDays(ctx));
      if (!at) return;
      const row = await tx.findOneOrFail(PaymentTransactionEntity, { id: begun.transactionId });
      await markRetried(tx, ctx, row.attemptId ?? null);
      scheduleNotification(tx, ctx, clock, {
        queueName: RETRY_QUEUE, effectiveDate: at, accountRecordId: begun.accountRecordId,
        payload: { kind: 'invoice', invoiceId, paymentId: begun.paymentId, transactionId: begun.transactionId, transactionExternalKey: row.transactionExternalKey } satisfies RetryPayload,
      });
    },
  });

  async function markRetried(tx: EntityManager, ctx: CallContext, attemptId: string | null): Promise<void> {
    if (!attemptId) return;
    const attempt = await tx.findOne(PaymentAttemptEntity, { id: attemptId });
    if (!attempt) return;
    attempt.stateName = 'RETRIED';
    touch(attempt, ctx, clock.now().toJSDate());
  }

  deps.notifications.register(RETRY_QUEUE, async (em, notification, ctx) => {
    const payload = notification.payload as RetryPayload;
    try {
      const started = payload.kind === 'invoice' ? await beginInvoiceRetry(em, ctx, payload) : await beginControlRetry(em, ctx, payload);
      if (started) {
        inFlight++;
        void continueAfterCommit(ctx, started.begun, started.after, payload.kind === 'control' ? payload : null).finally(() => inFlight--);
      }
    } catch (err) {
      // Refused by the state machine or the key guard (paid by another path meanwhile, in flight ...): the retry is moot.
      if (!isBillingError(err)) throw err;
      logger.warn({ code: err.code, err: err.message, paymentId: payload.paymentId }, 'payment retry refused; not retried again');
    }
  });

  async function beginInvoiceRetry(em: EntityManager, ctx: CallContext, p: Extract<RetryPayload, { kind: 'invoice' }>): Promise<{ begun: Begun; after: FinishHook } | null> {
    // The invoice control's rules as they stand at retry time (paid meanwhile, voided, AUTO_PAY_OFF ... → nothing).
    const payment = await em.findOne(PaymentEntity, { id: p.paymentId });
    const verdict = await judgeInvoicePayment(em, p.invoiceId, { api: false, paymentMethodId: payment?.paymentMethodId ?? null });
    if (!verdict.go) {
      logger.info({ invoiceId: p.invoiceId, paymentId: p.paymentId, reason: verdict.reason }, 'invoice payment retry not needed');
      return null;
    }
    const { invoice, account } = verdict;
    const begun = await path.beginIn(em, ctx, {
      type: 'PURCHASE', accountId: account.id, paymentId: p.paymentId, transactionExternalKey: p.transactionExternalKey, amount: invoice.balance, currency: invoice.currency,
      properties: [{ key: 'IPCD_INVOICE_ID', value: p.invoiceId }], controlPluginNames: [INVOICE_CONTROL_PLUGIN],
    }, account);
    recordInvoicePaymentAttempt(em, ctx, clock, p.invoiceId, begun);
    return { begun, after: (tx, b, outcome) => recordInvoicePaymentOutcome(tx, ctx, clock, b, p.invoiceId, outcome) };
  }

  async function beginControlRetry(em: EntityManager, ctx: CallContext, p: Extract<RetryPayload, { kind: 'control' }>): Promise<{ begun: Begun; after: FinishHook } | null> {
    const payment = await em.findOne(PaymentEntity, { id: p.paymentId });
    if (!payment) return null;
    const account = await accountRow(em, payment.accountId);
    const opening = p.type === 'AUTHORIZE' || p.type === 'PURCHASE' || p.type === 'CREDIT';
    const begun = await path.beginIn(em, ctx, {
      type: p.type, ...(opening ? { accountId: account.id, paymentId: p.paymentId } : { target: { paymentId: p.paymentId } }), transactionExternalKey: p.transactionExternalKey,
      amount: new Decimal(p.amount), currency: p.currency, properties: p.properties, controlPluginNames: p.controlPluginNames,
    }, account);
    return { begun, after: async () => undefined };
  }

  async function continueAfterCommit(ctx: CallContext, begun: Begun, after: FinishHook, control: Extract<RetryPayload, { kind: 'control' }> | null): Promise<void> {
    try {
      if (!(await waitForCommit(db, ctx, begun.transactionId))) return;
      const result = await deps.callPlugin(ctx, begun);
      const outcome = await path.finish(ctx, begun, result, after);
      if (control && deps.control) {
        const next = await deps.control.after(ctx, control.controlPluginNames, {
          accountId: begun.accountId, paymentId: begun.paymentId, paymentExternalKey: outcome.payment.externalKey, transactionId: begun.transactionId,
          transactionExternalKey: control.transactionExternalKey, transactionType: begun.type, paymentMethodId: begun.paymentMethodId, amount: begun.amount,
          currency: begun.currency, isApiPayment: false, properties: begun.properties,
        }, { status: result.status, processedAmount: result.processedAmount, processedCurrency: result.processedCurrency });
        if (next && result.status !== 'SUCCESS' && result.status !== 'PENDING') await retries.scheduleControlRetry(ctx, begun, control.controlPluginNames, control.transactionExternalKey, next);
      }
    } catch (err) {
      logger.error({ err, paymentId: begun.paymentId }, 'payment retry did not complete; its transaction stays UNKNOWN for the janitor');
    }
  }

  const retries: Retries = {
    pending: () => inFlight,

    async cancelScheduled(ctx, by) {
      const em = readEm(db, ctx);
      const ids = 'id' in by ? [by.id] : (await em.find(PaymentTransactionEntity, { transactionExternalKey: by.transactionExternalKey }, { fields: ['id'] })).map((t) => t.id);
      const keyed = 'transactionExternalKey' in by ? by.transactionExternalKey : null;
      const rows = await em.find(NotificationEntity, { queueName: RETRY_QUEUE, tenantRecordId: ctx.tenant.recordId });
      const matching = rows.filter((n) => {
        const p = n.payload as Partial<RetryPayload>;
        return (p.transactionId !== undefined && ids.includes(p.transactionId)) || (p.paymentId !== undefined && ids.includes(p.paymentId)) || (keyed !== null && p.transactionExternalKey === keyed);
      });
      for (const n of matching) {
        await writeTx(db, ctx, async (tx) => {
          if (n.accountRecordId != null) await lockAccount(tx, ctx.tenant.recordId, n.accountRecordId);
          const row = await tx.findOne(NotificationEntity, { recordId: n.recordId });
          if (!row) return;
          const transactionId = (row.payload as Partial<RetryPayload>).transactionId;
          const failed = transactionId ? await tx.findOne(PaymentTransactionEntity, { id: transactionId }) : null;
          const attempt = failed?.attemptId ? await tx.findOne(PaymentAttemptEntity, { id: failed.attemptId }) : null;
          if (attempt && attempt.stateName === 'RETRIED') {
            attempt.stateName = 'ABORTED';
            touch(attempt, ctx, clock.now().toJSDate());
          }
          tx.remove(row);
        });
      }
    },

    async scheduleControlRetry(ctx, begun, controlPluginNames, transactionExternalKey, at) {
      await writeTx(db, ctx, async (tx) => {
        // A plugin answering a date on every failure (or a date in the past) must not retry for ever.
        const tries = await tx.count(PaymentTransactionEntity, { paymentId: begun.paymentId, transactionExternalKey });
        if (tries > CONTROL_MAX_RETRIES) {
          logger.warn({ paymentId: begun.paymentId, transactionExternalKey, tries }, 'control plugin asked for another retry; giving up after the maximum');
          return;
        }
        const row = await tx.findOne(PaymentTransactionEntity, { id: begun.transactionId });
        await markRetried(tx, ctx, row?.attemptId ?? null);
        scheduleNotification(tx, ctx, clock, {
          queueName: RETRY_QUEUE, effectiveDate: at, accountRecordId: begun.accountRecordId,
          payload: {
            kind: 'control', paymentId: begun.paymentId, transactionId: begun.transactionId, transactionExternalKey, type: begun.type, amount: begun.amount.toFixed(),
            currency: begun.currency, controlPluginNames: [...controlPluginNames], properties: [...begun.properties],
          } satisfies RetryPayload,
        });
      });
    },
  };
  return retries;
}
