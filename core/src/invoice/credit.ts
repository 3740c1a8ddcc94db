import type { EntityManager } from '@mikro-orm/core';
import type { DateTime } from 'luxon';
import type { Clock } from '../clock/clock.js';
import type { CallContext } from '../context.js';
import type { LocalDate } from '../subscription/account-time.js';
import { accountCbaOf } from './balance.js';
import { cbaForInvoice, useExistingCredit } from './cba.js';
import type { Invoice } from './invoice.js';
import { emitInvoiceAdjustment } from './ops/events.js';
import { insertItems, loadAccountInvoices, loadInvoiceRow } from './store.js';

/**
 * Kill Bill's CBADao.doCBAComplexityFromTransaction with its INVOICE_ADJUSTMENT events, for every write
 * that changes balances (a run, an item adjustment, a credit, a refund): the given invoices get their own
 * CBA_ADJ (credit generated when negative, used when positive), then the account's remaining credit pays
 * its unpaid COMMITTED invoices, oldest first. Each COMMITTED invoice that got a CBA_ADJ here, other than
 * those in `created` (they post INVOICE_CREATION instead), posts one INVOICE_ADJUSTMENT. Inside the
 * caller's transaction, under the account lock.
 */

export interface CreditAccount {
  readonly id: string;
  readonly recordId: number;
}

/** The day a CBA_ADJ is dated: Kill Bill's CBADao uses the call's created date as a UTC LocalDate. */
export const creditDay = (now: DateTime) => now.toUTC().toISODate() as LocalDate;

export async function applyCredit(
  em: EntityManager,
  ctx: CallContext,
  clock: Clock,
  account: CreditAccount,
  opts: { readonly invoiceIds?: readonly string[]; readonly created?: ReadonlySet<string> } = {},
): Promise<Set<string>> {
  const day = creditDay(clock.now());
  const touched = new Set<string>();
  let invoices = await loadAccountInvoices(em, account.recordId);
  const write = async (invoiceId: string, item: Parameters<typeof insertItems>[4][number]) => {
    await insertItems(em, ctx, clock, (await loadInvoiceRow(em, invoiceId))!, [item]);
    touched.add(invoiceId);
  };
  for (const id of opts.invoiceIds ?? []) {
    const inv = invoices.find((i) => i.id === id);
    if (!inv) continue;
    const item = cbaForInvoice(inv, accountCbaOf(invoices.filter((i) => i.id !== id)), day);
    if (!item) continue;
    await write(id, item);
    invoices = await loadAccountInvoices(em, account.recordId);
  }
  for (const use of useExistingCredit(invoices, day)) await write(use.invoiceId, use.item);
  const committed = new Set(invoices.filter((i: Invoice) => i.status === 'COMMITTED').map((i) => i.id));
  for (const id of touched) {
    if (opts.created?.has(id) || !committed.has(id)) continue;
    emitInvoiceAdjustment(em, ctx, clock, { id, accountId: account.id, accountRecordId: account.recordId });
  }
  return touched;
}
