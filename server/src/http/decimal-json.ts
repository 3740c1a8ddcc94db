import { BillingError } from '@billwright/core';
import { Decimal } from 'decimal.js';
import type { Context } from 'hono';
import type { AppEnv } from '../env.js';

/**
 * A JSON body where every number is a decimal.js value made from the number's own digits in the request
 * text, never from the JS number JSON.parse would make of them (a double keeps ~16 significant digits and
 * turns 0.1 + 0.2 style amounts into approximations). Kill Bill reads amounts as BigDecimal the same way.
 * Integer fields are read back with `integerOf`.
 */
export type DecimalJson = null | boolean | string | Decimal | DecimalJson[] | { [key: string]: DecimalJson };

const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;
/** Markers starting with NUL; a caller's string (or key) that starts with NUL is tagged TEXT, so only numbers carry MARK. */
const MARK = '\u0000num:';
const TEXT = '\u0000str:';

/** Parses `text` (already-valid JSON is checked first, so errors read as JSON.parse's). */
export function parseDecimalJson(text: string): DecimalJson {
  JSON.parse(text);
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const literal = text.slice(i, j + 1);
      // A caller's string that itself starts with NUL is tagged, so it can never pass for a marked number.
      out += literal.startsWith('"\\u0000') ? JSON.stringify(TEXT + (JSON.parse(literal) as string)) : literal;
      i = j;
    } else if (ch === '-' || (ch >= '0' && ch <= '9')) {
      NUMBER.lastIndex = i;
      const token = NUMBER.exec(text)![0];
      out += JSON.stringify(MARK + token);
      i += token.length - 1;
    } else {
      out += ch;
    }
  }
  return revive(JSON.parse(out) as unknown);
}

function revive(v: unknown): DecimalJson {
  if (typeof v === 'string') return v.startsWith(MARK) ? new Decimal(v.slice(MARK.length)) : v.startsWith(TEXT) ? v.slice(TEXT.length) : v;
  if (Array.isArray(v)) return v.map(revive);
  if (v !== null && typeof v === 'object') {
    const o: { [key: string]: DecimalJson } = {};
    for (const [k, x] of Object.entries(v)) o[k.startsWith(TEXT) ? k.slice(TEXT.length) : k] = revive(x);
    return o;
  }
  return v as null | boolean;
}

async function bodyText(c: Context<AppEnv>): Promise<string> {
  const text = await c.req.text();
  if (text.trim() === '') throw new BillingError('MALFORMED_REQUEST', 'Request body is empty: a JSON document is required');
  return text;
}

async function decimalBody(c: Context<AppEnv>): Promise<DecimalJson> {
  const text = await bodyText(c);
  try {
    return parseDecimalJson(text);
  } catch (e) {
    throw new BillingError('MALFORMED_REQUEST', `Malformed JSON: ${(e as Error).message}`);
  }
}

export type DecimalObject = { [key: string]: DecimalJson };

export function isDecimalObject(v: DecimalJson | undefined): v is DecimalObject {
  return v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Decimal);
}

/** The body as a JSON object whose numbers are decimals. */
export async function decimalJsonObject(c: Context<AppEnv>): Promise<DecimalObject> {
  const v = await decimalBody(c);
  if (!isDecimalObject(v)) throw new BillingError('MALFORMED_REQUEST', 'Request body must be a JSON object');
  return v;
}

/** The body as a JSON array of objects whose numbers are decimals (`what` names the element in errors). */
export async function decimalJsonObjects(c: Context<AppEnv>, what: string): Promise<DecimalObject[]> {
  const v = await decimalBody(c);
  if (!Array.isArray(v)) throw new BillingError('MALFORMED_REQUEST', `The body must be an array of ${what} objects`);
  return v.map((x) => {
    if (!isDecimalObject(x)) throw new BillingError('MALFORMED_REQUEST', `The body must be an array of ${what} objects`);
    return x;
  });
}

/** The body as a JSON object, or null when empty (Kill Bill's `@Nullable` bodies, e.g. the dry-run spec). */
export async function optionalDecimalJsonObject(c: Context<AppEnv>): Promise<DecimalObject | null> {
  const text = await c.req.text();
  if (text.trim() === '') return null;
  let v: DecimalJson;
  try {
    v = parseDecimalJson(text);
  } catch (e) {
    throw new BillingError('MALFORMED_REQUEST', `Malformed JSON: ${(e as Error).message}`);
  }
  if (v === null) return null;
  if (!isDecimalObject(v)) throw new BillingError('MALFORMED_REQUEST', 'Request body must be a JSON object');
  return v;
}

// ---- field readers (absent and null kept apart, the field named in each error) ----

export function decimalField(body: DecimalObject, field: string): Decimal | null | undefined {
  const v = body[field];
  if (v === undefined || v === null) return v;
  if (v instanceof Decimal) return v;
  // Jackson coerces a string holding a number into a BigDecimal.
  if (typeof v === 'string' && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(v)) return new Decimal(v.trim());
  throw new BillingError('INVALID_PARAMETER', `Field ${field} must be a decimal number`, { field });
}

export function stringField(body: DecimalObject, field: string, maxLength?: number): string | null | undefined {
  const v = body[field];
  if (v === undefined || v === null) return v;
  if (typeof v !== 'string') throw new BillingError('INVALID_PARAMETER', `Field ${field} must be a string`, { field });
  if (maxLength !== undefined && v.length > maxLength) {
    throw new BillingError('INVALID_PARAMETER', `Field ${field} must have at most ${maxLength} characters (got ${v.length})`, { field });
  }
  return v;
}

export function integerOf(body: DecimalObject, field: string): number | null | undefined {
  const v = body[field];
  if (v === undefined || v === null) return v;
  if (!(v instanceof Decimal) || !v.isInteger() || !v.abs().lte(Number.MAX_SAFE_INTEGER)) {
    throw new BillingError('INVALID_PARAMETER', `Field ${field} must be an integer`, { field });
  }
  return v.toNumber();
}
