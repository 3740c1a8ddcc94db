import type { Context } from 'hono';
import type { AppEnv } from '../env.js';
import { kbJson } from './kb-json.js';

/**
 * 201 + an absolute Location, as Kill Bill (its clients follow the header with a GET). The created
 * object is also in the body, which saves clients that do not follow it a round trip.
 */
export function created(c: Context<AppEnv>, path: string, body: unknown): Response {
  const url = new URL(c.req.url);
  c.header('Location', `${url.origin}${path}`);
  return kbJson(c, body, 201);
}

export function noContent(c: Context<AppEnv>): Response {
  return c.body(null, 204);
}
