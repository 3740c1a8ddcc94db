import { BillingError, type Account, type GatewayNotification, type HostedPaymentPageFormDescriptor, type PaymentPluginProperty } from '@billwright/core';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env.js';
import { callContext } from '../http/call-context.js';
import { isDecimalObject, optionalDecimalJsonObject, type DecimalObject } from '../http/decimal-json.js';
import { kbJson } from '../http/kb-json.js';
import { paymentMethodInput, pluginPropertiesField, required } from '../json/payment-request.js';
import { getOrCreateAccount } from './payments-combo.js';
import { ID, controlPluginNames, idParam, optionalQueryId, queryPluginProperties } from './payments-shared.js';

/**
 * `/1.0/kb/paymentGateways` (Kill Bill's PaymentGatewayResource), through engine.paymentGateways:
 *  - `POST /notification/{pluginName}`: the raw body (the raw query string when the body is empty, as Kill
 *    Bill) and the request headers go to the plugin; its GatewayNotification IS the answer (status, body,
 *    headers), for the gateway that posted.
 *  - `POST /hosted/form/{accountId}[?paymentMethodId=]`: the hosted payment page descriptor built by the
 *    plugin of that method (default: the account's default method), 200 with HostedPaymentPageFormDescriptorJson.
 *  - `POST /hosted/form`: the combo form (account and payment method found or created first, as the
 *    combo payment call does).
 * No permission is required (Kill Bill's resource has no @RequiresPermissions); X-Killbill-CreatedBy is.
 */
export const paymentGateways = new Hono<AppEnv>();

/** Never handed to a plugin: the caller's credentials. */
const SECRET_HEADERS = new Set(['authorization', 'x-killbill-apisecret', 'cookie']);

function notificationHeaders(c: Context<AppEnv>): Record<string, string> {
  const headers: Record<string, string> = {};
  c.req.raw.headers.forEach((value, name) => {
    if (!SECRET_HEADERS.has(name)) headers[name] = value;
  });
  return headers;
}

/** GatewayNotificationJson.toResponse: the plugin's status, entity and headers; JSON unless it says otherwise. */
function notificationResponse(n: GatewayNotification): Response {
  const headers = new Headers();
  for (const [name, values] of Object.entries(n.headers)) for (const v of values) headers.append(name, v);
  if (n.entity !== null && !headers.has('content-type')) headers.set('content-type', 'application/json');
  const bodyless = n.status === 204 || n.status === 304 || (n.status >= 100 && n.status < 200);
  return new Response(bodyless ? null : n.entity, { status: n.status, headers });
}

/** Kill Bill's propertiesToMap: the properties as one object, null values left out. */
function propertiesMap(properties: readonly PaymentPluginProperty[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of properties) if (p.value !== null) out[p.key] = p.value;
  return out;
}

export function formDescriptorJson(d: HostedPaymentPageFormDescriptor) {
  return { kbAccountId: d.kbAccountId, formMethod: d.formMethod, formUrl: d.formUrl, formFields: propertiesMap(d.formFields), properties: propertiesMap(d.properties), auditLogs: [] };
}

function objectField(body: DecimalObject, field: string): DecimalObject | null {
  const v = body[field];
  if (v === undefined || v === null) return null;
  if (!isDecimalObject(v)) throw new BillingError('INVALID_PARAMETER', `Field ${field} must be an object`, { field });
  return v;
}

/** HostedPaymentPageFieldsJson.formFields (no body: no fields). */
const formFields = (json: DecimalObject | null): PaymentPluginProperty[] => (json === null ? [] : pluginPropertiesField(json, 'formFields'));

paymentGateways.post('/notification/:pluginName{.+}', async (c) => {
  const ctx = callContext(c);
  const body = await c.req.text();
  const notification = body === '' ? new URL(c.req.url).search.replace(/^\?/, '') : body;
  const answer = await c.get('engine').paymentGateways.processNotification(ctx, {
    pluginName: c.req.param('pluginName'),
    notification,
    headers: notificationHeaders(c),
    properties: queryPluginProperties(c),
    controlPluginNames: controlPluginNames(c),
  });
  return notificationResponse(answer);
});

paymentGateways.post(`/hosted/form/:accountId${ID}`, async (c) => {
  const ctx = callContext(c);
  const json = await optionalDecimalJsonObject(c);
  const descriptor = await c.get('engine').paymentGateways.buildFormDescriptor(ctx, {
    accountId: idParam(c, 'accountId'),
    paymentMethodId: optionalQueryId(c, 'paymentMethodId'),
    customFields: formFields(json),
    properties: queryPluginProperties(c),
    controlPluginNames: controlPluginNames(c),
  });
  return kbJson(c, formDescriptorJson(descriptor));
});

/** ComboPaymentResource.getOrCreatePaymentMethod: none named → the account's default; else found among the account's, or added. */
async function comboPaymentMethod(c: Context<AppEnv>, account: Account, json: DecimalObject | null, properties: readonly PaymentPluginProperty[]): Promise<string | null> {
  if (json === null) return null;
  const input = paymentMethodInput(json);
  if (input.pluginName === null) return null;
  const payments = c.get('engine').payments;
  const existing = await payments.listAccountPaymentMethods(callContext(c), account.id);
  if (input.paymentMethodId !== null) {
    if (existing.some((m) => m.id === input.paymentMethodId)) return input.paymentMethodId;
    throw new BillingError('PAYMENT_NO_SUCH_PAYMENT_METHOD', `No such payment method id ${input.paymentMethodId}`, { paymentMethodId: input.paymentMethodId });
  }
  const byKey = input.externalKey === null ? undefined : existing.find((m) => m.externalKey === input.externalKey);
  if (byKey) return byKey.id;
  const added = await payments.addPaymentMethod(callContext(c), {
    accountId: account.id,
    pluginName: input.pluginName,
    externalKey: input.externalKey,
    // Only the account's first method becomes its default, as Kill Bill.
    isDefault: existing.length === 0,
    pluginInfo: { externalPaymentMethodId: input.externalPaymentMethodId, isDefaultPaymentMethod: false, properties: input.properties },
    properties,
  });
  return added.id;
}

paymentGateways.post('/hosted/form', async (c) => {
  const ctx = callContext(c);
  const body = required(await optionalDecimalJsonObject(c), 'ComboHostedPaymentPageJson body should be specified', 'body');
  const account = await getOrCreateAccount(c, required(objectField(body, 'account'), 'ComboHostedPaymentPageJson account needs to be set', 'account'));
  const paymentMethodId = await comboPaymentMethod(c, account, objectField(body, 'paymentMethod'), pluginPropertiesField(body, 'paymentMethodPluginProperties'));
  const descriptor = await c.get('engine').paymentGateways.buildFormDescriptor(ctx, {
    accountId: account.id,
    paymentMethodId,
    customFields: formFields(objectField(body, 'hostedPaymentPageFields')),
    properties: queryPluginProperties(c),
    controlPluginNames: controlPluginNames(c),
  });
  return kbJson(c, formDescriptorJson(descriptor));
});
