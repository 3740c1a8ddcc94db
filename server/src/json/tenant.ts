import type { Tenant, TenantKeyValue } from '@billwright/core';

/** Kill Bill's TenantJson. The api secret is stored hashed and never shown again. */
export function tenantJson(t: Tenant) {
  return { tenantId: t.id, externalKey: t.externalKey, apiKey: t.apiKey, apiSecret: null, auditLogs: [] };
}

export function tenantKeyValueJson(kv: TenantKeyValue) {
  return { key: kv.key, values: [...kv.values], auditLogs: [] };
}
