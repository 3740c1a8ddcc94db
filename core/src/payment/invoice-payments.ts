import type { EntityManager } from '@mikro-orm/core';
import { Decimal } from 'decimal.js';
import type { Logger } from 'pino';
import type { Bus } from '../bus/bus.js';
import type { BusEvent } from '../bus/event.js';
import { extMetaData } from '../bus/ext-fields.js';
import type { Clock } from '../clock/clock.js';
import type { CallContext } from '../context.js';
import { scheduleNotification, type NotificationQueue } from '../notification/queue.js';
import { inSavepoint, readEm } from '../persistence/scope.js';
import { creationStamps, touch } from '../persistence/stamps.js';
import { newId } from '../values/ids.js';
import { INVOICE_CONTROL_PLUGIN } from './control-plugins.js';
import { judgeInvoicePayment } from './invoice-control.js';
import { createAttemptRow, emitInvoicePaymentEvent, INVOICE_ID_PROPERTY, recordAttemptOutcome } from './invoice-records.js';
import { PaymentAttemptEntity, PaymentTransactionEntity } from './model.js';
import type { GatewayResult } from './plugin-call.js';
import type { Begun, TransactionPath } from './transactions.js';

/**
 * Automatic invoice payments (Kill Bill's PaymentBusEventHandler + InvoicePaymentControlPluginApi, §7.3):
 * INVOICE_CREATION schedules a notification (never a payment inline in the invoice's transaction); its
 * handler, under the account lock, asks the invoice control (invoice-control.ts) and, when it may pay,
 * records step (a) of a PURCHASE of that invoice's balance with the default method and an ATTEMPT row
 * (INIT) in the handler's transaction. The plugin call runs after that transaction committed, outside it;
 * step (c) then sets the ATTEMPT's outcome and posts INVOICE_PAYMENT_SUCCESS / INVOICE_PAYMENT_FAILED
 * beside PAYMENT_SUCCESS / PAYMENT_FAILED. When the control stops:
 * - no default payment method: nothing is recorded, INVOICE_PAYMENT_FAILED is posted (paymentId null), as
 *   Kill Bill's notifyOfPaymentCompletion does for a payment that was never attempted;
 * - AUTO_PAY_OFF / MANUAL_PAY: an ABORTED payment attempt marks the invoice (Kill Bill's auto_pay_off
 *   table); removing AUTO_PAY_OFF (TAG_DELETION) sets those attempts RETRIED and pays their invoices;
 * - DRAFT/VOID, delegated to a parent, balance ≤ 0: nothing.
 * A crash after the handler committed and before the plugin answered leaves an UNKNOWN transaction, which
 * the janitor reconciles.
 */

export const INVOICE_PAYMENT_QUEUE = 'payment-invoice';
/** The property that marks an attempt deferred by AUTO_PAY_OFF / MANUAL_PAY. */
const AUTO_PAY_OFF_PROPERTY = 'AUTO_PAY_OFF';

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

/** The ATTEMPT row of a begun invoice payment (INIT until step (c)); retries.ts too. */
export function recordInvoicePaymentAttempt(em: EntityManager, ctx: CallContext, clock: Clock, invoiceId: string, begun: Begun): void {
  createAttemptRow(em, ctx, clock, invoiceId, begun);
}

/** Step (c) of an invoice payment in the finishing transaction; retries.ts and janitor.ts too. */
export function recordInvoicePaymentOutcome(tx: EntityManager, ctx: CallContext, clock: Clock, begun: Begun, invoiceId: string, outcome: GatewayResult): Promise<void> {
  return recordAttemptOutcome(tx, ctx, clock, begun, invoiceId, outcome);
}

/** A TAG_DELETION of AUTO_PAY_OFF (TagMetadata `{"tagDefinitionName":...}`). */
function isAutoPayOffRemoval(event: BusEvent): boolean {
  const meta = extMetaData(event);
  if (meta === null) return false;
  try {
    return (JSON.parse(meta) as { tagDefinitionName?: unknown }).tagDefinitionName === 'AUTO_PAY_OFF';
  } catch {
    return false;
  }
}

export function registerInvoicePayments(deps: InvoicePaymentDeps): InvoicePayments {
  const { db, clock, path } = deps;
  const logger = deps.logger.child({ component: 'invoice-payments' });
  let inFlight = 0;

  const schedulePayment = (em: EntityManager, ctx: CallContext, accountRecordId: number | null, invoiceId: string) =>
    scheduleNotification(em, ctx, clock, { queueName: INVOICE_PAYMENT_QUEUE, effectiveDate: clock.now(), accountRecordId, payload: { invoiceId } });

  // Kill Bill's InvoiceHandler pays on the INVOICE_CREATION bus event itself. Step (a) runs here, in the event's
  // transaction (the account lock held), in a savepoint: if it fails, only it is undone and the payment goes to
  // the queue instead, which retries it on its own (the event's other consumers are not failed with it). A
  // notification per invoice used to carry every payment, even the ones with nothing to do (no payment
  // method, AUTO_PAY_OFF, nothing owed): a fire of its own per invoice, a quarter of a bill run's statements.
  deps.bus.subscribe('payment-invoice-creation', ['INVOICE_CREATION'], async (em, event, ctx) => {
    const invoiceId = event.objectId;
    if (!invoiceId) return;
    let begun: Begun | null;
    try {
      begun = await inSavepoint(em, ctx, (inner) => beginInvoicePayment(inner, ctx, invoiceId));
    } catch (err) {
      logger.warn({ err, invoiceId }, 'invoice payment could not start on the invoice event; queued for a retry');
      schedulePayment(em, ctx, event.accountRecordId, invoiceId);
      return;
    }
    if (begun) {
      const started = begun;
      inFlight++;
      void continueAfterCommit(ctx, started, invoiceId).finally(() => inFlight--);
    }
  });

  // AUTO_PAY_OFF removed: the invoices it held back are paid now (Kill Bill's PaymentTagHandler).
  deps.bus.subscribe('payment-auto-pay-off-removal', ['TAG_DELETION'], async (em, event, ctx) => {
    if (event.accountRecordId === null || !isAutoPayOffRemoval(event)) return;
    const held = await em.find(PaymentAttemptEntity, { accountRecordId: event.accountRecordId, stateName: 'ABORTED', pluginName: INVOICE_CONTROL_PLUGIN, transactionId: null }, { orderBy: { recordId: 'asc' } });
    const invoiceIds = new Set<string>();
    for (const attempt of held) {
      const props = attempt.pluginProperties ?? [];
      if (!props.some((p) => p.key === AUTO_PAY_OFF_PROPERTY)) continue;
      const invoiceId = props.find((p) => p.key === INVOICE_ID_PROPERTY)?.value;
      attempt.stateName = 'RETRIED';
      touch(attempt, ctx, clock.now().toJSDate());
      if (typeof invoiceId === 'string') invoiceIds.add(invoiceId);
    }
    for (const invoiceId of invoiceIds) schedulePayment(em, ctx, event.accountRecordId, invoiceId);
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

  /** Step (a) in the handler's transaction, or null when the invoice control stops the payment. */
  async function beginInvoicePayment(em: EntityManager, ctx: CallContext, invoiceId: string): Promise<Begun | null> {
    const verdict = await judgeInvoicePayment(em, invoiceId, { api: false });
    if (!verdict.go) {
      const { invoice, account } = verdict;
      if (!invoice || !account) return null;
      if (verdict.reason === 'NO_PAYMENT_METHOD') {
        emitInvoicePaymentEvent(em, ctx, clock, {
          success: false, accountId: account.id, accountRecordId: account.recordId, invoiceId, paymentId: null, type: 'ATTEMPT', amount: new Decimal(0), currency: invoice.currency,
        });
      } else if (verdict.reason === 'AUTO_PAY_OFF') {
        const at = clock.now().toJSDate();
        em.create(PaymentAttemptEntity, {
          id: newId(), tenantRecordId: ctx.tenant.recordId, accountRecordId: account.recordId, accountId: account.id, paymentMethodId: account.paymentMethodId,
          paymentExternalKey: newId(), transactionId: null, transactionExternalKey: newId(), transactionType: 'PURCHASE', stateName: 'ABORTED',
          amount: invoice.balance.toFixed(), currency: invoice.currency, pluginName: INVOICE_CONTROL_PLUGIN,
          pluginProperties: [{ key: INVOICE_ID_PROPERTY, value: invoiceId }, { key: AUTO_PAY_OFF_PROPERTY, value: true }], ...creationStamps(ctx, at),
        });
      }
      return null;
    }
    const { invoice, account } = verdict;
    const begun = await path.beginIn(em, ctx, {
      type: 'PURCHASE', accountId: account.id, paymentMethodId: account.paymentMethodId, amount: invoice.balance, currency: invoice.currency,
      properties: [{ key: INVOICE_ID_PROPERTY, value: invoiceId }], controlPluginNames: [INVOICE_CONTROL_PLUGIN],
    }, account);
    createAttemptRow(em, ctx, clock, invoiceId, begun);
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
      await path.finish(ctx, begun, result, (tx, b, r) => recordAttemptOutcome(tx, ctx, clock, b, invoiceId, r));
    } catch (err) {
      logger.error({ err, invoiceId, paymentId: begun.paymentId }, 'invoice payment did not complete; its transaction stays UNKNOWN for the janitor');
    }
  }

  return { pending: () => inFlight };
}
