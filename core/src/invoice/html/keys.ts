import type { Locale } from '../../catalog/translation.js';

/**
 * Where a tenant's invoice templates and translations live in its key/value store: Kill Bill's TenantKey
 * names, so data moved from a Kill Bill tenant keeps working. Templates are one per tenant (Kill Bill
 * ignores the locale for them); translations are per locale, keyed as LocaleUtils.localeString spells it
 * (`<language>_<country>`, the country possibly empty: `INVOICE_TRANSLATION_fr_`).
 */
export const INVOICE_TEMPLATE_KEY = 'INVOICE_TEMPLATE';
export const INVOICE_MP_TEMPLATE_KEY = 'INVOICE_MP_TEMPLATE';

export function invoiceTranslationKey(locale: Locale): string {
  return `INVOICE_TRANSLATION_${locale.language}_${locale.country}`;
}

/** Kill Bill's org.killbill.default.locale: the locale of an account without one, and the last fallback. */
export const DEFAULT_LOCALE: Locale = { language: 'en', country: 'US', variant: '' };
