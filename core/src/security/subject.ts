import { BillingError } from '../errors/index.js';
import { grantCovers, type Permission } from './permission.js';

/** An authenticated user and what its roles grant. Built once per request by the security service. */
export interface Subject {
  readonly username: string;
  readonly roles: readonly string[];
  readonly grants: readonly string[];
}

export function can(subject: Subject, permission: Permission): boolean {
  return subject.grants.some((g) => grantCovers(g, permission));
}

/** The first line of every write: refuse before touching anything. HTTP and plugin calls are checked alike. */
export function requirePermission(ctx: { readonly subject: Subject }, permission: Permission): void {
  if (!can(ctx.subject, permission)) {
    throw new BillingError('SECURITY_NOT_ENOUGH_PERMISSIONS', `User ${ctx.subject.username} doesn't have enough permissions: ${permission} is required`, {
      permission,
    });
  }
}

/** Billwright itself, acting on an event or a notification: every permission, as Kill Bill's internal calls. */
export const SYSTEM_SUBJECT: Subject = { username: 'billwright', roles: ['root'], grants: ['*'] };
