import type { EntityManager } from '@mikro-orm/core';
import type { TagDefinitionId } from '../values/ids.js';
import { builtInTagDefinitions, controlTagById, type BuiltInTagDefinition } from './control-tags.js';
import { TagDefinitionEntity, type TagDefinitionRow } from './model.js';
import type { TagDefinition } from './tag.js';

/** Definition lookups shared by the definition and tag services; `em` is already tenant-scoped. */

export function builtInDefinition(def: BuiltInTagDefinition): TagDefinition {
  // Kill Bill flags only the ControlTagType values as control tags; __PARK__ is listed but is not one.
  return { id: def.id, name: def.name, description: def.description, isControlTag: controlTagById(def.id) !== undefined, applicableObjectTypes: def.applicableObjectTypes };
}

export function rowDefinition(row: TagDefinitionRow): TagDefinition {
  return {
    id: row.id as TagDefinitionId,
    name: row.name,
    description: row.description,
    isControlTag: false,
    applicableObjectTypes: row.applicableObjectTypes,
  };
}

const builtIns = new Map(builtInTagDefinitions().map((d) => [d.id as string, builtInDefinition(d)]));

export function builtInById(id: string): TagDefinition | undefined {
  return builtIns.get(id.toLowerCase());
}

/** A live definition: built in, or one of the tenant's that was not deleted. */
export async function findActiveDefinition(em: EntityManager, id: string): Promise<TagDefinition | null> {
  const builtIn = builtInById(id);
  if (builtIn) return builtIn;
  const row = await em.findOne(TagDefinitionEntity, { id, isActive: true });
  return row ? rowDefinition(row) : null;
}

/**
 * Definitions by id, deleted ones included: a deleted tag keeps naming the definition it had
 * (`includedDeleted=true` lists such tags), and a definition in use can never be deleted anyway.
 */
export async function definitionsById(em: EntityManager, ids: Iterable<string>): Promise<Map<string, TagDefinition>> {
  const out = new Map<string, TagDefinition>();
  const wanted: string[] = [];
  for (const id of new Set(ids)) {
    const builtIn = builtInById(id);
    if (builtIn) out.set(id, builtIn);
    else wanted.push(id);
  }
  if (wanted.length > 0) {
    for (const row of await em.find(TagDefinitionEntity, { id: { $in: wanted } })) out.set(row.id, rowDefinition(row));
  }
  return out;
}
