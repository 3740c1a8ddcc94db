import type { EntitySchema } from '@mikro-orm/core';
import type { ObjectType } from '../values/object-type.js';

/** How an audited table shows in Kill Bill's audit JSON: its ObjectType and its TableName. */
export interface AuditedAs {
  readonly objectType: ObjectType;
  readonly tableName: string;
}

const audited = new Map<string, AuditedAs>();

/**
 * Marks an entity as audited: every flush that inserts, updates or deletes one of its rows appends an
 * audit row (audit/recorder.ts). A domain declares it next to the entity, once.
 */
export function auditedEntity<S extends EntitySchema<any, any>>(schema: S, as: AuditedAs): S {
  audited.set(schema.meta.className, as);
  return schema;
}

export function auditedAs(entityName: string): AuditedAs | undefined {
  return audited.get(entityName);
}
