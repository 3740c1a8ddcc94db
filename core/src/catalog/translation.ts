import type { TenantContext } from '../context.js';
import { BillingError, isBillingError } from '../errors/index.js';

/**
 * Catalog translations: per tenant and locale, a Java properties file mapping catalog names (products,
 * plans, phases, usages — or their pretty names) to the text an invoice shows in that language. Kill Bill
 * keeps each in the tenant key/value store under `CATALOG_TRANSLATION_<language>_<country>`
 * (kbapi TenantKV.TenantKey, util LocaleUtils.localeString) and reads it with a PropertyResourceBundle.
 */

/** A locale as Kill Bill's LocaleUtils.toLocale accepts it: `fr`, `fr_FR`, `fr_FR_variant`, `fr__variant`. */
export interface Locale {
  readonly language: string;
  readonly country: string;
  readonly variant: string;
}

/** Kill Bill's LocaleUtils.toLocale (from commons-lang); anything else is its IllegalArgumentException, a 400. */
export function parseLocale(value: string): Locale {
  const invalid = () => new BillingError('INVALID_PARAMETER', `Invalid locale format: ${value.slice(0, 32)}`, { locale: value.slice(0, 32) });
  const len = value.length;
  if (len !== 2 && len !== 5 && len < 7) throw invalid();
  if (!/^[a-z]{2}/.test(value)) throw invalid();
  const language = value.slice(0, 2);
  if (len === 2) return { language, country: '', variant: '' };
  if (value[2] !== '_') throw invalid();
  if (value[3] === '_') return checkedVariant({ language, country: '', variant: value.slice(4) }, invalid);
  if (!/^[A-Z]{2}$/.test(value.slice(3, 5))) throw invalid();
  const country = value.slice(3, 5);
  if (len === 5) return { language, country, variant: '' };
  if (value[5] !== '_') throw invalid();
  return checkedVariant({ language, country, variant: value.slice(6) }, invalid);
}

/** Java accepts any variant text; we keep it to something that cannot smuggle odd bytes into a key or log. */
function checkedVariant(locale: Locale, invalid: () => BillingError): Locale {
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(locale.variant)) throw invalid();
  return locale;
}

/** `fr_FR` or `fr`: the locale as the API spells it, variant left out as Kill Bill's keys leave it out. */
export function localeTag(locale: Locale): string {
  return locale.country ? `${locale.language}_${locale.country}` : locale.language;
}

/**
 * The tenant key Kill Bill stores a locale's translation under: LocaleUtils.localeString appends
 * `<language>_<country>` even when the country is empty, so `en` is `CATALOG_TRANSLATION_en_`.
 */
export function catalogTranslationKey(locale: Locale): string {
  return `CATALOG_TRANSLATION_${locale.language}_${locale.country}`;
}

export const MAX_TRANSLATION_CHARS = 1024 * 1024;

/**
 * The checks an upload passes before it is stored: Kill Bill parses it as a PropertyResourceBundle
 * (which throws on a malformed `\uXXXX`); we also refuse what cannot be a properties file at all.
 */
export function checkTranslationText(text: string): ReadonlyMap<string, string> {
  if (text.trim() === '') throw new BillingError('INVALID_PARAMETER', 'The catalog translation is empty: a properties file is required');
  if (text.length > MAX_TRANSLATION_CHARS) {
    throw new BillingError('PAYLOAD_TOO_LARGE', `The catalog translation must have at most ${MAX_TRANSLATION_CHARS} characters`);
  }
  // Control characters other than tab, form feed and line ends (and U+FFFD from a lossy decode) mean binary data.
  if (/[\u0000-\u0008\u000B\u000E-\u001F\u007F\uFFFD]/.test(text)) {
    throw new BillingError('INVALID_PARAMETER', 'The catalog translation must be a text properties file (binary content found)');
  }
  return parseProperties(text);
}

const WHITESPACE = new Set([' ', '\t', '\f']);

/**
 * Java's Properties.load: `key=value`, `key: value`, `key value`; `#` and `!` comment lines; a line ending
 * in an odd number of backslashes continues on the next (whose leading whitespace is dropped); escapes
 * `\t \n \r \f \uXXXX`, and a backslash before any other character stands for that character. The last
 * occurrence of a key wins.
 */
export function parseProperties(text: string): Map<string, string> {
  const result = new Map<string, string>();
  for (const line of logicalLines(text)) {
    const [key, value] = splitEntry(line);
    result.set(unescape(key), unescape(value));
  }
  return result;
}

function* logicalLines(text: string): Generator<string> {
  const natural = text.split(/\r\n|\r|\n/);
  let pending: string | null = null;
  for (const raw of natural) {
    const line = stripLeading(raw);
    if (pending === null) {
      // Blank and comment lines only count where a logical line starts; a comment never continues.
      if (line === '' || line[0] === '#' || line[0] === '!') continue;
      pending = '';
    }
    if (endsWithOddBackslashes(line)) {
      pending += line.slice(0, -1);
      continue;
    }
    yield pending + line;
    pending = null;
  }
  if (pending !== null && pending !== '') yield pending;
}

function stripLeading(s: string): string {
  let i = 0;
  while (i < s.length && WHITESPACE.has(s[i]!)) i++;
  return s.slice(i);
}

function endsWithOddBackslashes(s: string): boolean {
  let n = 0;
  for (let i = s.length - 1; i >= 0 && s[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

/** The key runs to the first unescaped `=`, `:` or whitespace; then whitespace, at most one separator, whitespace. */
function splitEntry(line: string): [string, string] {
  let i = 0;
  let escaped = false;
  for (; i < line.length; i++) {
    const c = line[i]!;
    if (escaped) {
      escaped = false;
    } else if (c === '\\') {
      escaped = true;
    } else if (c === '=' || c === ':' || WHITESPACE.has(c)) {
      break;
    }
  }
  const key = line.slice(0, i);
  while (i < line.length && WHITESPACE.has(line[i]!)) i++;
  if (line[i] === '=' || line[i] === ':') i++;
  while (i < line.length && WHITESPACE.has(line[i]!)) i++;
  return [key, line.slice(i)];
}

const ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' };

function unescape(s: string): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = s[++i];
    if (next === undefined) break;
    if (next === 'u') {
      const hex = s.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new BillingError('INVALID_PARAMETER', 'Malformed \\uxxxx encoding in the catalog translation');
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else {
      out += ESCAPES[next] ?? next;
    }
  }
  return out;
}

/**
 * The translations of one tenant for the locales an account may ask for. `translate` follows Kill Bill's
 * bundle lookup (DefaultTranslatorBase.getTranslation: the locale's bundle, else the fallback bundle, else
 * the text itself), with `fr_FR` falling back to `fr`. Kill Bill translates both the name and the pretty
 * name of an item, so a translation keyed by the catalog's pretty name applies too; with none, the
 * pretty name, then the name, is the answer.
 */
export class CatalogTranslations {
  private readonly bundles: ReadonlyMap<string, ReadonlyMap<string, string>>;

  /** `bundles` by locale tag (`fr_FR`, `fr`). */
  constructor(bundles: ReadonlyMap<string, ReadonlyMap<string, string>>) {
    this.bundles = bundles;
  }

  translate(name: string, locale: Locale | string, prettyName?: string | null): string {
    const chain = lookupChain(typeof locale === 'string' ? parseLocale(locale) : locale);
    const find = (text: string) => {
      for (const tag of chain) {
        const hit = this.bundles.get(tag)?.get(text);
        if (hit !== undefined) return hit;
      }
      return undefined;
    };
    return find(name) ?? (prettyName ? find(prettyName) ?? prettyName : name);
  }
}

/** `fr_FR` → [`fr_FR`, `fr`]; `fr` → [`fr`]. */
function lookupChain(locale: Locale): string[] {
  return locale.country ? [localeTag(locale), locale.language] : [locale.language];
}

/** The part of the tenant service translations need (engine.tenants). */
export interface TranslationStore {
  getValues(ctx: TenantContext, key: string): Promise<{ readonly values: readonly string[] }>;
}

/**
 * A tenant's translations for `locale` and its language, read from the key/value store. A stored file
 * that no longer parses is skipped, as Kill Bill's DefaultResourceBundleFactory falls through on a bad bundle.
 */
export async function loadCatalogTranslations(store: TranslationStore, ctx: TenantContext, locale: Locale | string): Promise<CatalogTranslations> {
  const parsed = typeof locale === 'string' ? parseLocale(locale) : locale;
  const bundles = new Map<string, ReadonlyMap<string, string>>();
  for (const tag of lookupChain(parsed)) {
    const { values } = await store.getValues(ctx, catalogTranslationKey(parseLocale(tag)));
    const text = values[0];
    if (text === undefined) continue;
    try {
      bundles.set(tag, parseProperties(text));
    } catch (e) {
      // Unreadable bundle: fall back to the next one, never fail an invoice over a translation.
      if (!isBillingError(e)) throw e;
    }
  }
  return new CatalogTranslations(bundles);
}
