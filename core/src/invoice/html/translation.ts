import type { TenantContext } from '../../context.js';
import { parseProperties, type Locale, type TranslationStore } from '../../catalog/translation.js';
import { BillingError, isBillingError } from '../../errors/index.js';
import { DEFAULT_INVOICE_TRANSLATION } from './default-translation.js';
import { DEFAULT_LOCALE, invoiceTranslationKey } from './keys.js';
import { escapeHtml, type SectionLambda } from './mustache.js';

/**
 * Invoice strings of one locale (Kill Bill's DefaultInvoiceTranslator over its bundle and default bundle):
 * a key is looked up bundle by bundle, and a key no bundle has answers itself, as Kill Bill's
 * getTranslation does.
 */
export class InvoiceStrings {
  /** Most specific first. */
  private readonly bundles: readonly ReadonlyMap<string, string>[];

  constructor(bundles: readonly ReadonlyMap<string, string>[]) {
    this.bundles = bundles;
  }

  get(key: string): string {
    return this.find(key) ?? key;
  }

  find(key: string): string | undefined {
    for (const bundle of this.bundles) {
      const hit = bundle.get(key);
      if (hit !== undefined) return hit;
    }
    return undefined;
  }

  /**
   * What templates see as `text`: every key any bundle has (`{{text.invoiceTitle}}`), and Kill Bill's
   * `{{#text.properties}}someKey{{/text.properties}}` lambda for any other key. A translation it finds is
   * HTML-escaped like any `{{x}}`; a key it does not find answers the section as rendered (whose variables
   * are escaped already). Kill Bill writes both raw, which lets a key rendered from an account name carry
   * markup into the invoice.
   */
  view(): Record<string, string | (() => SectionLambda)> {
    const text: Record<string, string | (() => SectionLambda)> = {};
    for (const bundle of [...this.bundles].reverse()) for (const [key, value] of bundle) text[key] = value;
    const lambda: SectionLambda = (source, render) => {
      const rendered = render(source);
      const hit = this.find(rendered.trim());
      return hit === undefined ? rendered : escapeHtml(hit);
    };
    // mustache.js calls a function it finds with no argument, then a returned function as the section lambda.
    text['properties'] = () => lambda;
    return text;
  }
}

const BUILT_IN: ReadonlyMap<string, string> = parseProperties(DEFAULT_INVOICE_TRANSLATION);

/** The tenant keys looked up for a locale, in order: the locale, its language, then the default locale. */
export function invoiceTranslationChain(locale: Locale): Locale[] {
  const chain: Locale[] = [];
  const add = (l: Locale) => {
    if (!chain.some((c) => c.language === l.language && c.country === l.country)) chain.push(l);
  };
  add({ ...locale, variant: '' });
  if (locale.country) add({ language: locale.language, country: '', variant: '' });
  add(DEFAULT_LOCALE);
  return chain;
}

/**
 * A tenant's invoice strings for `locale`: its uploaded translations along the chain, then the built-in
 * en_US strings. A stored translation that no longer parses is skipped (Kill Bill's
 * DefaultResourceBundleFactory falls through on a bad bundle): an invoice never fails over a translation.
 */
export async function loadInvoiceStrings(store: TranslationStore, ctx: TenantContext, locale: Locale): Promise<InvoiceStrings> {
  const bundles: ReadonlyMap<string, string>[] = [];
  for (const step of invoiceTranslationChain(locale)) {
    const text = (await store.getValues(ctx, invoiceTranslationKey(step))).values[0];
    if (text === undefined) continue;
    try {
      bundles.push(parseProperties(text));
    } catch (e) {
      if (!isBillingError(e)) throw e;
    }
  }
  bundles.push(BUILT_IN);
  return new InvoiceStrings(bundles);
}

export const MAX_INVOICE_TRANSLATION_CHARS = 1024 * 1024;

/**
 * The checks an invoice translation passes before it is stored: Kill Bill parses it as a
 * PropertyResourceBundle (a malformed `\uXXXX` is a 400); we also refuse what cannot be a properties file.
 */
export function checkInvoiceTranslation(text: string): ReadonlyMap<string, string> {
  if (text.trim() === '') throw new BillingError('INVALID_PARAMETER', 'The invoice translation is empty: a properties file (key=value lines) is required');
  if (text.length > MAX_INVOICE_TRANSLATION_CHARS) {
    throw new BillingError('PAYLOAD_TOO_LARGE', `The invoice translation must have at most ${MAX_INVOICE_TRANSLATION_CHARS} characters`);
  }
  if (/[\u0000-\u0008\u000B\u000E-\u001F\u007F\uFFFD]/.test(text)) {
    throw new BillingError('INVALID_PARAMETER', 'The invoice translation must be a text properties file (binary content found)');
  }
  try {
    return parseProperties(text);
  } catch (e) {
    if (isBillingError(e)) throw new BillingError('INVALID_PARAMETER', 'Malformed \\uxxxx encoding in the invoice translation');
    throw e;
  }
}
