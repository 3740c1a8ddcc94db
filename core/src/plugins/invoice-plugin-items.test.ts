import { describe, expect, it } from 'vitest';
import { testInvoice, testItem, TEST_ACCOUNT_ID } from '../../../test/support/invoice-values.js';
import { isBillingError } from '../errors/index.js';
import { toAdditionalItem, type ItemOnInvoice, type ItemScope } from './invoice-plugin-items.js';

const invoice = testInvoice({ items: (id) => [testItem(id, { type: 'RECURRING', amount: '29.95' })] });
const recurring = invoice.items[0]!;
const otherInvoiceItem = '9e000000-0000-4000-8000-0000000000e1';
const onInvoice = new Map<string, ItemOnInvoice>([[recurring.id, { origin: 'invoice', item: { ...recurring, type: recurring.type } }]]);
const scope: ItemScope = {
  plugin: 'tax@1.0.0',
  invoiceId: invoice.id,
  accountId: TEST_ACCOUNT_ID,
  currency: 'EUR',
  onInvoice,
  elsewhere: new Set([otherInvoiceItem]),
  newId: () => '11111111-0000-4000-8000-000000000001',
};
const tax = (fields: Record<string, unknown> = {}) => ({ itemType: 'TAX', amount: '5.99', currency: 'EUR', linkedInvoiceItemId: recurring.id, ...fields });

function codeOf(run: () => unknown): string {
  try {
    run();
    return 'ok';
  } catch (e) {
    return isBillingError(e) ? `${e.code}: ${e.message}` : String(e);
  }
}

describe('an item an invoice plugin returns', () => {
  it('becomes a new AdditionalItem with a fresh id, the amount rounded half-up to the currency', () => {
    const item = toAdditionalItem(tax({ amount: '5.985', description: 'VAT', startDate: '2026-12-01T00:00:00.000Z', endDate: '2027-01-01' }), scope);
    expect(item).toMatchObject({ id: '11111111-0000-4000-8000-000000000001', replaces: false, type: 'TAX', linkedItemId: recurring.id, description: 'VAT', startDate: '2026-12-01', endDate: '2027-01-01' });
    expect(item.amount.toFixed()).toBe('5.99');
  });

  it('keeps an id the plugin chose for a new item', () => {
    expect(toAdditionalItem(tax({ invoiceItemId: '22222222-0000-4000-8000-000000000002' }), scope).id).toBe('22222222-0000-4000-8000-000000000002');
  });

  it('may be TAX, EXTERNAL_CHARGE, ITEM_ADJ or CREDIT_ADJ; any other new item is INVOICE_ITEM_TYPE_INVALID', () => {
    for (const itemType of ['TAX', 'EXTERNAL_CHARGE', 'ITEM_ADJ', 'CREDIT_ADJ']) expect(codeOf(() => toAdditionalItem(tax({ itemType, amount: '-1' }), scope))).toBe('ok');
    expect(codeOf(() => toAdditionalItem(tax({ itemType: 'RECURRING' }), scope))).toBe('INVOICE_ITEM_TYPE_INVALID: Invalid invoice item type RECURRING');
    expect(codeOf(() => toAdditionalItem(tax({ itemType: 'CBA_ADJ' }), scope))).toMatch(/^INVOICE_ITEM_TYPE_INVALID/);
    expect(codeOf(() => toAdditionalItem(tax({ itemType: 'BOGUS' }), scope))).toMatch(/^INVOICE_ITEM_TYPE_INVALID/);
  });

  it('with the id of an item of the invoice replaces it: the plugin sets amount and description, the rest stays', () => {
    const item = toAdditionalItem({ invoiceItemId: recurring.id, itemType: 'TAX', amount: '20.00', description: 'discounted', subscriptionId: null, startDate: '2030-01-01' }, scope);
    expect(item).toMatchObject({ id: recurring.id, replaces: true, type: 'RECURRING', description: 'discounted', subscriptionId: recurring.subscriptionId, startDate: '2026-12-01' });
    expect(item.amount.toFixed()).toBe('20');
  });

  it('is refused with a message naming the plugin when the host could not write it', () => {
    const refused = (fields: Record<string, unknown>) => codeOf(() => toAdditionalItem(tax(fields), scope));
    expect(refused({ amount: 5.99 })).toBe('INVOICE_PLUGIN_INVALID_ITEM: Invoice plugin tax@1.0.0 returned an invalid item: amount must be a decimal string such as "12.50" (got 5.99)');
    expect(refused({ amount: '1e3' })).toMatch(/amount must be a decimal string/);
    expect(refused({ currency: 'USD' })).toMatch(/currency USD is not the invoice's EUR/);
    expect(refused({ invoiceId: otherInvoiceItem })).toMatch(/is not the invoice being generated/);
    expect(refused({ accountId: otherInvoiceItem })).toMatch(/is not the invoice's account/);
    expect(refused({ linkedInvoiceItemId: '33333333-0000-4000-8000-000000000003' })).toMatch(/is no item of the account/);
    expect(refused({ invoiceItemId: otherInvoiceItem })).toMatch(/is an item of another invoice/);
    expect(refused({ itemType: 'ITEM_ADJ', amount: '-1', linkedInvoiceItemId: null })).toMatch(/ITEM_ADJ needs the linkedInvoiceItemId/);
    expect(refused({ startDate: 'tomorrow' })).toMatch(/startDate "tomorrow" is not a date/);
    expect(refused({ description: 'x'.repeat(256) })).toMatch(/description is longer than 255/);
    expect(codeOf(() => toAdditionalItem('TAX 5.99', scope))).toMatch(/an item must be an object/);
  });

  it('may link to an item of another invoice of the account (a tax reversal for an old item)', () => {
    expect(toAdditionalItem(tax({ linkedInvoiceItemId: otherInvoiceItem, amount: '-1.00' }), scope).linkedItemId).toBe(otherInvoiceItem);
  });

  it('takes the invoice currency when the plugin names none', () => {
    expect(toAdditionalItem(tax({ currency: null }), scope).type).toBe('TAX');
  });
});
