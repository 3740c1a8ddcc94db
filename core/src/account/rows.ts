import { DateTime } from 'luxon';
import type { Currency } from '../values/currency.js';
import type { AccountEmailId, AccountId } from '../values/ids.js';
import type { Account, AccountEmail, AccountFields } from './account.js';
import type { AccountEmailRow, AccountRow } from './model.js';

/** The public account of a row; the table keeps Kill Bill's column names (billing_cycle_day_local, migrated). */
export function toAccount(row: AccountRow): Account {
  return {
    recordId: row.recordId,
    id: row.id as AccountId,
    externalKey: row.externalKey,
    name: row.name ?? null,
    firstNameLength: row.firstNameLength ?? null,
    email: row.email ?? null,
    currency: (row.currency ?? null) as Currency | null,
    billCycleDayLocal: row.billingCycleDayLocal,
    parentAccountId: (row.parentAccountId ?? null) as AccountId | null,
    isPaymentDelegatedToParent: row.isPaymentDelegatedToParent,
    paymentMethodId: row.paymentMethodId ?? null,
    referenceTime: DateTime.fromJSDate(row.referenceTime, { zone: 'utc' }),
    timeZone: row.timeZone,
    locale: row.locale ?? null,
    address1: row.address1 ?? null,
    address2: row.address2 ?? null,
    companyName: row.companyName ?? null,
    city: row.city ?? null,
    stateOrProvince: row.stateOrProvince ?? null,
    country: row.country ?? null,
    postalCode: row.postalCode ?? null,
    phone: row.phone ?? null,
    notes: row.notes ?? null,
    isMigrated: row.migrated,
    isClosed: row.isClosed,
    createdDate: row.createdDate,
    updatedDate: row.updatedDate,
  };
}

/** The columns that hold AccountFields, for inserts and for updates alike. */
export function fieldColumns(f: AccountFields) {
  return {
    externalKey: f.externalKey,
    name: f.name,
    firstNameLength: f.firstNameLength,
    email: f.email,
    currency: f.currency,
    billingCycleDayLocal: f.billCycleDayLocal,
    parentAccountId: f.parentAccountId,
    isPaymentDelegatedToParent: f.isPaymentDelegatedToParent,
    paymentMethodId: f.paymentMethodId,
    referenceTime: f.referenceTime.toJSDate(),
    timeZone: f.timeZone,
    locale: f.locale,
    address1: f.address1,
    address2: f.address2,
    companyName: f.companyName,
    city: f.city,
    stateOrProvince: f.stateOrProvince,
    country: f.country,
    postalCode: f.postalCode,
    phone: f.phone,
    notes: f.notes,
    migrated: f.isMigrated,
  };
}

export function toAccountEmail(row: AccountEmailRow): AccountEmail {
  return { id: row.id as AccountEmailId, accountId: row.accountId as AccountId, email: row.email };
}
