import { Decimal } from 'decimal.js';
import { DateTime } from 'luxon';
import type { PaymentAttemptRow, PaymentMethodRow, PaymentRow, PaymentTransactionRow, StoredProperty } from './model.js';
import type { Payment, PaymentAttempt, PaymentAttemptState, PaymentMethod, PaymentMethodPluginInfo, PaymentPluginProperty, PaymentTransaction, TransactionStatus, TransactionType } from './payment-service.js';
import { paymentAmounts } from './state-machine.js';

/** Rows of the payment tables as the domain's value types (payment-service.ts). */

const at = (d: Date): DateTime => DateTime.fromJSDate(d, { zone: 'utc' });

export function storedProperties(properties: readonly PaymentPluginProperty[] | null | undefined): StoredProperty[] {
  return (properties ?? []).map((p) => ({ key: p.key, value: p.value ?? null, ...(p.isUpdatable === undefined ? {} : { isUpdatable: p.isUpdatable }) }));
}

function properties(stored: readonly StoredProperty[] | null | undefined): PaymentPluginProperty[] {
  return (stored ?? []).map((p) => ({ key: p.key, value: p.value ?? null, isUpdatable: p.isUpdatable ?? false }));
}

export function toPaymentMethod(row: PaymentMethodRow, defaultMethodId: string | null, pluginInfo?: PaymentMethodPluginInfo | null): PaymentMethod {
  const isDefault = row.id === defaultMethodId;
  return {
    id: row.id,
    externalKey: row.externalKey,
    accountId: row.accountId,
    pluginName: row.pluginName ?? null,
    isActive: row.isActive,
    isDefault,
    pluginInfo: pluginInfo === undefined ? { externalPaymentMethodId: row.externalPaymentMethodId ?? null, isDefaultPaymentMethod: isDefault, properties: properties(row.pluginInfo) } : pluginInfo,
    createdDate: at(row.createdDate),
    updatedDate: at(row.updatedDate),
  };
}

export function toTransaction(row: PaymentTransactionRow, payment: Pick<PaymentRow, 'externalKey'>): PaymentTransaction {
  return {
    id: row.id,
    externalKey: row.transactionExternalKey,
    paymentId: row.paymentId,
    paymentExternalKey: payment.externalKey,
    transactionType: row.transactionType as TransactionType,
    amount: new Decimal(row.amount),
    currency: row.currency ?? null,
    effectiveDate: at(row.effectiveDate),
    processedAmount: new Decimal(row.processedAmount ?? 0),
    processedCurrency: row.processedCurrency ?? row.currency ?? null,
    status: row.transactionStatus as TransactionStatus,
    gatewayErrorCode: row.gatewayErrorCode ?? null,
    gatewayErrorMsg: row.gatewayErrorMsg ?? null,
    firstPaymentReferenceId: row.firstPaymentReferenceId ?? null,
    secondPaymentReferenceId: row.secondPaymentReferenceId ?? null,
    properties: properties(row.pluginProperties),
    paymentInfoPlugin: null,
    createdDate: at(row.createdDate),
    updatedDate: at(row.updatedDate),
  };
}

export function toAttempt(row: PaymentAttemptRow): PaymentAttempt {
  return {
    id: row.id,
    accountId: row.accountId,
    paymentMethodId: row.paymentMethodId ?? null,
    paymentExternalKey: row.paymentExternalKey,
    transactionId: row.transactionId ?? null,
    transactionExternalKey: row.transactionExternalKey,
    transactionType: row.transactionType as TransactionType,
    effectiveDate: at(row.createdDate),
    stateName: row.stateName as PaymentAttemptState,
    amount: row.amount == null ? null : new Decimal(row.amount),
    currency: row.currency ?? null,
    pluginName: row.pluginName ?? null,
    properties: properties(row.pluginProperties),
    createdDate: at(row.createdDate),
    updatedDate: at(row.updatedDate),
  };
}

/** A payment with its transactions (oldest first) and, when given, its attempts. */
export function toPayment(row: PaymentRow, transactionRows: readonly PaymentTransactionRow[], attemptRows: readonly PaymentAttemptRow[] = []): Payment {
  const transactions = [...transactionRows].sort((a, b) => a.recordId - b.recordId).map((t) => toTransaction(t, row));
  const figures = paymentAmounts(
    transactions.map((t) => ({ transactionType: t.transactionType, status: t.status, externalKey: t.externalKey, amount: t.amount, currency: t.currency, processedAmount: t.processedAmount, processedCurrency: t.processedCurrency })),
    row.currency ?? null,
  );
  return {
    id: row.id,
    accountId: row.accountId,
    paymentMethodId: row.paymentMethodId ?? null,
    paymentNumber: row.recordId,
    externalKey: row.externalKey,
    currency: row.currency ?? null,
    ...figures,
    stateName: row.stateName,
    lastSuccessStateName: row.lastSuccessStateName ?? null,
    transactions,
    attempts: [...attemptRows].sort((a, b) => a.recordId - b.recordId).map(toAttempt),
    createdDate: at(row.createdDate),
    updatedDate: at(row.updatedDate),
  };
}
