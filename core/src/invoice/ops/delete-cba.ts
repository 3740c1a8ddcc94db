import { Decimal } from 'decimal.js';
import type { CallContext } from '../../context.js';
import { BillingError } from '../../errors/index.js';
import { requirePermission } from '../../security/subject.js';
import { touch } from '../../persistence/stamps.js';
import { accountCbaOf } from '../balance.js';
import type { InvoiceDeps } from '../deps.js';
import { InvoiceEntity, InvoiceItemEntity, type InvoiceItemRow } from '../model.js';
import { loadAccountInvoices, loadInvoice } from '../store.js';
import { emitInvoiceAdjustment } from './events.js';
import { accountOfInvoice, inAccountTx, invoiceNotFound, lockedInvoiceRow, reloadInvoices, type OpFrame } from './frame.js';

/**
 * DELETE /1.0/kb/invoices/{invoiceId}/{itemId}/cba (DefaultInvoiceDao.deleteCBA, §4.6). On a COMMITTED,
 * non-migrated invoice:
 * - a credit *use* (CBA_ADJ < 0) is zeroed: the invoice owes that part again;
 * - a credit *given* (CBA_ADJ > 0) can be deleted only on an invoice with a CREDIT_ADJ covering it (a credit
 *   invoice, not system credit such as a repair's: INVOICE_CBA_DELETED). When the account no longer holds that
 *   much credit, the missing part is first taken back from the latest uses on other invoices; then the CBA_ADJ
 *   and its CREDIT_ADJ are zeroed together.
 * Items are changed in place (audited), as Kill Bill's updateItemFields; one INVOICE_ADJUSTMENT per invoice touched.
 */
export async function deleteCba(deps: InvoiceDeps, ctx: CallContext, invoiceId: string, itemId: string): Promise<void> {
  requirePermission(ctx, 'invoice:delete_cba');
  const accountId = await accountOfInvoice(deps, ctx, invoiceId);
  await inAccountTx(deps, ctx, accountId, 'invoice:delete_cba', async (f) => {
    const row = await lockedInvoiceRow(f, invoiceId);
    if (row.migrated || row.status !== 'COMMITTED') throw invoiceNotFound(invoiceId);
    const cba = await f.em.findOne(InvoiceItemEntity, { id: itemId });
    if (!cba || cba.invoiceId !== row.id) throw new BillingError('INVOICE_ITEM_NOT_FOUND', `No invoice item could be found for id ${itemId}.`, { invoiceItemId: itemId });
    const amount = new Decimal(cba.amount);
    const touched = new Set<string>();
    if (amount.lt(0)) {
      update(f, cba, new Decimal(0), 'Delete used credit');
      touched.add(row.id);
    } else if (amount.gt(0)) {
      const invoice = (await loadInvoice(f.em, row.id))!;
      const credit = invoice.items.find((i) => i.type === 'CREDIT_ADJ' && i.amount.negated().gte(amount));
      if (!credit) throw new BillingError('INVOICE_CBA_DELETED', `Failed to delete system generated credit: item=${cba.id}`, { invoiceItemId: cba.id });
      const held = accountCbaOf(await loadAccountInvoices(f.em, f.account.recordId));
      if (held.lt(amount)) for (const id of await reclaim(f, amount.minus(held))) touched.add(id);
      update(f, cba, new Decimal(0), 'Delete gen credit');
      const creditRow = await f.em.findOneOrFail(InvoiceItemEntity, { id: credit.id });
      update(f, creditRow, credit.amount.plus(amount), 'Delete gen credit');
      touched.add(row.id);
    }
    if (touched.size === 0) return;
    await f.em.flush();
    for (const id of touched) {
      const inv = await f.em.findOneOrFail(InvoiceEntity, { id });
      inv.grpVersion += 1;
      touch(inv, ctx, deps.clock.now().toJSDate());
    }
    await f.em.flush();
    const now = await reloadInvoices(f.em, f.account.recordId, touched);
    for (const id of touched) emitInvoiceAdjustment(f.em, ctx, deps.clock, now.get(id)!);
  });
}

function update(f: OpFrame, row: InvoiceItemRow, amount: Decimal, description: string): void {
  row.amount = amount.toFixed();
  row.description = description;
  touch(row, f.ctx, f.deps.clock.now().toJSDate());
}

/** reclaimCreditFromTransaction: shrink the latest credit uses (COMMITTED invoices) until `wanted` is taken back. */
async function reclaim(f: OpFrame, wanted: Decimal): Promise<Set<string>> {
  const committed = await f.em.find(InvoiceEntity, { accountRecordId: f.account.recordId, status: 'COMMITTED' });
  const uses = await f.em.find(
    InvoiceItemEntity,
    { type: 'CBA_ADJ', invoiceId: { $in: committed.map((i) => i.id) } },
    { orderBy: { recordId: 'desc' } },
  );
  const touched = new Set<string>();
  let left = wanted;
  for (const use of uses) {
    const used = new Decimal(use.amount).negated();
    if (!used.gt(0)) continue;
    const taken = Decimal.min(used, left);
    update(f, use, used.minus(taken).negated(), 'Reclaim used credit');
    touched.add(use.invoiceId);
    left = left.minus(taken);
    if (!left.gt(0)) break;
  }
  if (left.gt(0)) throw new BillingError('UNEXPECTED_ERROR', `Unexpected state, reclaimed used credit [${wanted.minus(left).toFixed()}/${wanted.toFixed()}]`, {});
  return touched;
}
