import { BillingError, type InvoicePayment, type InvoicePaymentOutcome, type RefundAdjustment } from '@billwright/core';
import { Decimal } from 'decimal.js';
import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from '../env.js';
import { callContext, tenantContext } from '../http/call-context.js';
import { decimalField, decimalJsonObject, isDecimalObject, optionalDecimalJsonObject, stringField, type DecimalObject } from '../http/decimal-json.js';
import { kbJson } from '../http/kb-json.js';
import { auditLevel, queryBoolean } from '../http/query.js';
import { created, noContent } from '../http/responses.js';
import { paymentJson, paymentObjectIds } from '../json/payment-json.js';
import { required, transactionInput } from '../json/payment-request.js';
import { accountIdParam } from './accounts-shared.js';
import { queryLocalDate, renderInvoices } from './invoices-shared.js';
import { paymentReadOptions } from './payments-render.js';
import { controlPluginNames, ID, idParam, optionalQueryId, queryPluginProperties } from './payments-shared.js';

/**
 * Payments of invoices (Kill Bill's InvoicePaymentResource, InvoiceResource.createInstantPayment /
 * getPaymentsForInvoice, AccountResource.payAllInvoices / getInvoicePayments), all through
 * `engine.invoicePayments`. Mounted at /1.0/kb with full paths, before the invoice resource.
 * InvoicePaymentJson is PaymentJson with `targetInvoiceId` first. A write answers from the status of the
 * transaction it made (201 + Location of the invoice payment; 402 / 502 / 503 with the JSON, as the
 * payment routes do).
 */
export const invoicePaymentRoutes = new Hono<AppEnv>();

export const INVOICE_PAYMENTS = '/1.0/kb/invoicePayments';

const STATUS_OF_RESULT: Readonly<Record<string, ContentfulStatusCode>> = {
  SUCCESS: 201, PENDING: 201, PAYMENT_FAILURE: 402, PLUGIN_FAILURE: 502, UNKNOWN: 503, PAYMENT_SYSTEM_OFF: 503,
};

function invoicePaymentJson(p: InvoicePayment, options: Parameters<typeof paymentJson>[1] = {}) {
  return { targetInvoiceId: p.targetInvoiceId, ...paymentJson(p, options) };
}

async function render(c: Context<AppEnv>, payments: readonly InvoicePayment[]) {
  const level = auditLevel(c);
  const { withPluginInfo, withAttempts } = paymentReadOptions(c);
  const auditLogs = level === 'NONE' ? new Map() : await c.get('engine').audit.forObjects(tenantContext(c), payments.flatMap(paymentObjectIds), level);
  return payments.map((p) => invoicePaymentJson(p, { auditLogs, withPluginInfo, withAttempts }));
}

function respond(c: Context<AppEnv>, outcome: InvoicePaymentOutcome): Response {
  const status = STATUS_OF_RESULT[outcome.transaction.status] ?? 503;
  const location = `${INVOICE_PAYMENTS}/${outcome.payment.id}`;
  if (status === 201) return created(c, location, invoicePaymentJson(outcome.payment));
  c.header('Location', `${new URL(c.req.url).origin}${location}`);
  return kbJson(c, invoicePaymentJson(outcome.payment), status);
}

function queryDecimal(c: Context<AppEnv>, name: string): Decimal | null {
  const raw = c.req.query(name);
  if (raw === undefined || raw === '') return null;
  if (!/^-?\d+(\.\d+)?$/.test(raw.trim())) throw new BillingError('INVALID_PARAMETER', `Invalid ${name}: ${raw}`, { parameter: name });
  return new Decimal(raw.trim());
}

/** InvoicePaymentTransactionJson `adjustments`: [{invoiceItemId, amount}] (InvoiceItemJson, the two fields read). */
function adjustmentsOf(body: DecimalObject): RefundAdjustment[] {
  const raw = body['adjustments'];
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new BillingError('INVALID_PARAMETER', 'InvoicePaymentTransactionJson adjustments should be a list', { field: 'adjustments' });
  return raw.map((entry, i) => {
    if (!isDecimalObject(entry)) throw new BillingError('INVALID_PARAMETER', `adjustments[${i}] should be an InvoiceItemJson`, { field: 'adjustments' });
    const invoiceItemId = stringField(entry, 'invoiceItemId');
    if (!invoiceItemId) throw new BillingError('INVALID_PARAMETER', `adjustments[${i}].invoiceItemId needs to be set`, { field: 'invoiceItemId' });
    return { invoiceItemId, amount: decimalField(entry, 'amount') ?? null };
  });
}

// ---- reads ----

invoicePaymentRoutes.get(`/invoices/:invoiceId${ID}/payments`, async (c) => {
  const list = await c.get('engine').invoicePayments.invoicePayments(tenantContext(c), idParam(c, 'invoiceId'), paymentReadOptions(c));
  return kbJson(c, await render(c, list));
});

invoicePaymentRoutes.get(`/accounts/:accountId${ID}/invoicePayments`, async (c) => {
  const list = await c.get('engine').invoicePayments.accountInvoicePayments(tenantContext(c), accountIdParam(c), paymentReadOptions(c));
  return kbJson(c, await render(c, list));
});

invoicePaymentRoutes.get(`/invoicePayments/:paymentId${ID}`, async (c) => {
  const payment = await c.get('engine').invoicePayments.getInvoicePayment(tenantContext(c), idParam(c, 'paymentId'), paymentReadOptions(c));
  return kbJson(c, (await render(c, [payment]))[0]);
});

// ---- payments ----

/** createInstantPayment: body InvoicePaymentJson (accountId, purchasedAmount, paymentMethodId, paymentExternalKey); 204 when nothing is owed. */
invoicePaymentRoutes.post(`/invoices/:invoiceId${ID}/payments`, async (c) => {
  const body = (await optionalDecimalJsonObject(c)) ?? {};
  const outcome = await c.get('engine').invoicePayments.payInvoice(callContext(c), idParam(c, 'invoiceId'), {
    accountId: stringField(body, 'accountId') ?? null,
    paymentMethodId: stringField(body, 'paymentMethodId') ?? null,
    paymentExternalKey: stringField(body, 'paymentExternalKey') ?? null,
    amount: decimalField(body, 'purchasedAmount') ?? null,
    externalPayment: queryBoolean(c, 'externalPayment', false),
    properties: queryPluginProperties(c),
    controlPluginNames: controlPluginNames(c),
  });
  return outcome ? respond(c, outcome) : noContent(c);
});

/** payAllInvoices: 201 with the invoices paid (as they now read), 204 when nothing was owed. */
invoicePaymentRoutes.post(`/accounts/:accountId${ID}/invoicePayments`, async (c) => {
  const engine = c.get('engine');
  const ctx = callContext(c);
  const invoices = await engine.invoicePayments.payAllInvoices(ctx, accountIdParam(c), {
    paymentMethodId: optionalQueryId(c, 'paymentMethodId'),
    externalPayment: queryBoolean(c, 'externalPayment', false),
    amount: queryDecimal(c, 'paymentAmount'),
    targetDate: queryLocalDate(c, 'targetDate'),
    properties: queryPluginProperties(c),
  });
  if (invoices.length === 0) return noContent(c);
  return kbJson(c, await renderInvoices(c, engine, ctx, invoices, 'NONE'), 201);
});

// ---- refunds and chargebacks ----

invoicePaymentRoutes.post(`/invoicePayments/:paymentId${ID}/refunds`, async (c) => {
  const body = await decimalJsonObject(c);
  const tx = transactionInput(body);
  const isAdjusted = body['isAdjusted'] === true;
  const outcome = await c.get('engine').invoicePayments.refund(callContext(c), idParam(c, 'paymentId'), {
    amount: tx.amount, currency: tx.currency, isAdjusted, adjustments: isAdjusted ? adjustmentsOf(body) : [], transactionExternalKey: tx.transactionExternalKey,
    effectiveDate: tx.effectiveDate, properties: [...queryPluginProperties(c), ...tx.properties],
  });
  return respond(c, outcome);
});

invoicePaymentRoutes.post(`/invoicePayments/:paymentId${ID}/chargebacks`, async (c) => {
  const tx = transactionInput(await decimalJsonObject(c));
  const amount = required(tx.amount, 'InvoicePaymentTransactionJson amount needs to be set', 'amount');
  const outcome = await c.get('engine').invoicePayments.chargeback(callContext(c), idParam(c, 'paymentId'), {
    amount, currency: tx.currency, transactionExternalKey: tx.transactionExternalKey, effectiveDate: tx.effectiveDate,
  });
  return respond(c, outcome);
});

invoicePaymentRoutes.post(`/invoicePayments/:paymentId${ID}/chargebackReversals`, async (c) => {
  const tx = transactionInput(await decimalJsonObject(c));
  const key = required(tx.transactionExternalKey, 'InvoicePaymentTransactionJson transactionExternalKey needs to be set', 'transactionExternalKey');
  const outcome = await c.get('engine').invoicePayments.chargebackReversal(callContext(c), idParam(c, 'paymentId'), { transactionExternalKey: key, effectiveDate: tx.effectiveDate });
  return respond(c, outcome);
});
