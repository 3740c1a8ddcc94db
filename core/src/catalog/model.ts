import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { auditedEntity } from '../audit/audited.js';
import { recordColumns, tenantColumns, tenantFilter } from '../persistence/columns.js';

/**
 * One uploaded catalog version of a tenant, kept as the XML it came as (Kill Bill keeps catalogs in
 * tenant_kvs under CATALOG; a table of their own lets versions be ordered and unique by effective date).
 * deleteCatalog deactivates every version; the rows stay for the audit trail.
 */
export const CatalogVersionEntity = auditedEntity(
  defineEntity({
    name: 'CatalogVersion',
    tableName: 'catalog_versions',
    filters: tenantFilter,
    properties: {
      ...recordColumns,
      ...tenantColumns,
      catalogName: p.string().length(255),
      effectiveDate: p.datetime(3),
      xml: p.text().columnType('mediumtext'),
      isActive: p.boolean(),
    },
    indexes: [{ properties: ['tenantRecordId', 'isActive', 'effectiveDate'] }],
  }),
  { objectType: 'TENANT_KVS', tableName: 'CATALOG_VERSIONS' },
);
export type CatalogVersionRow = InferEntity<typeof CatalogVersionEntity>;
