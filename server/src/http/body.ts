import { BillingError } from '@billwright/core';
import type { Context } from 'hono';
import type { AppEnv } from '../env.js';

/**
 * The request body as a JSON object. Malformed JSON, an array or a scalar where an object is expected
 * is a 400 with Kill Bill's error JSON, never a 500. The content type is not checked: Kill Bill's own
 * clients are lax about it (killbill-semantics.md §13).
 */
export async function jsonObject(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  const value = await jsonValue(c);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new BillingError('MALFORMED_REQUEST', 'Request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

export async function jsonArray(c: Context<AppEnv>): Promise<unknown[]> {
  const value = await jsonValue(c);
  if (!Array.isArray(value)) throw new BillingError('MALFORMED_REQUEST', 'Request body must be a JSON array');
  return value;
}

export async function jsonValue(c: Context<AppEnv>): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') throw new BillingError('MALFORMED_REQUEST', 'Request body is empty: a JSON document is required');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new BillingError('MALFORMED_REQUEST', `Malformed JSON: ${(e as Error).message}`);
  }
}

/** A text body (userKeyValue, plugin config): whatever the caller sent, as a string. */
export async function textBody(c: Context<AppEnv>): Promise<string> {
  return c.req.text();
}
