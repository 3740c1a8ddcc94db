import { BillingError, requirePermission, type PaymentService, type Permission } from '@billwright/core';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env.js';
import { callContext, tenantContext } from '../http/call-context.js';
import { decimalJsonObject } from '../http/decimal-json.js';
import { kbJson } from '../http/kb-json.js';
import { pageRequest, paginated } from '../http/pagination.js';
import { noContent } from '../http/responses.js';
import { required, transactionInput, type TransactionInput } from '../json/payment-request.js';
import { paymentReadOptions, renderPayments } from './payments-render.js';
import { controlPluginNames, ID, idParam, mergedProperties, optionalTransactionBody, paymentResponse, requiredQuery } from './payments-shared.js';

/**
 * `/1.0/kb/payments` (Kill Bill's PaymentResource): reads by id, external key, page and search; the
 * follow-on transactions of a payment (capture, refund, void, chargeback, chargeback reversal, completion
 * of a PENDING transaction), each by payment id or, without it, by the body's paymentExternalKey; and
 * the cancellation of a scheduled retry. The combo call lives in payments-combo.ts.
 */
export const payments = new Hono<AppEnv>();

const listOptions = (c: Context<AppEnv>) => ({ ...paymentReadOptions(c), pluginName: c.req.query('pluginName') || null });

/** The payment a follow-on transaction addresses: the path's id, else the body's paymentExternalKey. */
function target(paymentId: string | null, body: TransactionInput) {
  if (paymentId !== null) return { paymentId };
  if (body.paymentExternalKey !== null) return { paymentExternalKey: body.paymentExternalKey };
  throw new BillingError('INVALID_PARAMETER', 'Need to set either paymentId or payment externalKey', { field: 'paymentExternalKey' });
}

const pathId = (c: Context<AppEnv>) => (c.req.param('paymentId') === undefined ? null : idParam(c, 'paymentId'));

// ---- reads ----

payments.get('/', async (c) => {
  const externalKey = requiredQuery(c, 'externalKey', 'Payment externalKey needs to be specified');
  const payment = await c.get('engine').payments.getPaymentByExternalKey(tenantContext(c), externalKey, paymentReadOptions(c));
  const [json] = await renderPayments(c, [payment]);
  return kbJson(c, json);
});

payments.get('/pagination', async (c) => {
  const req = pageRequest(c);
  const page = await c.get('engine').payments.listPayments(tenantContext(c), req, listOptions(c));
  const items = await renderPayments(c, page.items);
  return paginated(c, { ...page, items }, req.limit, (json) => json);
});

payments.get('/search/:searchKey{.+}', async (c) => {
  const req = pageRequest(c);
  const page = await c.get('engine').payments.searchPayments(tenantContext(c), c.req.param('searchKey'), req, listOptions(c));
  const items = await renderPayments(c, page.items);
  return paginated(c, { ...page, items }, req.limit, (json) => json);
});

payments.get(`/:paymentId${ID}`, async (c) => {
  const payment = await c.get('engine').payments.getPayment(tenantContext(c), idParam(c, 'paymentId'), paymentReadOptions(c));
  const [json] = await renderPayments(c, [payment]);
  return kbJson(c, json);
});

// ---- follow-on transactions ----

/**
 * Each follow-on write with the permission Kill Bill's PaymentApi requires for it (its @RequiresPermissions:
 * trigger for capture/void/completion, refund, chargeback; none on the chargeback reversal).
 */
const FOLLOW_UPS = {
  CAPTURE: { call: (s: PaymentService) => s.capture.bind(s), permission: 'payment:trigger' },
  REFUND: { call: (s: PaymentService) => s.refund.bind(s), permission: 'payment:refund' },
  CHARGEBACK: { call: (s: PaymentService) => s.chargeback.bind(s), permission: 'payment:chargeback' },
} as const satisfies Record<string, { call: unknown; permission: Permission }>;

/** Capture, refund, chargeback: an amount is required; the currency defaults to the payment's. */
function amountTransaction(type: keyof typeof FOLLOW_UPS) {
  return async (c: Context<AppEnv>) => {
    const body = transactionInput(await decimalJsonObject(c));
    const amount = required(body.amount, 'PaymentTransactionJson amount needs to be set', 'amount');
    const ctx = callContext(c);
    requirePermission(ctx, FOLLOW_UPS[type].permission);
    const outcome = await FOLLOW_UPS[type].call(c.get('engine').payments)(ctx, {
      target: target(pathId(c), body),
      amount,
      currency: body.currency,
      effectiveDate: body.effectiveDate,
      transactionExternalKey: body.transactionExternalKey,
      properties: mergedProperties(c, body),
      controlPluginNames: controlPluginNames(c),
    });
    return paymentResponse(c, outcome);
  };
}

for (const [path, type] of [
  ['', 'CAPTURE'],
  ['/refunds', 'REFUND'],
  ['/chargebacks', 'CHARGEBACK'],
] as const) {
  payments.post(`/:paymentId${ID}${path}`, amountTransaction(type));
  if (path !== '') payments.post(path, amountTransaction(type));
}
// Capture by external key is POST on the collection itself.
payments.post('/', amountTransaction('CAPTURE'));

/** A chargeback reversal names the chargeback by its transactionExternalKey; Kill Bill answers from the CHARGEBACK it appends. */
async function chargebackReversal(c: Context<AppEnv>) {
  const body = transactionInput(await decimalJsonObject(c));
  const transactionExternalKey = required(body.transactionExternalKey, 'PaymentTransactionJson transactionExternalKey needs to be set', 'transactionExternalKey');
  const outcome = await c.get('engine').payments.chargebackReversal(callContext(c), {
    target: target(pathId(c), body),
    transactionExternalKey,
    effectiveDate: body.effectiveDate,
    controlPluginNames: controlPluginNames(c),
  });
  return paymentResponse(c, outcome);
}
payments.post(`/:paymentId${ID}/chargebackReversals`, chargebackReversal);
payments.post('/chargebackReversals', chargebackReversal);

/** Void answers 204 whatever the outcome, as Kill Bill's voidPayment (the body is optional). */
async function voidPayment(c: Context<AppEnv>) {
  const body = await optionalTransactionBody(c);
  const ctx = callContext(c);
  requirePermission(ctx, 'payment:trigger');
  await c.get('engine').payments.void(ctx, {
    target: target(pathId(c), body),
    effectiveDate: body.effectiveDate,
    transactionExternalKey: body.transactionExternalKey,
    properties: mergedProperties(c, body),
    controlPluginNames: controlPluginNames(c),
  });
  return noContent(c);
}
payments.delete(`/:paymentId${ID}`, voidPayment);
payments.delete('/', voidPayment);

/** Completes the payment's PENDING transaction (the one named by transactionId/Key/Type when given); 204. */
async function completeTransaction(c: Context<AppEnv>) {
  const body = await optionalTransactionBody(c);
  const ctx = callContext(c);
  requirePermission(ctx, 'payment:trigger');
  await c.get('engine').payments.completeTransaction(ctx, {
    target: target(pathId(c), body),
    transactionId: body.transactionId,
    transactionExternalKey: body.transactionExternalKey,
    transactionType: body.transactionType,
    amount: body.amount,
    currency: body.currency,
    properties: mergedProperties(c, body),
    controlPluginNames: controlPluginNames(c),
  });
  return noContent(c);
}
payments.put(`/:paymentId${ID}`, completeTransaction);
payments.put('/', completeTransaction);

// ---- scheduled retries ----

/** Kill Bill's cancelScheduledPaymentTransaction (by transaction id or external key): 204 whether or not a retry was scheduled. */
payments.delete(`/:paymentTransactionId${ID}/cancelScheduledPaymentTransaction`, async (c) => {
  const transactionId = idParam(c, 'paymentTransactionId');
  await c.get('engine').payments.cancelScheduledPaymentTransaction(callContext(c), { transactionId });
  return noContent(c);
});

payments.delete('/cancelScheduledPaymentTransaction', async (c) => {
  const transactionExternalKey = requiredQuery(c, 'transactionExternalKey', 'Payment transactionExternalKey needs to be specified');
  await c.get('engine').payments.cancelScheduledPaymentTransaction(callContext(c), { transactionExternalKey });
  return noContent(c);
});
