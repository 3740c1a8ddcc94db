import type { EntityManager } from '@mikro-orm/core';
import { literalOf } from './multi-row-insert.js';

/**
 * One UPDATE of rows of a tenant-owned entity by record id (primary-key lookups), built from property names
 * the way multi-row-insert.ts builds its INSERTs: the row paths below the unit of work (lean-rows.ts for one
 * row, subscription/charged-through.ts for thousands) share it.
 */
export function updateStatement(em: EntityManager, entityName: string, set: Readonly<Record<string, unknown>>, target: { readonly tenantRecordId: number; readonly recordIds: readonly number[] }): string {
  const meta = em.getMetadata().get(entityName);
  const platform = em.getPlatform();
  const column = (name: string) => {
    const prop = meta.properties[name];
    if (!prop) throw new Error(`updateStatement: ${entityName} has no property ${name}`);
    return prop;
  };
  const sets = Object.entries(set).map(([name, value]) => {
    const prop = column(name);
    return `${platform.quoteIdentifier(prop.fieldNames[0]!)} = ${literalOf(prop, value, platform)}`;
  });
  if (sets.length === 0 || target.recordIds.length === 0) throw new Error(`updateStatement: nothing to update in ${entityName}`);
  const ids = target.recordIds.map((id) => Math.trunc(id)).join(', ');
  return `update ${platform.quoteIdentifier(meta.tableName)} set ${sets.join(', ')} where ${platform.quoteIdentifier('tenant_record_id')} = ${Math.trunc(target.tenantRecordId)} and ${platform.quoteIdentifier('record_id')} in (${ids})`;
}
