import { readFileSync } from 'node:fs';
import type { InvoiceDto, InvoiceItemDto } from '@billwright/plugin-api';
import { createTestHost } from '@billwright/plugin-api/test-host';
import { describe, expect, it } from 'vitest';
import plugin from './index.js';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { billwright: { permissions: string[] } };
const accountId = '5a1e0000-0000-4000-8000-0000000000a1';
const CONFIG = {
  taxName: 'Sales tax',
  countries: {
    FR: { rate: '0.20', name: 'TVA', products: { Books: '0.055' } },
    de: { rate: '0.19' },
    JP: { rate: '0.10' },
  },
};
const host = (country: string | null = 'FR', config: object | string | null = CONFIG) =>
  createTestHost({ plugin, accounts: [{ accountId, country }], config, permissions: manifest.billwright.permissions });

let seq = 0;
const uuid = () => `5a1e0000-0000-4000-8000-${String(++seq).padStart(12, '0')}`;

function item(invoiceId: string, fields: Partial<InvoiceItemDto> & Pick<InvoiceItemDto, 'itemType' | 'amount'>): InvoiceItemDto {
  return {
    invoiceItemId: uuid(), invoiceId, linkedInvoiceItemId: null, accountId, bundleId: 'b0000000-0000-4000-8000-000000000001',
    subscriptionId: 'c0000000-0000-4000-8000-000000000001', productName: 'Standard', planName: 'standard-monthly', phaseName: 'standard-monthly-evergreen',
    usageName: null, description: 'standard-monthly-evergreen', startDate: '2026-12-01', endDate: '2027-01-01', rate: null, currency: 'EUR', quantity: null,
    itemDetails: null, ...fields,
  };
}

function invoice(items: (id: string) => InvoiceItemDto[], currency = 'EUR'): InvoiceDto {
  const invoiceId = uuid();
  return { invoiceId, accountId, invoiceNumber: null, invoiceDate: '2026-12-01', targetDate: '2026-12-01', currency, status: 'COMMITTED', balance: '0', items: items(invoiceId).map((i) => ({ ...i, currency })) };
}

/** The invoice written: the proposed one with the plugin's items added, ids assigned as the host does. */
function written(proposed: InvoiceDto, added: readonly InvoiceItemDto[]): InvoiceDto {
  return { ...proposed, items: [...proposed.items, ...added.map((i) => ({ ...i, invoiceItemId: uuid() }))] };
}

describe('simple-tax plugin', () => {
  it('adds one TAX item per taxable item at the country rate, linked to it and rounded half-up', async () => {
    const inv = invoice((id) => [item(id, { itemType: 'RECURRING', amount: '29.95' }), item(id, { itemType: 'FIXED', amount: '10', endDate: null })]);
    const { additionalItems } = await host().additionalInvoiceItems(inv);
    expect(additionalItems).toEqual([
      expect.objectContaining({ itemType: 'TAX', amount: '5.99', linkedInvoiceItemId: inv.items[0]!.invoiceItemId, description: 'TVA', currency: 'EUR', invoiceId: inv.invoiceId, startDate: '2026-12-01', endDate: '2027-01-01', subscriptionId: inv.items[0]!.subscriptionId }),
      expect.objectContaining({ itemType: 'TAX', amount: '2.00', linkedInvoiceItemId: inv.items[1]!.invoiceItemId, endDate: null }),
    ]);
    expect(JSON.parse(additionalItems[0]!.itemDetails!)).toEqual({ plugin: 'simple-tax', taxedItemId: inv.items[0]!.invoiceItemId, rate: '0.20', productName: 'Standard' });
  });

  it('uses the product rate over the country rate, and the country code in any case', async () => {
    const inv = invoice((id) => [item(id, { itemType: 'RECURRING', amount: '29.95', productName: 'Books' })]);
    expect((await host().additionalInvoiceItems(inv)).additionalItems.map((i) => i.amount)).toEqual(['1.65']); // 1.64725
    expect((await host('DE').additionalInvoiceItems(inv)).additionalItems.map((i) => [i.amount, i.description])).toEqual([['5.69', 'Sales tax']]);
  });

  it('taxes USAGE and EXTERNAL_CHARGE items but not credits, adjustments without a taxed item, or other taxes', async () => {
    const inv = invoice((id) => [
      item(id, { itemType: 'USAGE', amount: '3.10' }),
      item(id, { itemType: 'EXTERNAL_CHARGE', amount: '100', productName: null, subscriptionId: null, bundleId: null, startDate: null, endDate: null }),
      item(id, { itemType: 'CBA_ADJ', amount: '-5' }),
      item(id, { itemType: 'CREDIT_ADJ', amount: '-5' }),
      item(id, { itemType: 'RECURRING', amount: '0' }),
    ]);
    const { additionalItems } = await host().additionalInvoiceItems(inv);
    expect(additionalItems.map((i) => [i.amount, i.linkedInvoiceItemId])).toEqual([['0.62', inv.items[0]!.invoiceItemId], ['20.00', inv.items[1]!.invoiceItemId]]);
    expect(additionalItems[1]!.startDate).toBe('2026-12-01'); // an external charge without dates: the invoice date
  });

  it('rounds to the currency minor unit (JPY has none)', async () => {
    const inv = invoice((id) => [item(id, { itemType: 'RECURRING', amount: '1995' })], 'JPY');
    expect((await host('JP').additionalInvoiceItems(inv)).additionalItems.map((i) => i.amount)).toEqual(['200']); // 199.5
  });

  it('adds nothing for an account in a country without rules, without a country, or a tenant without config', async () => {
    const inv = invoice((id) => [item(id, { itemType: 'RECURRING', amount: '29.95' })]);
    expect((await host('US').additionalInvoiceItems(inv)).additionalItems).toEqual([]);
    expect((await host(null).additionalInvoiceItems(inv)).additionalItems).toEqual([]);
    expect((await host('FR', null).additionalInvoiceItems(inv)).additionalItems).toEqual([]);
  });

  it('never taxes an item twice: not on a rerun of the same invoice, not an item a TAX on another invoice already covers', async () => {
    const h = host();
    const first = invoice((id) => [item(id, { itemType: 'RECURRING', amount: '29.95' })]);
    const firstWritten = written(first, (await h.additionalInvoiceItems(first)).additionalItems);
    // The same invoice again (an item adjustment, a reused DRAFT): its TAX is on it already.
    expect((await h.additionalInvoiceItems(firstWritten)).additionalItems).toEqual([]);
    // The next invoice: only its new item is taxed, even though the earlier one is in the context.
    const next = invoice((id) => [item(id, { itemType: 'RECURRING', amount: '29.95', startDate: '2027-01-01', endDate: '2027-02-01' })]);
    const { additionalItems } = await h.additionalInvoiceItems(next, { existingInvoices: [firstWritten] });
    expect(additionalItems.map((i) => i.linkedInvoiceItemId)).toEqual([next.items[0]!.invoiceItemId]);
  });

  it('reverses the tax of an adjusted item in proportion, once, and never past what was charged', async () => {
    const h = host();
    const first = invoice((id) => [item(id, { itemType: 'RECURRING', amount: '8.02' })]);
    const taxed = written(first, (await h.additionalInvoiceItems(first)).additionalItems); // TAX 1.60
    const recurring = taxed.items[0]!;
    // A repair on the next invoice: -7.70 of 8.02 → -1.60 × 7.70/8.02 = -1.5362 → -1.54
    const next = invoice((id) => [item(id, { itemType: 'REPAIR_ADJ', amount: '-7.70', linkedInvoiceItemId: recurring.invoiceItemId, productName: null })]);
    const reversal = (await h.additionalInvoiceItems(next, { existingInvoices: [taxed] })).additionalItems;
    expect(reversal).toEqual([expect.objectContaining({ itemType: 'TAX', amount: '-1.54', linkedInvoiceItemId: next.items[0]!.invoiceItemId, description: 'Tax reversal: standard-monthly-evergreen' })]);
    const nextWritten = written(next, reversal);
    expect((await h.additionalInvoiceItems(nextWritten, { existingInvoices: [taxed] })).additionalItems).toEqual([]);

    // Adjusting the rest (0.32 of 8.02 → 0.0638 → 0.06) gives back exactly what is left: 1.60 - 1.54 = 0.06.
    const adjusted = { ...taxed, items: [...taxed.items, item(taxed.invoiceId, { itemType: 'ITEM_ADJ', amount: '-0.32', linkedInvoiceItemId: recurring.invoiceItemId })] };
    const last = (await h.additionalInvoiceItems(adjusted, { existingInvoices: [nextWritten] })).additionalItems;
    expect(last.map((i) => i.amount)).toEqual(['-0.06']);
  });

  it('caps a reversal at the tax left when rounding would give back more', async () => {
    const h = host();
    const first = invoice((id) => [item(id, { itemType: 'RECURRING', amount: '0.15' })]); // TAX 0.03
    const taxed = written(first, (await h.additionalInvoiceItems(first)).additionalItems);
    const linked = taxed.items[0]!.invoiceItemId;
    const halves = { ...taxed, items: [...taxed.items, item(taxed.invoiceId, { itemType: 'ITEM_ADJ', amount: '-0.075', linkedInvoiceItemId: linked }), item(taxed.invoiceId, { itemType: 'ITEM_ADJ', amount: '-0.075', linkedInvoiceItemId: linked })] };
    // Each half is -0.015 → -0.02; the second gets only the 0.01 left.
    expect((await h.additionalInvoiceItems(halves)).additionalItems.map((i) => i.amount)).toEqual(['-0.02', '-0.01']);
  });

  it('refuses a config it cannot read, so the run fails instead of skipping taxes', async () => {
    const inv = invoice((id) => [item(id, { itemType: 'RECURRING', amount: '10' })]);
    await expect(host('FR', '{not json').additionalInvoiceItems(inv)).rejects.toThrow(/not JSON/);
    await expect(host('FR', { countries: { FR: { rate: 'twenty' } } }).additionalInvoiceItems(inv)).rejects.toThrow(/not a decimal/);
    await expect(host('FR', { countries: { FR: { rate: '-0.1' } } }).additionalInvoiceItems(inv)).rejects.toThrow(/from 0 to 10/);
  });

  it('needs only the accounts:read permission, and reads no account when there is nothing to tax', async () => {
    expect(manifest.billwright.permissions).toEqual(['accounts:read']);
    const credits = invoice((id) => [item(id, { itemType: 'CREDIT_ADJ', amount: '-5' }), item(id, { itemType: 'CBA_ADJ', amount: '5' })]);
    const noAccount = createTestHost({ plugin, config: CONFIG, permissions: [] });
    expect((await noAccount.additionalInvoiceItems(credits)).additionalItems).toEqual([]);
  });
});
