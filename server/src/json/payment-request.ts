import { BillingError, TRANSACTION_STATUSES, TRANSACTION_TYPES, type PaymentPluginProperty, type TransactionStatus, type TransactionType } from '@billwright/core';
import type { Decimal } from 'decimal.js';
import { DateTime } from 'luxon';
import { decimalField, isDecimalObject, stringField, type DecimalJson, type DecimalObject } from '../http/decimal-json.js';

/**
 * Request bodies of the payment resources, read the way Kill Bill's Jackson binding reads
 * PaymentTransactionJson, PaymentMethodJson and ComboPaymentTransactionJson: unknown and read-only
 * fields ignored (a client may send back what it read), amounts as decimals from their own digits,
 * enum values checked here so a typo is a 400 naming the field.
 */

/** A plugin property as the API carries it (PluginPropertyJson: the value is a string). */
export type PluginPropertyInput = PaymentPluginProperty & { readonly value: string | null };

export interface TransactionInput {
  readonly transactionId: string | null;
  readonly transactionExternalKey: string | null;
  readonly paymentId: string | null;
  readonly paymentExternalKey: string | null;
  readonly transactionType: TransactionType | null;
  readonly amount: Decimal | null;
  readonly currency: string | null;
  readonly effectiveDate: DateTime | null;
  readonly status: TransactionStatus | null;
  readonly properties: readonly PluginPropertyInput[];
}

export interface PaymentMethodInput {
  readonly paymentMethodId: string | null;
  readonly externalKey: string | null;
  readonly pluginName: string | null;
  readonly externalPaymentMethodId: string | null;
  readonly properties: readonly PluginPropertyInput[];
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const KEY = 255;

function optionalUuid(body: DecimalObject, field: string): string | null {
  const v = stringField(body, field);
  if (v === undefined || v === null || v === '') return null;
  if (!UUID.test(v)) throw new BillingError('INVALID_PARAMETER', `Invalid ${field}: '${v.slice(0, 64)}' is not a UUID`, { field });
  return v.toLowerCase();
}

function optionalEnum<T extends string>(body: DecimalObject, field: string, allowed: readonly T[]): T | null {
  const v = stringField(body, field);
  if (v === undefined || v === null) return null;
  if (!(allowed as readonly string[]).includes(v)) {
    throw new BillingError('INVALID_PARAMETER', `Field ${field} must be one of ${allowed.join(', ')}`, { field });
  }
  return v as T;
}

function optionalInstant(body: DecimalObject, field: string): DateTime | null {
  const v = stringField(body, field);
  if (v === undefined || v === null || v === '') return null;
  const t = DateTime.fromISO(v, { zone: 'utc' });
  if (!t.isValid) throw new BillingError('INVALID_PARAMETER', `Field ${field} must be an ISO date-time such as 2024-01-31T10:00:00Z`, { field });
  return t;
}

function optionalText(body: DecimalObject, field: string): string | null {
  const v = stringField(body, field, KEY);
  return v === undefined || v === null || v === '' ? null : v;
}

/** PluginPropertyJson[] (`properties`, `paymentMethodPluginProperties`...): key required, value kept as text. */
export function pluginPropertiesField(body: DecimalObject, field: string): PluginPropertyInput[] {
  const v = body[field];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new BillingError('INVALID_PARAMETER', `Field ${field} must be an array of {key, value}`, { field });
  return v.map((p: DecimalJson) => {
    if (!isDecimalObject(p)) throw new BillingError('INVALID_PARAMETER', `Field ${field} must be an array of {key, value}`, { field });
    const key = stringField(p, 'key');
    if (!key) throw new BillingError('INVALID_PARAMETER', `Each of ${field} needs a key`, { field });
    const raw = p['value'];
    const value = raw === undefined || raw === null ? null : typeof raw === 'string' ? raw : String(raw);
    return { key, value, isUpdatable: p['isUpdatable'] === true };
  });
}

/** A PaymentTransactionJson body. */
export function transactionInput(body: DecimalObject): TransactionInput {
  return {
    transactionId: optionalUuid(body, 'transactionId'),
    transactionExternalKey: optionalText(body, 'transactionExternalKey'),
    paymentId: optionalUuid(body, 'paymentId'),
    paymentExternalKey: optionalText(body, 'paymentExternalKey'),
    transactionType: optionalEnum(body, 'transactionType', TRANSACTION_TYPES),
    amount: decimalField(body, 'amount') ?? null,
    currency: optionalText(body, 'currency'),
    effectiveDate: optionalInstant(body, 'effectiveDate'),
    status: optionalEnum(body, 'status', TRANSACTION_STATUSES),
    properties: pluginPropertiesField(body, 'properties'),
  };
}

export const EMPTY_TRANSACTION: TransactionInput = {
  transactionId: null,
  transactionExternalKey: null,
  paymentId: null,
  paymentExternalKey: null,
  transactionType: null,
  amount: null,
  currency: null,
  effectiveDate: null,
  status: null,
  properties: [],
};

/** A PaymentMethodJson body: pluginInfo's externalPaymentMethodId and properties go to the plugin. */
export function paymentMethodInput(body: DecimalObject): PaymentMethodInput {
  const info = body['pluginInfo'];
  if (info !== undefined && info !== null && !isDecimalObject(info)) {
    throw new BillingError('INVALID_PARAMETER', 'Field pluginInfo must be an object', { field: 'pluginInfo' });
  }
  return {
    paymentMethodId: optionalUuid(body, 'paymentMethodId'),
    externalKey: optionalText(body, 'externalKey'),
    pluginName: optionalText(body, 'pluginName'),
    externalPaymentMethodId: info ? optionalText(info, 'externalPaymentMethodId') : null,
    properties: info ? pluginPropertiesField(info, 'properties') : [],
  };
}

/** Kill Bill's verifyNonNullOrEmpty: a missing required field is a 400 with its own sentence. */
export function required<T>(value: T | null, message: string, field: string): T {
  if (value === null) throw new BillingError('INVALID_PARAMETER', message, { field });
  return value;
}
