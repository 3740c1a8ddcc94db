import { Decimal } from 'decimal.js';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from '../env.js';

const MARK = '\u0000dec:';
const MARKED = /"\\u0000dec:(-?[0-9]+(?:\.[0-9]+)?)"/g;

/**
 * JSON where every decimal.js value is written as a JSON number with its exact digits (Kill Bill's
 * BigDecimal fields are numbers on the wire), without ever passing through a JS number. Node 20 has no
 * JSON.rawJSON, so decimals are marked during stringify and unquoted afterwards.
 */
export function stringifyKb(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const raw = this[key];
    return raw instanceof Decimal ? `${MARK}${raw.toFixed()}` : v;
  }).replace(MARKED, '$1');
}

export function kbJson(c: Context<AppEnv>, body: unknown, status: ContentfulStatusCode = 200): Response {
  return c.body(stringifyKb(body), status, { 'Content-Type': 'application/json' });
}
