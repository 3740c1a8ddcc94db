import type { AuditLog } from '@billwright/core';
import type { Decimal } from 'decimal.js';
import type { DateTime } from 'luxon';
import { auditLogJson } from './audit.js';

/**
 * Kill Bill's PaymentJson, PaymentTransactionJson, PaymentAttemptJson and PaymentMethodJson
 * (kb:jaxrs/.../json/*.java), field for field and in the same order. Amounts stay decimal.js values
 * (kbJson writes them as exact JSON numbers); instants are ISO-8601 UTC.
 */

// ---- the shapes read from core (provisional until core/src/payment exports its own) ----
type PropertyValue = string | number | boolean | null;
export interface PropertyView {
  readonly key: string;
  readonly value: PropertyValue;
  readonly isUpdatable?: boolean;
}
export interface TransactionView {
  readonly id: string;
  readonly paymentId: string;
  readonly externalKey: string;
  readonly transactionType: string;
  readonly amount: Decimal | null;
  readonly currency: string | null;
  readonly effectiveDate: DateTime;
  readonly processedAmount: Decimal | null;
  readonly processedCurrency: string | null;
  readonly status: string;
  readonly gatewayErrorCode: string | null;
  readonly gatewayErrorMsg: string | null;
  readonly pluginInfo: { readonly firstPaymentReferenceId: string | null; readonly secondPaymentReferenceId: string | null; readonly properties: readonly PropertyView[] } | null;
}
export interface AttemptView {
  readonly id: string;
  readonly accountId: string;
  readonly paymentMethodId: string | null;
  readonly transactionId: string | null;
  readonly transactionExternalKey: string;
  readonly transactionType: string;
  readonly effectiveDate: DateTime;
  readonly stateName: string;
  readonly amount: Decimal | null;
  readonly currency: string | null;
  readonly pluginName: string | null;
  readonly properties: readonly PropertyView[] | null;
}
export interface PaymentView {
  readonly id: string;
  readonly accountId: string;
  readonly paymentNumber: number;
  readonly externalKey: string;
  readonly authAmount: Decimal;
  readonly capturedAmount: Decimal;
  readonly purchasedAmount: Decimal;
  readonly refundedAmount: Decimal;
  readonly creditedAmount: Decimal;
  readonly currency: string;
  readonly paymentMethodId: string;
  readonly transactions: readonly TransactionView[];
  readonly attempts: readonly AttemptView[] | null;
}
export interface PaymentMethodView {
  readonly id: string;
  readonly externalKey: string;
  readonly accountId: string;
  readonly pluginName: string;
  readonly pluginDetail: { readonly externalPaymentMethodId: string | null; readonly isDefaultPaymentMethod: boolean; readonly properties: readonly PropertyView[] } | null;
}

/** Audit logs by object id (payment, transactions, attempts, payment method), at the requested level. */
export type AuditLogsById = ReadonlyMap<string, readonly AuditLog[]>;
const NO_LOGS: AuditLogsById = new Map();

const instant = (t: DateTime) => t.toUTC().toISO();

/** PluginPropertyJson: the value as text, as Kill Bill's toString of the plugin's object. */
export function pluginPropertyJson(p: PropertyView) {
  return { key: p.key, value: p.value === null ? null : String(p.value), isUpdatable: p.isUpdatable ?? false };
}

function logsOf(logs: AuditLogsById, id: string) {
  return (logs.get(id) ?? []).map(auditLogJson);
}

export function paymentTransactionJson(tx: TransactionView, paymentExternalKey: string, logs: AuditLogsById = NO_LOGS) {
  return {
    transactionId: tx.id,
    transactionExternalKey: tx.externalKey,
    paymentId: tx.paymentId,
    paymentExternalKey,
    transactionType: tx.transactionType,
    amount: tx.amount,
    currency: tx.currency,
    effectiveDate: instant(tx.effectiveDate),
    processedAmount: tx.processedAmount,
    processedCurrency: tx.processedCurrency,
    status: tx.status,
    gatewayErrorCode: tx.gatewayErrorCode,
    gatewayErrorMsg: tx.gatewayErrorMsg,
    firstPaymentReferenceId: tx.pluginInfo?.firstPaymentReferenceId ?? null,
    secondPaymentReferenceId: tx.pluginInfo?.secondPaymentReferenceId ?? null,
    properties: tx.pluginInfo ? tx.pluginInfo.properties.map(pluginPropertyJson) : null,
    auditLogs: logsOf(logs, tx.id),
  };
}

export function paymentAttemptJson(a: AttemptView, paymentExternalKey: string, logs: AuditLogsById = NO_LOGS) {
  return {
    accountId: a.accountId,
    paymentMethodId: a.paymentMethodId,
    paymentExternalKey,
    transactionId: a.transactionId,
    transactionExternalKey: a.transactionExternalKey,
    transactionType: a.transactionType,
    effectiveDate: instant(a.effectiveDate),
    stateName: a.stateName,
    amount: a.amount,
    currency: a.currency,
    pluginName: a.pluginName,
    pluginProperties: a.properties ? a.properties.map(pluginPropertyJson) : null,
    auditLogs: logsOf(logs, a.id),
  };
}

/** PaymentJson; `paymentAttempts` is null unless the payment was read withAttempts, as Kill Bill's. */
export function paymentJson(p: PaymentView, logs: AuditLogsById = NO_LOGS) {
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
    transactions: p.transactions.map((tx) => paymentTransactionJson(tx, p.externalKey, logs)),
    paymentAttempts: p.attempts ? p.attempts.map((a) => paymentAttemptJson(a, p.externalKey, logs)) : null,
    auditLogs: logsOf(logs, p.id),
  };
}

/** Every object id of a payment that can carry audit logs. */
export function paymentObjectIds(p: PaymentView): string[] {
  return [p.id, ...p.transactions.map((tx) => tx.id), ...(p.attempts ?? []).map((a) => a.id)];
}

/**
 * PaymentMethodJson. isDefault comes from the account (its paymentMethodId), not from the plugin;
 * pluginInfo is null unless the method was read withPluginInfo.
 */
export function paymentMethodJson(pm: PaymentMethodView, accountDefaultId: string | null, logs: AuditLogsById = NO_LOGS) {
  const detail = pm.pluginDetail;
  return {
    paymentMethodId: pm.id,
    externalKey: pm.externalKey,
    accountId: pm.accountId,
    isDefault: accountDefaultId !== null && accountDefaultId === pm.id,
    pluginName: pm.pluginName,
    pluginInfo: detail
      ? {
          externalPaymentMethodId: detail.externalPaymentMethodId,
          isDefaultPaymentMethod: detail.isDefaultPaymentMethod,
          properties: detail.properties.map(pluginPropertyJson),
        }
      : null,
    auditLogs: logsOf(logs, pm.id),
  };
}
