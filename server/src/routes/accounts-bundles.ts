import { Hono } from 'hono';
import type { AppEnv } from '../env.js';
import { tenantContext } from '../http/call-context.js';
import { kbJson } from '../http/kb-json.js';
import { accountJson } from '../json/account.js';
import { accountIdParam } from './accounts-shared.js';
import { renderBundles } from './subscriptions-render.js';

/** `/1.0/kb/accounts/{accountId}/bundles` and `/timeline` (Kill Bill's AccountResource). */
export const accountBundles = new Hono<AppEnv>();

accountBundles.get('/:accountId/bundles', async (c) => {
  const filter = c.req.query('bundlesFilter');
  const bundles = await c.get('engine').subscriptions.accountBundles(tenantContext(c), accountIdParam(c), {
    ...(c.req.query('externalKey') !== undefined ? { externalKey: c.req.query('externalKey')! } : {}),
    ...(filter ? { bundleIds: filter.split(',').map((id) => id.trim().toLowerCase()) } : {}),
  });
  return kbJson(c, await renderBundles(c, bundles));
});

/** AccountTimelineJson; invoices and payments join it when those domains exist. */
accountBundles.get('/:accountId/timeline', async (c) => {
  const ctx = tenantContext(c);
  const { accounts, subscriptions } = c.get('engine');
  const account = await accounts.getById(ctx, accountIdParam(c));
  const bundles = await subscriptions.accountBundles(ctx, account.id, {});
  return kbJson(c, { account: accountJson(account), bundles: await renderBundles(c, bundles), invoices: [], payments: [] });
});
