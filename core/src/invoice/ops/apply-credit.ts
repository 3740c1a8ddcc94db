import type { EntityManager } from '@mikro-orm/core';
import type { Clock } from '../../clock/clock.js';
import type { CallContext } from '../../context.js';
import type { LocalDate } from '../../subscription/account-time.js';
import { accountCbaOf } from '../balance.js';
import { cbaForInvoice, useExistingCredit } from '../cba.js';
import type { Invoice } from '../invoice.js';
import { InvoiceEntity } from '../model.js';
import { insertItems, loadAccountInvoices } from '../store.js';

/**
 * Kill Bill's CBADao.doCBAComplexityFromTransaction, in the caller's locked transaction: each candidate
 * invoice first generates credit (negative balance → CBA_ADJ +x) or uses the account's credit (COMMITTED,
 * positive balance → CBA_ADJ −min(credit, balance)), then whatever credit the account holds pays its other
 * unpaid COMMITTED invoices, oldest first (killbill-semantics.md §4.6). The figures are cba.ts's (pure);
 * this writes them. Answers the ids of the invoices that received a CBA_ADJ item.
 *
 * Departure: credit generated on a DRAFT candidate (a DRAFT credit invoice) is not spent on other invoices
 * before the DRAFT is committed. Kill Bill adds it to the running credit here and can spend credit that its
 * own getAccountCBA (COMMITTED invoices only) does not count yet, leaving the account's CBA negative.
 * Migration invoices (balance 0) never take part.
 */
export async function applyAccountCredit(em: EntityManager, ctx: CallContext, clock: Clock, accountRecordId: number, candidateIds: readonly string[], day: LocalDate): Promise<Set<string>> {
  const touched = new Set<string>();
  let invoices = await loadAccountInvoices(em, accountRecordId);
  let credit = accountCbaOf(invoices);
  for (const id of candidateIds) {
    const invoice = invoices.find((i) => i.id === id);
    if (!invoice || invoice.migrated || invoice.status === 'VOID') continue;
    const item = cbaForInvoice(invoice, credit, day);
    if (!item) continue;
    await insertItems(em, ctx, clock, await em.findOneOrFail(InvoiceEntity, { id }), [item]);
    touched.add(id);
    if (invoice.status === 'COMMITTED') credit = credit.plus(item.amount);
  }
  if (touched.size > 0) invoices = await loadAccountInvoices(em, accountRecordId);
  for (const use of useExistingCredit(invoices.filter((i) => !i.migrated), day)) {
    await insertItems(em, ctx, clock, await em.findOneOrFail(InvoiceEntity, { id: use.invoiceId }), [use.item]);
    touched.add(use.invoiceId);
  }
  return touched;
}

/** The account's invoices as they are now (after writes in this transaction), for answers and events. */
export async function reloadInvoices(em: EntityManager, accountRecordId: number, ids: Iterable<string>): Promise<Map<string, Invoice>> {
  const wanted = new Set(ids);
  const all = await loadAccountInvoices(em, accountRecordId);
  return new Map(all.filter((i) => wanted.has(i.id)).map((i) => [i.id, i]));
}
