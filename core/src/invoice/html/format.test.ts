import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { parseLocale } from '../../catalog/translation.js';
import { formatDate, formatMoney, languageTag } from './format.js';

const spaces = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('formatMoney', () => {
  it('uses the locale pattern and the currency minor digits', () => {
    expect(formatMoney(new Decimal('1234.5'), 'USD', parseLocale('en_US'))).toBe('$1,234.50');
    expect(spaces(formatMoney(new Decimal('1234.5'), 'EUR', parseLocale('fr_FR')))).toBe('1 234,50 €');
    expect(spaces(formatMoney(new Decimal('1234.5'), 'EUR', parseLocale('de_DE')))).toBe('1.234,50 €');
    expect(formatMoney(new Decimal('1500'), 'JPY', parseLocale('en_US'))).toBe('¥1,500');
    expect(spaces(formatMoney(new Decimal('1.5'), 'KWD', parseLocale('en_US')))).toBe('KWD 1.500');
    expect(spaces(formatMoney(new Decimal('-0.00000001'), 'BTC', parseLocale('en_US')))).toBe('-BTC 0.00000001');
  });

  it('keeps every digit of amounts a JS number cannot hold', () => {
    expect(spaces(formatMoney(new Decimal('98765432109876.54321012'), 'BTC', parseLocale('en')))).toBe('BTC 98,765,432,109,876.54321012');
  });
});

describe('formatDate', () => {
  it('writes the day in the locale medium style', () => {
    expect(formatDate('2026-12-31', parseLocale('en_US'))).toBe('Dec 31, 2026');
    expect(formatDate('2026-12-31', parseLocale('fr_FR'))).toBe('31 déc. 2026');
    expect(formatDate('2026-12-31', parseLocale('ja_JP'))).toBe('2026年12月31日');
  });

  it('names locales as BCP 47 tags without the variant', () => {
    expect(languageTag(parseLocale('fr_CA'))).toBe('fr-CA');
    expect(languageTag(parseLocale('de'))).toBe('de');
    expect(languageTag(parseLocale('de_DE_POSIX'))).toBe('de-DE');
  });
});
