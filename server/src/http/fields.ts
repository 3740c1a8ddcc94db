import { BillingError } from '@billwright/core';

/**
 * Readers for fields of a parsed JSON body. Each names the field in its error, so a client sees
 * which field was wrong; absent (undefined) and null are kept apart because Kill Bill's partial
 * updates treat them differently.
 */
export function optionalString(body: Record<string, unknown>, field: string, maxLength?: number): string | null | undefined {
  const v = body[field];
  if (v === undefined || v === null) return v;
  if (typeof v !== 'string') throw new BillingError('INVALID_PARAMETER', `Field ${field} must be a string`, { field });
  if (maxLength !== undefined && v.length > maxLength) {
    throw new BillingError('INVALID_PARAMETER', `Field ${field} must have at most ${maxLength} characters (got ${v.length})`, { field });
  }
  return v;
}

export function requiredString(body: Record<string, unknown>, field: string, maxLength?: number): string {
  const v = optionalString(body, field, maxLength);
  if (v === undefined || v === null || v === '') throw new BillingError('INVALID_PARAMETER', `Field ${field} is required`, { field });
  return v;
}

export function optionalBoolean(body: Record<string, unknown>, field: string): boolean | null | undefined {
  const v = body[field];
  if (v === undefined || v === null) return v;
  if (typeof v !== 'boolean') throw new BillingError('INVALID_PARAMETER', `Field ${field} must be true or false`, { field });
  return v;
}

export function optionalInteger(body: Record<string, unknown>, field: string): number | null | undefined {
  const v = body[field];
  if (v === undefined || v === null) return v;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new BillingError('INVALID_PARAMETER', `Field ${field} must be an integer`, { field });
  return v;
}

export function optionalStringArray(body: Record<string, unknown>, field: string): string[] | null | undefined {
  const v = body[field];
  if (v === undefined || v === null) return v;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw new BillingError('INVALID_PARAMETER', `Field ${field} must be an array of strings`, { field });
  }
  return v as string[];
}
