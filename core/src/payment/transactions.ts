import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import { Decimal } from 'decimal.js';
import type { DateTime } from 'luxon';
import type { AccountRow } from '../account/model.js';
import { emitEvent } from '../bus/outbox.js';
import type { CallContext } from '../context.js';
import { BillingError } from '../errors/index.js';
import { lockAccount } from '../persistence/account-lock.js';
import { LeanWrites, leanFind, leanFindOne } from '../persistence/lean-rows.js';
import { readEm, writeTx } from '../persistence/scope.js';
import { creationStamps, touch } from '../persistence/stamps.js';
import { newId } from '../values/ids.js';
import { checkPaymentAmount } from './amount.js';
import { accountRow, plainAccountRow, type PaymentDeps } from './deps.js';
import { methodRow, plainMethodRow } from './methods.js';
import { PaymentAttemptEntity, PaymentEntity, PaymentTransactionEntity, type PaymentAttemptRow, type PaymentRow, type PaymentTransactionRow } from './model.js';
import type { PaymentPluginProperty, PaymentTarget, TransactionOutcome, TransactionStatus, TransactionType } from './payment-service.js';
import type { GatewayResult } from './plugin-call.js';
import { storedProperties, toPayment } from './rows.js';
import { checkAmount, checkTransition, nextStates, paymentAmounts, sourceState, stateName } from './state-machine.js';

/**
 * The payment write path. No database transaction is open while a plugin runs:
 *   (a) begin: one short writeTx under the account lock validates the request (state machine, amounts,
 *       keys), records the transaction as UNKNOWN with its key in payment_transactions.active_key (unique
 *       per tenant) and marks the payment in flight, then commits;
 *   (b) the plugin call, outside any transaction;
 *   (c) finish: one writeTx under the account lock records the plugin's result, moves the payment's state
 *       and emits PAYMENT_SUCCESS / PAYMENT_FAILED.
 * A second request with the same transaction key, on this node or another, finds the key taken in (a)
 * (under the account lock, and the unique index backs it) and is refused before any plugin call: two
 * concurrent requests charge at most once. A crash between (a) and (c) leaves an UNKNOWN transaction,
 * which the janitor reconciles (janitor.ts).
 * Steps (a) and (c) read and write the payment's rows as plain rows, one statement each (persistence/lean-rows.ts):
 * through the unit of work they were most of a checkout's CPU. The rows they touch are never managed entities of
 * their entity manager; what listeners and hooks add (notifications, bus events, invoice payments) still
 * goes through it and is flushed here.
 */

/** The statuses that release a transaction key for a retry (the gateway did not move money). */
const RELEASING: readonly TransactionStatus[] = ['PAYMENT_FAILURE', 'PLUGIN_FAILURE'];

export interface Begun {
  readonly accountId: string;
  readonly accountRecordId: number;
  readonly paymentId: string;
  readonly transactionId: string;
  readonly paymentMethodId: string;
  readonly pluginName: string;
  readonly type: TransactionType;
  readonly amount: Decimal;
  readonly currency: string;
  readonly properties: readonly PaymentPluginProperty[];
  /** The attempt row as step (a) wrote it, so step (c) updates it without reading it again (absent: read it). */
  readonly attempt?: PaymentAttemptRow;
}

/** More to record in the finishing transaction (invoice payments). */
export type FinishHook = (tx: EntityManager, begun: Begun, result: GatewayResult) => Promise<void>;

/**
 * Work recorded in the same transaction as a step (retries.ts, janitor.ts schedule their notifications
 * here, so the future work exists exactly when the transaction's state does).
 */
export interface PathListener {
  /** Step (a) recorded the transaction as UNKNOWN. */
  readonly begun?: (tx: EntityManager, ctx: CallContext, begun: Begun) => Promise<void> | void;
  /** Step (c) recorded the result; `previous` is the status it replaced. */
  readonly finished?: (tx: EntityManager, ctx: CallContext, begun: Begun, result: GatewayResult, previous: TransactionStatus) => Promise<void> | void;
}

/** What a begin step validates and records. */
export interface TransactionSpec {
  readonly type: TransactionType;
  /** A new payment's account; a follow-up names its payment instead. */
  readonly accountId?: string | null;
  readonly target?: PaymentTarget | null;
  /** For a new payment: an existing payment to retry into (by id, or by its external key). */
  readonly paymentId?: string | null;
  readonly paymentExternalKey?: string | null;
  readonly paymentMethodId?: string | null;
  readonly transactionExternalKey?: string | null;
  readonly amount?: Decimal | null;
  readonly currency?: string | null;
  readonly effectiveDate?: DateTime | null;
  readonly properties?: readonly PaymentPluginProperty[];
  readonly controlPluginNames?: readonly string[];
  /** A chargeback reversal: the key names the chargeback to reverse, and is not taken again. */
  readonly reversal?: boolean;
}

export function noSuchPayment(what: string): BillingError {
  return new BillingError('PAYMENT_NO_SUCH_PAYMENT', `Payment ${what} does not exist`, { payment: what });
}

/** What a payment target names: its id or its external key. */
function targetKey(target: PaymentTarget): { id: string } | { externalKey: string } {
  return 'paymentId' in target ? { id: target.paymentId } : { externalKey: target.paymentExternalKey };
}

function found(row: PaymentRow | null, target: PaymentTarget): PaymentRow {
  if (!row) throw noSuchPayment('paymentId' in target ? target.paymentId : target.paymentExternalKey);
  return row;
}

/** paymentByTarget as a plain row (persistence/lean-rows.ts). */
async function plainPaymentByTarget(em: EntityManager, target: PaymentTarget): Promise<PaymentRow> {
  return found(await leanFindOne<PaymentRow>(em, PaymentEntity, targetKey(target)), target);
}

export async function paymentByTarget(em: EntityManager, target: PaymentTarget): Promise<PaymentRow> {
  return found(await em.findOne(PaymentEntity, targetKey(target)), target);
}

export function createTransactionPath(deps: PaymentDeps) {
  const { db, clock } = deps;
  const staleMs = deps.inFlightStaleMs ?? 120_000;
  const listeners: PathListener[] = [];

  /** The account the request belongs to, read before the lock (its record id is all the lock needs). */
  async function owner(ctx: CallContext, spec: TransactionSpec): Promise<AccountRow> {
    const em = readEm(db, ctx);
    if (spec.target) return accountRow(em, (await paymentByTarget(em, spec.target)).accountId);
    if (!spec.accountId) throw new BillingError('PAYMENT_INVALID_PARAMETER', 'Invalid parameter accountId: should not be null', { field: 'accountId' });
    return accountRow(em, spec.accountId);
  }

  function checkNotInFlight(payment: PaymentRow): void {
    if (payment.inFlightTransactionId && payment.inFlightSince && clock.now().toMillis() - payment.inFlightSince.getTime() < staleMs) {
      throw new BillingError('PAYMENT_TRANSACTION_IN_FLIGHT', `Payment ${payment.id} has transaction ${payment.inFlightTransactionId} in progress`, { paymentId: payment.id, transactionId: payment.inFlightTransactionId });
    }
  }

  async function checkKey(tx: EntityManager, key: string, accountRecordId: number): Promise<void> {
    const same = await leanFind<PaymentTransactionRow>(tx, PaymentTransactionEntity, { transactionExternalKey: key });
    if (same.some((t) => t.accountRecordId !== accountRecordId)) {
      throw new BillingError('PAYMENT_TRANSACTION_DIFFERENT_ACCOUNT_ID', `Payment transaction ${key} has a different account id`, { transactionExternalKey: key });
    }
    if (same.some((t) => t.activeKey !== null)) keyTaken(key);
  }

  function keyTaken(key: string): never {
    throw new BillingError('PAYMENT_ACTIVE_TRANSACTION_KEY_EXISTS', `Successful transaction with external key ${key} already exists`, { transactionExternalKey: key });
  }

  /**
   * The account a new payment names, locked and read in one statement (`select ... for update`: the account
   * lock, as lockAccount takes it); a follow-up's account is its payment's, locked by record id.
   */
  async function lockedOwner(tx: EntityManager, ctx: CallContext, spec: TransactionSpec): Promise<AccountRow> {
    if (spec.target) {
      const account = await owner(ctx, spec);
      await lockAccount(tx, ctx.tenant.recordId, account.recordId);
      return account;
    }
    if (!spec.accountId) throw new BillingError('PAYMENT_INVALID_PARAMETER', 'Invalid parameter accountId: should not be null', { field: 'accountId' });
    return plainAccountRow(tx, spec.accountId, { forUpdate: true });
  }

  /** Step (a). */
  async function begin(ctx: CallContext, spec: TransactionSpec): Promise<Begun> {
    const transactionId = newId();
    const key = spec.transactionExternalKey?.trim() || transactionId;
    try {
      return await writeTx(db, ctx, async (tx) => {
        const account = await lockedOwner(tx, ctx, spec);
        return await beginIn(tx, ctx, spec, account, transactionId);
      });
    } catch (err) {
      // The unique index on active_key: another node took the key between our check and our insert.
      if (err instanceof UniqueConstraintViolationException) keyTaken(key);
      throw err;
    }
  }

  /**
   * Step (a) inside a caller's transaction that already holds the account lock (a notification handler):
   * the caller's commit makes the transaction visible; its plugin call must wait for that commit.
   */
  async function beginIn(tx: EntityManager, ctx: CallContext, spec: TransactionSpec, account: AccountRow, transactionId: string = newId()): Promise<Begun> {
    const key = spec.transactionExternalKey?.trim() || transactionId;
    const now = clock.now();
    const stamps = creationStamps(ctx, now.toJSDate());

    const writes = new LeanWrites(tx);
    let payment: PaymentRow | null;
    if (spec.target) payment = await plainPaymentByTarget(tx, spec.target);
    else if (spec.paymentId) payment = await plainPaymentByTarget(tx, { paymentId: spec.paymentId });
    else payment = spec.paymentExternalKey ? await leanFindOne<PaymentRow>(tx, PaymentEntity, { externalKey: spec.paymentExternalKey }) : null;
    if (payment && payment.accountId !== account.id) {
      throw new BillingError('PAYMENT_DIFFERENT_ACCOUNT_ID', `Payment ${payment.id} has a different account id`, { paymentId: payment.id, accountId: account.id });
    }
    if (payment) checkNotInFlight(payment);
    const transactions = payment ? await leanFind<PaymentTransactionRow>(tx, PaymentTransactionEntity, { paymentId: payment.id }) : [];

    if (spec.reversal) {
      if (!transactions.some((t) => t.transactionType === 'CHARGEBACK' && t.transactionExternalKey === key && t.transactionStatus === 'SUCCESS')) {
        throw new BillingError('PAYMENT_INVALID_PARAMETER', `Invalid parameter transactionExternalKey: no successful chargeback ${key} on payment ${payment?.id}`, { transactionExternalKey: key });
      }
    } else if (spec.transactionExternalKey?.trim()) await checkKey(tx, key, account.recordId);
    // No key given: it is this new transaction's own fresh id, which no row can hold yet (the unique
    // active_key index stays the backstop), so the lookup is skipped.

    const methodId = spec.paymentMethodId ?? payment?.paymentMethodId ?? account.paymentMethodId;
    if (!methodId) throw new BillingError('PAYMENT_NO_DEFAULT_PAYMENT_METHOD', `Account ${account.id} does not have a default payment method set`, { accountId: account.id });
    const method = await plainMethodRow(tx, methodId, payment !== null && spec.paymentMethodId == null);
    if (method.accountId !== account.id) throw new BillingError('PAYMENT_METHOD_DIFFERENT_ACCOUNT_ID', `Payment method ${methodId} has a different account id`, { paymentMethodId: methodId });

    const currency = spec.currency ?? payment?.currency ?? account.currency;
    if (!currency) throw new BillingError('PAYMENT_INVALID_PARAMETER', 'Invalid parameter currency: should not be null', { field: 'currency' });
    if (payment && currency !== payment.currency) {
      throw new BillingError('PAYMENT_INVALID_PARAMETER', `Invalid parameter currency: ${currency} differs from the payment's ${payment.currency}`, { field: 'currency', currency });
    }
    const amount = spec.type === 'VOID' ? new Decimal(0) : checkPaymentAmount(spec.amount, currency);

    checkTransition(sourceState(payment), spec.type);
    if (payment && !spec.reversal) {
      const figures = paymentAmounts(
        transactions.map((t) => ({ transactionType: t.transactionType as TransactionType, status: t.transactionStatus as TransactionStatus, externalKey: t.transactionExternalKey, amount: new Decimal(t.amount), currency: t.currency, processedAmount: t.processedAmount == null ? null : new Decimal(t.processedAmount), processedCurrency: t.processedCurrency ?? null })),
        payment.currency,
      );
      checkAmount(spec.type, amount, figures);
    }

    const inFlight = { stateName: stateName(spec.type, 'INIT'), inFlightTransactionId: transactionId, inFlightSince: now.toJSDate(), updatedDate: now.toJSDate(), updatedBy: ctx.createdBy };
    if (!payment) {
      const paymentId = newId();
      payment = await writes.insert(PaymentEntity, {
        id: paymentId, tenantRecordId: ctx.tenant.recordId, accountRecordId: account.recordId, accountId: account.id, paymentMethodId: method.id,
        externalKey: spec.paymentExternalKey?.trim() || paymentId, currency, lastSuccessStateName: null, ...stamps, ...inFlight,
      } satisfies Omit<PaymentRow, 'recordId'>);
    } else await writes.update(PaymentEntity, payment, inFlight);

    const attemptId = newId();
    const properties = spec.properties ?? [];
    const attempt = await writes.insert(PaymentAttemptEntity, {
      id: attemptId, tenantRecordId: ctx.tenant.recordId, accountRecordId: account.recordId, accountId: account.id, paymentMethodId: method.id,
      paymentExternalKey: payment.externalKey, transactionId, transactionExternalKey: key, transactionType: spec.type, stateName: 'INIT',
      amount: spec.type === 'VOID' ? null : amount.toFixed(), currency, pluginName: spec.controlPluginNames?.length ? spec.controlPluginNames.join(',') : null,
      pluginProperties: storedProperties(properties), ...stamps,
    } satisfies Omit<PaymentAttemptRow, 'recordId'>);
    await writes.insert(PaymentTransactionEntity, {
      id: transactionId, tenantRecordId: ctx.tenant.recordId, accountRecordId: account.recordId, attemptId, paymentId: payment.id,
      transactionType: spec.type, transactionExternalKey: key, activeKey: spec.reversal ? null : key, effectiveDate: (spec.effectiveDate ?? now).toJSDate(),
      amount: amount.toFixed(), currency, processedAmount: null, processedCurrency: null, transactionStatus: 'UNKNOWN',
      gatewayErrorCode: null, gatewayErrorMsg: null, firstPaymentReferenceId: null, secondPaymentReferenceId: null, pluginProperties: [], ...stamps,
    } satisfies Omit<PaymentTransactionRow, 'recordId'>);
    const begun: Begun = {
      accountId: account.id, accountRecordId: account.recordId, paymentId: payment.id, transactionId, paymentMethodId: method.id,
      pluginName: method.pluginName, type: spec.type, amount, currency, properties, attempt,
    };
    for (const l of listeners) await l.begun?.(tx, ctx, begun);
    await tx.flush();
    await writes.flushAudits();
    return begun;
  }

  /** Step (a) of completing an existing PENDING/UNKNOWN transaction: mark its payment in flight again. */
  async function resume(ctx: CallContext, target: PaymentTarget, pick: (rows: readonly PaymentTransactionRow[]) => PaymentTransactionRow | undefined): Promise<Begun> {
    const account = await owner(ctx, { type: 'PURCHASE', target });
    return writeTx(db, ctx, async (tx) => {
      await lockAccount(tx, ctx.tenant.recordId, account.recordId);
      const payment = await paymentByTarget(tx, target);
      checkNotInFlight(payment);
      const rows = await tx.find(PaymentTransactionEntity, { paymentId: payment.id }, { orderBy: { recordId: 'asc' } });
      const row = pick(rows);
      if (!row) throw new BillingError('PAYMENT_INVALID_PARAMETER', `Invalid parameter transaction: payment ${payment.id} has no such transaction`, { paymentId: payment.id });
      if (row.transactionStatus !== 'PENDING' && row.transactionStatus !== 'UNKNOWN') {
        throw new BillingError('PAYMENT_INVALID_OPERATION', `Invalid payment transition ${row.transactionType} from state ${payment.stateName}`, { transactionId: row.id, status: row.transactionStatus });
      }
      const method = await methodRow(tx, payment.paymentMethodId, true);
      // The first call's properties (an invoice payment's IPCD_INVOICE_ID among them), so settling it later
      // updates what the first call would have (the invoice's ATTEMPT row, its retries).
      const attempt = row.attemptId ? await tx.findOne(PaymentAttemptEntity, { id: row.attemptId }) : null;
      const now = clock.now().toJSDate();
      payment.inFlightTransactionId = row.id;
      payment.inFlightSince = now;
      touch(payment, ctx, now);
      await tx.flush();
      return {
        accountId: account.id, accountRecordId: account.recordId, paymentId: payment.id, transactionId: row.id, paymentMethodId: method.id, pluginName: method.pluginName,
        type: row.transactionType as TransactionType, amount: new Decimal(row.amount), currency: row.currency,
        properties: (attempt?.pluginProperties ?? []).map((p): PaymentPluginProperty => ({ key: p.key, value: p.value ?? null })),
      };
    });
  }

  /** Step (c). */
  async function finish(ctx: CallContext, begun: Begun, result: GatewayResult, after?: FinishHook): Promise<TransactionOutcome> {
    return writeTx(db, ctx, async (tx) => {
      const writes = new LeanWrites(tx);
      const now = clock.now().toJSDate();
      const stamp = { updatedDate: now, updatedBy: ctx.createdBy };
      // The account lock and the payment in one statement (the payment's account is begun.accountRecordId).
      const payment = await leanFindOne<PaymentRow>(tx, PaymentEntity, { id: begun.paymentId, accountRecordId: begun.accountRecordId }, { lockingAccount: true });
      // All the payment's transactions at once: this one to update, and the rest for the answer (the account lock
      // and the in-flight mark keep other requests from adding one meanwhile).
      const all = payment ? await leanFind<PaymentTransactionRow>(tx, PaymentTransactionEntity, { paymentId: payment.id }) : [];
      const row = all.find((t) => t.id === begun.transactionId);
      if (!payment || !row) throw new BillingError('UNEXPECTED_ERROR', `Payment ${begun.paymentId} or its transaction ${begun.transactionId} is gone`);
      const previous = row.transactionStatus as TransactionStatus;
      // Step (a)'s attempt row when this call began it: the attempt belongs to this one call, nothing else writes it.
      const attempt = !row.attemptId ? null : begun.attempt?.id === row.attemptId ? begun.attempt : await leanFindOne<PaymentAttemptRow>(tx, PaymentAttemptEntity, { id: row.attemptId });
      const next = nextStates(payment, begun.type, result.status);
      const released = payment.inFlightTransactionId === row.id ? { inFlightTransactionId: null, inFlightSince: null } : {};
      // The transaction, its payment and its attempt in one statement.
      await writes.updateTogether([
        {
          entity: PaymentTransactionEntity,
          row,
          changes: {
            transactionStatus: result.status,
            processedAmount: result.processedAmount.toFixed(),
            processedCurrency: result.processedCurrency,
            gatewayErrorCode: result.gatewayErrorCode,
            gatewayErrorMsg: result.gatewayErrorMsg,
            firstPaymentReferenceId: result.firstPaymentReferenceId ?? row.firstPaymentReferenceId,
            secondPaymentReferenceId: result.secondPaymentReferenceId ?? row.secondPaymentReferenceId,
            pluginProperties: storedProperties(result.properties),
            ...(RELEASING.includes(result.status) ? { activeKey: null } : {}),
            ...stamp,
          } satisfies Partial<PaymentTransactionRow>,
        },
        { entity: PaymentEntity, row: payment, changes: { stateName: next.stateName, lastSuccessStateName: next.lastSuccessStateName, ...released, ...stamp } satisfies Partial<PaymentRow> },
        ...(attempt ? [{ entity: PaymentAttemptEntity, row: attempt, changes: { stateName: result.status === 'SUCCESS' || result.status === 'PENDING' ? 'SUCCESS' : 'ABORTED', ...stamp } satisfies Partial<PaymentAttemptRow> }] : []),
      ]);

      emitEvent(tx, ctx, clock, {
        eventType: result.status === 'SUCCESS' || result.status === 'PENDING' ? 'PAYMENT_SUCCESS' : 'PAYMENT_FAILED',
        objectType: 'PAYMENT',
        objectId: payment.id,
        accountRecordId: begun.accountRecordId,
        payload: {
          accountId: begun.accountId, paymentId: payment.id, paymentTransactionId: row.id, transactionType: begun.type, status: result.status,
          amount: row.amount, currency: row.currency, processedAmount: row.processedAmount, paymentExternalKey: payment.externalKey, transactionExternalKey: row.transactionExternalKey,
        },
      });
      if (after) await after(tx, begun, result);
      for (const l of listeners) await l.finished?.(tx, ctx, begun, result, previous);
      await tx.flush();
      await writes.flushAudits();

      const view = toPayment(payment, all);
      return { payment: view, transaction: view.transactions.find((t) => t.id === row.id)! };
    });
  }

  return { begin, beginIn, resume, finish, listen: (listener: PathListener) => void listeners.push(listener) };
}

export type TransactionPath = ReturnType<typeof createTransactionPath>;
