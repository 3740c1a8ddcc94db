import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { auditedEntity } from '../audit/audited.js';
import { recordColumns, tenantColumns, tenantFilter } from '../persistence/columns.js';

/** A merchant. The api secret is stored as a scrypt hash only (security/secret-hash.ts). */
export const TenantEntity = auditedEntity(
  defineEntity({
    name: 'Tenant',
    tableName: 'tenants',
    properties: {
      ...recordColumns,
      externalKey: p.string().length(255).nullable().unique(),
      apiKey: p.string().length(128).unique(),
      apiSecretHash: p.string().length(255),
    },
  }),
  { objectType: 'TENANT', tableName: 'TENANT' },
);
export type TenantRow = InferEntity<typeof TenantEntity>;

/**
 * The per-tenant key/value store (Kill Bill's tenant_kvs): user keys, per-tenant config, plugin config,
 * and later catalogs and overdue configs. A key may hold several values; a deleted value is kept
 * inactive for the audit trail.
 */
export const TenantKvEntity = auditedEntity(
  defineEntity({
    name: 'TenantKv',
    tableName: 'tenant_kvs',
    filters: tenantFilter,
    properties: {
      ...recordColumns,
      ...tenantColumns,
      tenantKey: p.string().length(255),
      tenantValue: p.text().columnType('mediumtext'),
      isActive: p.boolean(),
    },
    indexes: [{ properties: ['tenantRecordId', 'tenantKey'] }],
  }),
  { objectType: 'TENANT_KVS', tableName: 'TENANT_KVS' },
);
export type TenantKvRow = InferEntity<typeof TenantKvEntity>;
