import { BillingError, requirePermission, type AccountId, type Payment, type PaymentMethod } from '@billwright/core';
import type { Context } from 'hono';
import type { AppEnv } from '../env.js';
import { callContext, tenantContext } from '../http/call-context.js';
import { auditLevel, queryBoolean, type AuditLevel } from '../http/query.js';
import { paymentJson, paymentMethodJson, paymentObjectIds } from '../json/payment-json.js';
import { required, type TransactionInput } from '../json/payment-request.js';
import { controlPluginNames, paymentResponse, queryPluginProperties } from './payments-shared.js';

/**
 * Rendering and the one write shared by several resources: payments and payment methods as Kill Bill's
 * JSON with their audit logs, and "start a payment on an account" (AccountResource.processPayment).
 */

/** What a payment read asked for: `withPluginInfo`, `withAttempts`, `pluginProperty`. */
export function paymentReadOptions(c: Context<AppEnv>) {
  return {
    withPluginInfo: queryBoolean(c, 'withPluginInfo', false),
    withAttempts: queryBoolean(c, 'withAttempts', false),
    properties: queryPluginProperties(c),
  };
}

/** Payments as PaymentJson, shaped by the request's withPluginInfo / withAttempts / audit. */
export async function renderPayments(c: Context<AppEnv>, payments: readonly Payment[], level: AuditLevel = auditLevel(c)) {
  const { withPluginInfo, withAttempts } = paymentReadOptions(c);
  const auditLogs = level === 'NONE' ? new Map() : await c.get('engine').audit.forObjects(tenantContext(c), payments.flatMap(paymentObjectIds), level);
  return payments.map((p) => paymentJson(p, { auditLogs, withPluginInfo, withAttempts }));
}

export async function renderPaymentMethods(c: Context<AppEnv>, methods: readonly PaymentMethod[], level: AuditLevel = auditLevel(c)) {
  const logs = level === 'NONE' ? new Map() : await c.get('engine').audit.forObjects(tenantContext(c), methods.map((m) => m.id), level);
  const withPluginInfo = queryBoolean(c, 'withPluginInfo', false);
  return methods.map((m) => paymentMethodJson(m, logs, withPluginInfo));
}

const ACCOUNT_TYPES = ['AUTHORIZE', 'PURCHASE', 'CREDIT'] as const;
type AccountTransactionType = (typeof ACCOUNT_TYPES)[number];
const isAccountType = (t: string): t is AccountTransactionType => (ACCOUNT_TYPES as readonly string[]).includes(t);

/**
 * POST /accounts/{id}/payments: AUTHORIZE, PURCHASE or CREDIT with the given method, else the account's
 * default. Another type is Kill Bill's 412 with a plain-text reason. A body paymentId retries into (or
 * completes) that payment.
 */
export async function startPayment(c: Context<AppEnv>, accountId: AccountId, body: TransactionInput, paymentMethodId: string | null): Promise<Response> {
  const transactionType = required(body.transactionType, 'PaymentTransactionJson transactionType needs to be set', 'transactionType');
  const amount = required(body.amount, 'PaymentTransactionJson amount needs to be set', 'amount');
  if (!isAccountType(transactionType)) return c.text(`TransactionType ${transactionType} is not allowed for an account`, 412);
  const ctx = callContext(c);
  requirePermission(ctx, 'payment:trigger');
  const payments = c.get('engine').payments;
  // Kill Bill's validatePaymentMethodForAccount: another account's method reads as no such method (404).
  if (paymentMethodId !== null && (await payments.getPaymentMethod(ctx, paymentMethodId)).accountId !== accountId) {
    throw new BillingError('PAYMENT_NO_SUCH_PAYMENT_METHOD', `Payment method ${paymentMethodId} does not exist`, { paymentMethodId });
  }
  const outcome = await payments.createPayment(ctx, {
    accountId,
    transactionType,
    paymentMethodId,
    paymentId: body.paymentId,
    amount,
    currency: body.currency,
    effectiveDate: body.effectiveDate,
    paymentExternalKey: body.paymentExternalKey,
    transactionExternalKey: body.transactionExternalKey,
    properties: [...queryPluginProperties(c), ...body.properties],
    controlPluginNames: controlPluginNames(c),
  });
  return paymentResponse(c, outcome);
}
