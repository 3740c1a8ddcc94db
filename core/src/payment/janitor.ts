import type { EntityManager } from '@mikro-orm/core';
import { Decimal } from 'decimal.js';
import { Duration, type DurationLikeObject } from 'luxon';
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { CallContext } from '../context.js';
import { isBillingError } from '../errors/index.js';
import { scheduleNotification, type NotificationQueue } from '../notification/queue.js';
import { readEm } from '../persistence/scope.js';
import { SYSTEM_SUBJECT } from '../security/subject.js';
import { TenantRefs } from '../tenant/refs.js';
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
 * - INCOMPLETE: a crash between recording the attempt and recording the plugin's result leaves the
 *   transaction UNKNOWN and its payment marked in flight. As Kill Bill's IncompletePaymentAttemptTask, a
 *   periodic sweep (every INCOMPLETE_SWEEP_EVERY of clock time, after a notification poll) looks for
 *   payments in flight for longer than INCOMPLETE_AFTER, across tenants, and checks each. If the plugin
 *   knows nothing of the transaction then, it never reached the gateway: PLUGIN_FAILURE. A node claims a
 *   payment by moving its in-flight mark to now (one conditional UPDATE), so two nodes never check it
 *   together, and a check that cannot settle it comes back INCOMPLETE_AFTER later. (Earlier versions
 *   scheduled one notification per payment for this; such notifications are still handled.)
 * Each PENDING/UNKNOWN check schedules the next one of its chain first (in the queue's transaction), then
 * asks the plugin after that commit, outside any transaction. An answer that changes the status (PROCESSED → SUCCESS,
 * ERROR → PAYMENT_FAILURE, CANCELED → PLUGIN_FAILURE ...) goes through step (c) (transactions.ts finish):
 * transaction, payment state and aggregates, PAYMENT_SUCCESS / PAYMENT_FAILED, and for an invoice payment
 * its invoice_payments row and INVOICE_PAYMENT_SUCCESS/FAILED (and, on a decline, a retry: retries.ts).
 * A transaction already settled by then (completeTransaction, notifyStateChanged) is left alone.
 */

export const JANITOR_QUEUE = 'payment-janitor';
export const PENDING_RETRIES: readonly DurationLikeObject[] = [{ hours: 1 }, { days: 1 }];
export const UNKNOWN_RETRIES: readonly DurationLikeObject[] = [{ minutes: 5 }, { hours: 1 }, { days: 1 }, { days: 1 }, { days: 1 }, { days: 1 }, { days: 1 }];
export const INCOMPLETE_AFTER: DurationLikeObject = { hours: 12 };
/** How often (clock time) a node sweeps for interrupted calls. */
export const INCOMPLETE_SWEEP_EVERY: DurationLikeObject = { hours: 1 };
/** Payments claimed per sweep: the next sweep takes the rest. */
const SWEEP_BATCH = 500;

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
  readonly notifications: Pick<NotificationQueue, 'register' | 'onPoll'>;
  readonly path: TransactionPath;
  readonly gateway: Pick<PaymentGateway, 'getPaymentInfo'>;
}

export interface Janitor {
  /** Checks waiting for their handler's commit or the plugin (the test clock waits for 0). */
  pending(): number;
}

function delayOf(kind: Kind, n: number): DurationLikeObject | Duration | null {
  // INCOMPLETE checks are no longer scheduled (the sweep finds those calls); one left by an earlier version is the last of its kind.
  if (kind === 'INCOMPLETE') return null;
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
    // A new chain when a transaction becomes PENDING or ends a call UNKNOWN (a PENDING completed into PENDING again keeps its chain).
    finished: (tx, ctx, begun, result, previous) => {
      if (result.status === 'UNKNOWN' || (result.status === 'PENDING' && previous !== 'PENDING')) schedule(tx, ctx, begun.accountRecordId, { kind: result.status, transactionId: begun.transactionId, n: 0 });
    },
  });

  /** The unsettled transaction as a step (a) result, with its payment's in-flight mark; null when it is settled or gone. */
  async function unsettled(em: EntityManager, transactionId: string): Promise<{ begun: Begun; status: TransactionStatus; interrupted: boolean } | null> {
    const row = await em.findOne(PaymentTransactionEntity, { id: transactionId });
    if (!row || (row.transactionStatus !== 'PENDING' && row.transactionStatus !== 'UNKNOWN')) return null;
    const payment = await em.findOneOrFail(PaymentEntity, { id: row.paymentId });
    const method = await methodRow(em, payment.paymentMethodId, true);
    const attempt = row.attemptId ? await em.findOne(PaymentAttemptEntity, { id: row.attemptId }) : null;
    const begun: Begun = {
      accountId: payment.accountId, accountRecordId: row.accountRecordId, paymentId: payment.id, transactionId: row.id, paymentMethodId: method.id,
      pluginName: method.pluginName, type: row.transactionType as TransactionType, amount: new Decimal(row.amount), currency: row.currency,
      properties: (attempt?.pluginProperties ?? []).map((p): PaymentPluginProperty => ({ key: p.key, value: p.value ?? null })),
    };
    return { begun, status: row.transactionStatus as TransactionStatus, interrupted: payment.inFlightTransactionId === row.id };
  }

  deps.notifications.register(JANITOR_QUEUE, async (em, notification, ctx) => {
    const payload = notification.payload as unknown as JanitorPayload;
    const found = await unsettled(em, payload.transactionId);
    // An INCOMPLETE check (scheduled by earlier versions) only covers a call that never recorded its result.
    if (!found || (payload.kind === 'INCOMPLETE' && !found.interrupted)) return;
    // The next check first: if this one dies with the process, the chain goes on.
    schedule(em, ctx, found.begun.accountRecordId, { ...payload, n: payload.n + 1 });
    inFlight++;
    void reconcile(ctx, found.begun, found.status, payload.kind === 'INCOMPLETE').finally(() => inFlight--);
  });

  const tenantRefs = new TenantRefs(db);
  const sweepEveryMs = Duration.fromObject(INCOMPLETE_SWEEP_EVERY).toMillis();
  let lastSweep: number | null = null;
  let sweeping = false;

  /** Kill Bill's IncompletePaymentAttemptTask: payments in flight longer than INCOMPLETE_AFTER, claimed one by one and checked. */
  async function sweepInterrupted(): Promise<void> {
    const now = clock.now();
    // By clock time, so a test clock moved 12 h sweeps at once; a clock moved back sweeps again too.
    if (lastSweep !== null && now.toMillis() >= lastSweep && now.toMillis() - lastSweep < sweepEveryMs) return;
    lastSweep = now.toMillis();
    sweeping = true;
    try {
      const conn = db.fork().getConnection();
      const before = now.minus(INCOMPLETE_AFTER).toJSDate();
      const rows = (await conn.execute(
        'select record_id, tenant_record_id, in_flight_transaction_id from payments where in_flight_since < ? and in_flight_transaction_id is not null order by in_flight_since limit ?',
        [before, SWEEP_BATCH],
      )) as { record_id: number | string; tenant_record_id: number | string; in_flight_transaction_id: string }[];
      if (rows.length > 0) logger.info({ payments: rows.length }, 'janitor found payments interrupted during their plugin call');
      for (const r of rows) {
        // The claim: another node sweeping now finds the mark moved and leaves it. It is Billwright's lease on the
        // payment, not a change of the payment itself, so it is not audited.
        const claimed = (await conn.execute(
          'update payments set in_flight_since = ? where record_id = ? and in_flight_transaction_id = ? and in_flight_since < ?',
          [now.toJSDate(), r.record_id, r.in_flight_transaction_id, before],
          'run',
        )) as { affectedRows: number };
        if (claimed.affectedRows !== 1) continue;
        const tenant = await tenantRefs.get(Number(r.tenant_record_id));
        const ctx: CallContext = { subject: SYSTEM_SUBJECT, userToken: 'payment-janitor', tenant, createdBy: 'payment-janitor', reasonCode: null, comment: null };
        const found = await unsettled(readEm(db, ctx), r.in_flight_transaction_id);
        if (!found?.interrupted) continue;
        inFlight++;
        void reconcile(ctx, found.begun, found.status, true).finally(() => inFlight--);
      }
    } finally {
      sweeping = false;
    }
  }
  deps.notifications.onPoll(sweepInterrupted);

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

  return { pending: () => inFlight + (sweeping ? 1 : 0) };
}

/** A transaction the gateway never saw (a crash before the plugin call): nothing moved. */
function notReached(begun: Begun): GatewayResult {
  return {
    status: 'PLUGIN_FAILURE', processedAmount: new Decimal(0), processedCurrency: begun.currency, gatewayErrorCode: null,
    gatewayErrorMsg: 'The payment plugin has no record of this transaction (interrupted before the gateway call)', firstPaymentReferenceId: null,
    secondPaymentReferenceId: null, properties: [],
  };
}
