// @ts-check
/**
 * The test gateway's PaymentGatewayApi side: webhooks and hosted payment pages.
 *
 * processNotification echoes what reached it, so a test sees the body, the headers (the signature a real
 * plugin would check) and the properties the host handed over, and keeps the last one in storage
 * (`notification:last`) with a running count. The body may steer the answer: a JSON body with
 * `"respondWith": { status, body, headers }` is answered exactly so (a gateway that wants a 202 or a
 * plain-text "[accepted]"), and a `kbPaymentId` field is reported back as the notification's payment.
 *
 * A settle webhook, `{"kbPaymentId", "kbTransactionId", "settle": "processed" | "error"}`, is a gateway
 * reporting that a PENDING transaction went through (or was declined): the ledger takes the new status and
 * the host is told with ctx.killbill.notifyPendingTransaction (permission `payments:notify`), as a real
 * gateway plugin settles from its webhook. Answered 200 with `settled` (the host's answer); a transaction
 * the host no longer has PENDING is 200 too (the webhook came twice, or the janitor was first), any other
 * refusal 422 with its code, so a gateway would retry.
 *
 * buildFormDescriptor answers a POST form to the tenant's `formUrl` (config, default
 * https://test-payment.invalid/hpp) with the custom fields plus a one-time `token` and the account id,
 * and the properties it got.
 */
import { randomUUID } from 'node:crypto';
import { settleRecorded } from './ledger.js';
import { settings } from './settings.js';

/** @typedef {import('@billwright/plugin-api').PluginContext} PluginContext */
/** @typedef {import('@billwright/plugin-api').PluginProperty} PluginProperty */
/** @typedef {import('@billwright/plugin-api').NotificationResult} NotificationResult */
/** @typedef {import('@billwright/plugin-api').HostedPaymentPageFormDescriptorDto} HostedPaymentPageFormDescriptorDto */

/** Where a real gateway puts its webhook signature. */
export const SIGNATURE_HEADER = 'x-test-payment-signature';
export const DEFAULT_FORM_URL = 'https://test-payment.invalid/hpp';

/**
 * @param {string} text
 * @returns {Record<string, unknown> | null}
 */
function jsonObject(text) {
  try {
    const v = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

/**
 * @param {{ readonly notification: string, readonly headers: Readonly<Record<string, string>>, readonly properties: readonly PluginProperty[] }} input
 * @param {PluginContext} ctx
 * @returns {Promise<NotificationResult>}
 */
export async function processNotification({ notification, headers, properties }, ctx) {
  const count = Number((await ctx.killbill.getPluginValue('notification:count')) ?? '0') + 1;
  const received = { notification, signature: headers[SIGNATURE_HEADER] ?? null, headers, properties, count };
  await ctx.killbill.putPluginValue('notification:count', String(count));
  await ctx.killbill.putPluginValue('notification:last', JSON.stringify(received));

  const parsed = jsonObject(notification);
  const kbPaymentId = typeof parsed?.['kbPaymentId'] === 'string' ? parsed['kbPaymentId'] : null;
  const settle = parsed?.['settle'];
  const kbTransactionId = parsed?.['kbTransactionId'];
  if ((settle === 'processed' || settle === 'error') && kbPaymentId !== null && typeof kbTransactionId === 'string') {
    return settleFromWebhook(ctx, received, kbPaymentId, kbTransactionId, settle === 'processed');
  }
  const steer = parsed?.['respondWith'];
  if (typeof steer === 'object' && steer !== null) {
    const r = /** @type {{ status?: number, body?: string | null, headers?: Record<string, string | string[]> }} */ (steer);
    return { status: r.status ?? 200, body: r.body ?? null, headers: r.headers ?? {}, kbPaymentId };
  }
  return {
    status: 200,
    body: JSON.stringify(received),
    headers: { 'X-Test-Payment-Notification': String(count) },
    kbPaymentId,
    properties: [{ key: 'test.signature', value: received.signature }],
  };
}

/**
 * @param {PluginContext} ctx
 * @param {Record<string, unknown>} received
 * @param {string} kbPaymentId
 * @param {string} kbTransactionId
 * @param {boolean} isSuccess
 * @returns {Promise<NotificationResult>}
 */
async function settleFromWebhook(ctx, received, kbPaymentId, kbTransactionId, isSuccess) {
  const s = settings(ctx, []);
  await settleRecorded(ctx, kbPaymentId, kbTransactionId, isSuccess ? { status: 'PROCESSED', gatewayErrorCode: null, gatewayError: null } : { status: 'ERROR', gatewayErrorCode: s.declineCode, gatewayError: s.declineMessage });
  try {
    const settled = await ctx.killbill.notifyPendingTransaction(kbTransactionId, isSuccess);
    return { status: 200, body: JSON.stringify({ ...received, settled }), headers: {}, kbPaymentId };
  } catch (err) {
    // A HostCallError (by name: the package has no runtime dependency on plugin-api) carries the host's code.
    const code = err instanceof Error && err.name === 'HostCallError' && 'code' in err ? String(err.code) : null;
    if (code === null) throw err;
    const status = code === 'PAYMENT_NO_SUCH_SUCCESS_PAYMENT' ? 200 : 422;
    return { status, body: JSON.stringify({ ...received, settled: null, refused: code }), headers: {}, kbPaymentId };
  }
}

/**
 * @param {{ readonly kbAccountId: string, readonly customFields: readonly PluginProperty[], readonly properties: readonly PluginProperty[] }} input
 * @param {PluginContext} ctx
 * @returns {HostedPaymentPageFormDescriptorDto}
 */
export function buildFormDescriptor({ kbAccountId, customFields, properties }, ctx) {
  const formUrl = ctx.config.properties()['formUrl'] ?? DEFAULT_FORM_URL;
  return {
    kbAccountId,
    formMethod: 'POST',
    formUrl,
    formFields: [...customFields, { key: 'token', value: `tp_hpp_${randomUUID()}` }, { key: 'accountId', value: kbAccountId }],
    properties,
  };
}
