import type { TenantRef } from '../context.js';
import type { ObjectType } from '../values/object-type.js';

/**
 * Kill Bill's external bus event types (kbplug notification ExtBusEventType), the names push
 * notifications and notification plugins receive. Domains may also emit internal types of their own.
 */
export const EXT_BUS_EVENT_TYPES = [
  'ACCOUNT_CREATION', 'ACCOUNT_CHANGE', 'BLOCKING_STATE', 'BROADCAST_SERVICE', 'SUBSCRIPTION_CREATION',
  'SUBSCRIPTION_PHASE', 'SUBSCRIPTION_CHANGE', 'SUBSCRIPTION_CANCEL', 'SUBSCRIPTION_UNCANCEL',
  'SUBSCRIPTION_BCD_CHANGE', 'SUBSCRIPTION_QUANTITY', 'SUBSCRIPTION_EXPIRED', 'ENTITLEMENT_CREATION',
  'ENTITLEMENT_CANCEL', 'BUNDLE_PAUSE', 'BUNDLE_RESUME', 'OVERDUE_CHANGE', 'INVOICE_CREATION', 'INVOICE_ADJUSTMENT',
  'INVOICE_NOTIFICATION', 'INVOICE_PAYMENT_SUCCESS', 'INVOICE_PAYMENT_FAILED', 'PAYMENT_SUCCESS', 'PAYMENT_FAILED',
  'TAG_CREATION', 'TAG_DELETION', 'CUSTOM_FIELD_CREATION', 'CUSTOM_FIELD_DELETION', 'TENANT_CONFIG_CHANGE',
  'TENANT_CONFIG_DELETION',
] as const;
export type ExtBusEventType = (typeof EXT_BUS_EVENT_TYPES)[number];

/** What a domain emits, inside its write transaction. */
export interface BusEventInput {
  readonly eventType: string;
  readonly objectType: ObjectType | null;
  readonly objectId: string | null;
  /** The account the event belongs to: its events are handled one at a time, in order. */
  readonly accountRecordId: number | null;
  readonly payload?: Record<string, unknown>;
}

/** An event as a consumer receives it. */
export interface BusEvent extends BusEventInput {
  readonly recordId: number;
  readonly id: string;
  readonly tenant: TenantRef;
  readonly userToken: string | null;
  readonly createdDate: Date;
  readonly payload: Record<string, unknown>;
}
