import { BillingError, MAX_TRANSLATION_CHARS, catalogTranslationKey, checkTranslationText, localeTag, parseLocale } from '@billwright/core';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env.js';
import { callContext, tenantContext } from '../http/call-context.js';
import { queryBoolean } from '../http/query.js';

/**
 * `/1.0/kb/invoices/catalogTranslation/{locale}`: a tenant's catalog translation for one locale, a Java
 * properties file kept in the tenant key/value store (Kill Bill InvoiceResource upload/getTemplateResource).
 */
export const catalogTranslations = new Hono<AppEnv>();

const BASE = '/1.0/kb/invoices/catalogTranslation';
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

catalogTranslations.post('/catalogTranslation/:locale', async (c) => {
  const locale = parseLocale(c.req.param('locale'));
  const text = await utf8Body(c);
  checkTranslationText(text);
  const ctx = callContext(c);
  const key = catalogTranslationKey(locale);
  const tenants = c.get('engine').tenants;
  // Kill Bill refuses to overwrite an existing translation unless deleteIfExists=true (a bare 400).
  const deleteIfExists = queryBoolean(c, 'deleteIfExists', false);
  if (!deleteIfExists && (await tenants.getValues(ctx, key)).values.length > 0) {
    throw new BillingError('INVALID_PARAMETER', `A catalog translation exists for locale ${localeTag(locale)}: use deleteIfExists=true to replace it`);
  }
  await tenants.putValue(ctx, key, text);
  const url = new URL(c.req.url);
  c.header('Location', `${url.origin}${BASE}/${c.req.param('locale')}`);
  return c.text(text, 201);
});

catalogTranslations.get('/catalogTranslation/:locale', async (c) => {
  const locale = parseLocale(c.req.param('locale'));
  const { values } = await c.get('engine').tenants.getValues(tenantContext(c), catalogTranslationKey(locale));
  const text = values[0];
  if (text === undefined) throw new BillingError('NOT_FOUND', `No catalog translation for locale ${localeTag(locale)}`);
  return c.text(text, 200);
});

/** The body as strict UTF-8 (PropertyResourceBundle reads UTF-8): bytes that do not decode are binary, a 400. */
async function utf8Body(c: Context<AppEnv>): Promise<string> {
  const bytes = await c.req.arrayBuffer();
  if (bytes.byteLength > MAX_TRANSLATION_CHARS * 4) {
    throw new BillingError('PAYLOAD_TOO_LARGE', `The catalog translation must have at most ${MAX_TRANSLATION_CHARS} characters`);
  }
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new BillingError('INVALID_PARAMETER', 'The catalog translation must be UTF-8 text (binary content found)');
  }
}
