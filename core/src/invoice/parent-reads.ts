import type { EntityManager } from '@mikro-orm/core';
import { childInvoiceBalance, invoiceAmounts } from './balance.js';
import type { Invoice } from './invoice.js';
import { InvoiceEntity, InvoiceParentChildEntity, type InvoiceRow } from './model.js';

/**
 * A child invoice read with its parent invoice (Kill Bill's InvoiceDaoHelper.setParentInvoice): the
 * invoice_parent_children link gives `parentInvoiceId` / `parentAccountId`, and the parent's balance decides
 * the child's (balance.ts `childInvoiceBalance`: 0 while the parent reads 0, e.g. while it is DRAFT).
 * `loadOwn` reads invoices without this step (store.ts), so the parents' own balances are theirs alone.
 * One query when no invoice has a parent.
 */
export async function withParentInvoices(em: EntityManager, invoices: Invoice[], loadOwn: (rows: readonly InvoiceRow[]) => Promise<Invoice[]>): Promise<Invoice[]> {
  const candidates = invoices.filter((i) => !i.parentInvoice).map((i) => i.id);
  if (candidates.length === 0) return invoices;
  const links = await em.find(InvoiceParentChildEntity, { childInvoiceId: { $in: candidates } }, { orderBy: { recordId: 'asc' } });
  if (links.length === 0) return invoices;
  const parentOf = new Map<string, string>();
  // Kill Bill expects one mapping per child invoice; the first one wins should there be more.
  for (const l of links) if (!parentOf.has(l.childInvoiceId)) parentOf.set(l.childInvoiceId, l.parentInvoiceId);
  const parentRows = await em.find(InvoiceEntity, { id: { $in: [...new Set(parentOf.values())] } });
  const parents = new Map((await loadOwn(parentRows)).map((p) => [p.id, p]));
  return invoices.map((i) => {
    const parent = parents.get(parentOf.get(i.id) ?? '');
    if (!parent) return i;
    const parentRawBalance = invoiceAmounts(parent.items, parent.payments, { currency: parent.currency, status: 'COMMITTED', writtenOff: false, migrated: false }).balance;
    return { ...i, parentInvoiceId: parent.id, parentAccountId: parent.accountId, parentRawBalance, balance: childInvoiceBalance(i.balance, parent.balance) };
  });
}
