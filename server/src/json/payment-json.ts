import type { AuditLog, Payment, PaymentAttempt, PaymentMethod, PaymentPluginProperty, PaymentTransaction } from '@billwright/core';
import type { DateTime } from 'luxon';
import { auditLogJson } from './audit.js';

/**
 * Kill Bill's PaymentJson, PaymentTransactionJson, PaymentAttemptJson and PaymentMethodJson
 * (kb:jaxrs/.../json/*.java), field for field and in the same order. Amounts stay decimal.js values
 * (kbJson writes them as exact JSON numbers); instants are ISO-8601 UTC.
 *
 * As Kill Bill's PaymentTransactionJson, the plugin's side of a transaction (first/second payment reference
 * ids, properties) is what the plugin reported when the payment was read withPluginInfo (the transaction's
 * paymentInfoPlugin), and paymentAttempts show only withAttempts; otherwise they are null.
 */

export interface PaymentJsonOptions {
  readonly auditLogs?: AuditLogsById;
  readonly withPluginInfo?: boolean;
  readonly withAttempts?: boolean;
}

/** Audit logs by object id (payment, transactions, attempts, payment method), at the requested level. */
export type AuditLogsById = ReadonlyMap<string, readonly AuditLog[]>;
const NO_LOGS: AuditLogsById = new Map();

const instant = (t: DateTime) => t.toUTC().toISO();

/** PluginPropertyJson: the value as text, as Kill Bill's toString of the plugin's object. */
export function pluginPropertyJson(p: PaymentPluginProperty) {
  return { key: p.key, value: p.value === null ? null : String(p.value), isUpdatable: p.isUpdatable ?? false };
}

function logsOf(logs: AuditLogsById, id: string) {
  return (logs.get(id) ?? []).map(auditLogJson);
}

export function paymentTransactionJson(tx: PaymentTransaction, logs: AuditLogsById = NO_LOGS, withPluginInfo = false) {
  const info = withPluginInfo ? tx.paymentInfoPlugin : null;
  return {
    transactionId: tx.id,
    transactionExternalKey: tx.externalKey,
    paymentId: tx.paymentId,
    paymentExternalKey: tx.paymentExternalKey,
    transactionType: tx.transactionType,
    amount: tx.amount,
    currency: tx.currency,
    effectiveDate: instant(tx.effectiveDate),
    processedAmount: tx.processedAmount,
    processedCurrency: tx.processedCurrency,
    status: tx.status,
    gatewayErrorCode: tx.gatewayErrorCode,
    gatewayErrorMsg: tx.gatewayErrorMsg,
    firstPaymentReferenceId: info?.firstPaymentReferenceId ?? null,
    secondPaymentReferenceId: info?.secondPaymentReferenceId ?? null,
    properties: info ? info.properties.map(pluginPropertyJson) : null,
    auditLogs: logsOf(logs, tx.id),
  };
}

export function paymentAttemptJson(a: PaymentAttempt, logs: AuditLogsById = NO_LOGS) {
  return {
    accountId: a.accountId,
    paymentMethodId: a.paymentMethodId,
    paymentExternalKey: a.paymentExternalKey,
    transactionId: a.transactionId,
    transactionExternalKey: a.transactionExternalKey,
    transactionType: a.transactionType,
    effectiveDate: instant(a.effectiveDate),
    stateName: a.stateName,
    amount: a.amount,
    currency: a.currency,
    pluginName: a.pluginName,
    pluginProperties: a.properties.map(pluginPropertyJson),
    auditLogs: logsOf(logs, a.id),
  };
}

/** PaymentJson; `paymentAttempts` is null unless the payment was read withAttempts, as Kill Bill's. */
export function paymentJson(p: Payment, options: PaymentJsonOptions = {}) {
  const logs = options.auditLogs ?? NO_LOGS;
  return {
    accountId: p.accountId,
    paymentId: p.id,
    paymentNumber: String(p.paymentNumber),
    paymentExternalKey: p.externalKey,
    authAmount: p.authAmount,
    capturedAmount: p.capturedAmount,
    purchasedAmount: p.purchasedAmount,
    refundedAmount: p.refundedAmount,
    creditedAmount: p.creditedAmount,
    currency: p.currency,
    paymentMethodId: p.paymentMethodId,
    transactions: p.transactions.map((tx) => paymentTransactionJson(tx, logs, options.withPluginInfo ?? false)),
    // Kill Bill lists attempts only withAttempts, and only for a payment that has transactions.
    paymentAttempts: options.withAttempts && p.transactions.length > 0 ? p.attempts.map((a) => paymentAttemptJson(a, logs)) : null,
    auditLogs: logsOf(logs, p.id),
  };
}

/** Every object id of a payment that can carry audit logs. */
export function paymentObjectIds(p: Payment): string[] {
  return [p.id, ...p.transactions.map((tx) => tx.id), ...p.attempts.map((a) => a.id)];
}

/**
 * PaymentMethodJson: isDefault as the account says; pluginInfo only when the method was read
 * withPluginInfo (Kill Bill leaves the plugin detail null otherwise).
 */
export function paymentMethodJson(pm: PaymentMethod, logs: AuditLogsById = NO_LOGS, withPluginInfo = false) {
  const info = withPluginInfo ? pm.pluginInfo : null;
  return {
    paymentMethodId: pm.id,
    externalKey: pm.externalKey,
    accountId: pm.accountId,
    isDefault: pm.isDefault,
    pluginName: pm.pluginName,
    pluginInfo: info
      ? {
          externalPaymentMethodId: info.externalPaymentMethodId,
          isDefaultPaymentMethod: info.isDefaultPaymentMethod,
          properties: info.properties.map(pluginPropertyJson),
        }
      : null,
    auditLogs: logsOf(logs, pm.id),
  };
}
