import type { InvoiceDto, InvoiceItemDto } from '@billwright/plugin-api';
import type { Invoice, InvoiceItem } from '../invoice/invoice.js';

/**
 * Invoices as an invoice plugin sees them (plugin-api protocol.ts): plain data, money as exact decimal
 * strings (decimal.js `toFixed()` never uses an exponent), days as `YYYY-MM-DD`.
 */
export function invoiceDto(invoice: Invoice): InvoiceDto {
  return {
    invoiceId: invoice.id,
    accountId: invoice.accountId,
    // A proposed invoice has no number yet (Kill Bill's is null until written); 0 is the generator's placeholder.
    invoiceNumber: invoice.invoiceNumber > 0 ? invoice.invoiceNumber : null,
    invoiceDate: invoice.invoiceDate,
    targetDate: invoice.targetDate,
    currency: invoice.currency,
    status: invoice.status,
    balance: invoice.balance.toFixed(),
    items: invoice.items.map(invoiceItemDto),
  };
}

export function invoiceItemDto(item: InvoiceItem): InvoiceItemDto {
  return {
    invoiceItemId: item.id,
    invoiceId: item.invoiceId,
    linkedInvoiceItemId: item.linkedItemId,
    accountId: item.accountId,
    bundleId: item.bundleId,
    subscriptionId: item.subscriptionId,
    itemType: item.type,
    productName: item.productName,
    planName: item.planName,
    phaseName: item.phaseName,
    usageName: item.usageName,
    description: item.description,
    startDate: item.startDate,
    endDate: item.endDate,
    amount: item.amount.toFixed(),
    rate: item.rate === null ? null : item.rate.toFixed(),
    currency: item.currency,
    quantity: item.quantity === null ? null : item.quantity.toFixed(),
    itemDetails: item.itemDetails,
  };
}
