import type { EntityManager } from '@mikro-orm/core';
import type { Decimal } from 'decimal.js';
import type { AccountRow } from '../account/model.js';
import type { Invoice } from '../invoice/invoice.js';
import { loadInvoice } from '../invoice/store.js';
import { controlTagsIn } from '../tag/control-tag-reads.js';
import { accountRow } from './deps.js';

/**
 * The priorCall of Kill Bill's InvoicePaymentControlPluginApi for a PURCHASE of an invoice (§7.3), read
 * under the account lock: whether the payment may go ahead, and if not, why. Automatic payments (not API)
 * also stop on AUTO_PAY_OFF / MANUAL_PAY (recorded, paid when AUTO_PAY_OFF is removed) and on a missing
 * default payment method; an API payment may not ask for more than the balance ("Invalid amount").
 */
export type InvoiceAbort =
  | 'NO_SUCH_INVOICE'
  | 'NOT_COMMITTED'
  | 'DELEGATED_TO_PARENT'
  | 'NOTHING_TO_PAY'
  | 'AUTO_PAY_OFF'
  | 'NO_PAYMENT_METHOD'
  | 'INVALID_AMOUNT';

export type InvoiceVerdict =
  | { readonly go: true; readonly invoice: Invoice; readonly account: AccountRow }
  | { readonly go: false; readonly reason: InvoiceAbort; readonly invoice: Invoice | null; readonly account: AccountRow | null };

export interface InvoiceControlRequest {
  /** An API payment (createInstantPayment, payAllInvoices) rather than the automatic one. */
  readonly api: boolean;
  /** The amount asked for (API); null: the balance. */
  readonly amount?: Decimal | null;
  /** The method the payment will use (API); null: the account's default. */
  readonly paymentMethodId?: string | null;
}

export async function judgeInvoicePayment(em: EntityManager, invoiceId: string, req: InvoiceControlRequest): Promise<InvoiceVerdict> {
  const invoice = await loadInvoice(em, invoiceId);
  if (!invoice) return { go: false, reason: 'NO_SUCH_INVOICE', invoice: null, account: null };
  const account = await accountRow(em, invoice.accountId);
  const stop = (reason: InvoiceAbort): InvoiceVerdict => ({ go: false, reason, invoice, account });
  if (invoice.status !== 'COMMITTED') return stop('NOT_COMMITTED');
  if (invoice.parentInvoiceId !== null || (account.isPaymentDelegatedToParent && account.parentAccountId)) return stop('DELEGATED_TO_PARENT');
  if (invoice.balance.lte(0)) return stop('NOTHING_TO_PAY');
  if (!req.api) {
    const tags = (await controlTagsIn(em, [account.id])).get(account.id) ?? new Set();
    if (tags.has('AUTO_PAY_OFF') || tags.has('MANUAL_PAY')) return stop('AUTO_PAY_OFF');
  }
  if (!req.paymentMethodId && !account.paymentMethodId) return stop('NO_PAYMENT_METHOD');
  if (req.amount && req.amount.gt(invoice.balance)) return stop('INVALID_AMOUNT');
  return { go: true, invoice, account };
}

/** The abort's words, as Kill Bill logs them (the API answers PAYMENT_PLUGIN_API_ABORTED with them). */
export const ABORT_MESSAGES: Readonly<Record<InvoiceAbort, string>> = {
  NO_SUCH_INVOICE: 'no such invoice',
  NOT_COMMITTED: 'invoice is not COMMITTED',
  DELEGATED_TO_PARENT: 'payment is delegated to the parent account',
  NOTHING_TO_PAY: 'invoice balance is 0',
  AUTO_PAY_OFF: 'account has AUTO_PAY_OFF or MANUAL_PAY',
  NO_PAYMENT_METHOD: 'account has no default payment method',
  INVALID_AMOUNT: 'Invalid amount',
};
