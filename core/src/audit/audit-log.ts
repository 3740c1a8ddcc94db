import type { ObjectType } from '../values/object-type.js';

export type ChangeType = 'INSERT' | 'UPDATE' | 'DELETE';

/** One audited change, as Kill Bill's AuditLog: who changed what, when, why, and (on request) the row as it became. */
export interface AuditLog {
  readonly changeType: ChangeType;
  readonly changeDate: Date;
  readonly objectType: ObjectType;
  readonly objectId: string;
  readonly changedBy: string;
  readonly reasonCode: string | null;
  readonly comments: string | null;
  readonly userToken: string | null;
  readonly history: Record<string, unknown> | null;
}

/** `audit=` on reads: every change, only the creation, or none. */
export type AuditLevel = 'FULL' | 'MINIMAL' | 'NONE';
