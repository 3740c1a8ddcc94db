import { Decimal } from 'decimal.js';
import { DateTime } from 'luxon';
import type { LocalDate } from '../subscription/account-time.js';
import { invoiceAmounts } from './balance.js';
import type { Invoice, InvoiceItem, InvoiceItemType, InvoicePaymentRecord, InvoiceStatus } from './invoice.js';

/** Invoice values for the pure unit tests (balance, cba): only what the computations read is meaningful. */

let seq = 0;
const at = DateTime.fromISO('2012-04-01T00:00:00Z', { zone: 'utc' });

export function item(type: InvoiceItemType, amount: string, invoiceId = 'inv'): InvoiceItem {
  seq += 1;
  return {
    id: `item-${seq}`, invoiceId, accountId: 'acc', type, childAccountId: null, bundleId: null, subscriptionId: null, description: null,
    productName: null, planName: null, phaseName: null, usageName: null, catalogEffectiveDate: null, startDate: null, endDate: null,
    amount: new Decimal(amount), rate: null, quantity: null, currency: 'USD', linkedItemId: null, itemDetails: null, explanation: null, createdDate: at,
  };
}

export function payment(type: InvoicePaymentRecord['type'], amount: string, success = true): InvoicePaymentRecord {
  seq += 1;
  return { id: `pay-${seq}`, type, invoiceId: 'inv', paymentId: null, paymentDate: at, amount: new Decimal(amount), currency: 'USD', linkedInvoicePaymentId: null, success };
}

export function invoice(
  number: number,
  invoiceDate: string,
  items: readonly [InvoiceItemType, string][],
  opts: { status?: InvoiceStatus; payments?: InvoicePaymentRecord[]; writtenOff?: boolean } = {},
): Invoice {
  const id = `inv-${number}`;
  const its = items.map(([t, a]) => item(t, a, id));
  const status = opts.status ?? 'COMMITTED';
  const payments = opts.payments ?? [];
  const writtenOff = opts.writtenOff ?? false;
  return {
    id, accountId: 'acc', accountRecordId: 1, invoiceNumber: number, invoiceDate: invoiceDate as LocalDate, targetDate: invoiceDate as LocalDate,
    currency: 'USD', status, migrated: false, parentInvoice: false, writtenOff, items: its, payments,
    ...invoiceAmounts(its, payments, { currency: 'USD', status, writtenOff, migrated: false }),
    parentInvoiceId: null, parentAccountId: null, bundleKeys: [], createdDate: at,
  };
}

/** The invoice with more items (as the store would read it back after writing them). */
export function withItems(inv: Invoice, extra: readonly InvoiceItem[]): Invoice {
  const items = [...inv.items, ...extra];
  return { ...inv, items, ...invoiceAmounts(items, inv.payments, { currency: inv.currency, status: inv.status, writtenOff: inv.writtenOff, migrated: inv.migrated }) };
}
