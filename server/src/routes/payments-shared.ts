import { BillingError, parseId, type TransactionOutcome, type TransactionStatus } from '@billwright/core';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from '../env.js';
import { optionalDecimalJsonObject } from '../http/decimal-json.js';
import { kbJson } from '../http/kb-json.js';
import { created } from '../http/responses.js';
import { paymentJson } from '../json/payment-json.js';
import { EMPTY_TRANSACTION, transactionInput, type PluginPropertyInput, type TransactionInput } from '../json/payment-request.js';

export const PAYMENTS = '/1.0/kb/payments';
export const PAYMENT_METHODS = '/1.0/kb/paymentMethods';

/**
 * Kill Bill matches ids with `\w+-\w+-\w+-\w+-\w+`, so fixed words (pagination, search, refunds, combo...)
 * never read as ids; an id-shaped value that is not a UUID is a 400 from parseId.
 */
export const ID = '{[^/]*-[^/]*}';

export function idParam(c: Context<AppEnv>, name: string): string {
  return parseId(c.req.param(name) ?? '', name) as string;
}

export function optionalQueryId(c: Context<AppEnv>, name: string): string | null {
  const v = c.req.query(name);
  if (v === undefined || v === '') return null;
  return parseId(v, name) as string;
}

export function requiredQuery(c: Context<AppEnv>, name: string, message: string): string {
  const v = c.req.query(name);
  if (v === undefined || v === '') throw new BillingError('INVALID_PARAMETER', message, { parameter: name });
  return v;
}

/**
 * `?pluginProperty=key=value` (repeatable), as Kill Bill's extractPluginProperties: split on the first
 * `=`, entries without a value skipped.
 */
export function queryPluginProperties(c: Context<AppEnv>): PluginPropertyInput[] {
  const out: PluginPropertyInput[] = [];
  for (const raw of c.req.queries('pluginProperty') ?? []) {
    const at = raw.indexOf('=');
    if (at <= 0 || at === raw.length - 1) continue;
    out.push({ key: raw.slice(0, at), value: raw.slice(at + 1), isUpdatable: false });
  }
  return out;
}

/** `?controlPluginName=` (repeatable): the payment control plugins to run around the call. */
export function controlPluginNames(c: Context<AppEnv>): string[] {
  return (c.req.queries('controlPluginName') ?? []).map((v) => v.trim()).filter((v) => v !== '');
}

/** A PaymentTransactionJson body; Kill Bill's void and complete accept none at all. */
export async function optionalTransactionBody(c: Context<AppEnv>): Promise<TransactionInput> {
  const body = await optionalDecimalJsonObject(c);
  return body === null ? EMPTY_TRANSACTION : transactionInput(body);
}

/** Query properties first, then the body's, as Kill Bill concatenates them. */
export function mergedProperties(c: Context<AppEnv>, body: TransactionInput): PluginPropertyInput[] {
  return [...queryPluginProperties(c), ...body.properties];
}

/** HTTP status of a transaction result (Kill Bill's JaxRsResourceBase.createPaymentResponse). */
const STATUS_OF_RESULT: Readonly<Record<TransactionStatus, ContentfulStatusCode>> = {
  SUCCESS: 201,
  PENDING: 201,
  PAYMENT_FAILURE: 402,
  PLUGIN_FAILURE: 502,
  UNKNOWN: 503,
  PAYMENT_SYSTEM_OFF: 503,
};

/**
 * The answer to a payment write, from the status of the transaction it created or completed: 201 for
 * SUCCESS/PENDING, 402 for a decline, 502 for a plugin failure, 503 for an unknown outcome. Always with
 * the Location of the payment (Kill Bill sets it on failures too) and the payment JSON as the body
 * (killbill-semantics.md §13: a decline answers 402 with the payment), rendered as the GET the official
 * client then makes (no plugin info, no attempts).
 */
export function paymentResponse(c: Context<AppEnv>, outcome: TransactionOutcome): Response {
  const { payment, transaction } = outcome;
  const status = STATUS_OF_RESULT[transaction.status];
  if (status === 201) return created(c, `${PAYMENTS}/${payment.id}`, paymentJson(payment));
  c.header('Location', `${new URL(c.req.url).origin}${PAYMENTS}/${payment.id}`);
  return kbJson(c, paymentJson(payment), status);
}
