import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { isBillingError } from '../errors/index.js';
import type { AccountId } from '../values/ids.js';
import type { AccountFields, AccountInput } from './account.js';
import { mergeAccountUpdate, newAccountFields } from './validation.js';

const id = '0b1e6a8e-5a3c-4c1e-9f0a-2d6f6c1b7a11' as AccountId;
const now = DateTime.fromISO('2024-03-10T12:00:00Z', { zone: 'utc' });
const create = (input: AccountInput) => newAccountFields(input, { id, now });

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isBillingError(e)) return e.code;
    throw e;
  }
  throw new Error('expected a BillingError');
}

describe('a new account', () => {
  it('takes Kill Bill defaults: the id as external key, UTC, BCD 0 and now as reference time', () => {
    const f = create({});
    expect(f.externalKey).toBe(id);
    expect(f.timeZone).toBe('UTC');
    expect(f.billCycleDayLocal).toBe(0);
    expect(f.referenceTime.toISO()).toBe('2024-03-10T12:00:00.000Z');
    expect(f.currency).toBeNull();
    expect(f.isPaymentDelegatedToParent).toBe(false);
    expect(f.isMigrated).toBe(false);
  });

  it('keeps a given reference time, in UTC', () => {
    const f = create({ referenceTime: DateTime.fromISO('2020-01-01T10:00:00+02:00', { setZone: true }) });
    expect(f.referenceTime.toISO()).toBe('2020-01-01T08:00:00.000Z');
  });

  it('accepts a full Kill Bill account', () => {
    const f = create({
      name: 'Jean Dupont',
      firstNameLength: 4,
      currency: 'EUR',
      billCycleDayLocal: 31,
      timeZone: 'Europe/Paris',
      locale: 'fr_FR',
      companyName: '',
      postalCode: '',
    });
    expect(f).toMatchObject({ currency: 'EUR', billCycleDayLocal: 31, timeZone: 'Europe/Paris', locale: 'fr_FR', companyName: '' });
  });

  it('refuses an unknown currency', () => {
    expect(codeOf(() => create({ currency: 'XYZ' }))).toBe('CURRENCY_INVALID');
  });

  it('refuses a time zone that is not an IANA name', () => {
    expect(codeOf(() => create({ timeZone: 'Mars/Olympus' }))).toBe('INVALID_PARAMETER');
  });

  it.each([-1, 32, 45, 1.5])('refuses a bill cycle day of %s', (bcd) => {
    expect(codeOf(() => create({ billCycleDayLocal: bcd }))).toBe('INVALID_PARAMETER');
  });

  it.each(['en_US', 'fr', 'pt-BR', 'EN'])('accepts the locale %s', (locale) => {
    expect(create({ locale }).locale).toBe(locale);
  });

  it.each(['english', 'en_USA', 'e', '12'])('refuses the locale %s', (locale) => {
    expect(codeOf(() => create({ locale }))).toBe('INVALID_PARAMETER');
  });

  it('refuses a name longer than its column with ACCOUNT_INVALID_NAME', () => {
    expect(codeOf(() => create({ name: 'x'.repeat(200 * 1024) }))).toBe('ACCOUNT_INVALID_NAME');
  });

  it('refuses an external key over 255 characters as Kill Bill does', () => {
    expect(codeOf(() => create({ externalKey: 'k'.repeat(256) }))).toBe('EXTERNAL_KEY_LIMIT_EXCEEDED');
  });

  it('refuses any text longer than its column', () => {
    expect(codeOf(() => create({ postalCode: '1'.repeat(17) }))).toBe('INVALID_PARAMETER');
    expect(codeOf(() => create({ email: `${'a'.repeat(125)}@x.io` }))).toBe('INVALID_PARAMETER');
  });

  it('refuses a first name longer than the name', () => {
    expect(codeOf(() => create({ name: 'Bob', firstNameLength: 4 }))).toBe('INVALID_PARAMETER');
    expect(create({ name: 'Bob', firstNameLength: 3 }).firstNameLength).toBe(3);
  });

  it('refuses payment delegation without a parent', () => {
    expect(codeOf(() => create({ isPaymentDelegatedToParent: true }))).toBe('INVALID_PARAMETER');
  });

  it('refuses a parent id that is not a UUID', () => {
    expect(codeOf(() => create({ parentAccountId: 'parent' }))).toBe('INVALID_PARAMETER');
  });
});

describe('an account update', () => {
  const current: AccountFields = create({
    externalKey: 'ext-1',
    name: 'Jean Dupont',
    firstNameLength: 4,
    email: 'jean@example.com',
    currency: 'USD',
    billCycleDayLocal: 12,
    timeZone: 'Europe/Paris',
    notes: 'notes',
  });
  const fresh: AccountFields = create({ externalKey: 'ext-2' });

  it('keeps every field it does not name', () => {
    const merged = mergeAccountUpdate(current, { notes: 'notes2' }, false);
    expect(merged).toEqual({ ...current, notes: 'notes2' });
  });

  it('keeps fields sent as null unless treatNullAsReset', () => {
    expect(mergeAccountUpdate(current, { notes: null, email: null }, false)).toEqual(current);
    const reset = mergeAccountUpdate(current, { notes: null, email: null }, true);
    expect(reset).toEqual({ ...current, notes: null, email: null });
  });

  it('accepts the unchanged external key, currency, BCD and time zone', () => {
    const same = { externalKey: 'ext-1', currency: 'USD', billCycleDayLocal: 12, timeZone: 'Europe/Paris' };
    expect(mergeAccountUpdate(current, same, false)).toEqual(current);
    expect(mergeAccountUpdate(current, same, true)).toEqual(current);
  });

  it('refuses another external key with ACCOUNT_CANNOT_CHANGE_EXTERNAL_KEY', () => {
    expect(codeOf(() => mergeAccountUpdate(current, { externalKey: 'ext-2' }, false))).toBe('ACCOUNT_CANNOT_CHANGE_EXTERNAL_KEY');
    expect(codeOf(() => mergeAccountUpdate(current, { externalKey: null }, true))).toBe('ACCOUNT_CANNOT_CHANGE_EXTERNAL_KEY');
    expect(mergeAccountUpdate(current, { externalKey: null }, false).externalKey).toBe('ext-1');
  });

  it('sets a currency that was not set, and refuses to change one that was', () => {
    expect(mergeAccountUpdate(fresh, { currency: 'EUR' }, false).currency).toBe('EUR');
    expect(codeOf(() => mergeAccountUpdate(current, { currency: 'EUR' }, false))).toBe('INVALID_PARAMETER');
    expect(codeOf(() => mergeAccountUpdate(current, { currency: null }, true))).toBe('INVALID_PARAMETER');
  });

  it('sets a BCD that was 0, ignores a proposed 0, and refuses to change a set one', () => {
    expect(mergeAccountUpdate(fresh, { billCycleDayLocal: 5 }, false).billCycleDayLocal).toBe(5);
    expect(mergeAccountUpdate(current, { billCycleDayLocal: 0 }, false).billCycleDayLocal).toBe(12);
    expect(codeOf(() => mergeAccountUpdate(current, { billCycleDayLocal: 13 }, false))).toBe('INVALID_PARAMETER');
    expect(codeOf(() => mergeAccountUpdate(current, { billCycleDayLocal: null }, true))).toBe('INVALID_PARAMETER');
    expect(codeOf(() => mergeAccountUpdate(fresh, { billCycleDayLocal: 45 }, false))).toBe('INVALID_PARAMETER');
  });

  it('refuses another time zone, even on an account that kept the UTC default', () => {
    expect(codeOf(() => mergeAccountUpdate(current, { timeZone: 'UTC' }, false))).toBe('INVALID_PARAMETER');
    expect(codeOf(() => mergeAccountUpdate(fresh, { timeZone: 'Europe/Paris' }, false))).toBe('INVALID_PARAMETER');
  });

  it('accepts the reference time resent on the same day and refuses another day', () => {
    expect(mergeAccountUpdate(current, { referenceTime: now.plus({ hours: 3 }) }, false).referenceTime).toEqual(current.referenceTime);
    expect(codeOf(() => mergeAccountUpdate(current, { referenceTime: now.plus({ days: 1 }) }, false))).toBe('INVALID_PARAMETER');
  });

  it('checks the merged account: a first name no longer than the new name', () => {
    expect(codeOf(() => mergeAccountUpdate(current, { name: 'Al' }, false))).toBe('INVALID_PARAMETER');
    expect(mergeAccountUpdate(current, { name: 'Al', firstNameLength: 2 }, false).name).toBe('Al');
  });

  it('validates the new values as a creation does', () => {
    expect(codeOf(() => mergeAccountUpdate(current, { name: 'x'.repeat(101) }, false))).toBe('ACCOUNT_INVALID_NAME');
    expect(codeOf(() => mergeAccountUpdate(current, { locale: 'not a locale' }, false))).toBe('INVALID_PARAMETER');
  });
});
