import { Decimal } from 'decimal.js';
import type { LocalDate } from '../subscription/account-time.js';
import type { Currency } from '../values/currency.js';
import { accountCbaOf, invoiceAmounts, type AmountItem, type AmountPayment } from './balance.js';
import type { Invoice, InvoiceStatus } from './invoice.js';
import { roundMoney } from './money.js';
import type { NewItem } from './store.js';

/**
 * Account credit (CBA), killbill-semantics.md §4.6 (Kill Bill's CBADao). Pure: given invoices as values,
 * answers the CBA_ADJ items to write. A CBA_ADJ starts and ends on the day it is made (Kill Bill:
 * `context.getCreatedDate().toLocalDate()`, the UTC day; callers pass it).
 */

export interface ProposedInvoiceState {
  readonly currency: Currency;
  readonly status: InvoiceStatus;
  readonly writtenOff: boolean;
  readonly items: readonly AmountItem[];
  readonly payments?: readonly AmountPayment[];
}

function cbaItem(amount: Decimal, day: LocalDate, reason: 'CREDIT_GENERATED' | 'CREDIT_USED'): NewItem {
  return {
    type: 'CBA_ADJ',
    amount,
    startDate: day,
    endDate: day,
    // CreditBalanceAdjInvoiceItem.getDescription when none is given.
    description: amount.gte(0) ? 'Adjustment (account credit)' : 'Adjustment (use of account credit)',
    explanation: { kind: 'CBA_ADJ', reason },
  };
}

/** The invoice's balance before DRAFT/VOID zeroing (CBADao works on the raw balance). */
function rawBalance(inv: ProposedInvoiceState): Decimal {
  return invoiceAmounts(inv.items, inv.payments ?? [], { currency: inv.currency, status: 'COMMITTED', writtenOff: false, migrated: false }).balance;
}

/**
 * CBADao.computeCBAComplexity for one invoice: a negative balance becomes credit (CBA_ADJ +|balance|); a
 * positive balance of a COMMITTED invoice that is not written off uses the account's credit (CBA_ADJ
 * −min(credit, balance)). `accountCredit` is the credit held outside this invoice. Null: nothing to add.
 */
export function cbaForInvoice(invoice: ProposedInvoiceState, accountCredit: Decimal, day: LocalDate): NewItem | null {
  const balance = rawBalance(invoice);
  if (balance.lt(0)) return cbaItem(balance.negated(), day, 'CREDIT_GENERATED');
  if (balance.gt(0) && invoice.status === 'COMMITTED' && !invoice.writtenOff && accountCredit.gt(0)) {
    return cbaItem(roundMoney(Decimal.min(balance, accountCredit), invoice.currency).negated(), day, 'CREDIT_USED');
  }
  return null;
}

export interface CreditUse {
  readonly invoiceId: string;
  readonly item: NewItem;
}

/**
 * CBADao.useExistingCBAFromTransaction: the account's credit pays its unpaid COMMITTED invoices (balance
 * > 0, so not written off), oldest invoiceDate first (then invoice number), until it runs out.
 */
export function useExistingCredit(invoices: readonly Invoice[], day: LocalDate): CreditUse[] {
  let credit = accountCbaOf(invoices);
  if (!credit.gt(0)) return [];
  const unpaid = invoices
    .map((i) => (i.parentRawBalance === undefined ? i : { ...i, balance: childCreditBalance(i, i.parentRawBalance) }))
    .filter((i) => i.status === 'COMMITTED' && !i.writtenOff && i.balance.gt(0))
    .sort((a, b) => (a.invoiceDate < b.invoiceDate ? -1 : a.invoiceDate > b.invoiceDate ? 1 : a.invoiceNumber - b.invoiceNumber));
  const out: CreditUse[] = [];
  for (const inv of unpaid) {
    const used = roundMoney(Decimal.min(inv.balance, credit), inv.currency);
    out.push({ invoiceId: inv.id, item: cbaItem(used.negated(), day, 'CREDIT_USED') });
    credit = credit.minus(used);
    if (!credit.gt(0)) break;
  }
  return out;
}

/**
 * A child invoice as CBADao sees it (InvoiceDaoHelper.getUnpaidInvoicesByAccountFromTransaction): unpaid
 * while its parent invoice's raw balance is > 0 (a DRAFT parent too, though the child then reads balance 0),
 * for its own raw balance; settled otherwise (§4.10).
 */
function childCreditBalance(invoice: Invoice, parentRawBalance: Decimal): Decimal {
  return parentRawBalance.gt(0) ? rawBalance(invoice) : new Decimal(0);
}
