import { Decimal } from 'decimal.js';
import type { CallContext } from '../../context.js';
import { BillingError } from '../../errors/index.js';
import { requirePermission } from '../../security/subject.js';
import { parseCurrency } from '../../values/currency.js';
import type { InvoiceDeps } from '../deps.js';
import type { ItemAdjustmentRequest } from '../invoice-service.js';
import { ADJUSTABLE_ITEM_TYPES, type Invoice, type InvoiceItem } from '../invoice.js';
import { InvoiceItemEntity } from '../model.js';
import { roundMoney } from '../money.js';
import { insertItems, loadInvoice, toItem } from '../store.js';
import { applyCredit } from '../credit.js';
import { emitInvoiceAdjustment } from './events.js';
import { pluginItemsFor, pluginsAfter, pluginsBefore } from './plugins.js';
import { accountOfInvoice, inAccountTx, invoiceNotFound, lockedInvoiceRow, reloadInvoices, type OpFrame } from './frame.js';

/**
 * POST /1.0/kb/invoices/{invoiceId} (DefaultInvoiceUserApi.insertInvoiceItemAdjustment, InvoiceDaoHelper.
 * computeItemAdjustments, §4.7): an ITEM_ADJ of −x linked to the item, on the same invoice, dated the
 * requested day (today in the account's zone by default). A null amount adjusts what is left of the item
 * (its amount less earlier adjustments and repairs); an invoice that goes negative gets a CBA_ADJ credit.
 * Answers the invoice as it now is; NOT_FOUND when nothing is left to adjust (Kill Bill's bare 404).
 */
export async function adjustItem(deps: InvoiceDeps, ctx: CallContext, invoiceId: string, request: ItemAdjustmentRequest): Promise<Invoice> {
  requirePermission(ctx, 'invoice:item_adjust');
  if (request.amount !== null && !request.amount.gt(0)) {
    throw new BillingError('INVOICE_ITEM_ADJUSTMENT_AMOUNT_SHOULD_BE_POSITIVE', `Invoice adjustment amount ${request.amount.toString()} should be strictly positive`, {
      amount: request.amount.toString(),
    });
  }
  const accountId = await accountOfInvoice(deps, ctx, invoiceId);
  return inAccountTx(deps, ctx, accountId, 'invoice:item_adjust', async (f) => {
    const day = request.requestedDate ?? f.today;
    await pluginsBefore(f, day);
    const row = await lockedInvoiceRow(f, invoiceId);
    const invoice = (await loadInvoice(f.em, row.id)) ?? raise(invoiceNotFound(invoiceId));
    if (invoice.status === 'VOID') throw new BillingError('INVOICE_VOID_UPDATED', `Cannot modify a Voided invoice: id=${invoice.id}`, { invoiceId });
    if (request.currency != null && request.currency !== '' && parseCurrency(request.currency) !== invoice.currency) {
      throw new BillingError('CURRENCY_INVALID', `Invalid currency ${request.currency}, expected ${invoice.currency}`, { currency: request.currency });
    }
    const target = invoice.items.find((i) => i.id === request.invoiceItemId);
    if (!target) {
      throw new BillingError('INVOICE_ITEM_NOT_FOUND', `No invoice item could be found for id ${request.invoiceItemId}.`, { invoiceItemId: request.invoiceItemId });
    }
    const left = await remainingOf(f, target);
    if (request.amount !== null && request.amount.gt(left)) {
      // Kill Bill formats both BigDecimals: the request as sent, what is left at the column's scale (9).
      throw new BillingError('INVOICE_ITEM_ADJUSTMENT_AMOUNT_INVALID', `Invoice adjustment amount ${request.amount.toString()} should be lower than ${left.toFixed(9)}`, {
        amount: request.amount.toString(),
        maximum: left.toFixed(),
      });
    }
    const amount = roundMoney(request.amount ?? left, invoice.currency);
    if (!amount.gt(0)) throw new BillingError('NOT_FOUND', `Nothing is left to adjust on invoice item ${target.id}`, { invoiceItemId: target.id });
    // Checked where Kill Bill's DAO checks it, once the adjustment is known to be needed.
    if (!ADJUSTABLE_ITEM_TYPES.has(target.type)) {
      throw new BillingError('INVOICE_ITEM_ADJUSTMENT_ITEM_INVALID', `Invoice item ${target.id} cannot be adjusted`, { invoiceItemId: target.id, itemType: target.type });
    }
    await insertItems(f.em, ctx, deps.clock, row, [
      {
        type: 'ITEM_ADJ',
        description: request.description ?? null,
        productName: target.productName,
        planName: target.planName,
        phaseName: target.phaseName,
        usageName: target.usageName,
        catalogEffectiveDate: target.catalogEffectiveDate,
        startDate: day,
        endDate: day,
        amount: amount.negated(),
        linkedItemId: target.id,
        itemDetails: request.itemDetails ?? null,
        explanation: { kind: 'API', operation: 'ITEM_ADJUSTMENT' },
      },
    ]);
    await pluginItemsFor(f, invoice.id);
    // Credit generated if the invoice went negative; each COMMITTED invoice given a CBA_ADJ posts INVOICE_ADJUSTMENT there.
    const touched = await applyCredit(f.em, ctx, deps.clock, f.account, { invoiceIds: [invoice.id] });
    const now = await reloadInvoices(f.em, f.account.recordId, [invoice.id]);
    if (invoice.status === 'COMMITTED' && !touched.has(invoice.id)) emitInvoiceAdjustment(f.em, ctx, deps.clock, now.get(invoice.id)!);
    await pluginsAfter(f, day, [invoice.id]);
    return now.get(invoice.id)!;
  });
}

/** What may still be adjusted: the item's amount less every ITEM_ADJ and REPAIR_ADJ linked to it (never below 0). */
async function remainingOf(f: OpFrame, item: InvoiceItem): Promise<Decimal> {
  const linked = await f.em.find(InvoiceItemEntity, { linkedItemId: item.id, type: { $in: ['ITEM_ADJ', 'REPAIR_ADJ'] } });
  const used = linked.map(toItem).reduce((sum, i) => sum.plus(i.amount.negated()), new Decimal(0));
  return used.gte(item.amount) ? new Decimal(0) : item.amount.minus(used);
}

function raise(e: Error): never {
  throw e;
}
