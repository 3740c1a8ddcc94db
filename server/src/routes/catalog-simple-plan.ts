import {
  BILLING_PERIODS,
  BillingError,
  PRODUCT_CATEGORIES,
  TIME_UNITS,
  parseCurrency,
  storeSimplePlan,
  type SimplePlan,
} from '@billwright/core';
import { Decimal } from 'decimal.js';
import { Hono } from 'hono';
import type { AppEnv } from '../env.js';
import { jsonObject } from '../http/body.js';
import { callContext } from '../http/call-context.js';
import { optionalInteger, optionalString, optionalStringArray } from '../http/fields.js';

/** `POST /1.0/kb/catalog/simplePlan` (Kill Bill CatalogResource.addSimplePlan), beside the catalog sub-app. */
export const catalogSimplePlan = new Hono<AppEnv>();

const MAX_NAME = 255;
const JAVA_INT_MAX = 2 ** 31 - 1;

catalogSimplePlan.post('/simplePlan', async (c) => {
  const body = await jsonObject(c);
  const desc = simplePlan(body, await c.req.text());
  const engine = c.get('engine');
  await storeSimplePlan({ catalog: engine.catalog, clock: engine.clock }, callContext(c), desc);
  // Kill Bill answers 201 with the catalog's Location and no body; the client follows it to GET /catalog.
  const url = new URL(c.req.url);
  c.header('Location', `${url.origin}/1.0/kb/catalog`);
  return c.body(null, 201);
});

/** SimplePlanJson, each field checked as Jackson would bind it (unknown enum constant or currency: 400). */
function simplePlan(body: Record<string, unknown>, raw: string): SimplePlan {
  const trialLength = optionalInteger(body, 'trialLength') ?? null;
  if (trialLength !== null && Math.abs(trialLength) > JAVA_INT_MAX) {
    throw new BillingError('INVALID_PARAMETER', 'Field trialLength is out of range', { field: 'trialLength' });
  }
  const currency = optionalString(body, 'currency');
  return {
    planId: optionalString(body, 'planId', MAX_NAME) ?? null,
    productName: optionalString(body, 'productName', MAX_NAME) ?? null,
    productCategory: optionalEnum(body, 'productCategory', PRODUCT_CATEGORIES),
    currency: currency ? parseCurrency(currency) : null,
    amount: amountOf(body, raw),
    billingPeriod: optionalEnum(body, 'billingPeriod', BILLING_PERIODS),
    trialLength,
    trialTimeUnit: optionalEnum(body, 'trialTimeUnit', TIME_UNITS),
    availableBaseProducts: optionalStringArray(body, 'availableBaseProducts') ?? null,
  };
}

function optionalEnum<T extends string>(body: Record<string, unknown>, field: string, allowed: readonly T[]): T | null {
  const v = optionalString(body, field);
  if (v === undefined || v === null) return null;
  if (!(allowed as readonly string[]).includes(v)) {
    throw new BillingError('INVALID_PARAMETER', `Field ${field} must be one of ${allowed.join(', ')}`, { field });
  }
  return v as T;
}

/**
 * The amount as Kill Bill's BigDecimal reads it: from the number's own digits in the request text, not
 * from the JS number JSON.parse made of them (a double keeps ~16 significant digits, so `String(n)` would
 * be exact for ordinary prices but silently round a long one). A string holding a decimal is accepted
 * too, as Jackson coerces it.
 */
function amountOf(body: Record<string, unknown>, raw: string): Decimal | null {
  const v = body['amount'];
  if (v === undefined || v === null) return null;
  const text = typeof v === 'number' ? (topLevelNumberText(raw, 'amount') ?? String(v)) : typeof v === 'string' ? v.trim() : null;
  if (text === null || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) {
    throw new BillingError('INVALID_PARAMETER', 'Field amount must be a decimal number', { field: 'amount' });
  }
  return new Decimal(text);
}

/**
 * The source text of a number member of the top-level object of `json` (already known to be valid JSON);
 * the last occurrence wins, as with JSON.parse. Nested objects and arrays are skipped.
 */
function topLevelNumberText(json: string, field: string): string | undefined {
  let depth = 0;
  let key: string | null = null;
  let inValue = false;
  let found: string | undefined;
  for (let i = 0; i < json.length; i++) {
    const ch = json[i]!;
    if (ch === '"') {
      let j = i + 1;
      while (json[j] !== '"') j += json[j] === '\\' ? 2 : 1;
      if (depth === 1 && !inValue) key = JSON.parse(json.slice(i, j + 1)) as string;
      i = j;
    } else if (ch === '{' || ch === '[') {
      depth++;
    } else if (ch === '}' || ch === ']') {
      depth--;
    } else if (depth === 1 && ch === ':') {
      inValue = true;
    } else if (depth === 1 && ch === ',') {
      inValue = false;
    } else if (depth === 1 && inValue && (ch === '-' || (ch >= '0' && ch <= '9'))) {
      const token = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(json.slice(i))![0];
      if (key === field) found = token;
      i += token.length - 1;
    }
  }
  return found;
}
