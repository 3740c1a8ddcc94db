import type { TenantId } from '../values/ids.js';

/** A tenant as the API shows it. The api secret is never readable again after creation. */
export interface Tenant {
  readonly recordId: number;
  readonly id: TenantId;
  readonly externalKey: string | null;
  readonly apiKey: string;
  readonly createdDate: Date;
}

/** A key of the per-tenant store and its values (Kill Bill's TenantKeyValue). */
export interface TenantKeyValue {
  readonly key: string;
  readonly values: readonly string[];
}

export interface CreateTenantInput {
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly externalKey?: string | null;
}

/** Keys Kill Bill reserves in the per-tenant store; each holds one value that an upload replaces. */
export const TenantKey = {
  PER_TENANT_CONFIG: 'PER_TENANT_CONFIG',
  PUSH_NOTIFICATION_CB: 'PUSH_NOTIFICATION_CB',
  pluginConfig: (pluginName: string) => `PLUGIN_CONFIG_${pluginName}`,
  pluginPaymentStateMachine: (pluginName: string) => `PLUGIN_PAYMENT_STATE_MACHINE_${pluginName}`,
} as const;
