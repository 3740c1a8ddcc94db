export { renderInvoiceHtml, createInvoiceHtmlRenderer, accountLocale, type InvoiceHtmlRenderer, type InvoiceHtmlDeps } from './render.js';
export { checkInvoiceTemplate, MAX_INVOICE_TEMPLATE_CHARS } from './template-check.js';
export { checkInvoiceTranslation, loadInvoiceStrings, InvoiceStrings, MAX_INVOICE_TRANSLATION_CHARS } from './translation.js';
export { INVOICE_TEMPLATE_KEY, INVOICE_MP_TEMPLATE_KEY, invoiceTranslationKey, DEFAULT_LOCALE } from './keys.js';
export { DEFAULT_INVOICE_TEMPLATE, DEFAULT_MANUAL_PAY_TEMPLATE } from './default-template.js';
export { DEFAULT_INVOICE_TRANSLATION } from './default-translation.js';
export { formatMoney, formatDate, languageTag } from './format.js';
export { parseTemplate, renderTemplate, escapeHtml, TemplateSyntaxError } from './mustache.js';
