import type { EntityManager } from '@mikro-orm/core';
import { Decimal } from 'decimal.js';
import { emitEvent } from '../bus/outbox.js';
import type { Clock } from '../clock/clock.js';
import type { CallContext } from '../context.js';
import { BillingError } from '../errors/index.js';
import { applyCredit, creditDay } from '../invoice/credit.js';
import { ADJUSTABLE_ITEM_TYPES, type Invoice } from '../invoice/invoice.js';
import { InvoiceItemEntity, InvoicePaymentEntity, type InvoicePaymentRow } from '../invoice/model.js';
import { emitInvoiceAdjustment } from '../invoice/ops/events.js';
import { insertItems, loadInvoiceRow, toItem } from '../invoice/store.js';
import { creationStamps, touch } from '../persistence/stamps.js';
import { newId } from '../values/ids.js';
import type { RefundAdjustment } from './invoice-payment-service.js';
import { PaymentTransactionEntity } from './model.js';
import type { GatewayResult } from './plugin-call.js';
import type { Begun } from './transactions.js';

/**
 * The invoice side of invoice payments (Kill Bill's DefaultInvoiceDao notifyOfPaymentInit/Completion,
 * postRefund, postChargeback, postChargebackReversal), written inside the payment's finishing transaction
 * (transactions.ts step (c), account lock held) so an invoice's balance and its payment move together:
 *   ATTEMPT       +amount, SUCCESS once the gateway processed it (a failure keeps amount 0);
 *   REFUND        −amount, with ITEM_ADJ items when the refund is adjusted (the balance then stays);
 *   CHARGED_BACK  −amount; its reversal sets the row back to INIT, so it no longer counts.
 * Each change re-runs the credit logic on the invoice (a re-opened balance uses existing credit, a negative
 * one becomes credit) and posts INVOICE_PAYMENT_SUCCESS / INVOICE_PAYMENT_FAILED.
 */

/** The plugin property naming the invoice a payment is for (Kill Bill's InvoicePaymentControlPluginApi). */
export const INVOICE_ID_PROPERTY = 'IPCD_INVOICE_ID';

type InvoicePaymentType = 'ATTEMPT' | 'REFUND' | 'CHARGED_BACK';

export interface InvoicePaymentEventInput {
  readonly success: boolean;
  readonly accountId: string;
  readonly accountRecordId: number;
  readonly invoiceId: string;
  readonly paymentId: string | null;
  readonly type: InvoicePaymentType;
  readonly amount: Decimal;
  readonly currency: string;
  readonly linkedInvoicePaymentId?: string | null;
  readonly paymentCookieId?: string | null;
}

/** INVOICE_PAYMENT_SUCCESS / _FAILED as BeatrixListener posts them: object INVOICE, metaData InvoicePaymentMetadata. */
export function emitInvoicePaymentEvent(em: EntityManager, ctx: CallContext, clock: Clock, e: InvoicePaymentEventInput): void {
  const metaData = {
    paymentId: e.paymentId, invoicePaymentType: e.type, paymentDate: clock.now().toUTC().toISO(), amount: e.amount.toFixed(), currency: e.currency,
    linkedInvoicePaymentId: e.linkedInvoicePaymentId ?? null, paymentCookieId: e.paymentCookieId ?? null, processedCurrency: e.currency,
  };
  emitEvent(em, ctx, clock, {
    eventType: e.success ? 'INVOICE_PAYMENT_SUCCESS' : 'INVOICE_PAYMENT_FAILED',
    objectType: 'INVOICE',
    objectId: e.invoiceId,
    accountRecordId: e.accountRecordId,
    payload: { accountId: e.accountId, invoiceId: e.invoiceId, paymentId: e.paymentId, metaData: JSON.stringify(metaData) },
  });
}

/**
 * Step (a)'s ATTEMPT row (Kill Bill's notifyOfPaymentInit): INIT, not counted until the gateway answers. Its
 * cookie is the transaction id (retries.ts appends transactions to the payment, each with its own row).
 */
export function createAttemptRow(em: EntityManager, ctx: CallContext, clock: Clock, invoiceId: string, begun: Begun): void {
  const at = clock.now().toJSDate();
  em.create(InvoicePaymentEntity, {
    id: newId(), tenantRecordId: ctx.tenant.recordId, accountRecordId: begun.accountRecordId, type: 'ATTEMPT', invoiceId, paymentId: begun.paymentId,
    paymentDate: at, amount: begun.amount.toFixed(), currency: begun.currency, processedCurrency: begun.currency, paymentCookieId: begun.transactionId,
    linkedInvoicePaymentId: null, success: false, status: 'INIT', ...creationStamps(ctx, at),
  });
}

/**
 * Step (c) of an invoice PURCHASE (Kill Bill's notifyOfPaymentCompletion): the ATTEMPT row takes the
 * gateway's outcome — SUCCESS counts the processed amount, PENDING waits, a failure keeps amount 0 — and
 * INVOICE_PAYMENT_SUCCESS (SUCCESS, PENDING) or INVOICE_PAYMENT_FAILED is posted.
 */
export async function recordAttemptOutcome(tx: EntityManager, ctx: CallContext, clock: Clock, begun: Begun, invoiceId: string, result: GatewayResult): Promise<void> {
  const row = await tx.findOne(InvoicePaymentEntity, { paymentCookieId: begun.transactionId, invoiceId, type: 'ATTEMPT' });
  const paid = result.status === 'SUCCESS';
  if (row) {
    row.success = paid;
    row.status = result.status === 'PENDING' ? 'PENDING' : paid ? 'SUCCESS' : 'INIT';
    if (paid && result.processedAmount.gt(0)) row.amount = result.processedAmount.toFixed();
    if (!paid && result.status !== 'PENDING') row.amount = '0';
    touch(row, ctx, clock.now().toJSDate());
  }
  emitInvoicePaymentEvent(tx, ctx, clock, {
    success: paid || result.status === 'PENDING', accountId: begun.accountId, accountRecordId: begun.accountRecordId, invoiceId, paymentId: begun.paymentId,
    type: 'ATTEMPT', amount: row ? new Decimal(row.amount) : new Decimal(0), currency: begun.currency, paymentCookieId: row?.paymentCookieId ?? null,
  });
}

/** The successful ATTEMPT a payment made on an invoice (null: the payment paid no invoice). */
export async function paidAttempt(em: EntityManager, paymentId: string): Promise<InvoicePaymentRow | null> {
  return em.findOne(InvoicePaymentEntity, { paymentId, type: 'ATTEMPT', success: true }, { orderBy: { recordId: 'asc' } });
}

/** A refund's item adjustment once checked: the item and the exact amount its ITEM_ADJ takes off. */
export interface CheckedAdjustment {
  readonly item: Invoice['items'][number];
  readonly amount: Decimal;
}

/**
 * Kill Bill's validateInvoiceItemAdjustments, before the gateway is asked: each item must be on the invoice,
 * adjustable, and the amount (null = what is left) no more than what is left of it (its amount less the
 * ITEM_ADJ / REPAIR_ADJ already linked to it) — else INVOICE_ITEM_ADJUSTMENT_AMOUNT_INVALID (400).
 */
export async function checkAdjustments(em: EntityManager, invoice: Invoice, adjustments: readonly RefundAdjustment[]): Promise<CheckedAdjustment[]> {
  const out: CheckedAdjustment[] = [];
  for (const adj of adjustments) {
    const item = invoice.items.find((i) => i.id === adj.invoiceItemId);
    if (!item) throw new BillingError('INVOICE_ITEM_NOT_FOUND', `No invoice item could be found for id ${adj.invoiceItemId}.`, { invoiceItemId: adj.invoiceItemId });
    if (!ADJUSTABLE_ITEM_TYPES.has(item.type)) {
      throw new BillingError('INVOICE_ITEM_ADJUSTMENT_ITEM_INVALID', `Invoice item ${item.id} cannot be adjusted`, { invoiceItemId: item.id, itemType: item.type });
    }
    const linked = await em.find(InvoiceItemEntity, { linkedItemId: item.id, type: { $in: ['ITEM_ADJ', 'REPAIR_ADJ'] } });
    const used = linked.map(toItem).reduce((sum, i) => sum.plus(i.amount.negated()), new Decimal(0));
    const left = Decimal.max(item.amount.minus(used), 0);
    const amount = adj.amount ?? left;
    if (adj.amount !== null && !adj.amount.gt(0)) {
      throw new BillingError('INVOICE_ITEM_ADJUSTMENT_AMOUNT_SHOULD_BE_POSITIVE', `Invoice adjustment amount ${adj.amount.toString()} should be strictly positive`, { amount: adj.amount.toString() });
    }
    if (amount.gt(left) || !amount.gt(0)) {
      throw new BillingError('INVOICE_ITEM_ADJUSTMENT_AMOUNT_INVALID', `Invoice adjustment amount ${amount.toString()} should be lower than ${left.toFixed(9)}`, { amount: amount.toString(), maximum: left.toFixed() });
    }
    out.push({ item, amount });
  }
  return out;
}

interface FollowUpRecord {
  readonly ctx: CallContext;
  readonly clock: Clock;
  /** The REFUND's item adjustments (already checked); empty for a refund that re-opens the balance. */
  readonly adjustments?: readonly CheckedAdjustment[];
}

/**
 * After step (c) of a REFUND or CHARGEBACK on a payment that paid an invoice (the invoice control's
 * onSuccessCall), whichever route made it (/invoicePayments or /payments): a successful refund writes a
 * REFUND row (with ITEM_ADJ items when adjusted), a chargeback a CHARGED_BACK row; a reversal (a CHARGEBACK
 * in PAYMENT_FAILURE) sets the chargeback's row back to INIT. A payment without an invoice records nothing.
 */
export async function recordFollowUp(tx: EntityManager, rec: FollowUpRecord, begun: Begun, result: GatewayResult): Promise<void> {
  if (begun.type !== 'REFUND' && begun.type !== 'CHARGEBACK') return;
  const reversal = begun.type === 'CHARGEBACK' && result.status === 'PAYMENT_FAILURE';
  if (!reversal && result.status !== 'SUCCESS') return;
  const attempt = await paidAttempt(tx, begun.paymentId);
  if (!attempt) return;
  await recordOnInvoice(tx, rec, begun, result, attempt, reversal);
}

async function recordOnInvoice(tx: EntityManager, rec: FollowUpRecord, begun: Begun, result: GatewayResult, attempt: InvoicePaymentRow, reversal: boolean): Promise<void> {
  const { ctx, clock } = rec;
  const now = clock.now().toJSDate();
  const account = { id: begun.accountId, recordId: begun.accountRecordId };
  const key = (await tx.findOneOrFail(PaymentTransactionEntity, { id: begun.transactionId })).transactionExternalKey;
  let row: InvoicePaymentRow | null;
  if (reversal) {
    row = await tx.findOne(InvoicePaymentEntity, { paymentId: begun.paymentId, type: 'CHARGED_BACK', paymentCookieId: key, success: true }, { orderBy: { recordId: 'desc' } });
    if (!row) return;
    row.success = false;
    row.status = 'INIT';
    touch(row, ctx, now);
  } else {
    const type: InvoicePaymentType = begun.type === 'REFUND' ? 'REFUND' : 'CHARGED_BACK';
    const amount = result.processedAmount.gt(0) ? result.processedAmount : begun.amount;
    row = tx.create(InvoicePaymentEntity, {
      id: newId(), tenantRecordId: ctx.tenant.recordId, accountRecordId: begun.accountRecordId, type, invoiceId: attempt.invoiceId, paymentId: begun.paymentId,
      paymentDate: now, amount: amount.negated().toFixed(), currency: attempt.currency, processedCurrency: attempt.processedCurrency, paymentCookieId: key,
      linkedInvoicePaymentId: attempt.id, success: true, status: 'SUCCESS', ...creationStamps(ctx, now),
    });
    const adjustments = rec.adjustments ?? [];
    if (adjustments.length > 0) {
      const invoiceRow = (await loadInvoiceRow(tx, attempt.invoiceId))!;
      const day = creditDay(clock.now());
      await insertItems(tx, ctx, clock, invoiceRow, adjustments.map((a) => ({
        type: 'ITEM_ADJ' as const, description: null, productName: a.item.productName, planName: a.item.planName, phaseName: a.item.phaseName, usageName: a.item.usageName,
        catalogEffectiveDate: a.item.catalogEffectiveDate, startDate: day, endDate: day, amount: a.amount.negated(), linkedItemId: a.item.id,
        explanation: { kind: 'API' as const, operation: 'ITEM_ADJUSTMENT' as const },
      })));
    }
  }
  await tx.flush();
  const touched = await applyCredit(tx, ctx, clock, account, { invoiceIds: [attempt.invoiceId] });
  if (!reversal && (rec.adjustments?.length ?? 0) > 0 && !touched.has(attempt.invoiceId)) {
    emitInvoiceAdjustment(tx, ctx, clock, { id: attempt.invoiceId, accountId: begun.accountId, accountRecordId: begun.accountRecordId });
  }
  emitInvoicePaymentEvent(tx, ctx, clock, {
    success: true, accountId: begun.accountId, accountRecordId: begun.accountRecordId, invoiceId: attempt.invoiceId, paymentId: begun.paymentId,
    type: row.type as InvoicePaymentType, amount: new Decimal(row.amount), currency: row.currency, linkedInvoicePaymentId: row.linkedInvoicePaymentId, paymentCookieId: key,
  });
}
