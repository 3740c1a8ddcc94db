import { Decimal } from 'decimal.js';
import { DateTime } from 'luxon';
import type { Currency } from '../values/currency.js';
import { invoiceAmounts, type AmountItem } from './balance.js';

/**
 * The arithmetic of parent invoices (killbill-semantics.md §4.10; Kill Bill's InvoiceCalculatorUtils.
 * computeChildInvoiceAmount, InvoiceDispatcher.shouldIgnoreChildInvoice, DefaultInvoiceDao.
 * notifyOfParentInvoiceCreation). Pure.
 */

/** The item types Kill Bill counts as charges (InvoiceCalculatorUtils.isCharge). */
const CHARGES = new Set(['TAX', 'EXTERNAL_CHARGE', 'FIXED', 'USAGE', 'RECURRING']);

/**
 * What a child invoice adds to its PARENT_SUMMARY item: with charges, charged + credited (Σ CBA_ADJ, so
 * credit the child used lowers it); without charges (a credit invoice), minus the credit it gave, so
 * the child's credit lowers the summary.
 */
export function childInvoiceAmount(items: readonly AmountItem[], currency: Currency): Decimal {
  const a = invoiceAmounts(items, [], { currency, status: 'COMMITTED', writtenOff: false, migrated: false });
  if (!items.some((i) => CHARGES.has(i.type))) return a.creditAdj.negated();
  return a.amount.plus(a.creditAdj);
}

/**
 * Whether a child invoice starts no parent invoice when the parent has no DRAFT one: a negative amount
 * (credit, used on the next invoice), or 0 without any FIXED or RECURRING item (a $0 trial does start one).
 */
export function ignoredWithoutDraft(items: readonly AmountItem[], amount: Decimal): boolean {
  if (amount.lt(0)) return true;
  if (amount.gt(0)) return false;
  return !items.some((i) => i.type === 'FIXED' || i.type === 'RECURRING');
}

/** org.killbill.invoice.parent.commit.local.utc.time default. */
export const PARENT_COMMIT_UTC_TIME = '23:59:59.999';

/**
 * When a new DRAFT parent invoice is committed: today (UTC) at the configured UTC time of day, or the
 * next day's if that instant has passed. Kill Bill sets the time on the call's created date, a UTC
 * DateTime, so the day ends at 23:59:59.999 UTC whatever the parent's zone.
 */
export function parentCommitInstant(now: DateTime, utcTime: string = PARENT_COMMIT_UTC_TIME): DateTime {
  const t = DateTime.fromISO(utcTime, { zone: 'utc' });
  let at = now.toUTC().set({ hour: t.hour, minute: t.minute, second: t.second, millisecond: t.millisecond });
  while (at < now) at = at.plus({ days: 1 });
  return at;
}
