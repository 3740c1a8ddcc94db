import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { auditedEntity } from '../audit/audited.js';
import { recordColumns, tenantColumns, tenantFilter } from '../persistence/columns.js';

/** A name/value pair on any object, one generic table as Kill Bill's custom_fields. */
export const CustomFieldEntity = auditedEntity(
  defineEntity({
    name: 'CustomField',
    tableName: 'custom_fields',
    filters: tenantFilter,
    properties: {
      ...recordColumns,
      ...tenantColumns,
      accountRecordId: p.bigint('number').nullable(),
      objectId: p.string().length(36),
      objectType: p.string().length(30),
      fieldName: p.string().length(64),
      fieldValue: p.string().length(255),
      isActive: p.boolean(),
    },
    indexes: [
      { properties: ['tenantRecordId', 'objectId'] },
      { properties: ['tenantRecordId', 'accountRecordId'] },
    ],
  }),
  { objectType: 'CUSTOM_FIELD', tableName: 'CUSTOM_FIELD' },
);
export type CustomFieldRow = InferEntity<typeof CustomFieldEntity>;
