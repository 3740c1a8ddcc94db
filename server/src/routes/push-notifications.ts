import { BillingError } from '@billwright/core';
import { Hono } from 'hono';
import type { AppEnv } from '../env.js';
import { callContext, tenantContext } from '../http/call-context.js';
import { created, noContent } from '../http/responses.js';
import { tenantKeyValueJson } from '../json/tenant.js';
import { requireTenant } from '../middleware/tenant.js';

const PATH = '/registerNotificationCallback';

/**
 * The signing secret is shown once, in this header of the 201: the body stays Kill Bill's TenantKeyValue,
 * and the official clients keep the 201's headers when they follow its Location.
 */
export const SIGNING_SECRET_HEADER = 'X-Billwright-Signing-Secret';

/** `/1.0/kb/tenants/registerNotificationCallback` (TenantResource push notification callbacks). Mounted before `tenants` and its `/:tenantId`. */
export const pushNotifications = new Hono<AppEnv>();

pushNotifications.post(PATH, requireTenant, async (c) => {
  const cb = c.req.query('cb');
  if (cb === undefined || cb === '') throw new BillingError('INVALID_PARAMETER', 'Query parameter cb (the callback URL) is required', { field: 'cb' });
  const { callbacks, signingSecret } = await c.get('engine').push.register(callContext(c), cb);
  c.header(SIGNING_SECRET_HEADER, signingSecret);
  c.header('Cache-Control', 'no-store');
  return created(c, `/1.0/kb/tenants${PATH}`, tenantKeyValueJson(callbacks));
});

pushNotifications.get(PATH, requireTenant, async (c) => c.json(tenantKeyValueJson(await c.get('engine').push.callbacks(tenantContext(c)))));

pushNotifications.delete(PATH, requireTenant, async (c) => {
  await c.get('engine').push.unregister(callContext(c));
  return noContent(c);
});
