import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import { emitEvent } from '../bus/outbox.js';
import type { Clock } from '../clock/clock.js';
import type { CallContext, TenantContext } from '../context.js';
import { BillingError } from '../errors/index.js';
import type { ObjectRegistry } from '../object/registry.js';
import type { Database } from '../persistence/database.js';
import { readEm, writeTx } from '../persistence/scope.js';
import { requirePermission } from '../security/subject.js';
import { escapeLike } from '../tenant/service.js';
import { isUuid, newId, type TagDefinitionId, type TagId } from '../values/ids.js';
import type { ObjectType } from '../values/object-type.js';
import { builtInTagDefinitions, CONTROL_TAGS, controlTag, controlTagById, isSystemTagId, type ControlTagName } from './control-tags.js';
import { definitionsById, findActiveDefinition } from './definition-lookup.js';
import { TagDefinitionEntity, TagEntity, type TagRow } from './model.js';
import type { Tag, TagPage } from './tag.js';
import { creationStamps, touch } from '../persistence/stamps.js';

export interface TagService {
  /** The tags of one object (404 if the object is not in the caller's tenant). */
  forObject(ctx: TenantContext, objectType: ObjectType, objectId: string, includeDeleted?: boolean): Promise<Tag[]>;
  /** The tags of an account and of every object it owns, optionally of one object type (`allTags`). */
  forAccount(ctx: TenantContext, accountId: string, options?: { objectType?: ObjectType; includeDeleted?: boolean }): Promise<Tag[]>;
  /** Adds tags; adding one the object already has changes nothing (Kill Bill's addTag is idempotent). */
  add(ctx: CallContext, objectType: ObjectType, objectId: string, tagDefinitionIds: readonly TagDefinitionId[]): Promise<void>;
  /** Removes tags; each must be on the object (TAG_DOES_NOT_EXIST otherwise). All or nothing. */
  remove(ctx: CallContext, objectType: ObjectType, objectId: string, tagDefinitionIds: readonly TagDefinitionId[]): Promise<void>;
  /** A tag by id, deleted or not (for its audit logs). */
  getById(ctx: TenantContext, tagId: TagId): Promise<Tag>;
  list(ctx: TenantContext, page: { offset: number; limit: number }): Promise<TagPage>;
  /** Kill Bill's search: the tag id, or part of its object type, definition name or description. */
  search(ctx: TenantContext, searchKey: string, page: { offset: number; limit: number }): Promise<TagPage>;
  /** Whether the object carries the control tag now: how invoicing, payment and overdue ask (no permission needed). */
  hasControlTag(ctx: TenantContext, objectId: string, name: ControlTagName): Promise<boolean>;
  /** Every control tag the object carries now. */
  controlTagsOf(ctx: TenantContext, objectId: string): Promise<Set<ControlTagName>>;
}

export function createTagService(deps: { db: Database; clock: Clock; objects: ObjectRegistry }): TagService {
  const { db, clock, objects } = deps;

  async function toTags(em: EntityManager, rows: readonly TagRow[]): Promise<Tag[]> {
    const defs = await definitionsById(em, rows.map((r) => r.tagDefinitionId));
    return rows.map((r) => ({
      id: r.id as TagId,
      objectType: r.objectType as ObjectType,
      objectId: r.objectId,
      tagDefinitionId: r.tagDefinitionId as TagDefinitionId,
      tagDefinitionName: defs.get(r.tagDefinitionId)?.name ?? '',
      isActive: r.isActive,
      createdDate: r.createdDate,
    }));
  }

  async function page(em: EntityManager, where: FilterQuery<TagRow>, p: { offset: number; limit: number }): Promise<TagPage> {
    const [rows, total] = await em.findAndCount(TagEntity, where, { orderBy: { recordId: 'asc' }, offset: p.offset, limit: p.limit });
    const max = await em.count(TagEntity, { isActive: true });
    return { items: await toTags(em, rows), offset: p.offset, total, max };
  }

  /** The definition a caller may put on (or take off) an object of this type, or the reason why not. */
  async function usableDefinition(em: EntityManager, id: TagDefinitionId, objectType: ObjectType) {
    if (isSystemTagId(id)) throw new BillingError('TAG_IS_SYSTEM', `Cannot add the system tag ${id} (reserved to Kill Bill internal system)`, { tagDefinitionId: id });
    const def = await findActiveDefinition(em, id);
    // A TagApiException in Kill Bill, hence 400 rather than the 404 of GET /tagDefinitions/{id}.
    if (!def) throw new BillingError('TAG_DEFINITION_DOES_NOT_EXIST_FOR_TAG', `The tag definition ${id} does not exist`, { tagDefinitionId: id });
    if (!def.applicableObjectTypes.includes(objectType)) {
      throw new BillingError('TAG_NOT_APPLICABLE', `Invalid tag '${def.name}' for object type '${objectType}'`, { tagDefinitionId: id, objectType });
    }
    return def;
  }

  /**
   * TAG_CREATION / TAG_DELETION as BeatrixListener builds them: objectType TAG, the tag's id as objectId,
   * the owning account, and metaData Kill Bill's TagMetadata `{"tagDefinitionName":...}`.
   */
  function emitTagEvent(em: EntityManager, ctx: CallContext, eventType: 'TAG_CREATION' | 'TAG_DELETION', tag: TagRow, definitionName: string): void {
    emitEvent(em, ctx, clock, {
      eventType,
      objectType: 'TAG',
      objectId: tag.id,
      accountRecordId: tag.accountRecordId ?? null,
      payload: { metaData: JSON.stringify({ tagDefinitionName: definitionName }) },
    });
  }

  const activeTagsOf = (em: EntityManager, objectType: ObjectType, objectId: string) =>
    em.find(TagEntity, { objectId, objectType, isActive: true }, { orderBy: { recordId: 'asc' } });

  return {
    async forObject(ctx, objectType, objectId, includeDeleted = false) {
      await objects.resolve(ctx, objectType, objectId);
      const em = readEm(db, ctx);
      const rows = await em.find(TagEntity, { objectId, objectType, ...(includeDeleted ? {} : { isActive: true }) }, { orderBy: { recordId: 'asc' } });
      return toTags(em, rows);
    },

    async forAccount(ctx, accountId, options = {}) {
      const account = await objects.resolve(ctx, 'ACCOUNT', accountId);
      if (account.accountRecordId === null) return [];
      const em = readEm(db, ctx);
      const where: FilterQuery<TagRow> = {
        accountRecordId: account.accountRecordId,
        ...(options.objectType ? { objectType: options.objectType } : {}),
        ...(options.includeDeleted ? {} : { isActive: true }),
      };
      return toTags(em, await em.find(TagEntity, where, { orderBy: { recordId: 'asc' } }));
    },

    async add(ctx, objectType, objectId, tagDefinitionIds) {
      requirePermission(ctx, 'tag:add');
      const owner = await objects.resolve(ctx, objectType, objectId);
      await writeTx(db, ctx, async (em) => {
        const existing = new Set((await activeTagsOf(em, objectType, objectId)).map((t) => t.tagDefinitionId));
        const now = clock.now().toJSDate();
        for (const id of new Set(tagDefinitionIds)) {
          const def = await usableDefinition(em, id, objectType);
          if (existing.has(id)) continue;
          existing.add(id);
          const tag = em.create(TagEntity, {
            id: newId(),
            tenantRecordId: ctx.tenant.recordId,
            accountRecordId: owner.accountRecordId,
            tagDefinitionId: id,
            objectId,
            objectType,
            isActive: true,
            ...creationStamps(ctx, now),
          });
          emitTagEvent(em, ctx, 'TAG_CREATION', tag, def.name);
        }
      });
    },

    async remove(ctx, objectType, objectId, tagDefinitionIds) {
      requirePermission(ctx, 'tag:delete');
      await objects.resolve(ctx, objectType, objectId);
      await writeTx(db, ctx, async (em) => {
        const active = await activeTagsOf(em, objectType, objectId);
        const now = clock.now().toJSDate();
        for (const id of new Set(tagDefinitionIds)) {
          const def = await findActiveDefinition(em, id);
          if (!def) throw new BillingError('TAG_DEFINITION_DOES_NOT_EXIST_FOR_TAG', `The tag definition ${id} does not exist`, { tagDefinitionId: id });
          const matching = active.filter((t) => t.tagDefinitionId === id && t.isActive);
          if (matching.length === 0) throw new BillingError('TAG_DOES_NOT_EXIST', `The tag does not exist (name: ${def.name})`, { tagDefinitionId: id, objectId });
          for (const t of matching) {
            t.isActive = false;
            touch(t, ctx, now);
            emitTagEvent(em, ctx, 'TAG_DELETION', t, def.name);
          }
        }
      });
    },

    async getById(ctx, tagId) {
      const em = readEm(db, ctx);
      const row = await em.findOne(TagEntity, { id: tagId });
      if (!row) throw new BillingError('TAG_DOES_NOT_EXIST', `The tag does not exist (id: ${tagId})`, { tagId });
      return (await toTags(em, [row]))[0]!;
    },

    async list(ctx, p) {
      return page(readEm(db, ctx), { isActive: true }, p);
    },

    async search(ctx, searchKey, p) {
      const em = readEm(db, ctx);
      const like = `%${escapeLike(searchKey)}%`;
      const key = searchKey.toLowerCase();
      const builtIns = builtInTagDefinitions()
        .filter((d) => d.name.toLowerCase().includes(key) || d.description.toLowerCase().includes(key))
        .map((d) => d.id as string);
      const own = await em.find(TagDefinitionEntity, { isActive: true, $or: [{ name: { $like: like } }, { description: { $like: like } }] }, { fields: ['id'] });
      const or: FilterQuery<TagRow>[] = [{ objectType: { $like: like } }, { tagDefinitionId: { $in: [...builtIns, ...own.map((d) => d.id)] } }];
      if (isUuid(searchKey)) or.push({ id: searchKey.toLowerCase() });
      return page(em, { isActive: true, $or: or }, p);
    },

    async hasControlTag(ctx, objectId, name) {
      return (await readEm(db, ctx).count(TagEntity, { objectId, tagDefinitionId: controlTag(name).id, isActive: true })) > 0;
    },

    async controlTagsOf(ctx, objectId) {
      const ids = CONTROL_TAGS.map((t) => t.id as string);
      const rows = await readEm(db, ctx).find(TagEntity, { objectId, tagDefinitionId: { $in: ids }, isActive: true });
      return new Set(rows.map((r) => controlTagById(r.tagDefinitionId)!.name as ControlTagName));
    },
  };
}
