import { describe, expect, it } from 'vitest';
import { isBillingError } from '../errors/index.js';
import { minorDigits, parseCurrency } from './currency.js';
import { parseId } from './ids.js';
import { parseTimeZone } from './time-zone.js';

describe('currencies', () => {
  it('knows the minor units Kill Bill rounds to', () => {
    expect(minorDigits(parseCurrency('USD'))).toBe(2);
    expect(minorDigits(parseCurrency('JPY'))).toBe(0);
    expect(minorDigits(parseCurrency('KWD'))).toBe(3);
    expect(minorDigits(parseCurrency('BTC'))).toBe(8);
  });

  it('refuses a code Kill Bill does not know with CURRENCY_INVALID', () => {
    for (const bad of ['XXX', 'usd', '', 'US']) {
      try {
        parseCurrency(bad);
        expect.unreachable();
      } catch (e) {
        expect(isBillingError(e, 'CURRENCY_INVALID')).toBe(true);
      }
    }
  });
});

describe('time zones', () => {
  it('accepts IANA names and UTC', () => {
    expect(parseTimeZone('Europe/Paris')).toBe('Europe/Paris');
    expect(parseTimeZone('America/Los_Angeles')).toBe('America/Los_Angeles');
    expect(parseTimeZone('UTC')).toBe('UTC');
  });

  it('refuses names that are not zones, and raw offsets', () => {
    for (const bad of ['Mars/Olympus', 'Paris', '+02:00', '']) expect(() => parseTimeZone(bad)).toThrow(/time zone/);
  });
});

describe('ids', () => {
  it('accepts a UUID in any case and gives it back lower-cased', () => {
    expect(parseId('0A1B2C3D-0000-4000-8000-000000000001', 'accountId')).toBe('0a1b2c3d-0000-4000-8000-000000000001');
  });

  it('refuses anything else with a 400-class error naming the parameter', () => {
    expect(() => parseId('42', 'accountId')).toThrow(/Invalid accountId/);
  });
});
