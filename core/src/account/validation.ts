import type { DateTime } from 'luxon';
import { BillingError } from '../errors/index.js';
import { parseCurrency, type Currency } from '../values/currency.js';
import { parseId, type AccountId } from '../values/ids.js';
import { parseTimeZone } from '../values/time-zone.js';
import type { AccountFields, AccountInput } from './account.js';

/** Free-text fields and their column widths (account/model.ts, as Kill Bill's accounts table). */
const TEXT_LIMITS = {
  name: 100,
  email: 128,
  locale: 5,
  address1: 100,
  address2: 100,
  companyName: 50,
  city: 50,
  stateOrProvince: 50,
  country: 50,
  postalCode: 16,
  phone: 25,
  notes: 4096,
} as const;
type TextField = keyof typeof TEXT_LIMITS;
const TEXT_FIELDS = Object.keys(TEXT_LIMITS) as TextField[];

const MAX_EXTERNAL_KEY = 255;
/** A language, optionally with a country: `fr`, `en_US`, `pt-BR` (Java's Locale.toString, as Kill Bill stores it). */
const LOCALE = /^[A-Za-z]{2,3}([_-][A-Za-z]{2})?$/;

function text(field: TextField, value: string): string {
  const max = TEXT_LIMITS[field];
  if (value.length > max) {
    const message = `Field ${field} must have at most ${max} characters (got ${value.length})`;
    throw new BillingError(field === 'name' ? 'ACCOUNT_INVALID_NAME' : 'INVALID_PARAMETER', message, { field });
  }
  if (field === 'locale' && !LOCALE.test(value)) {
    throw new BillingError('INVALID_PARAMETER', `Invalid locale '${value}': expected a language such as fr or en_US`, { field });
  }
  return value;
}

function externalKey(value: string): string {
  if (value.length === 0) throw new BillingError('INVALID_PARAMETER', 'Field externalKey must not be empty', { field: 'externalKey' });
  if (value.length > MAX_EXTERNAL_KEY) {
    throw new BillingError('EXTERNAL_KEY_LIMIT_EXCEEDED', `External key exceeded ${MAX_EXTERNAL_KEY} characters`, { field: 'externalKey' });
  }
  return value;
}

/** 1..31, or 0 for "not set yet" (Kill Bill's DEFAULT_BILLING_CYCLE_DAY_LOCAL). */
function billCycleDay(value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 31) {
    throw new BillingError('INVALID_PARAMETER', `Invalid billCycleDayLocal ${value}: expected a day of month from 1 to 31`, {
      field: 'billCycleDayLocal',
    });
  }
  return value;
}

function invariants(fields: AccountFields): AccountFields {
  const { firstNameLength, name } = fields;
  if (firstNameLength !== null) {
    if (!Number.isInteger(firstNameLength) || firstNameLength < 0 || firstNameLength > (name?.length ?? 0)) {
      throw new BillingError('INVALID_PARAMETER', `Invalid firstNameLength ${firstNameLength}: it must be from 0 to the length of the name`, {
        field: 'firstNameLength',
      });
    }
  }
  if (fields.isPaymentDelegatedToParent && fields.parentAccountId === null) {
    throw new BillingError('INVALID_PARAMETER', 'isPaymentDelegatedToParent requires a parentAccountId', { field: 'isPaymentDelegatedToParent' });
  }
  return fields;
}

const optionalId = (value: string | null | undefined, field: string): string | null =>
  value === null || value === undefined ? null : parseId(value, field);

/**
 * The account a creation makes, as Kill Bill's AccountModelDao with defaults: the external key defaults to
 * the new id, the time zone to UTC, the BCD to 0 (not set) and the reference time to now.
 */
export function newAccountFields(input: AccountInput, defaults: { id: AccountId; now: DateTime }): AccountFields {
  const texts = {} as Record<TextField, string | null>;
  for (const field of TEXT_FIELDS) {
    const v = input[field];
    texts[field] = v === null || v === undefined ? null : text(field, v);
  }
  return invariants({
    ...texts,
    externalKey: input.externalKey === null || input.externalKey === undefined ? defaults.id : externalKey(input.externalKey),
    firstNameLength: input.firstNameLength ?? null,
    currency: input.currency === null || input.currency === undefined ? null : parseCurrency(input.currency),
    billCycleDayLocal: billCycleDay(input.billCycleDayLocal ?? 0),
    parentAccountId: optionalId(input.parentAccountId, 'parentAccountId') as AccountId | null,
    isPaymentDelegatedToParent: input.isPaymentDelegatedToParent ?? false,
    paymentMethodId: optionalId(input.paymentMethodId, 'paymentMethodId'),
    referenceTime: (input.referenceTime ?? defaults.now).toUTC(),
    timeZone: input.timeZone === null || input.timeZone === undefined ? 'UTC' : parseTimeZone(input.timeZone),
    isMigrated: input.isMigrated ?? false,
  });
}

/** Kill Bill's wording for the fields it refuses to change (AccountModelDao.validateAccountUpdateInput). */
function cannotChange(what: string, proposed: unknown, current: unknown): BillingError {
  return new BillingError('INVALID_PARAMETER', `Killbill doesn't support updating the account ${what}: new=${String(proposed)}, current=${String(current)}`, {
    field: what,
  });
}

/**
 * The account after a partial update, following Kill Bill 0.24 (DefaultAccountDao.update,
 * AccountModelDao.validateAccountUpdateInput / mergeWithDelegate):
 * - a field left out keeps its value; a null keeps it too unless `treatNullAsReset`, then it is cleared;
 * - the external key never changes (ACCOUNT_CANNOT_CHANGE_EXTERNAL_KEY);
 * - currency, BCD and time zone may be set while unset, and never changed once set; under reset a null
 *   for a set one is a change too. A BCD of 0 proposes nothing;
 * - the reference time may be resent but not moved to another day.
 */
export function mergeAccountUpdate(current: AccountFields, update: AccountInput, treatNullAsReset: boolean): AccountFields {
  /** The new value of a mutable field: given → validated, null → reset or kept, absent → kept. */
  function pick<T, R>(value: T | null | undefined, currentValue: R, reset: R, parse: (v: T) => R): R {
    if (value === undefined) return currentValue;
    if (value === null) return treatNullAsReset ? reset : currentValue;
    return parse(value);
  }

  if (update.externalKey !== undefined && (update.externalKey !== null || treatNullAsReset) && update.externalKey !== current.externalKey) {
    throw new BillingError('ACCOUNT_CANNOT_CHANGE_EXTERNAL_KEY', `External keys cannot be updated. Original key remains: ${current.externalKey}`, {
      externalKey: current.externalKey,
    });
  }

  const currency = pick<string, Currency | null>(update.currency, current.currency, null, parseCurrency);
  if (current.currency !== null && currency !== current.currency) throw cannotChange('currency', currency, current.currency);

  let billCycleDayLocal = pick(update.billCycleDayLocal, current.billCycleDayLocal, 0, billCycleDay);
  if (billCycleDayLocal === 0 && !(treatNullAsReset && update.billCycleDayLocal !== undefined)) billCycleDayLocal = current.billCycleDayLocal;
  if (current.billCycleDayLocal !== 0 && billCycleDayLocal !== current.billCycleDayLocal) {
    throw cannotChange('BCD', billCycleDayLocal, current.billCycleDayLocal);
  }

  const timeZone = pick<string, string | null>(update.timeZone, current.timeZone, null, parseTimeZone);
  if (timeZone !== current.timeZone) throw cannotChange('timeZone', timeZone, current.timeZone);

  const referenceTime = update.referenceTime?.toUTC();
  if (referenceTime && referenceTime.toISODate() !== current.referenceTime.toUTC().toISODate()) {
    throw cannotChange('referenceTime', referenceTime.toISO(), current.referenceTime.toISO());
  }

  const texts = {} as Record<TextField, string | null>;
  for (const field of TEXT_FIELDS) texts[field] = pick(update[field], current[field], null, (v: string) => text(field, v));

  return invariants({
    ...texts,
    externalKey: current.externalKey,
    firstNameLength: pick(update.firstNameLength, current.firstNameLength, null, (v: number) => v),
    currency,
    billCycleDayLocal,
    parentAccountId: pick(update.parentAccountId, current.parentAccountId, null, (v: string) => parseId<'Account'>(v, 'parentAccountId')),
    isPaymentDelegatedToParent: pick(update.isPaymentDelegatedToParent, current.isPaymentDelegatedToParent, false, (v: boolean) => v),
    paymentMethodId: pick(update.paymentMethodId, current.paymentMethodId, null, (v: string) => parseId(v, 'paymentMethodId')),
    referenceTime: current.referenceTime,
    timeZone: current.timeZone,
    isMigrated: pick(update.isMigrated, current.isMigrated, false, (v: boolean) => v),
  });
}
