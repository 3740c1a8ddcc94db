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
 * buildFormDescriptor answers a POST form to the tenant's `formUrl` (config, default
 * https://test-payment.invalid/hpp) with the custom fields plus a one-time `token` and the account id,
 * and the properties it got.
 */
import { randomUUID } from 'node:crypto';

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
