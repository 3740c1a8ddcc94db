import type { AccountId } from '@billwright/core';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env.js';
import { callContext, tenantContext } from '../http/call-context.js';
import { decimalJsonObject } from '../http/decimal-json.js';
import { kbJson } from '../http/kb-json.js';
import { queryBoolean } from '../http/query.js';
import { created, noContent } from '../http/responses.js';
import { paymentMethodInput, required, transactionInput } from '../json/payment-request.js';
import { accountIdParam } from './accounts-shared.js';
import { paymentReadOptions, renderPaymentMethods, renderPayments, startPayment } from './payments-render.js';
import { controlPluginNames, ID, idParam, optionalQueryId, PAYMENT_METHODS, queryPluginProperties, requiredQuery } from './payments-shared.js';

/**
 * The payment paths of Kill Bill's AccountResource: the account's payment methods (add, list, refresh,
 * set default) and its payments (list; POST starts an AUTHORIZE, PURCHASE or CREDIT), also by account
 * external key. Mounted at /1.0/kb/accounts beside the accounts sub-app (fully specific paths).
 */
export const accountPayments = new Hono<AppEnv>();

const engineOf = (c: Context<AppEnv>) => c.get('engine');

/**
 * payAllUnpaidInvoices (add / set default): Kill Bill then pays each unpaid invoice's balance with the
 * (new) default method, oldest first (the invoice payment API's payAllInvoices without an amount).
 */
async function sweepInvoices(c: Context<AppEnv>, accountId: AccountId, paymentMethodId: string, isDefault: boolean): Promise<void> {
  if (!isDefault || !queryBoolean(c, 'payAllUnpaidInvoices', false)) return;
  await engineOf(c).invoicePayments.payAllInvoices(callContext(c), accountId, { paymentMethodId, properties: queryPluginProperties(c) });
}

// ---- payment methods ----

accountPayments.post(`/:accountId${ID}/paymentMethods`, async (c) => {
  const accountId = accountIdParam(c);
  const input = paymentMethodInput(await decimalJsonObject(c));
  const pluginName = required(input.pluginName, 'PaymentMethodJson pluginName should be specified', 'pluginName');
  const method = await engineOf(c).payments.addPaymentMethod(callContext(c), {
    accountId,
    pluginName,
    externalKey: input.externalKey,
    isDefault: queryBoolean(c, 'isDefault', false),
    pluginInfo: { externalPaymentMethodId: input.externalPaymentMethodId, isDefaultPaymentMethod: false, properties: input.properties },
    properties: queryPluginProperties(c),
  });
  await sweepInvoices(c, accountId, method.id, method.isDefault);
  const [json] = await renderPaymentMethods(c, [method], 'NONE');
  return created(c, `${PAYMENT_METHODS}/${method.id}`, json);
});

accountPayments.get(`/:accountId${ID}/paymentMethods`, async (c) => {
  const accountId = accountIdParam(c);
  const methods = await engineOf(c).payments.listAccountPaymentMethods(tenantContext(c), accountId, {
    includedDeleted: queryBoolean(c, 'includedDeleted', false),
    withPluginInfo: queryBoolean(c, 'withPluginInfo', false),
    properties: queryPluginProperties(c),
  });
  return kbJson(c, await renderPaymentMethods(c, methods));
});

accountPayments.put(`/:accountId${ID}/paymentMethods/refresh`, async (c) => {
  const accountId = accountIdParam(c);
  const pluginName = c.req.query('pluginName');
  await engineOf(c).payments.refreshPaymentMethods(callContext(c), accountId, pluginName ? pluginName : null, queryPluginProperties(c));
  return noContent(c);
});

accountPayments.put(`/:accountId${ID}/paymentMethods/:paymentMethodId${ID}/setDefault`, async (c) => {
  const accountId = accountIdParam(c);
  const paymentMethodId = idParam(c, 'paymentMethodId');
  await engineOf(c).payments.setDefaultPaymentMethod(callContext(c), accountId, paymentMethodId, queryPluginProperties(c));
  await sweepInvoices(c, accountId, paymentMethodId, true);
  return noContent(c);
});

// ---- payments ----

accountPayments.get(`/:accountId${ID}/payments`, async (c) => {
  const accountId = accountIdParam(c);
  const payments = await engineOf(c).payments.listAccountPayments(tenantContext(c), accountId, paymentReadOptions(c));
  return kbJson(c, await renderPayments(c, payments));
});

accountPayments.post(`/:accountId${ID}/payments`, async (c) => {
  const accountId = accountIdParam(c);
  const body = transactionInput(await decimalJsonObject(c));
  return startPayment(c, accountId, body, optionalQueryId(c, 'paymentMethodId'));
});

accountPayments.post('/payments', async (c) => {
  const externalKey = requiredQuery(c, 'externalKey', 'Account externalKey needs to be specified');
  const body = transactionInput(await decimalJsonObject(c));
  const account = await engineOf(c).accounts.getByExternalKey(tenantContext(c), externalKey);
  return startPayment(c, account.id, body, optionalQueryId(c, 'paymentMethodId'));
});
