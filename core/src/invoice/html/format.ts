import type { Decimal } from 'decimal.js';
import { DateTime } from 'luxon';
import type { Locale } from '../../catalog/translation.js';
import { minorDigits, type Currency } from '../../values/currency.js';

/**
 * Amounts and dates as people of a locale read them (Kill Bill's DefaultInvoiceFormatter: the locale's
 * currency format with the currency's minor digits, and Joda's medium date style).
 */

/** `fr_FR` → `fr-FR`: the BCP 47 tag Intl and luxon take. The variant is left out (Kill Bill keys leave it out too). */
export function languageTag(locale: Locale): string {
  return locale.country ? `${locale.language}-${locale.country}` : locale.language;
}

const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(tag: string, currency: Currency): Intl.NumberFormat {
  const key = `${tag}|${currency}`;
  let format = moneyFormats.get(key);
  if (!format) {
    const digits = minorDigits(currency);
    // Intl knows no BTC and would give it 2 digits: the digits always come from our currency table.
    format = new Intl.NumberFormat(tag, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
    moneyFormats.set(key, format);
  }
  return format;
}

/**
 * `€1,234.50` / `1 234,50 €` / `￥1,235`. Intl formats the decimal string exactly (ECMA-402 accepts a
 * numeric string as an exact decimal), so no amount ever goes through a JS number.
 */
export function formatMoney(amount: Decimal, currency: Currency, locale: Locale): string {
  const exact = amount.toFixed(minorDigits(currency)) as `${number}`;
  return moneyFormat(languageTag(locale), currency).format(exact);
}

/** The amount as a plain decimal string with the currency's digits (`12.50`, `1000`, `0.00100000`). */
export function plainAmount(amount: Decimal, currency: Currency): string {
  return amount.toFixed(minorDigits(currency));
}

/** A calendar day in the locale's medium style: `Mar 1, 2026`, `1 mars 2026`. */
export function formatDate(date: string, locale: Locale): string {
  const day = DateTime.fromISO(date, { zone: 'utc' });
  if (!day.isValid) return date;
  return day.setLocale(languageTag(locale)).toLocaleString(DateTime.DATE_MED);
}
