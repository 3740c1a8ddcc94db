import { Decimal } from 'decimal.js';
import type { Currency } from '../values/currency.js';
import type { AccountBalance, Invoice, InvoiceItemType, InvoiceStatus } from './invoice.js';
import { roundMoney, sumMoney } from './money.js';

/**
 * Invoice and account balances, killbill-semantics.md §4.8 (Kill Bill's InvoiceCalculatorUtils,
 * DefaultInvoice.getBalance, DefaultInvoiceDao.getAccountBalance). Pure: every figure rounded to the
 * invoice's currency.
 */

/** What `charged` sums: charges and their adjustments/repairs (CREDIT_ADJ is added separately, see below). */
const CHARGED: ReadonlySet<InvoiceItemType> = new Set(['TAX', 'EXTERNAL_CHARGE', 'FIXED', 'USAGE', 'RECURRING', 'ITEM_ADJ', 'REPAIR_ADJ', 'PARENT_SUMMARY']);

export interface AmountItem {
  readonly type: InvoiceItemType;
  readonly amount: Decimal;
}

export interface AmountPayment {
  readonly type: 'ATTEMPT' | 'REFUND' | 'CHARGED_BACK';
  /** Negative for REFUND and CHARGED_BACK. */
  readonly amount: Decimal;
  readonly success: boolean;
}

export interface InvoiceState {
  readonly currency: Currency;
  readonly status: InvoiceStatus;
  readonly writtenOff: boolean;
  readonly migrated: boolean;
  /**
   * Kill Bill's "credit invoice" (POST /credits: CREDIT_ADJ(-x) + CBA_ADJ(+x) alone on an invoice): its
   * CREDIT_ADJ is not a charge. Absent: detected from the items (only CREDIT_ADJ and CBA_ADJ, at least one CREDIT_ADJ).
   */
  readonly creditInvoice?: boolean;
}

export interface InvoiceAmounts {
  /** Charged: Σ charges, item adjustments and repairs (+ CREDIT_ADJ unless a credit invoice). */
  readonly amount: Decimal;
  /** Credited: Σ CBA_ADJ. */
  readonly creditAdj: Decimal;
  /** Σ successful REFUND / CHARGED_BACK rows (negative). */
  readonly refundAdj: Decimal;
  /** Σ successful ATTEMPT rows. */
  readonly paidAmount: Decimal;
  /**
   * charged + credited [+ CREDIT_ADJ of a credit invoice] − (paid + refunded); 0 when DRAFT, VOID, written off
   * or migrated, and for a child invoice whose parent invoice reads 0 (`childInvoiceBalance`, applied by store.ts).
   */
  readonly balance: Decimal;
}

export function isCreditInvoice(items: readonly AmountItem[]): boolean {
  return items.some((i) => i.type === 'CREDIT_ADJ') && items.every((i) => i.type === 'CREDIT_ADJ' || i.type === 'CBA_ADJ');
}

export function invoiceAmounts(items: readonly AmountItem[], payments: readonly AmountPayment[], state: InvoiceState): InvoiceAmounts {
  const c = state.currency;
  const creditInvoice = state.creditInvoice ?? isCreditInvoice(items);
  const creditAdjItems = sumMoney(items.filter((i) => i.type === 'CREDIT_ADJ').map((i) => i.amount), c);
  const charges = sumMoney(items.filter((i) => CHARGED.has(i.type)).map((i) => i.amount), c);
  const amount = creditInvoice ? charges : roundMoney(charges.plus(creditAdjItems), c);
  const creditAdj = sumMoney(items.filter((i) => i.type === 'CBA_ADJ').map((i) => i.amount), c);
  const ok = payments.filter((p) => p.success);
  const paidAmount = sumMoney(ok.filter((p) => p.type === 'ATTEMPT').map((p) => p.amount), c);
  const refundAdj = sumMoney(ok.filter((p) => p.type !== 'ATTEMPT').map((p) => p.amount), c);
  const zero = state.status !== 'COMMITTED' || state.writtenOff || state.migrated;
  const raw = amount.plus(creditAdj).plus(creditInvoice ? creditAdjItems : 0).minus(paidAmount.plus(refundAdj));
  return { amount, creditAdj, refundAdj, paidAmount, balance: zero ? new Decimal(0) : roundMoney(raw, c) };
}

/**
 * A child invoice's balance (DefaultInvoice.hasZeroParentBalance): 0 while the parent invoice that
 * summarises it reads balance 0 — DRAFT, VOID, written off or paid — else its own. The parent's own balance
 * is read without this rule (a parent invoice has no parent).
 */
export function childInvoiceBalance(own: Decimal, parentBalance: Decimal | null): Decimal {
  return parentBalance !== null && parentBalance.isZero() ? new Decimal(0) : own;
}

type BalanceInvoice = Pick<Invoice, 'status' | 'balance' | 'currency'> & { readonly items: readonly AmountItem[] };

/** Σ CBA_ADJ of the COMMITTED invoices: the credit the account holds. */
export function accountCbaOf(invoices: readonly BalanceInvoice[]): Decimal {
  const committed = invoices.filter((i) => i.status === 'COMMITTED');
  const currency = committed[0]?.currency;
  if (!currency) return new Decimal(0);
  return sumMoney(committed.flatMap((i) => i.items.filter((it) => it.type === 'CBA_ADJ').map((it) => it.amount)), currency);
}

/** accountBalance = Σ balance of COMMITTED invoices − account CBA; accountCBA = Σ CBA_ADJ of COMMITTED invoices. */
export function accountBalanceOf(invoices: readonly BalanceInvoice[]): AccountBalance {
  const committed = invoices.filter((i) => i.status === 'COMMITTED');
  const currency = committed[0]?.currency;
  if (!currency) return { accountBalance: new Decimal(0), accountCBA: new Decimal(0) };
  const accountCBA = accountCbaOf(committed);
  const balances = sumMoney(committed.map((i) => i.balance), currency);
  return { accountBalance: roundMoney(balances.minus(accountCBA), currency), accountCBA };
}
