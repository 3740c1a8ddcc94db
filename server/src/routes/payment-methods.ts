import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env.js';
import { callContext, tenantContext } from '../http/call-context.js';
import { kbJson } from '../http/kb-json.js';
import { pageRequest, paginated } from '../http/pagination.js';
import { queryBoolean } from '../http/query.js';
import { noContent } from '../http/responses.js';
import { renderPaymentMethods } from './payments-render.js';
import { ID, idParam, queryPluginProperties, requiredQuery } from './payments-shared.js';

/**
 * `/1.0/kb/paymentMethods` (Kill Bill's PaymentMethodResource): one method by id or external key, the
 * tenant's methods page by page or searched, and deletion (the account's default only when forced, or
 * with AUTO_PAY_OFF set on the account).
 */
export const paymentMethods = new Hono<AppEnv>();

const readOptions = (c: Context<AppEnv>) => ({
  includedDeleted: queryBoolean(c, 'includedDeleted', false),
  withPluginInfo: queryBoolean(c, 'withPluginInfo', false),
  properties: queryPluginProperties(c),
});

const listOptions = (c: Context<AppEnv>) => ({ ...readOptions(c), includedDeleted: false, pluginName: c.req.query('pluginName') || null });

paymentMethods.get('/', async (c) => {
  const externalKey = requiredQuery(c, 'externalKey', 'Payment method externalKey needs to be specified');
  const method = await c.get('engine').payments.getPaymentMethodByKey(tenantContext(c), externalKey, readOptions(c));
  const [json] = await renderPaymentMethods(c, [method]);
  return kbJson(c, json);
});

paymentMethods.get('/pagination', async (c) => {
  const req = pageRequest(c);
  const page = await c.get('engine').payments.listPaymentMethods(tenantContext(c), req, listOptions(c));
  const items = await renderPaymentMethods(c, page.items);
  return paginated(c, { ...page, items }, req.limit, (json) => json);
});

paymentMethods.get('/search/:searchKey{.+}', async (c) => {
  const req = pageRequest(c);
  const page = await c.get('engine').payments.searchPaymentMethods(tenantContext(c), c.req.param('searchKey'), req, readOptions(c));
  const items = await renderPaymentMethods(c, page.items);
  return paginated(c, { ...page, items }, req.limit, (json) => json);
});

paymentMethods.get(`/:paymentMethodId${ID}`, async (c) => {
  const method = await c.get('engine').payments.getPaymentMethod(tenantContext(c), idParam(c, 'paymentMethodId'), readOptions(c));
  const [json] = await renderPaymentMethods(c, [method]);
  return kbJson(c, json);
});

paymentMethods.delete(`/:paymentMethodId${ID}`, async (c) => {
  await c.get('engine').payments.deletePaymentMethod(callContext(c), idParam(c, 'paymentMethodId'), {
    deleteDefaultPmWithAutoPayOff: queryBoolean(c, 'deleteDefaultPmWithAutoPayOff', false),
    forceDefaultPmDeletion: queryBoolean(c, 'forceDefaultPmDeletion', false),
    properties: queryPluginProperties(c),
  });
  return noContent(c);
});
