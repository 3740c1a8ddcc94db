import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import { Decimal } from 'decimal.js';
import type { Clock } from '../clock/clock.js';
import type { CallContext, TenantContext } from '../context.js';
import { BillingError } from '../errors/index.js';
import type { Invoice } from '../invoice/invoice.js';
import type { InvoiceService } from '../invoice/invoice-service.js';
import { InvoicePaymentEntity } from '../invoice/model.js';
import { loadInvoice } from '../invoice/store.js';
import { lockAccount } from '../persistence/account-lock.js';
import { readEm, writeTx } from '../persistence/scope.js';
import { requirePermission } from '../security/subject.js';
import type { AccountId } from '../values/ids.js';
import { newId } from '../values/ids.js';
import { INVOICE_CONTROL_PLUGIN } from './control-plugins.js';
import { accountRow } from './deps.js';
import { ABORT_MESSAGES, judgeInvoicePayment } from './invoice-control.js';
import type { InvoicePayment, InvoicePaymentOutcome, InvoicePaymentService } from './invoice-payment-service.js';
import { checkAdjustments, createAttemptRow, INVOICE_ID_PROPERTY, paidAttempt, recordAttemptOutcome, recordFollowUp, type CheckedAdjustment } from './invoice-records.js';
import type { Payment, PaymentService, TransactionOutcome } from './payment-service.js';
import type { GatewayResult } from './plugin-call.js';
import type { Begun, TransactionPath } from './transactions.js';

/**
 * The invoice payment API (invoice-payment-service.ts). Payments go begin → plugin → finish like every
 * payment (transactions.ts), with the invoice's rows written in the same transactions (invoice-records.ts):
 * the ATTEMPT row with step (a), its outcome with step (c). Refunds and chargebacks of an invoice payment
 * — from here or from /payments — are recorded on the invoice by a path listener in the finishing
 * transaction; a refund's item adjustments are checked before the gateway is asked and handed to that
 * listener by transaction id.
 */
export interface InvoicePaymentApiDeps {
  readonly db: Parameters<typeof readEm>[0];
  readonly clock: Clock;
  readonly path: TransactionPath;
  readonly callPlugin: (ctx: CallContext, begun: Begun) => Promise<GatewayResult>;
  readonly payments: Pick<PaymentService, 'externalPaymentMethod' | 'getPayment' | 'listAccountPayments' | 'chargeback' | 'chargebackReversal'>;
  /** For payAllInvoices (unpaid invoices, the surplus credit). */
  readonly invoices: Pick<InvoiceService, 'accountInvoices' | 'createCredits'> | null;
}

export function createInvoicePaymentApi(deps: InvoicePaymentApiDeps): InvoicePaymentService {
  const { db, clock, path } = deps;
  /** A refund's checked item adjustments, by its transaction id, from step (a) until its step (c). */
  const adjustmentsOf = new Map<string, readonly CheckedAdjustment[]>();

  path.listen({
    finished: (tx, ctx, begun, result) => recordFollowUp(tx, { ctx, clock, adjustments: adjustmentsOf.get(begun.transactionId) ?? [] }, begun, result),
  });

  async function targetOf(em: EntityManager, paymentId: string): Promise<string | null> {
    const row = await em.findOne(InvoicePaymentEntity, { paymentId, type: 'ATTEMPT' }, { orderBy: { recordId: 'asc' }, fields: ['invoiceId'] });
    return row?.invoiceId ?? null;
  }

  async function withTarget(ctx: TenantContext, payment: Payment): Promise<InvoicePayment> {
    return { ...payment, targetInvoiceId: await targetOf(readEm(db, ctx), payment.id) };
  }

  async function answer(ctx: TenantContext, outcome: TransactionOutcome): Promise<InvoicePaymentOutcome> {
    return { payment: await withTarget(ctx, outcome.payment), transaction: outcome.transaction };
  }

  /**
   * GET /invoices/{id}/payments reads each payment alone, as Kill Bill's getPaymentsForInvoice does
   * (paymentApi.getPayment per payment): withPluginInfo, a failing plugin fails the whole read (7102).
   */
  async function paymentsOf(ctx: TenantContext, paymentIds: readonly (string | null | undefined)[], options: Parameters<PaymentService['getPayment']>[2]): Promise<InvoicePayment[]> {
    const ids = [...new Set(paymentIds.filter((id): id is string => typeof id === 'string'))];
    const out: InvoicePayment[] = [];
    for (const id of ids) out.push(await withTarget(ctx, await deps.payments.getPayment(ctx, id, options)));
    return out;
  }

  const api: InvoicePaymentService = {
    async payInvoice(ctx, invoiceId, req) {
      requirePermission(ctx, 'payment:trigger');
      const invoice = await loadInvoice(readEm(db, ctx), invoiceId);
      if (!invoice) throw new BillingError('INVOICE_NOT_FOUND', `No invoice could be found for id ${invoiceId}.`, { invoiceId });
      const accountId = invoice.accountId;
      const methodId = req.externalPayment ? (await deps.payments.externalPaymentMethod(ctx, accountId)).id : (req.paymentMethodId ?? null);
      const amount = req.amount ?? null;
      const transactionId = newId();
      let begun: Begun | null;
      try {
        begun = await writeTx(db, ctx, async (tx) => {
          await lockAccount(tx, ctx.tenant.recordId, invoice.accountRecordId);
          const verdict = await judgeInvoicePayment(tx, invoiceId, { api: true, amount, paymentMethodId: methodId });
          if (!verdict.go) {
            if (verdict.reason === 'NOTHING_TO_PAY') return null;
            if (verdict.reason === 'NO_PAYMENT_METHOD') {
              throw new BillingError('PAYMENT_NO_DEFAULT_PAYMENT_METHOD', `Account ${accountId} does not have a default payment method set`, { accountId });
            }
            throw new BillingError('PAYMENT_PLUGIN_API_ABORTED', `Payment plugin API call aborted by ${INVOICE_CONTROL_PLUGIN}: ${ABORT_MESSAGES[verdict.reason]}`, {
              pluginName: INVOICE_CONTROL_PLUGIN, reason: verdict.reason,
            });
          }
          const started = await path.beginIn(tx, ctx, {
            type: 'PURCHASE', accountId, paymentMethodId: methodId, amount: amount ?? verdict.invoice.balance, currency: verdict.invoice.currency,
            paymentExternalKey: req.paymentExternalKey ?? null, transactionExternalKey: req.transactionExternalKey ?? null,
            properties: [...(req.properties ?? []), { key: INVOICE_ID_PROPERTY, value: invoiceId }],
            controlPluginNames: [INVOICE_CONTROL_PLUGIN, ...(req.controlPluginNames ?? []).filter((n) => n !== INVOICE_CONTROL_PLUGIN)],
          }, verdict.account, transactionId);
          createAttemptRow(tx, ctx, clock, invoiceId, started);
          return started;
        });
      } catch (err) {
        if (err instanceof UniqueConstraintViolationException) {
          const key = req.transactionExternalKey ?? transactionId;
          throw new BillingError('PAYMENT_ACTIVE_TRANSACTION_KEY_EXISTS', `Successful transaction with external key ${key} already exists`, { transactionExternalKey: key });
        }
        throw err;
      }
      if (!begun) return null;
      const started = begun;
      const result = await deps.callPlugin(ctx, started);
      return answer(ctx, await path.finish(ctx, started, result, (tx, b, r) => recordAttemptOutcome(tx, ctx, clock, b, invoiceId, r)));
    },

    async payAllInvoices(ctx, accountId, req) {
      requirePermission(ctx, 'payment:trigger');
      if (!deps.invoices) throw new BillingError('NOT_IMPLEMENTED', 'payAllInvoices needs the invoice service');
      const account = await accountRow(readEm(db, ctx), accountId);
      const unpaid = (await deps.invoices.accountInvoices(ctx, accountId as AccountId, { unpaidInvoicesOnly: true }))
        .filter((i) => i.status === 'COMMITTED' && i.balance.gt(0) && (!req.targetDate || i.invoiceDate <= req.targetDate))
        .sort((a, b) => (a.invoiceDate < b.invoiceDate ? -1 : a.invoiceDate > b.invoiceDate ? 1 : a.invoiceNumber - b.invoiceNumber));
      let remaining = req.amount ?? unpaid.reduce((sum, i) => sum.plus(i.balance), new Decimal(0));
      const paid: string[] = [];
      for (const invoice of unpaid) {
        if (!remaining.gt(0)) break;
        const toPay = Decimal.min(remaining, invoice.balance);
        // As Kill Bill's payAllInvoices: the external method, else the given one or the account's default.
        await api.payInvoice(ctx, invoice.id, {
          amount: toPay, externalPayment: req.externalPayment ?? false, paymentMethodId: req.externalPayment ? null : (req.paymentMethodId ?? account.paymentMethodId), properties: req.properties ?? [],
        });
        paid.push(invoice.id);
        remaining = remaining.minus(toPay);
      }
      if (req.externalPayment && remaining.gt(0)) {
        // The surplus of an external payment becomes account credit (a credit invoice: CREDIT_ADJ −x, CBA_ADJ +x).
        await deps.invoices.createCredits(ctx, accountId as AccountId, [{ amount: remaining, currency: account.currency, description: 'pay all invoices' }], { autoCommit: true });
      }
      if (paid.length === 0) return [];
      const now = await deps.invoices.accountInvoices(ctx, accountId as AccountId, { invoiceIds: paid });
      return paid.map((id) => now.find((i) => i.id === id)).filter((i): i is Invoice => i !== undefined);
    },

    async invoicePayments(ctx, invoiceId, options) {
      const em = readEm(db, ctx);
      if (!(await loadInvoice(em, invoiceId))) throw new BillingError('INVOICE_NOT_FOUND', `No invoice could be found for id ${invoiceId}.`, { invoiceId });
      const rows = await em.find(InvoicePaymentEntity, { invoiceId }, { orderBy: { recordId: 'asc' }, fields: ['paymentId'] });
      return paymentsOf(ctx, rows.map((r) => r.paymentId), options);
    },

    async accountInvoicePayments(ctx, accountId, options) {
      // Kill Bill's AccountResource.getInvoicePayments: the account's payments as one list read
      // (getAccountPayments: a failing plugin is logged and its payments shown without plugin info), each
      // with the invoice of its ATTEMPT row, null for a payment that paid no invoice.
      const em = readEm(db, ctx);
      const account = await accountRow(em, accountId);
      const payments = await deps.payments.listAccountPayments(ctx, accountId, options);
      const rows = await em.find(InvoicePaymentEntity, { accountRecordId: account.recordId, type: 'ATTEMPT' }, { orderBy: { recordId: 'asc' }, fields: ['paymentId', 'invoiceId'] });
      const targets = new Map<string, string>();
      for (const r of rows) if (r.paymentId && !targets.has(r.paymentId)) targets.set(r.paymentId, r.invoiceId);
      return payments.map((p) => ({ ...p, targetInvoiceId: targets.get(p.id) ?? null }));
    },

    async getInvoicePayment(ctx, paymentId, options) {
      return withTarget(ctx, await deps.payments.getPayment(ctx, paymentId, options));
    },

    async refund(ctx, paymentId, req) {
      requirePermission(ctx, 'payment:refund');
      const em = readEm(db, ctx);
      let checked: CheckedAdjustment[] = [];
      if (req.isAdjusted) {
        if (req.adjustments.length === 0) throw new BillingError('INVOICE_ITEMS_ADJUSTMENT_MISSING', 'Missing invoice item adjustements during payment refund', { paymentId });
        const attempt = await paidAttempt(em, paymentId);
        const invoice = attempt ? await loadInvoice(em, attempt.invoiceId) : null;
        if (!invoice) throw new BillingError('PAYMENT_NO_SUCH_PAYMENT', `Payment ${paymentId} does not exist`, { payment: paymentId });
        checked = await checkAdjustments(em, invoice, req.adjustments);
      }
      const amount = req.amount ?? (checked.length > 0 ? checked.reduce((sum, a) => sum.plus(a.amount), new Decimal(0)) : null);
      if (amount === null) throw new BillingError('PAYMENT_INVALID_PARAMETER', 'Invalid parameter amount: should not be null', { field: 'amount' });
      const begun = await path.begin(ctx, {
        type: 'REFUND', target: { paymentId }, amount, currency: req.currency ?? null, transactionExternalKey: req.transactionExternalKey ?? null,
        effectiveDate: req.effectiveDate ?? null, properties: req.properties ?? [], controlPluginNames: [INVOICE_CONTROL_PLUGIN],
      });
      adjustmentsOf.set(begun.transactionId, checked);
      try {
        return await answer(ctx, await path.finish(ctx, begun, await deps.callPlugin(ctx, begun)));
      } finally {
        adjustmentsOf.delete(begun.transactionId);
      }
    },

    async chargeback(ctx, paymentId, req) {
      requirePermission(ctx, 'payment:chargeback');
      const outcome = await deps.payments.chargeback(ctx, {
        target: { paymentId }, amount: req.amount, currency: req.currency ?? null, transactionExternalKey: req.transactionExternalKey ?? null,
        effectiveDate: req.effectiveDate ?? null, controlPluginNames: [INVOICE_CONTROL_PLUGIN],
      });
      return answer(ctx, outcome);
    },

    async chargebackReversal(ctx, paymentId, req) {
      const outcome = await deps.payments.chargebackReversal(ctx, {
        target: { paymentId }, transactionExternalKey: req.transactionExternalKey, effectiveDate: req.effectiveDate ?? null, controlPluginNames: [INVOICE_CONTROL_PLUGIN],
      });
      return answer(ctx, outcome);
    },
  };
  return api;
}
