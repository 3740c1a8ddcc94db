/** Kill Bill's ObjectType (kbapi ObjectType.java): what a tag, custom field or audit row is attached to. */
export const OBJECT_TYPES = [
  'ACCOUNT', 'ACCOUNT_EMAIL', 'BLOCKING_STATES', 'BUNDLE', 'CUSTOM_FIELD', 'INVOICE', 'PAYMENT', 'TRANSACTION',
  'INVOICE_ITEM', 'INVOICE_PAYMENT', 'SUBSCRIPTION', 'SUBSCRIPTION_EVENT', 'SERVICE_BROADCAST', 'PAYMENT_ATTEMPT',
  'PAYMENT_METHOD', 'TAG', 'TAG_DEFINITION', 'TENANT', 'TENANT_KVS',
] as const;

export type ObjectType = (typeof OBJECT_TYPES)[number];

export function isObjectType(value: string): value is ObjectType {
  return (OBJECT_TYPES as readonly string[]).includes(value);
}
