import { BillingError } from '@billwright/core';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env.js';

/** HTTP basic auth against the security service: no or bad credentials are a 401 with Kill Bill's error JSON. */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const credentials = basicCredentials(c.req.header('Authorization'));
  if (!credentials) throw new BillingError('NOT_AUTHENTICATED', 'Authentication required: use HTTP basic auth');
  const subject = await c.get('engine').security.authenticate(credentials.username, credentials.password);
  if (!subject) throw new BillingError('NOT_AUTHENTICATED', 'Invalid username or password');
  c.set('subject', subject);
  c.set('actor', { subject, userToken: c.get('requestId') });
  await next();
});

function basicCredentials(header: string | undefined): { username: string; password: string } | null {
  const match = header?.match(/^Basic\s+([A-Za-z0-9+/=]+)\s*$/i);
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
