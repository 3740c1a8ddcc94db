import type { TenantContext } from '../../context.js';
import { readEm } from '../../persistence/scope.js';
import type { InvoiceDeps } from '../deps.js';
import type { InvoiceItem } from '../invoice.js';
import { InvoiceItemEntity, InvoiceParentChildEntity } from '../model.js';
import { toItem } from '../store.js';

/**
 * The items of the child invoices a parent invoice summarises (InvoiceUserApi.getInvoiceItemsByParentInvoice),
 * for `?withChildrenItems=true`: the JSON puts each child's items under its PARENT_SUMMARY item.
 */
export async function parentInvoiceChildItems(deps: InvoiceDeps, ctx: TenantContext, parentInvoiceId: string): Promise<InvoiceItem[]> {
  const em = readEm(deps.db, ctx);
  const links = await em.find(InvoiceParentChildEntity, { parentInvoiceId });
  if (links.length === 0) return [];
  const rows = await em.find(InvoiceItemEntity, { invoiceId: { $in: links.map((l) => l.childInvoiceId) } }, { orderBy: { recordId: 'asc' } });
  return rows.map(toItem);
}
