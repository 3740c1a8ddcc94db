import type { CallContext } from '../../context.js';
import { BillingError } from '../../errors/index.js';
import { requirePermission } from '../../security/subject.js';
import { accountCbaOf } from '../balance.js';
import type { InvoiceDeps } from '../deps.js';
import type { Invoice, InvoiceStatus } from '../invoice.js';
import { InvoiceEntity, InvoiceItemEntity, type InvoiceRow } from '../model.js';
import { loadAccountInvoices, loadInvoice, setInvoiceStatus } from '../store.js';
import { applyCredit } from '../credit.js';
import { chargedThroughDatesOf } from '../ctd.js';
import { deactivateTrackingRecords } from '../tracking.js';
import { emitInvoiceAdjustment, emitInvoiceCreation } from './events.js';
import { accountOfInvoice, inAccountTx, lockedInvoiceRow, type OpFrame } from './frame.js';
import { pluginsAfter, pluginsBefore } from './plugins.js';

/**
 * Invoice status changes (DefaultInvoiceUserApi.commitInvoice / voidInvoice, DefaultInvoiceDao.changeInvoiceStatus,
 * §4.9). Both re-run the account's credit over its unpaid invoices afterwards: a committed DRAFT may now use
 * credit (or, being a credit invoice, give it), a voided invoice no longer holds the credit it used. Invoice
 * plugins get priorCall and onSuccessCall only (Kill Bill inserts no items on a status change).
 */

/** Called inside the commit's transaction once the invoice is COMMITTED (the run's charged-through-date update). */
export type OnCommitted = (f: OpFrame, invoice: Invoice) => Promise<void>;

/** DRAFT → COMMITTED; INVOICE_CREATION posted (the payment domain then pays it). */
export async function commitInvoice(deps: InvoiceDeps, ctx: CallContext, invoiceId: string, onCommitted?: OnCommitted): Promise<void> {
  requirePermission(ctx, 'invoice:commit');
  const accountId = await accountOfInvoice(deps, ctx, invoiceId);
  await inAccountTx(deps, ctx, accountId, 'invoice:commit', async (f) => {
    await pluginsBefore(f, f.today);
    const row = await lockedInvoiceRow(f, invoiceId);
    checkTransition(row, 'COMMITTED');
    await setInvoiceStatus(f.em, ctx, deps.clock, row, 'COMMITTED');
    const committed = (await loadInvoice(f.em, row.id))!;
    await (onCommitted ?? chargedThroughFromItems)(f, committed);
    emitInvoiceCreation(f.em, ctx, deps.clock, committed);
    await applyCredit(f.em, ctx, deps.clock, f.account, { created: new Set([row.id]) });
    await pluginsAfter(f, f.today, [row.id]);
  });
}

/**
 * → VOID, refused while the invoice is paid (CAN_NOT_VOID_INVOICE_THAT_IS_PAID: refund first), while another
 * invoice repairs one of its items, or when credit it generated has been used. INVOICE_ADJUSTMENT posted. Its
 * items stop counting, so the next run bills them again (§4.9).
 */
export async function voidInvoice(deps: InvoiceDeps, ctx: CallContext, invoiceId: string): Promise<void> {
  requirePermission(ctx, 'invoice:void');
  const accountId = await accountOfInvoice(deps, ctx, invoiceId);
  await inAccountTx(deps, ctx, accountId, 'invoice:void', async (f) => {
    await pluginsBefore(f, f.today);
    const row = await lockedInvoiceRow(f, invoiceId);
    const invoice = (await loadInvoice(f.em, row.id))!;
    if (invoice.status === 'COMMITTED') {
      await checkNotRepaired(f, invoice);
      await checkGeneratedCreditUnused(f, invoice);
    }
    // paid + refunded (refunds are negative): a fully refunded invoice may be voided.
    if (invoice.payments.length > 0 && !invoice.paidAmount.plus(invoice.refundAdj).isZero()) {
      throw new BillingError('CAN_NOT_VOID_INVOICE_THAT_IS_PAID', `Invoice ${invoice.id} can not be voided. Invoice is paid or partially paid.`, { invoiceId: invoice.id });
    }
    checkTransition(row, 'VOID');
    await setInvoiceStatus(f.em, ctx, deps.clock, row, 'VOID');
    // Its usage records count as billed no more, so the next run bills them again (changeInvoiceStatus → deactivateByIds).
    await deactivateTrackingRecords(f.em, ctx, deps.clock, row.id);
    await applyCredit(f.em, ctx, deps.clock, f.account);
    emitInvoiceAdjustment(f.em, ctx, deps.clock, invoice);
    await pluginsAfter(f, f.today, [row.id]);
  });
}

/** InvoiceDispatcher.setChargedThroughDates on commit: from the committed items (ctd.ts), at the account's reference time (§2). */
const chargedThroughFromItems: OnCommitted = async (f, invoice) => {
  const dates = new Map([...chargedThroughDatesOf(invoice.items)].map(([sub, day]) => [sub, f.time.toInstant(day)] as const));
  await f.deps.subscriptions.setChargedThroughDates(f.em, f.ctx, dates);
};

function checkTransition(row: InvoiceRow, to: InvoiceStatus): void {
  if (row.status === to || row.status === 'VOID') {
    throw new BillingError('INVOICE_INVALID_STATUS', `The invoice status ${to} is invalid for invoice id ${row.id}. Current status is ${row.status}`, {
      invoiceId: row.id,
      status: row.status,
      requested: to,
    });
  }
}

/** CAN_NOT_VOID_INVOICE_THAT_IS_REPAIRED: a REPAIR_ADJ on another invoice points at one of its items. */
async function checkNotRepaired(f: OpFrame, invoice: Invoice): Promise<void> {
  const ids = invoice.items.map((i) => i.id);
  if (ids.length === 0) return;
  const repairs = await f.em.find(InvoiceItemEntity, { type: 'REPAIR_ADJ', linkedItemId: { $in: ids }, invoiceId: { $ne: invoice.id } });
  // Only repairs on COMMITTED invoices count (Kill Bill's getRepairMap: `and i.status = 'COMMITTED'`): once the
  // repairing invoice is voided, the repaired one may be voided too.
  const committed = repairs.length === 0 ? 0 : await f.em.count(InvoiceEntity, { id: { $in: [...new Set(repairs.map((r) => r.invoiceId))] }, status: 'COMMITTED' });
  if (committed > 0) {
    throw new BillingError('CAN_NOT_VOID_INVOICE_THAT_IS_REPAIRED', `Invoice ${invoice.id} can not be voided. Another invoice contains credit (repair) items linked to it`, { invoiceId: invoice.id });
  }
}

/** CAN_NOT_VOID_INVOICE_THAT_GENERATED_USED_CREDIT: a credit it generated is larger than what the account still holds. */
async function checkGeneratedCreditUnused(f: OpFrame, invoice: Invoice): Promise<void> {
  const accountCba = accountCbaOf(await loadAccountInvoices(f.em, f.account.recordId));
  if (invoice.items.some((i) => i.type === 'CBA_ADJ' && i.amount.gt(0) && i.amount.gt(accountCba))) {
    throw new BillingError('CAN_NOT_VOID_INVOICE_THAT_GENERATED_USED_CREDIT', `Invoice ${invoice.id} can not be voided. Existing credit generated on this invoice has been used already.`, {
      invoiceId: invoice.id,
    });
  }
}
