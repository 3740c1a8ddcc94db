import type { EntityManager } from '@mikro-orm/core';
import { literalOf } from './multi-row-insert.js';

/**
 * One UPDATE of rows of a tenant-owned entity by record id (primary-key lookups), built from property names
 * the way multi-row-insert.ts builds its INSERTs: the row paths below the unit of work (lean-rows.ts for one
 * row, subscription/charged-through.ts for thousands) share it.
 */
export function updateStatement(em: EntityManager, entityName: string, set: Readonly<Record<string, unknown>>, target: { readonly tenantRecordId: number; readonly recordIds: readonly number[] }): string {
  const platform = em.getPlatform();
  if (target.recordIds.length === 0) throw new Error(`updateStatement: nothing to update in ${entityName}`);
  const ids = target.recordIds.map((id) => Math.trunc(id)).join(', ');
  return `update ${platform.quoteIdentifier(tableOf(em, entityName))} set ${assignments(em, entityName, set, '')} where ${platform.quoteIdentifier('tenant_record_id')} = ${Math.trunc(target.tenantRecordId)} and ${platform.quoteIdentifier('record_id')} in (${ids})`;
}

/**
 * One UPDATE of one row in each of several tables (MariaDB's multi-table UPDATE), each by record id in the
 * tenant: one round trip where a transaction would change, say, a payment, its transaction and its
 * attempt. Every row must exist (the statement joins them); each table appears once.
 */
export function multiTableUpdateStatement(em: EntityManager, tenantRecordId: number, parts: readonly { readonly entityName: string; readonly set: Readonly<Record<string, unknown>>; readonly recordId: number }[]): string {
  const platform = em.getPlatform();
  const tables = parts.map((p) => tableOf(em, p.entityName));
  if (new Set(tables).size !== tables.length) throw new Error(`multiTableUpdateStatement: a table appears twice (${tables.join(', ')})`);
  const alias = (i: number) => `t${i}`;
  const from = parts.map((_, i) => `${platform.quoteIdentifier(tables[i]!)} ${alias(i)}`).join(', ');
  const sets = parts.map((p, i) => assignments(em, p.entityName, p.set, `${alias(i)}.`)).join(', ');
  const where = parts
    .map((p, i) => `${alias(i)}.${platform.quoteIdentifier('tenant_record_id')} = ${Math.trunc(tenantRecordId)} and ${alias(i)}.${platform.quoteIdentifier('record_id')} = ${Math.trunc(p.recordId)}`)
    .join(' and ');
  return `update ${from} set ${sets} where ${where}`;
}

function tableOf(em: EntityManager, entityName: string): string {
  return em.getMetadata().get(entityName).tableName;
}

/** `column = literal, ...` for the properties in `set`, each column behind `prefix` (an alias and a dot, or nothing). */
function assignments(em: EntityManager, entityName: string, set: Readonly<Record<string, unknown>>, prefix: string): string {
  const meta = em.getMetadata().get(entityName);
  const platform = em.getPlatform();
  const sets = Object.entries(set).map(([name, value]) => {
    const prop = meta.properties[name];
    if (!prop) throw new Error(`updateStatement: ${entityName} has no property ${name}`);
    return `${prefix}${platform.quoteIdentifier(prop.fieldNames[0]!)} = ${literalOf(prop, value, platform)}`;
  });
  if (sets.length === 0) throw new Error(`updateStatement: nothing to update in ${entityName}`);
  return sets.join(', ');
}
