import {
  BillingError,
  INVOICE_MP_TEMPLATE_KEY,
  INVOICE_TEMPLATE_KEY,
  MAX_INVOICE_TEMPLATE_CHARS,
  MAX_INVOICE_TRANSLATION_CHARS,
  checkInvoiceTemplate,
  checkInvoiceTranslation,
  invoiceTranslationKey,
  localeTag,
  parseLocale,
} from '@billwright/core';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env.js';
import { callContext, tenantContext } from '../http/call-context.js';
import { queryBoolean } from '../http/query.js';

/**
 * A tenant's invoice templates and invoice translations (Kill Bill InvoiceResource
 * upload/getTemplateResource), kept in its key/value store under Kill Bill's keys:
 * `/1.0/kb/invoices/template` (INVOICE_TEMPLATE), `/manualPayTemplate` (INVOICE_MP_TEMPLATE, read at
 * `/manualPayTemplate/{locale}` whose locale Kill Bill ignores) and `/translation/{locale}`
 * (INVOICE_TRANSLATION_<language>_<country>). Catalog translations are catalog-translations.ts.
 * Mounted before any `/:invoiceId` route of the invoices resource.
 */
export const invoiceTemplates = new Hono<AppEnv>();

const BASE = '/1.0/kb/invoices';
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Kill Bill's default locale, which it puts in the Location of a manual-pay template upload. */
const DEFAULT_LOCALE_TAG = 'en_US';

interface Upload {
  readonly key: string;
  readonly text: string;
  readonly what: string;
  readonly location: string;
  readonly contentType: 'text/html' | 'text/plain';
}

/**
 * Kill Bill refuses to overwrite an existing value unless deleteIfExists=true (a bare 400); with it the
 * old value is replaced in the same transaction (putValue), which needs tenant_kvs:add only.
 */
async function store(c: Context<AppEnv>, upload: Upload): Promise<Response> {
  const ctx = callContext(c);
  const tenants = c.get('engine').tenants;
  const deleteIfExists = queryBoolean(c, 'deleteIfExists', false);
  if (!deleteIfExists && (await tenants.getValues(ctx, upload.key)).values.length > 0) {
    throw new BillingError('INVALID_PARAMETER', `The ${upload.what} exists already: use deleteIfExists=true to replace it`, { key: upload.key });
  }
  await tenants.putValue(ctx, upload.key, upload.text);
  const url = new URL(c.req.url);
  c.header('Location', `${url.origin}${upload.location}`);
  c.header('Content-Type', `${upload.contentType}; charset=UTF-8`);
  return c.body(upload.text, 201);
}

async function read(c: Context<AppEnv>, key: string, what: string, contentType: 'text/html' | 'text/plain'): Promise<Response> {
  const text = (await c.get('engine').tenants.getValues(tenantContext(c), key)).values[0];
  if (text === undefined) throw new BillingError('NOT_FOUND', `No ${what} for this tenant`, { key });
  c.header('Content-Type', `${contentType}; charset=UTF-8`);
  return c.body(text, 200);
}

/** The body as strict UTF-8 text: bytes that do not decode are not a template or a properties file. */
async function textBody(c: Context<AppEnv>, what: string, maxChars: number): Promise<string> {
  const bytes = await c.req.arrayBuffer();
  if (bytes.byteLength > maxChars * 4) throw new BillingError('PAYLOAD_TOO_LARGE', `The ${what} must have at most ${maxChars} characters`);
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new BillingError('INVALID_PARAMETER', `The ${what} must be UTF-8 text (binary content found)`);
  }
}

async function templateUpload(c: Context<AppEnv>, key: string, what: string, location: string): Promise<Response> {
  const text = await textBody(c, what, MAX_INVOICE_TEMPLATE_CHARS);
  checkInvoiceTemplate(text, what);
  return store(c, { key, text, what, location, contentType: 'text/html' });
}

invoiceTemplates.post('/template', (c) => templateUpload(c, INVOICE_TEMPLATE_KEY, 'invoice template', `${BASE}/template`));
invoiceTemplates.get('/template', (c) => read(c, INVOICE_TEMPLATE_KEY, 'invoice template', 'text/html'));

invoiceTemplates.post('/manualPayTemplate', (c) =>
  templateUpload(c, INVOICE_MP_TEMPLATE_KEY, 'manual-pay invoice template', `${BASE}/manualPayTemplate/${DEFAULT_LOCALE_TAG}`),
);
// Kill Bill keeps one manual-pay template per tenant and ignores this locale (it does not even parse it).
invoiceTemplates.get('/manualPayTemplate/:locale', (c) => read(c, INVOICE_MP_TEMPLATE_KEY, 'manual-pay invoice template', 'text/html'));
invoiceTemplates.get('/manualPayTemplate', (c) => read(c, INVOICE_MP_TEMPLATE_KEY, 'manual-pay invoice template', 'text/html'));

invoiceTemplates.post('/translation/:locale', async (c) => {
  const locale = parseLocale(c.req.param('locale'));
  const text = await textBody(c, 'invoice translation', MAX_INVOICE_TRANSLATION_CHARS);
  checkInvoiceTranslation(text);
  const what = `invoice translation for locale ${localeTag(locale)}`;
  return store(c, { key: invoiceTranslationKey(locale), text, what, location: `${BASE}/translation/${c.req.param('locale')}`, contentType: 'text/plain' });
});
invoiceTemplates.get('/translation/:locale', (c) => {
  const locale = parseLocale(c.req.param('locale'));
  return read(c, invoiceTranslationKey(locale), `invoice translation for locale ${localeTag(locale)}`, 'text/plain');
});
