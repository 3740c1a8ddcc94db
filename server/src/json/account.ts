import { BillingError, type Account, type AccountEmail, type AccountInput, type AuditLog } from '@billwright/core';
import type { Decimal } from 'decimal.js';
import { DateTime } from 'luxon';
import { optionalBoolean, optionalInteger, optionalString } from '../http/fields.js';
import { auditLogJson } from './audit.js';

/**
 * Balances, or null when the caller did not ask for them (Kill Bill leaves accountBalance / accountCBA
 * null unless accountWithBalance / accountWithBalanceAndCBA is set). Rendered with kbJson as numbers.
 */
export interface AccountBalances {
  readonly accountBalance: Decimal | null;
  readonly accountCBA: Decimal | null;
}

export const NO_BALANCES: AccountBalances = { accountBalance: null, accountCBA: null };

/** Kill Bill's AccountJson, field for field (company, state: the API's names for companyName, stateOrProvince). */
export function accountJson(a: Account, auditLogs: readonly AuditLog[] = [], balances: AccountBalances = NO_BALANCES) {
  return {
    accountId: a.id,
    name: a.name,
    firstNameLength: a.firstNameLength,
    externalKey: a.externalKey,
    email: a.email,
    billCycleDayLocal: a.billCycleDayLocal,
    currency: a.currency,
    parentAccountId: a.parentAccountId,
    isPaymentDelegatedToParent: a.isPaymentDelegatedToParent,
    paymentMethodId: a.paymentMethodId,
    referenceTime: a.referenceTime.toUTC().toISO(),
    timeZone: a.timeZone,
    address1: a.address1,
    address2: a.address2,
    postalCode: a.postalCode,
    company: a.companyName,
    city: a.city,
    state: a.stateOrProvince,
    country: a.country,
    locale: a.locale,
    phone: a.phone,
    notes: a.notes,
    isMigrated: a.isMigrated,
    accountBalance: balances.accountBalance,
    accountCBA: balances.accountCBA,
    auditLogs: auditLogs.map(auditLogJson),
  };
}

/** Kill Bill's AccountEmailJson. */
export function accountEmailJson(e: AccountEmail) {
  return { accountId: e.accountId, email: e.email, auditLogs: [] };
}

function optionalInstant(body: Record<string, unknown>, field: string): DateTime | null | undefined {
  const v = optionalString(body, field);
  if (v === undefined || v === null) return v;
  const t = DateTime.fromISO(v, { zone: 'utc' });
  if (!t.isValid) throw new BillingError('INVALID_PARAMETER', `Field ${field} must be an ISO date-time such as 2024-01-31T10:00:00Z`, { field });
  return t;
}

/**
 * An AccountJson body as core's input. Only type errors are raised here; core checks values and lengths,
 * so plugins calling core get the same rules. Read-only fields (accountId, balances, auditLogs) are ignored,
 * as Kill Bill's toAccount ignores them, so a client may send back what it read.
 */
export function accountInput(body: Record<string, unknown>): AccountInput {
  return {
    externalKey: optionalString(body, 'externalKey'),
    name: optionalString(body, 'name'),
    firstNameLength: optionalInteger(body, 'firstNameLength'),
    email: optionalString(body, 'email'),
    currency: optionalString(body, 'currency'),
    billCycleDayLocal: optionalInteger(body, 'billCycleDayLocal'),
    parentAccountId: optionalString(body, 'parentAccountId'),
    isPaymentDelegatedToParent: optionalBoolean(body, 'isPaymentDelegatedToParent'),
    paymentMethodId: optionalString(body, 'paymentMethodId'),
    referenceTime: optionalInstant(body, 'referenceTime'),
    // Kill Bill reads an empty time zone as none given (AccountJson.toAccount: Strings.emptyToNull).
    timeZone: optionalString(body, 'timeZone') || (body['timeZone'] === undefined ? undefined : null),
    address1: optionalString(body, 'address1'),
    address2: optionalString(body, 'address2'),
    postalCode: optionalString(body, 'postalCode'),
    companyName: optionalString(body, 'company'),
    city: optionalString(body, 'city'),
    stateOrProvince: optionalString(body, 'state'),
    country: optionalString(body, 'country'),
    locale: optionalString(body, 'locale'),
    phone: optionalString(body, 'phone'),
    notes: optionalString(body, 'notes'),
    isMigrated: optionalBoolean(body, 'isMigrated'),
  };
}
