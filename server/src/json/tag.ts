import type { AuditLog, Tag, TagDefinition } from '@billwright/core';
import { auditLogJson } from './audit.js';

/** Kill Bill's TagDefinitionJson. */
export function tagDefinitionJson(d: TagDefinition, auditLogs: readonly AuditLog[] = []) {
  return {
    id: d.id,
    isControlTag: d.isControlTag,
    name: d.name,
    description: d.description,
    applicableObjectTypes: [...d.applicableObjectTypes],
    auditLogs: auditLogs.map(auditLogJson),
  };
}

/** Kill Bill's TagJson. */
export function tagJson(t: Tag, auditLogs: readonly AuditLog[] = []) {
  return {
    tagId: t.id,
    objectType: t.objectType,
    objectId: t.objectId,
    tagDefinitionId: t.tagDefinitionId,
    tagDefinitionName: t.tagDefinitionName,
    auditLogs: auditLogs.map(auditLogJson),
  };
}
