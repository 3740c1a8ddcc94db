import { BillingError } from '@billwright/core';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env.js';

/**
 * Resolves the tenant from X-Killbill-ApiKey and X-Killbill-ApiSecret (after authenticate). Routes that
 * hold tenant data mount it; a missing or wrong pair is a 401 and no tenant data is read.
 */
export const requireTenant = createMiddleware<AppEnv>(async (c, next) => {
  const apiKey = c.req.header('X-Killbill-ApiKey');
  const apiSecret = c.req.header('X-Killbill-ApiSecret');
  if (!apiKey || !apiSecret) {
    throw new BillingError('TENANT_NOT_SUPPLIED', 'Missing X-Killbill-ApiKey or X-Killbill-ApiSecret header');
  }
  const tenant = await c.get('engine').tenants.authenticate(apiKey, apiSecret);
  if (!tenant) throw new BillingError('NOT_AUTHENTICATED', 'Invalid X-Killbill-ApiKey / X-Killbill-ApiSecret');
  c.set('tenant', tenant);
  await next();
});
