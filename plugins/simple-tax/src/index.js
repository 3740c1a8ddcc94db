// @ts-check
/**
 * simple-tax: an invoice plugin that adds TAX items before each invoice is written, by the account's
 * country and the item's product (config.js for the tenant's rules, taxes.js for what is taxed and how,
 * money.js for exact decimal math). It reads the account (permission `accounts:read`) only when the
 * invoice has something to tax or reverse.
 */
import { readConfig } from './config.js';
import { minorDigits } from './money.js';
import { ADJUSTMENT_TYPES, TAXABLE_TYPES, taxItems } from './taxes.js';

/** @typedef {import('@billwright/plugin-api').PluginDefinition} PluginDefinition */

/** @type {PluginDefinition} */
export default {
  name: 'simple-tax',

  invoice: {
    async getAdditionalInvoiceItems({ invoice, invoiceContext }, ctx) {
      const config = readConfig(ctx.config);
      if (!invoice.items.some((i) => TAXABLE_TYPES.has(i.itemType) || ADJUSTMENT_TYPES.has(i.itemType))) return [];
      const account = await ctx.killbill.getAccount(invoice.accountId);
      const jurisdiction = config.countries.get((account.country ?? '').trim().toUpperCase()) ?? null;
      const items = taxItems(invoice, invoiceContext.existingInvoices, jurisdiction, minorDigits(invoice.currency));
      if (items.length > 0) ctx.logger.debug('taxes added', { invoiceId: invoice.invoiceId, country: account.country, items: items.length });
      return items;
    },
  },
};
