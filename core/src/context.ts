import type { TenantId } from './values/ids.js';
import type { Subject } from './security/subject.js';

/** Who is calling: the authenticated subject and the request id Kill Bill calls the user token. */
export interface Actor {
  readonly subject: Subject;
  readonly userToken: string;
}

/** The tenant a call runs for. `recordId` scopes every query; `id` is what the API shows. */
export interface TenantRef {
  readonly recordId: number;
  readonly id: TenantId;
}

/** What Kill Bill records with every write (X-Killbill-CreatedBy, -Reason, -Comment). */
export interface WriteMeta {
  readonly createdBy: string;
  readonly reasonCode: string | null;
  readonly comment: string | null;
}

export interface TenantContext extends Actor {
  readonly tenant: TenantRef;
}

export interface CallContext extends TenantContext, WriteMeta {}

/** A write that belongs to no tenant: creating a tenant, users, roles. */
export interface SystemCallContext extends Actor, WriteMeta {}

export function isTenantCall(ctx: CallContext | SystemCallContext): ctx is CallContext {
  return 'tenant' in ctx;
}
