import type { TenantContext } from '../context.js';
import { BillingError } from '../errors/index.js';
import type { ObjectType } from '../values/object-type.js';

/** An object that tags, custom fields and audit rows can hang on, with the account that owns it. */
export interface OwnedObject {
  readonly objectType: ObjectType;
  readonly objectId: string;
  /** The owning account's record id (null for objects no account owns, such as a tenant). */
  readonly accountRecordId: number | null;
}

/**
 * Finds an object of one type in the caller's tenant, or throws that domain's not-found error (404).
 * Each domain registers the lookups for the types it owns; tags and custom fields use them, so they
 * work for any object type without depending on the domains that own the objects.
 */
export type ObjectLookup = (ctx: TenantContext, objectId: string) => Promise<OwnedObject>;

export class ObjectRegistry {
  readonly #lookups = new Map<ObjectType, ObjectLookup>();

  register(objectType: ObjectType, lookup: ObjectLookup): void {
    this.#lookups.set(objectType, lookup);
  }

  supports(objectType: ObjectType): boolean {
    return this.#lookups.has(objectType);
  }

  async resolve(ctx: TenantContext, objectType: ObjectType, objectId: string): Promise<OwnedObject> {
    const lookup = this.#lookups.get(objectType);
    if (!lookup) throw new BillingError('INVALID_PARAMETER', `Objects of type ${objectType} cannot carry tags or custom fields yet`, { objectType });
    return lookup(ctx, objectId);
  }
}
