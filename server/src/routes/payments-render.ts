import type { AccountId } from '@billwright/core';
import type { Context } from 'hono';
import type { AppEnv } from '../env.js';
import { callContext, tenantContext } from '../http/call-context.js';
import type { AuditLevel } from '../http/query.js';
import { paymentJson, paymentMethodJson, paymentObjectIds, type PaymentMethodView, type PaymentView } from '../json/payment-json.js';
import { required, type TransactionInput } from '../json/payment-request.js';
import { controlPluginNames, queryPluginProperties, paymentResponse } from './payments-shared.js';

/**
 * Rendering and the one write shared by several resources: payments and payment methods as Kill Bill's
 * JSON with their audit logs, and "start a payment on an account" (AccountResource.processPayment, also
 * reached through the combo call).
 */

export async function renderPayments(c: Context<AppEnv>, payments: readonly PaymentView[], level: AuditLevel) {
  const logs = level === 'NONE' ? new Map() : await c.get('engine').audit.forObjects(tenantContext(c), payments.flatMap(paymentObjectIds), level);
  return payments.map((p) => paymentJson(p, logs));
}

/** isDefault is read from each method's account (Kill Bill's toPaymentMethodJson), one account read per account. */
export async function renderPaymentMethods(c: Context<AppEnv>, methods: readonly PaymentMethodView[], level: AuditLevel) {
  const ctx = tenantContext(c);
  const engine = c.get('engine');
  const defaults = new Map<string, string | null>();
  for (const accountId of new Set(methods.map((m) => m.accountId))) {
    defaults.set(accountId, (await engine.accounts.getById(ctx, accountId as AccountId)).paymentMethodId);
  }
  const logs = level === 'NONE' ? new Map() : await engine.audit.forObjects(ctx, methods.map((m) => m.id), level);
  return methods.map((m) => paymentMethodJson(m, defaults.get(m.accountId) ?? null, logs));
}

const ACCOUNT_TYPES = ['AUTHORIZE', 'PURCHASE', 'CREDIT'] as const;
type AccountTransactionType = (typeof ACCOUNT_TYPES)[number];
const isAccountType = (t: string): t is AccountTransactionType => (ACCOUNT_TYPES as readonly string[]).includes(t);

/**
 * POST /accounts/{id}/payments: AUTHORIZE, PURCHASE or CREDIT with the given method, else the account's
 * default. Another type is Kill Bill's 412 with a plain-text reason. With a paymentId the call completes
 * that payment's PENDING transaction (Kill Bill keeps that path for backward compatibility).
 */
export async function startPayment(c: Context<AppEnv>, accountId: AccountId, body: TransactionInput, paymentMethodId: string | null): Promise<Response> {
  const transactionType = required(body.transactionType, 'PaymentTransactionJson transactionType needs to be set', 'transactionType');
  const amount = required(body.amount, 'PaymentTransactionJson amount needs to be set', 'amount');
  if (!isAccountType(transactionType)) return c.text(`TransactionType ${transactionType} is not allowed for an account`, 412);
  const ctx = callContext(c);
  const payment = await c.get('engine').payments.createTransaction(ctx, accountId, {
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
  return paymentResponse(c, payment, transactionType, body.transactionExternalKey);
}
