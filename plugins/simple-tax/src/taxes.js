// @ts-check
/**
 * The tax items of one invoice, computed from the invoice, the account's other invoices and the
 * account's jurisdiction; no host calls, so every rule is unit-testable on plain data.
 *
 * - Each taxable item (RECURRING, FIXED, USAGE, EXTERNAL_CHARGE, positive) of the invoice that no TAX
 *   item links to yet, on any invoice, gets one: amount × rate (the product's, else the country's),
 *   rounded HALF_UP to the currency's minor unit, linked to it. A tax of 0 writes nothing.
 * - Each adjustment (ITEM_ADJ, REPAIR_ADJ) of the invoice that no TAX item links to yet, of an item
 *   that was taxed, gets a negative TAX item linked to the adjustment: the tax charged on the item ×
 *   adjustment / item amount, rounded HALF_UP, and never more than the tax left on the item once earlier
 *   reversals are counted (so rounding can never refund more tax than was charged). The rate is not
 *   needed: what was charged is reversed, even if the rules changed since.
 * Both checks look at TAX items' links across all invoices, so running again (the next invoice run, a
 * dry run followed by the real one, a retried run) adds nothing twice.
 */
import { abs, add, compare, divide, format, multiply, negate, parse, round, sign, ZERO } from './money.js';

/** @typedef {import('@billwright/plugin-api').InvoiceDto} InvoiceDto */
/** @typedef {import('@billwright/plugin-api').InvoiceItemDto} InvoiceItemDto */
/** @typedef {import('./money.js').Dec} Dec */
/** @typedef {import('./config.js').Jurisdiction} Jurisdiction */

export const TAXABLE_TYPES = new Set(['RECURRING', 'FIXED', 'USAGE', 'EXTERNAL_CHARGE']);
export const ADJUSTMENT_TYPES = new Set(['ITEM_ADJ', 'REPAIR_ADJ']);

/**
 * @param {InvoiceDto} invoice the invoice being generated
 * @param {readonly InvoiceDto[]} existingInvoices the account's other invoices
 * @param {Jurisdiction | null} jurisdiction the account's tax rules; null: charge no new tax (reversals still happen)
 * @param {number} digits the currency's minor unit
 * @returns {InvoiceItemDto[]}
 */
export function taxItems(invoice, existingInvoices, jurisdiction, digits) {
  /** @type {Map<string, InvoiceItemDto>} every item of the account by id; the invoice's own win */
  const byId = new Map();
  for (const other of existingInvoices) for (const item of other.items) if (item.invoiceItemId) byId.set(item.invoiceItemId, item);
  for (const item of invoice.items) if (item.invoiceItemId) byId.set(item.invoiceItemId, item);

  /** @type {Map<string, Dec>} Σ TAX amounts linked to each item id */
  const taxOf = new Map();
  /**
   * @param {string} id
   * @param {Dec} amount
   */
  const addTax = (id, amount) => taxOf.set(id, add(taxOf.get(id) ?? ZERO, amount));
  for (const item of byId.values()) if (item.itemType === 'TAX' && item.linkedInvoiceItemId) addTax(item.linkedInvoiceItemId, parse(item.amount));

  /** @type {InvoiceItemDto[]} */
  const out = [];
  for (const item of invoice.items) {
    if (!TAXABLE_TYPES.has(item.itemType) || !item.invoiceItemId || taxOf.has(item.invoiceItemId) || jurisdiction === null) continue;
    const amount = parse(item.amount);
    if (sign(amount) <= 0) continue;
    const rate = (item.productName ? jurisdiction.products.get(item.productName) : undefined) ?? jurisdiction.rate;
    const tax = round(multiply(amount, rate), digits);
    if (sign(tax) === 0) continue;
    addTax(item.invoiceItemId, tax);
    out.push(taxItem(invoice, item, tax, digits, jurisdiction.name, { rate: format(rate, rate.scale), productName: item.productName ?? null }));
  }

  for (const adjustment of invoice.items) {
    if (!ADJUSTMENT_TYPES.has(adjustment.itemType) || !adjustment.invoiceItemId || taxOf.has(adjustment.invoiceItemId) || !adjustment.linkedInvoiceItemId) continue;
    const target = byId.get(adjustment.linkedInvoiceItemId);
    if (!target || !target.invoiceItemId || !TAXABLE_TYPES.has(target.itemType)) continue;
    const charged = taxOf.get(target.invoiceItemId) ?? ZERO;
    const itemAmount = parse(target.amount);
    if (sign(charged) <= 0 || sign(itemAmount) <= 0) continue;
    // What earlier reversals of this item already gave back (their TAX items link to the other adjustments).
    let reversed = ZERO;
    for (const other of byId.values()) {
      if (other.invoiceItemId && other.invoiceItemId !== adjustment.invoiceItemId && ADJUSTMENT_TYPES.has(other.itemType) && other.linkedInvoiceItemId === target.invoiceItemId) {
        reversed = add(reversed, taxOf.get(other.invoiceItemId) ?? ZERO);
      }
    }
    const left = add(charged, reversed);
    if (sign(left) <= 0) continue;
    let reversal = divide(multiply(parse(adjustment.amount), charged), itemAmount, digits);
    if (sign(reversal) >= 0) continue;
    if (compare(abs(reversal), left) > 0) reversal = negate(left);
    addTax(adjustment.invoiceItemId, reversal);
    const description = target.description === null ? 'Tax reversal' : `Tax reversal: ${target.description}`;
    out.push(taxItem(invoice, adjustment, reversal, digits, description, { reverses: target.invoiceItemId }));
  }
  return out;
}

/**
 * @param {InvoiceDto} invoice
 * @param {InvoiceItemDto} linked
 * @param {Dec} amount
 * @param {number} digits
 * @param {string} description
 * @param {Record<string, string | null>} details recorded as the item's itemDetails (JSON)
 * @returns {InvoiceItemDto}
 */
function taxItem(invoice, linked, amount, digits, description, details) {
  return {
    invoiceItemId: null,
    invoiceId: invoice.invoiceId,
    linkedInvoiceItemId: linked.invoiceItemId,
    accountId: invoice.accountId,
    bundleId: linked.bundleId,
    subscriptionId: linked.subscriptionId,
    itemType: 'TAX',
    planName: null,
    phaseName: null,
    usageName: null,
    description: description.slice(0, 255),
    startDate: linked.startDate ?? invoice.invoiceDate,
    endDate: linked.endDate,
    amount: format(amount, digits),
    rate: null,
    currency: invoice.currency,
    quantity: null,
    itemDetails: JSON.stringify({ plugin: 'simple-tax', taxedItemId: linked.invoiceItemId, ...details }),
  };
}
