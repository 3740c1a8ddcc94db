import { BillingError, type CallContext, type SystemCallContext, type TenantContext } from '@billwright/core';
import type { Context } from 'hono';
import type { AppEnv } from '../env.js';

const MAX_CREATED_BY = 100;
const MAX_REASON = 255;

/** The tenant read context of a request that went through authenticate and requireTenant. */
export function tenantContext(c: Context<AppEnv>): TenantContext {
  return { ...c.get('actor'), tenant: c.get('tenant') };
}

/** The write context: Kill Bill requires X-Killbill-CreatedBy on every write and records Reason and Comment. */
export function callContext(c: Context<AppEnv>): CallContext {
  return { ...tenantContext(c), ...writeMeta(c) };
}

/** A write that belongs to no tenant (tenants, users, roles). */
export function systemCallContext(c: Context<AppEnv>): SystemCallContext {
  return { ...c.get('actor'), ...writeMeta(c) };
}

function writeMeta(c: Context<AppEnv>) {
  const createdBy = c.req.header('X-Killbill-CreatedBy')?.trim();
  if (!createdBy) throw new BillingError('INVALID_PARAMETER', 'Header X-Killbill-CreatedBy needs to be set');
  if (createdBy.length > MAX_CREATED_BY) {
    throw new BillingError('INVALID_PARAMETER', `Header X-Killbill-CreatedBy must have at most ${MAX_CREATED_BY} characters`);
  }
  return {
    createdBy,
    reasonCode: bounded(c.req.header('X-Killbill-Reason'), 'X-Killbill-Reason'),
    comment: bounded(c.req.header('X-Killbill-Comment'), 'X-Killbill-Comment'),
  };
}

function bounded(value: string | undefined, header: string): string | null {
  if (value === undefined || value === '') return null;
  if (value.length > MAX_REASON) throw new BillingError('INVALID_PARAMETER', `Header ${header} must have at most ${MAX_REASON} characters`);
  return value;
}
