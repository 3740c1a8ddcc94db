import { BillingError, parseId } from '@billwright/core';
import { Hono } from 'hono';
import type { AppEnv } from '../env.js';
import { tenantContext } from '../http/call-context.js';
import { kbJson } from '../http/kb-json.js';
import { pageRequest, paginated } from '../http/pagination.js';
import { queryBoolean } from '../http/query.js';
import { renderBundles } from './subscriptions-render.js';

/** `/1.0/kb/bundles` (Kill Bill's BundleResource): reads. Pause, resume, block, transfer and rename come with their own issue. */
export const bundles = new Hono<AppEnv>();

bundles.get('/', async (c) => {
  const externalKey = c.req.query('externalKey');
  if (externalKey === undefined) throw new BillingError('INVALID_PARAMETER', 'Query parameter externalKey is required');
  const found = await c.get('engine').subscriptions.getBundlesByKey(tenantContext(c), externalKey, queryBoolean(c, 'includedDeleted', false));
  return kbJson(c, await renderBundles(c, found));
});

bundles.get('/pagination', async (c) => {
  const req = pageRequest(c);
  const page = await c.get('engine').subscriptions.listBundles(tenantContext(c), req);
  return paginated(c, { ...page, items: await renderBundles(c, page.items) }, req.limit, (json) => json);
});

bundles.get('/search/:searchKey{.+}', async (c) => {
  const req = pageRequest(c);
  const page = await c.get('engine').subscriptions.searchBundles(tenantContext(c), c.req.param('searchKey'), req);
  return paginated(c, { ...page, items: await renderBundles(c, page.items) }, req.limit, (json) => json);
});

bundles.get('/:bundleId', async (c) => {
  const id = parseId<'Bundle'>(c.req.param('bundleId'), 'bundleId');
  const [json] = await renderBundles(c, [await c.get('engine').subscriptions.getBundle(tenantContext(c), id)]);
  return kbJson(c, json);
});
