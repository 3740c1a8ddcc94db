import { BillingError } from '@billwright/core';
import type { Context } from 'hono';
import type { AppEnv } from '../env.js';

export function queryBoolean(c: Context<AppEnv>, name: string, fallback: boolean): boolean {
  const v = c.req.query(name);
  if (v === undefined || v === '') return fallback;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new BillingError('INVALID_PARAMETER', `Query parameter ${name} must be true or false`, { parameter: name });
}

export function queryInteger(c: Context<AppEnv>, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const v = c.req.query(name);
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new BillingError('INVALID_PARAMETER', `Query parameter ${name} must be an integer from ${min} to ${max}`, { parameter: name });
  }
  return n;
}

export function queryEnum<T extends string>(c: Context<AppEnv>, name: string, allowed: readonly T[], fallback: T): T {
  const v = c.req.query(name);
  if (v === undefined || v === '') return fallback;
  if (!(allowed as readonly string[]).includes(v)) {
    throw new BillingError('INVALID_PARAMETER', `Query parameter ${name} must be one of ${allowed.join(', ')}`, { parameter: name });
  }
  return v as T;
}

export type AuditLevel = 'FULL' | 'MINIMAL' | 'NONE';

export function auditLevel(c: Context<AppEnv>): AuditLevel {
  return queryEnum(c, 'audit', ['FULL', 'MINIMAL', 'NONE'] as const, 'NONE');
}
