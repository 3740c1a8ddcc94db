import type { EntityManager } from '@mikro-orm/core';
import type { Logger } from 'pino';
import type { Bus } from '../bus/bus.js';
import { emitEvent } from '../bus/outbox.js';
import type { Clock } from '../clock/clock.js';
import type { CallContext } from '../context.js';
import { InvoicePaymentEntity } from '../invoice/model.js';
import { loadInvoice } from '../invoice/store.js';
import { scheduleNotification, type NotificationQueue } from '../notification/queue.js';
import { readEm } from '../persistence/scope.js';
import { creationStamps, touch } from '../persistence/stamps.js';
import { controlTagsIn } from '../tag/control-tag-reads.js';
import { newId } from '../values/ids.js';
import { accountRow } from './deps.js';
import { PaymentTransactionEntity } from './model.js';
import type { GatewayResult } from './plugin-call.js';
import type { Begun, TransactionPath } from './transactions.js';

/**
 * Automatic invoice payments (Kill Bill's PaymentBusEventHandler + InvoicePaymentControlPluginApi, §7.3):
 * INVOICE_CREATION schedules a notification (never a payment inline in the bus consumer); its handler,
 * under the account lock, decides whether to pay (COMMITTED, balance > 0, not delegated to a parent, no
 * AUTO_PAY_OFF / MANUAL_PAY, a default payment method) and records step (a) of a PURCHASE of that
 * invoice's balance with an invoice_payments ATTEMPT row (success false, status INIT) in the handler's
 * transaction. The plugin call runs after that transaction committed, outside it; step (c) then sets the
 * invoice payment's outcome (a failed attempt keeps amount 0, as Kill Bill shows it) and posts
 * INVOICE_PAYMENT_SUCCESS / INVOICE_PAYMENT_FAILED beside PAYMENT_SUCCESS / PAYMENT_FAILED.
 *
 * A crash after the handler committed and before the plugin answered leaves an UNKNOWN transaction: the
 * janitor's job (TODO, issue 8 §5), as in Kill Bill.
 */

export const INVOICE_PAYMENT_QUEUE = 'payment-invoice';

export interface InvoicePaymentDeps {
  readonly db: Parameters<typeof readEm>[0];
  readonly clock: Clock;
  readonly logger: Logger;
  readonly bus: Pick<Bus, 'subscribe'>;
  readonly notifications: Pick<NotificationQueue, 'register'>;
  readonly path: TransactionPath;
  readonly callPlugin: (ctx: CallContext, begun: Begun) => Promise<GatewayResult>;
}

export interface InvoicePayments {
  /** Continuations waiting for their handler's commit or their plugin (the test clock waits for 0). */
  pending(): number;
}

const COMMIT_WAIT_MS = 15_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function registerInvoicePayments(deps: InvoicePaymentDeps): InvoicePayments {
  const { db, clock, path } = deps;
  const logger = deps.logger.child({ component: 'invoice-payments' });
  let inFlight = 0;

  deps.bus.subscribe('payment-invoice-creation', ['INVOICE_CREATION'], async (em, event, ctx) => {
    if (!event.objectId) return;
    scheduleNotification(em, ctx, clock, { queueName: INVOICE_PAYMENT_QUEUE, effectiveDate: clock.now(), accountRecordId: event.accountRecordId, payload: { invoiceId: event.objectId } });
  });

  deps.notifications.register(INVOICE_PAYMENT_QUEUE, async (em, notification, ctx) => {
    const invoiceId = notification.payload['invoiceId'];
    if (typeof invoiceId !== 'string') return;
    const begun = await beginInvoicePayment(em, ctx, invoiceId);
    if (begun) {
      inFlight++;
      void continueAfterCommit(ctx, begun, invoiceId).finally(() => inFlight--);
    }
  });

  /** Step (a) in the handler's transaction, or null when Kill Bill's invoice control aborts. */
  async function beginInvoicePayment(em: EntityManager, ctx: CallContext, invoiceId: string): Promise<Begun | null> {
    const invoice = await loadInvoice(em, invoiceId);
    if (!invoice || invoice.status !== 'COMMITTED' || invoice.balance.lte(0)) return null;
    const account = await accountRow(em, invoice.accountId);
    if (account.isPaymentDelegatedToParent && account.parentAccountId) return null;
    const tags = (await controlTagsIn(em, [account.id])).get(account.id) ?? new Set();
    if (tags.has('AUTO_PAY_OFF') || tags.has('MANUAL_PAY')) return null; // TODO: pay when the tag is removed (§7.3)
    if (!account.paymentMethodId) return null; // TODO: Kill Bill records an INIT invoice payment and posts INVOICE_PAYMENT_FAILED
    const begun = await path.beginIn(em, ctx, {
      type: 'PURCHASE', accountId: account.id, paymentMethodId: account.paymentMethodId, amount: invoice.balance, currency: invoice.currency,
      properties: [{ key: 'IPCD_INVOICE_ID', value: invoiceId }], controlPluginNames: ['__INVOICE_PAYMENT_CONTROL_PLUGIN__'],
    }, account);
    recordInvoicePaymentAttempt(em, ctx, clock, invoiceId, begun);
    return begun;
  }

  /** Steps (b) and (c), once the handler's transaction is visible (it may still roll back: then nothing). */
  async function continueAfterCommit(ctx: CallContext, begun: Begun, invoiceId: string): Promise<void> {
    try {
      const deadline = Date.now() + COMMIT_WAIT_MS;
      while (!(await readEm(db, ctx).findOne(PaymentTransactionEntity, { id: begun.transactionId }, { fields: ['id'] }))) {
        if (Date.now() > deadline) return;
        await sleep(20);
      }
      const result = await deps.callPlugin(ctx, begun);
      await path.finish(ctx, begun, result, (tx, _begun, outcome) => recordInvoicePaymentOutcome(tx, ctx, clock, begun, invoiceId, outcome));
    } catch (err) {
      logger.error({ err, invoiceId, paymentId: begun.paymentId }, 'invoice payment did not complete; its transaction stays UNKNOWN for the janitor');
    }
  }

  return { pending: () => inFlight };
}

/** The invoice_payments ATTEMPT row of a begun invoice payment (success false, INIT until step (c)); retries.ts too. */
export function recordInvoicePaymentAttempt(em: EntityManager, ctx: CallContext, clock: Clock, invoiceId: string, begun: Begun): void {
  em.create(InvoicePaymentEntity, {
    id: newId(), tenantRecordId: ctx.tenant.recordId, accountRecordId: begun.accountRecordId, type: 'ATTEMPT', invoiceId, paymentId: begun.paymentId,
    paymentDate: clock.now().toJSDate(), amount: begun.amount.toFixed(), currency: begun.currency, processedCurrency: begun.currency,
    paymentCookieId: begun.transactionId, linkedInvoicePaymentId: null, success: false, status: 'INIT', ...creationStamps(ctx, clock.now().toJSDate()),
  });
}

/**
 * Step (c) of an invoice payment, in the finishing transaction: the ATTEMPT row's outcome (a failed attempt
 * keeps amount 0, as Kill Bill shows it) and INVOICE_PAYMENT_SUCCESS / INVOICE_PAYMENT_FAILED. Also used
 * by retries.ts and janitor.ts (a PENDING/UNKNOWN invoice payment settled later).
 */
export async function recordInvoicePaymentOutcome(tx: EntityManager, ctx: CallContext, clock: Clock, begun: Begun, invoiceId: string, outcome: GatewayResult): Promise<void> {
  const row = await tx.findOne(InvoicePaymentEntity, { paymentCookieId: begun.transactionId, invoiceId });
  const success = outcome.status === 'SUCCESS';
  if (row) {
    row.success = success;
    row.status = outcome.status === 'PENDING' ? 'PENDING' : success ? 'SUCCESS' : 'INIT';
    if (!success) row.amount = '0';
    touch(row, ctx, clock.now().toJSDate());
  }
  emitEvent(tx, ctx, clock, {
    eventType: success || outcome.status === 'PENDING' ? 'INVOICE_PAYMENT_SUCCESS' : 'INVOICE_PAYMENT_FAILED',
    objectType: 'INVOICE_PAYMENT',
    objectId: row?.id ?? null,
    accountRecordId: begun.accountRecordId,
    payload: { accountId: begun.accountId, invoiceId, paymentId: begun.paymentId, amount: success ? begun.amount.toFixed() : '0', currency: begun.currency, status: outcome.status },
  });
}
