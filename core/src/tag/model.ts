import { JsonColumn } from '../persistence/json-type.js';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { auditedEntity } from '../audit/audited.js';
import { recordColumns, tenantColumns, tenantFilter } from '../persistence/columns.js';
import type { ObjectType } from '../values/object-type.js';

/** A tenant's own tag definitions. Kill Bill's control tags are not rows: tag/control-tags.ts holds them. */
export const TagDefinitionEntity = auditedEntity(
  defineEntity({
    name: 'TagDefinition',
    tableName: 'tag_definitions',
    filters: tenantFilter,
    properties: {
      ...recordColumns,
      ...tenantColumns,
      name: p.string().length(50),
      description: p.string().length(200),
      applicableObjectTypes: p.json<ObjectType[]>().type(JsonColumn),
      isActive: p.boolean(),
    },
    indexes: [{ properties: ['tenantRecordId', 'name'] }],
  }),
  { objectType: 'TAG_DEFINITION', tableName: 'TAG_DEFINITIONS' },
);
export type TagDefinitionRow = InferEntity<typeof TagDefinitionEntity>;

/** A tag on any object (account, bundle, invoice, payment...): one generic table, keyed by object id and type. */
export const TagEntity = auditedEntity(
  defineEntity({
    name: 'Tag',
    tableName: 'tags',
    filters: tenantFilter,
    properties: {
      ...recordColumns,
      ...tenantColumns,
      accountRecordId: p.bigint('number').nullable(),
      tagDefinitionId: p.string().length(36),
      objectId: p.string().length(36),
      objectType: p.string().length(30),
      isActive: p.boolean(),
    },
    indexes: [
      { properties: ['tenantRecordId', 'objectId'] },
      { properties: ['tenantRecordId', 'tagDefinitionId'] },
      { properties: ['tenantRecordId', 'accountRecordId'] },
    ],
  }),
  { objectType: 'TAG', tableName: 'TAG' },
);
export type TagRow = InferEntity<typeof TagEntity>;
