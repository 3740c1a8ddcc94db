import { randomUUID } from 'node:crypto';
import { BillingError, ObjectRegistry, type ObjectType, type TenantContext } from '@billwright/core';

/**
 * Made-up objects for services that attach things to any object (tags, custom fields): each belongs to
 * one tenant and one account record id, and the registry finds it only for its own tenant and type.
 */
export function madeUpObjects(types: readonly ObjectType[]) {
  const known = new Map<string, { tenant: number; objectType: ObjectType; accountRecordId: number }>();
  const registry = new ObjectRegistry();
  for (const type of types) {
    registry.register(type, async (ctx: TenantContext, objectId: string) => {
      const o = known.get(objectId);
      if (!o || o.tenant !== ctx.tenant.recordId || o.objectType !== type) throw new BillingError('NOT_FOUND', `No ${type} ${objectId}`);
      return { objectType: type, objectId, accountRecordId: o.accountRecordId };
    });
  }
  const object = (tenant: number, objectType: ObjectType, accountRecordId: number): string => {
    const id = randomUUID();
    known.set(id, { tenant, objectType, accountRecordId });
    return id;
  };
  return { registry, object };
}
