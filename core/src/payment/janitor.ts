import type { EntityManager } from '@mikro-orm/core';
import { Decimal } from 'decimal.js';
import type { Duration, DurationLikeObject } from 'luxon';
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { CallContext } from '../context.js';
import { isBillingError } from '../errors/index.js';
import { scheduleNotification, type NotificationQueue } from '../notification/queue.js';
import { readEm } from '../persistence/scope.js';
import { recordInvoicePaymentOutcome } from './invoice-payments.js';
import { methodRow } from './methods.js';
import { PaymentAttemptEntity, PaymentEntity, PaymentTransactionEntity } from './model.js';
import type { PaymentPluginProperty, TransactionStatus, TransactionType } from './payment-service.js';
import { resultOf, type GatewayResult, type PaymentGateway } from './plugin-call.js';
import { invoiceIdOf, waitForCommit } from './retries.js';
import type { Begun, TransactionPath } from './transactions.js';

/**
 * The janitor (Kill Bill's Janitor / IncompletePaymentTransactionTask): transactions the gateway has not
 * settled are asked about again with the plugin's getPaymentInfo, on the `payment-janitor` queue,
 * scheduled in the transaction that recorded the unsettled state (so a restart loses nothing):
 * - PENDING: `janitor.pending.retries` 1h, 1d;
 * - UNKNOWN (a timeout, an UNDEFINED answer): `janitor.unknown.retries` 5m, 1h, 1d, 1d, 1d, 1d, 1d;
 * - INCOMPLETE: every step (a) schedules one check 12 h later, for a crash between recording the attempt
 *   and recording the plugin's result (the transaction is still UNKNOWN and its payment marked in flight).
 *   If the plugin knows nothing of the transaction then, it never reached the gateway: PLUGIN_FAILURE.
 * Each check schedules the next one of its chain first (in the queue's transaction), then asks the plugin
 * after that commit, outside any transaction. An answer that changes the status (PROCESSED → SUCCESS,
 * ERROR → PAYMENT_FAILURE, CANCELED → PLUGIN_FAILURE ...) goes through step (c) (transactions.ts finish):
 * transaction, payment state and aggregates, PAYMENT_SUCCESS / PAYMENT_FAILED, and for an invoice payment
 * its invoice_payments row and INVOICE_PAYMENT_SUCCESS/FAILED (and, on a decline, a retry: retries.ts).
 * A transaction already settled by then (completeTransaction, notifyStateChanged) is left alone.
 */

export const JANITOR_QUEUE = 'payment-janitor';
export const PENDING_RETRIES: readonly DurationLikeObject[] = [{ hours: 1 }, { days: 1 }];
export const UNKNOWN_RETRIES: readonly DurationLikeObject[] = [{ minutes: 5 }, { hours: 1 }, { days: 1 }, { days: 1 }, { days: 1 }, { days: 1 }, { days: 1 }];
export const INCOMPLETE_AFTER: DurationLikeObject = { hours: 12 };

type Kind = 'PENDING' | 'UNKNOWN' | 'INCOMPLETE';
interface JanitorPayload {
  readonly kind: Kind;
  readonly transactionId: string;
  /** Which entry of the kind's schedule this check is. */
  readonly n: number;
}

export interface JanitorDeps {
  readonly db: Parameters<typeof readEm>[0];
  readonly clock: Clock;
  readonly logger: Logger;
  readonly notifications: Pick<NotificationQueue, 'register'>;
  readonly path: TransactionPath;
  readonly gateway: Pick<PaymentGateway, 'getPaymentInfo'>;
}

export interface Janitor {
  /** Checks waiting for their handler's commit or the plugin (the test clock waits for 0). */
  pending(): number;
}

function delayOf(kind: Kind, n: number): DurationLikeObject | Duration | null {
  if (kind === 'INCOMPLETE') return n === 0 ? INCOMPLETE_AFTER : null;
  return (kind === 'PENDING' ? PENDING_RETRIES : UNKNOWN_RETRIES)[n] ?? null;
}

export function registerJanitor(deps: JanitorDeps): Janitor {
  const { db, clock, path } = deps;
  const logger = deps.logger.child({ component: 'payment-janitor' });
  let inFlight = 0;

  function schedule(tx: EntityManager, ctx: CallContext, accountRecordId: number, payload: JanitorPayload): void {
    const delay = delayOf(payload.kind, payload.n);
    if (!delay) return;
    scheduleNotification(tx, ctx, clock, { queueName: JANITOR_QUEUE, effectiveDate: clock.now().plus(delay), accountRecordId, payload: { ...payload } });
  }

  path.listen({
    begun: (tx, ctx, begun) => {
      if (begun.type === 'CHARGEBACK') return; // recorded without a plugin call
      schedule(tx, ctx, begun.accountRecordId, { kind: 'INCOMPLETE', transactionId: begun.transactionId, n: 0 });
    },
    // A new chain when a transaction becomes PENDING or ends a call UNKNOWN (a PENDING completed into PENDING again keeps its chain).
    finished: (tx, ctx, begun, result, previous) => {
      if (result.status === 'UNKNOWN' || (result.status === 'PENDING' && previous !== 'PENDING')) schedule(tx, ctx, begun.accountRecordId, { kind: result.status, transactionId: begun.transactionId, n: 0 });
    },
  });

  deps.notifications.register(JANITOR_QUEUE, async (em, notification, ctx) => {
    const payload = notification.payload as unknown as JanitorPayload;
    const row = await em.findOne(PaymentTransactionEntity, { id: payload.transactionId });
    if (!row || (row.transactionStatus !== 'PENDING' && row.transactionStatus !== 'UNKNOWN')) return;
    const payment = await em.findOneOrFail(PaymentEntity, { id: row.paymentId });
    // The 12 h check only covers a call that never recorded its result; a finished UNKNOWN has its own chain.
    const interrupted = payment.inFlightTransactionId === row.id;
    if (payload.kind === 'INCOMPLETE' && !interrupted) return;
    const method = await methodRow(em, payment.paymentMethodId, true);
    const attempt = row.attemptId ? await em.findOne(PaymentAttemptEntity, { id: row.attemptId }) : null;
    // The next check first: if this one dies with the process, the chain goes on.
    schedule(em, ctx, row.accountRecordId, { ...payload, n: payload.n + 1 });
    const begun: Begun = {
      accountId: payment.accountId, accountRecordId: row.accountRecordId, paymentId: payment.id, transactionId: row.id, paymentMethodId: method.id,
      pluginName: method.pluginName, type: row.transactionType as TransactionType, amount: new Decimal(row.amount), currency: row.currency,
      properties: (attempt?.pluginProperties ?? []).map((p): PaymentPluginProperty => ({ key: p.key, value: p.value ?? null })),
    };
    inFlight++;
    void reconcile(ctx, begun, row.transactionStatus as TransactionStatus, payload.kind === 'INCOMPLETE').finally(() => inFlight--);
  });

  /** Asks the plugin; records its answer when it changes the transaction's status. */
  async function reconcile(ctx: CallContext, begun: Begun, current: TransactionStatus, interrupted: boolean): Promise<void> {
    try {
      if (!(await waitForCommit(db, ctx, begun.transactionId))) return;
      let result: GatewayResult | null;
      try {
        const infos = await deps.gateway.getPaymentInfo(ctx, begun.pluginName, begun.accountId, begun.paymentId, []);
        const info = infos.find((i) => i.kbTransactionPaymentId === begun.transactionId);
        result = info ? resultOf(begun, info) : interrupted ? notReached(begun) : null;
      } catch (err) {
        if (!isBillingError(err)) throw err;
        logger.warn({ code: err.code, err: err.message, paymentId: begun.paymentId }, 'janitor could not ask the plugin; the next check will');
        return;
      }
      if (!result || result.status === current) return;
      // Settled meanwhile by someone else (completeTransaction, notifyStateChanged): leave it.
      const now = await readEm(db, ctx).findOne(PaymentTransactionEntity, { id: begun.transactionId }, { fields: ['transactionStatus'] });
      if (now?.transactionStatus !== current) return;
      const invoiceId = invoiceIdOf(begun.properties);
      await path.finish(ctx, begun, result, invoiceId ? (tx, b, outcome) => recordInvoicePaymentOutcome(tx, ctx, clock, b, invoiceId, outcome) : undefined);
      logger.info({ paymentId: begun.paymentId, transactionId: begun.transactionId, from: current, to: result.status }, 'janitor settled a payment transaction');
    } catch (err) {
      logger.error({ err, paymentId: begun.paymentId }, 'janitor check failed; the next check will retry');
    }
  }

  return { pending: () => inFlight };
}

/** A transaction the gateway never saw (a crash before the plugin call): nothing moved. */
function notReached(begun: Begun): GatewayResult {
  return {
    status: 'PLUGIN_FAILURE', processedAmount: new Decimal(0), processedCurrency: begun.currency, gatewayErrorCode: null,
    gatewayErrorMsg: 'The payment plugin has no record of this transaction (interrupted before the gateway call)', firstPaymentReferenceId: null,
    secondPaymentReferenceId: null, properties: [],
  };
}
