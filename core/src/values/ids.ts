import { randomUUID } from 'node:crypto';
import { BillingError } from '../errors/index.js';

declare const brand: unique symbol;
/** A UUID that names one kind of object; passing an AccountId where a TenantId is wanted does not compile. */
export type Id<Kind extends string> = string & { readonly [brand]: Kind };

export type TenantId = Id<'Tenant'>;
export type AccountId = Id<'Account'>;
export type AccountEmailId = Id<'AccountEmail'>;
export type TagId = Id<'Tag'>;
export type TagDefinitionId = Id<'TagDefinition'>;
export type CustomFieldId = Id<'CustomField'>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Parses an id at the edge; a malformed one is a 400, never a lookup that cannot match. */
export function parseId<Kind extends string>(value: string, what: string): Id<Kind> {
  if (!isUuid(value)) {
    throw new BillingError('INVALID_PARAMETER', `Invalid ${what}: '${value.slice(0, 64)}' is not a UUID`, { [what]: value });
  }
  return value.toLowerCase() as Id<Kind>;
}

export function newId<Kind extends string>(): Id<Kind> {
  return randomUUID() as Id<Kind>;
}
