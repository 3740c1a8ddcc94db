import type { EntityManager } from '@mikro-orm/core';
import { emitEvent } from '../bus/outbox.js';
import type { Clock } from '../clock/clock.js';
import type { CallContext } from '../context.js';

/**
 * Kill Bill's TenantKey names (kbapi TenantKV.TenantKey). A key starting with one of them is a "system"
 * key: only those are broadcast (DefaultTenantDao.isSystemKey) and so only they raise
 * TENANT_CONFIG_CHANGE / TENANT_CONFIG_DELETION; user key values (`userKeyValue/{key}`) raise nothing.
 */
const SYSTEM_TENANT_KEYS = [
  'PUSH_NOTIFICATION_CB', 'CATALOG', 'OVERDUE_CONFIG', 'PER_TENANT_CONFIG', 'INVOICE_TRANSLATION_', 'CATALOG_TRANSLATION_',
  'INVOICE_TEMPLATE', 'INVOICE_MP_TEMPLATE', 'PLUGIN_CONFIG_', 'PLUGIN_PAYMENT_STATE_MACHINE_',
] as const;

export function isSystemTenantKey(key: string): boolean {
  return SYSTEM_TENANT_KEYS.some((k) => key.startsWith(k));
}

/**
 * The event of a tenant configuration change, in the change's transaction. As BeatrixListener builds it:
 * objectType TENANT_KVS, objectId the new value's id (null on deletion), no account, and metaData Kill
 * Bill's TenantConfigMetadata `{"key":"<the full key>"}`.
 */
export function emitTenantConfigEvent(em: EntityManager, ctx: CallContext, clock: Clock, kind: 'CHANGE' | 'DELETION', key: string, valueId: string | null): void {
  if (!isSystemTenantKey(key)) return;
  emitEvent(em, ctx, clock, {
    eventType: kind === 'CHANGE' ? 'TENANT_CONFIG_CHANGE' : 'TENANT_CONFIG_DELETION',
    objectType: 'TENANT_KVS',
    objectId: kind === 'CHANGE' ? valueId : null,
    accountRecordId: null,
    payload: { accountId: null, metaData: JSON.stringify({ key }) },
  });
}
