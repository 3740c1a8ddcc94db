import { describe, expect, it } from 'vitest';
import { isBillingError } from '../errors/index.js';
import type { TenantContext } from '../context.js';
import {
  CatalogTranslations,
  catalogTranslationKey,
  checkTranslationText,
  loadCatalogTranslations,
  localeTag,
  parseLocale,
  parseProperties,
} from './translation.js';

function expectCode(fn: () => unknown, code: Parameters<typeof isBillingError>[1]) {
  try {
    fn();
    expect.unreachable();
  } catch (e) {
    expect(isBillingError(e, code)).toBe(true);
  }
}

describe('parseProperties', () => {
  it('reads key=value, key: value and key value entries', () => {
    const p = parseProperties('a=1\nb: 2\nc 3\nd\t=\t4\n');
    expect([...p]).toEqual([['a', '1'], ['b', '2'], ['c', '3'], ['d', '4']]);
  });

  it('skips # and ! comments and blank lines, and keeps indented entries', () => {
    const p = parseProperties('# comment\n! other comment\n\n   \n   indented = yes\n');
    expect([...p]).toEqual([['indented', 'yes']]);
  });

  it('keeps a value with separators and trailing spaces as written', () => {
    const p = parseProperties('url = http://x/y?a=b:c  \nempty=\nonly-key');
    expect(p.get('url')).toBe('http://x/y?a=b:c  ');
    expect(p.get('empty')).toBe('');
    expect(p.get('only-key')).toBe('');
  });

  it('decodes \\uXXXX and the character escapes', () => {
    const p = parseProperties('gold=Or \\u00e9l\\u00E9gant\ntab=a\\tb\nnl=a\\nb\nback=a\\\\b\nother=\\q');
    expect(p.get('gold')).toBe('Or élégant');
    expect(p.get('tab')).toBe('a\tb');
    expect(p.get('nl')).toBe('a\nb');
    expect(p.get('back')).toBe('a\\b');
    expect(p.get('other')).toBe('q');
  });

  it('lets escaped separators and spaces be part of the key', () => {
    const p = parseProperties('my\\ key\\=x\\:y = value\n');
    expect(p.get('my key=x:y')).toBe('value');
  });

  it('joins continued lines and drops the continuation indentation', () => {
    const p = parseProperties('long = first, \\\n        second, \\\r\n   # not a comment\nnext=1');
    expect(p.get('long')).toBe('first, second, # not a comment');
    expect(p.get('next')).toBe('1');
  });

  it('does not continue on an even number of backslashes, nor a comment line', () => {
    const p = parseProperties('a=x\\\\\nb=y\n# comment \\\nc=z');
    expect(p.get('a')).toBe('x\\');
    expect(p.get('b')).toBe('y');
    expect(p.get('c')).toBe('z');
  });

  it('accepts \\r and \\r\\n line ends and lets the last duplicate win', () => {
    const p = parseProperties('a=1\rb=2\r\na=3');
    expect([...p]).toEqual([['a', '3'], ['b', '2']]);
  });

  it('refuses a malformed \\u escape as Java does', () => {
    expectCode(() => parseProperties('a=\\u12'), 'INVALID_PARAMETER');
    expectCode(() => parseProperties('a=\\uzzzz'), 'INVALID_PARAMETER');
  });
});

describe('checkTranslationText', () => {
  it('accepts a properties file', () => {
    expect(checkTranslationText('Gold=Or\n').get('Gold')).toBe('Or');
  });

  it('refuses empty, binary and oversized bodies', () => {
    expectCode(() => checkTranslationText('  \n'), 'INVALID_PARAMETER');
    expectCode(() => checkTranslationText('a=\u0000\u0001'), 'INVALID_PARAMETER');
    expectCode(() => checkTranslationText('a=\uFFFD'), 'INVALID_PARAMETER');
    expectCode(() => checkTranslationText('a='.padEnd(1024 * 1024 + 1, 'x')), 'PAYLOAD_TOO_LARGE');
  });
});

describe('locales', () => {
  it('accepts what Kill Bill LocaleUtils.toLocale accepts', () => {
    expect(parseLocale('fr_FR')).toEqual({ language: 'fr', country: 'FR', variant: '' });
    expect(parseLocale('en')).toEqual({ language: 'en', country: '', variant: '' });
    expect(parseLocale('pt_BR')).toEqual({ language: 'pt', country: 'BR', variant: '' });
    expect(parseLocale('de_DE_POSIX').variant).toBe('POSIX');
    expect(parseLocale('de__POSIX')).toEqual({ language: 'de', country: '', variant: 'POSIX' });
  });

  it('refuses other shapes', () => {
    for (const bad of ['', 'f', 'FR', 'fr-FR', 'fr_fr', 'french', 'fr_F', 'fr_FRX', '../x', 'fr_FR_']) {
      expectCode(() => parseLocale(bad), 'INVALID_PARAMETER');
    }
  });

  it('stores under Kill Bill keys, with the trailing underscore for a language alone', () => {
    expect(catalogTranslationKey(parseLocale('fr_FR'))).toBe('CATALOG_TRANSLATION_fr_FR');
    expect(catalogTranslationKey(parseLocale('en'))).toBe('CATALOG_TRANSLATION_en_');
    expect(catalogTranslationKey(parseLocale('de_DE_POSIX'))).toBe('CATALOG_TRANSLATION_de_DE');
    expect(localeTag(parseLocale('de_DE_POSIX'))).toBe('de_DE');
  });
});

describe('CatalogTranslations', () => {
  const t = new CatalogTranslations(
    new Map([
      ['fr_FR', new Map([['gold-monthly', 'Or mensuel (France)']])],
      ['fr', new Map([['gold-monthly', 'Or mensuel'], ['Gold', 'Or'], ['Silver Plan', 'Formule Argent']])],
    ]),
  );

  it('finds the translation for the exact locale first', () => {
    expect(t.translate('gold-monthly', 'fr_FR')).toBe('Or mensuel (France)');
  });

  it('falls back from the country to the language', () => {
    expect(t.translate('Gold', 'fr_FR')).toBe('Or');
    expect(t.translate('gold-monthly', 'fr_CA')).toBe('Or mensuel');
    expect(t.translate('gold-monthly', 'fr')).toBe('Or mensuel');
  });

  it('translates the pretty name when the name has no entry, as Kill Bill translates both', () => {
    expect(t.translate('silver-monthly', 'fr_FR', 'Silver Plan')).toBe('Formule Argent');
  });

  it('falls back to the pretty name, then the name', () => {
    expect(t.translate('bronze', 'fr_FR', 'Bronze Plan')).toBe('Bronze Plan');
    expect(t.translate('bronze', 'de_DE', null)).toBe('bronze');
    expect(t.translate('gold-monthly', 'de')).toBe('gold-monthly');
  });
});

describe('loadCatalogTranslations', () => {
  const ctx = {} as TenantContext;

  it('reads the locale and its language from the store and skips an unreadable bundle', async () => {
    const stored: Record<string, string[]> = {
      CATALOG_TRANSLATION_fr_FR: ['broken=\\u12'],
      CATALOG_TRANSLATION_fr_: ['Gold=Or'],
    };
    const asked: string[] = [];
    const store = {
      getValues: async (_ctx: TenantContext, key: string) => {
        asked.push(key);
        return { values: stored[key] ?? [] };
      },
    };
    const t = await loadCatalogTranslations(store, ctx, 'fr_FR');
    expect(asked).toEqual(['CATALOG_TRANSLATION_fr_FR', 'CATALOG_TRANSLATION_fr_']);
    expect(t.translate('Gold', 'fr_FR')).toBe('Or');
  });
});
