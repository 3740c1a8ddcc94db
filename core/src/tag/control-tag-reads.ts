import type { EntityManager } from '@mikro-orm/core';
import { CONTROL_TAGS, controlTag, controlTagById, PARK_TAG, type ControlTagName } from './control-tags.js';
import { TagEntity } from './model.js';

/**
 * Control-tag reads inside a caller's transaction (the tenant-scoped em of a writeTx or a bus handler), for
 * domains that must decide under the account lock what the tags say: invoicing reads AUTO_INVOICING_* and
 * WRITTEN_OFF this way. The TagService methods of the same name read on their own connection.
 */

/** Every control tag each object carries now. */
export async function controlTagsIn(em: EntityManager, objectIds: readonly string[]): Promise<Map<string, Set<ControlTagName>>> {
  const out = new Map<string, Set<ControlTagName>>();
  if (objectIds.length === 0) return out;
  const ids = CONTROL_TAGS.map((t) => t.id as string);
  const rows = await em.find(TagEntity, { objectId: { $in: [...new Set(objectIds)] }, tagDefinitionId: { $in: ids }, isActive: true });
  for (const r of rows) {
    const set = out.get(r.objectId) ?? new Set<ControlTagName>();
    set.add(controlTagById(r.tagDefinitionId)!.name as ControlTagName);
    out.set(r.objectId, set);
  }
  return out;
}

/** The objects among `objectIds` that carry the control tag now. */
export async function objectsWithControlTag(em: EntityManager, name: ControlTagName, objectIds: readonly string[]): Promise<Set<string>> {
  if (objectIds.length === 0) return new Set();
  const rows = await em.find(TagEntity, { objectId: { $in: [...new Set(objectIds)] }, tagDefinitionId: controlTag(name).id, isActive: true }, { fields: ['objectId'] });
  return new Set(rows.map((r) => r.objectId));
}

/**
 * The objects of one type of an account that carry the control tag now: one read by the account (indexed),
 * where objectsWithControlTag would name every object (an account's 30,000 bundles made a 1 MB statement).
 */
export async function accountObjectsWithControlTag(em: EntityManager, name: ControlTagName, accountRecordId: number, objectType: string): Promise<Set<string>> {
  const rows = await em.find(TagEntity, { accountRecordId, objectType, tagDefinitionId: controlTag(name).id, isActive: true }, { fields: ['objectId'] });
  return new Set(rows.map((r) => r.objectId));
}

/**
 * An invoice run's view of its account's tags in one read: its control tags, and whether it is parked
 * (`__PARK__`, a system tag of its own, not a control tag).
 */
export async function accountRunTags(em: EntityManager, accountId: string): Promise<{ readonly control: Set<ControlTagName>; readonly parked: boolean }> {
  const ids = [...CONTROL_TAGS.map((t) => t.id as string), PARK_TAG.id as string];
  const rows = await em.find(TagEntity, { objectId: accountId, tagDefinitionId: { $in: ids }, isActive: true });
  const control = new Set<ControlTagName>();
  let parked = false;
  for (const r of rows) {
    if (r.tagDefinitionId === PARK_TAG.id) parked = true;
    else control.add(controlTagById(r.tagDefinitionId)!.name as ControlTagName);
  }
  return { control, parked };
}
