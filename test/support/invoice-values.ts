import { randomUUID } from 'node:crypto';
import { Decimal } from 'decimal.js';
import { DateTime } from 'luxon';
import type { Invoice, InvoiceItem } from '../../core/src/invoice/invoice.js';
import type { LocalDate } from '../../core/src/subscription/account-time.js';

/**
 * Hand-built `Invoice` values for tests of code that reads invoices without a database (the invoice
 * plugin hook): `testInvoice({ items: (invoiceId) => [testItem(invoiceId, { type: 'RECURRING', amount: '29.95' })] })`.
 */
export const TEST_ACCOUNT_ID = '1a2b3c4d-0000-4000-8000-00000000acc1';

export function testItem(invoiceId: string, fields: Partial<Omit<InvoiceItem, 'amount'>> & Pick<InvoiceItem, 'type'> & { amount: string }): InvoiceItem {
  const { amount, ...rest } = fields;
  return {
    id: randomUUID(),
    invoiceId,
    accountId: TEST_ACCOUNT_ID,
    childAccountId: null,
    bundleId: 'b0000000-0000-4000-8000-000000000001',
    subscriptionId: 'c0000000-0000-4000-8000-000000000001',
    description: 'standard-monthly-evergreen',
    productName: 'Standard',
    planName: 'standard-monthly',
    phaseName: 'standard-monthly-evergreen',
    usageName: null,
    catalogEffectiveDate: null,
    startDate: '2026-12-01' as LocalDate,
    endDate: '2027-01-01' as LocalDate,
    rate: null,
    quantity: null,
    currency: 'EUR',
    linkedItemId: null,
    itemDetails: null,
    explanation: null,
    createdDate: DateTime.fromISO('2026-12-01T10:00:00Z', { zone: 'utc' }),
    ...rest,
    amount: new Decimal(amount),
  };
}

export function testInvoice(fields: { id?: string; accountId?: string; currency?: Invoice['currency']; items?: (invoiceId: string) => InvoiceItem[] } = {}): Invoice {
  const id = fields.id ?? randomUUID();
  const items = (fields.items?.(id) ?? []).map((i) => ({ ...i, currency: fields.currency ?? 'EUR', accountId: fields.accountId ?? TEST_ACCOUNT_ID }));
  const amount = items.reduce((sum, i) => sum.plus(i.amount), new Decimal(0));
  return {
    id,
    accountId: fields.accountId ?? TEST_ACCOUNT_ID,
    accountRecordId: 1,
    invoiceNumber: 0,
    invoiceDate: '2026-12-01' as LocalDate,
    targetDate: '2026-12-01' as LocalDate,
    currency: fields.currency ?? 'EUR',
    status: 'COMMITTED',
    migrated: false,
    parentInvoice: false,
    writtenOff: false,
    items,
    payments: [],
    amount,
    creditAdj: new Decimal(0),
    refundAdj: new Decimal(0),
    paidAmount: new Decimal(0),
    balance: amount,
    parentInvoiceId: null,
    parentAccountId: null,
    bundleKeys: [],
    createdDate: DateTime.fromISO('2026-12-01T10:00:00Z', { zone: 'utc' }),
  };
}
