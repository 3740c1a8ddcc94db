import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { auditedEntity } from '../audit/audited.js';
import { recordColumns, tenantColumns, tenantFilter } from '../persistence/columns.js';
import { JsonColumn } from '../persistence/json-type.js';

/**
 * The payment domain's tables, after Kill Bill's payment ddl.sql (payment_methods, payments,
 * payment_transactions, payment_attempts). Amounts are DECIMAL(15,9) as strings, as in invoicing; BTC's 8
 * digits fit. Two columns are ours, both for "charge at most once, on any node":
 * - payment_transactions.active_key: the transaction external key while the transaction is in flight,
 *   PENDING, UNKNOWN or SUCCESS, NULL once it failed. Unique per tenant, so a second request with a key
 *   that is taken cannot even insert its transaction, whatever node it runs on.
 * - payments.in_flight_transaction_id: set while a plugin call runs for the payment, so a concurrent
 *   capture/refund/void of the same payment is refused instead of judged on stale amounts.
 */

const amount = () => p.decimal('string').precision(15).scale(9);

export interface StoredProperty {
  key: string;
  value: string | number | boolean | null;
  isUpdatable?: boolean;
}

export const PaymentMethodEntity = auditedEntity(
  defineEntity({
    name: 'PaymentMethod',
    tableName: 'payment_methods',
    filters: tenantFilter,
    properties: {
      ...recordColumns,
      ...tenantColumns,
      accountRecordId: p.bigint('number'),
      accountId: p.string().length(36),
      externalKey: p.string().length(255),
      pluginName: p.string().length(50),
      isActive: p.boolean(),
      /** What the plugin was given or answered (PaymentMethodPlugin): external id, default flag, properties. */
      externalPaymentMethodId: p.string().length(255).nullable(),
      pluginInfo: p.json<StoredProperty[]>().type(JsonColumn).nullable(),
    },
    uniques: [{ properties: ['tenantRecordId', 'externalKey'] }],
    indexes: [{ properties: ['tenantRecordId', 'accountRecordId'] }, { properties: ['tenantRecordId', 'recordId'] }],
  }),
  { objectType: 'PAYMENT_METHOD', tableName: 'PAYMENT_METHODS' },
);
export type PaymentMethodRow = InferEntity<typeof PaymentMethodEntity>;

export const PaymentEntity = auditedEntity(
  defineEntity({
    name: 'Payment',
    tableName: 'payments',
    filters: tenantFilter,
    properties: {
      ...recordColumns,
      ...tenantColumns,
      accountRecordId: p.bigint('number'),
      accountId: p.string().length(36),
      paymentMethodId: p.string().length(36),
      externalKey: p.string().length(255),
      currency: p.string().length(3),
      /** The state machine's state: "<TYPE>_INIT|PENDING|SUCCESS|FAILED|ERRORED" (state-machine.ts). */
      stateName: p.string().length(64),
      lastSuccessStateName: p.string().length(64).nullable(),
      inFlightTransactionId: p.string().length(36).nullable(),
      inFlightSince: p.datetime(3).nullable(),
    },
    uniques: [{ properties: ['tenantRecordId', 'externalKey'] }],
    // inFlightSince: the janitor's sweep for calls interrupted before their result was recorded (janitor.ts).
    indexes: [{ properties: ['tenantRecordId', 'accountRecordId'] }, { properties: ['tenantRecordId', 'recordId'] }, { properties: ['inFlightSince'] }],
  }),
  { objectType: 'PAYMENT', tableName: 'PAYMENTS' },
);
export type PaymentRow = InferEntity<typeof PaymentEntity>;

export const PaymentTransactionEntity = auditedEntity(
  defineEntity({
    name: 'PaymentTransaction',
    tableName: 'payment_transactions',
    filters: tenantFilter,
    properties: {
      ...recordColumns,
      ...tenantColumns,
      accountRecordId: p.bigint('number'),
      attemptId: p.string().length(36).nullable(),
      paymentId: p.string().length(36).index(),
      transactionType: p.string().length(32),
      transactionExternalKey: p.string().length(255),
      /** See the note at the top of the file. */
      activeKey: p.string().length(255).nullable(),
      effectiveDate: p.datetime(3),
      amount: amount(),
      currency: p.string().length(3),
      processedAmount: amount().nullable(),
      processedCurrency: p.string().length(3).nullable(),
      transactionStatus: p.string().length(50),
      gatewayErrorCode: p.string().length(32).nullable(),
      gatewayErrorMsg: p.string().length(256).nullable(),
      firstPaymentReferenceId: p.string().length(128).nullable(),
      secondPaymentReferenceId: p.string().length(128).nullable(),
      pluginProperties: p.json<StoredProperty[]>().type(JsonColumn).nullable(),
    },
    uniques: [{ properties: ['tenantRecordId', 'activeKey'] }],
    indexes: [{ properties: ['tenantRecordId', 'transactionExternalKey'] }, { properties: ['tenantRecordId', 'accountRecordId'] }],
  }),
  { objectType: 'TRANSACTION', tableName: 'PAYMENT_TRANSACTIONS' },
);
export type PaymentTransactionRow = InferEntity<typeof PaymentTransactionEntity>;

/** Kill Bill's payment_attempts: one pass through the control-plugin layer (retries, invoice payments). */
export const PaymentAttemptEntity = auditedEntity(
  defineEntity({
    name: 'PaymentAttempt',
    tableName: 'payment_attempts',
    filters: tenantFilter,
    properties: {
      ...recordColumns,
      ...tenantColumns,
      accountRecordId: p.bigint('number'),
      accountId: p.string().length(36),
      paymentMethodId: p.string().length(36).nullable(),
      paymentExternalKey: p.string().length(255),
      transactionId: p.string().length(36).nullable(),
      transactionExternalKey: p.string().length(255),
      transactionType: p.string().length(32),
      /** INIT, RETRIED, SUCCESS or ABORTED (Kill Bill's RetryStates.xml). */
      stateName: p.string().length(32),
      amount: amount().nullable(),
      currency: p.string().length(3).nullable(),
      /** The control plugins, comma-separated, as Kill Bill's plugin_name column. */
      pluginName: p.string().length(1024).nullable(),
      pluginProperties: p.json<StoredProperty[]>().type(JsonColumn).nullable(),
    },
    indexes: [{ properties: ['tenantRecordId', 'transactionExternalKey'] }, { properties: ['tenantRecordId', 'accountRecordId'] }],
  }),
  { objectType: 'PAYMENT_ATTEMPT', tableName: 'PAYMENT_ATTEMPTS' },
);
export type PaymentAttemptRow = InferEntity<typeof PaymentAttemptEntity>;

export const paymentEntities = [PaymentMethodEntity, PaymentEntity, PaymentTransactionEntity, PaymentAttemptEntity];
