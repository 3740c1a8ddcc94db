import type { Clock } from '../clock/clock.js';
import type { CallContext, TenantContext } from '../context.js';
import { BillingError } from '../errors/index.js';
import type { Database } from '../persistence/database.js';
import { readEm, writeTx } from '../persistence/scope.js';
import { requirePermission } from '../security/subject.js';
import { newId, type TagDefinitionId } from '../values/ids.js';
import { isObjectType, type ObjectType } from '../values/object-type.js';
import { builtInTagDefinitions, controlTagByName, PARK_TAG } from './control-tags.js';
import { builtInById, builtInDefinition, definitionsById, findActiveDefinition, rowDefinition } from './definition-lookup.js';
import { TagDefinitionEntity, TagEntity } from './model.js';
import type { CreateTagDefinitionInput, TagDefinition } from './tag.js';
import { creationStamps, touch } from '../persistence/stamps.js';

export interface TagDefinitionService {
  /** The tenant's definitions, then Kill Bill's system and control tags (as GET /tagDefinitions lists them). */
  list(ctx: TenantContext): Promise<TagDefinition[]>;
  /** A live definition; `includeDeleted` also finds a deleted one (its audit logs outlive it). */
  get(ctx: TenantContext, id: TagDefinitionId, options?: { includeDeleted?: boolean }): Promise<TagDefinition>;
  create(ctx: CallContext, input: CreateTagDefinitionInput): Promise<TagDefinition>;
  delete(ctx: CallContext, id: TagDefinitionId): Promise<void>;
}

const MAX_NAME = 50;
const MAX_DESCRIPTION = 200;

export function createTagDefinitionService(deps: { db: Database; clock: Clock }): TagDefinitionService {
  const { db, clock } = deps;

  return {
    async list(ctx) {
      const rows = await readEm(db, ctx).find(TagDefinitionEntity, { isActive: true }, { orderBy: { recordId: 'asc' } });
      return [...rows.map(rowDefinition), ...builtInTagDefinitions().map(builtInDefinition)];
    },

    async get(ctx, id, options = {}) {
      const em = readEm(db, ctx);
      const def = options.includeDeleted ? (await definitionsById(em, [id])).get(id) : await findActiveDefinition(em, id);
      if (!def) throw notFound(id);
      return def;
    },

    async create(ctx, input) {
      requirePermission(ctx, 'tag:create_tag_definition');
      const { name, description } = input;
      const applicableObjectTypes = checkDefinition(input);
      return writeTx(db, ctx, async (em) => {
        if (await em.findOne(TagDefinitionEntity, { name, isActive: true })) {
          throw new BillingError('TAG_DEFINITION_ALREADY_EXISTS', `The tag definition ${name} already exists`, { name });
        }
        const now = clock.now().toJSDate();
        const row = em.create(TagDefinitionEntity, {
          id: newId(),
          tenantRecordId: ctx.tenant.recordId,
          name,
          description,
          applicableObjectTypes,
          isActive: true,
          ...creationStamps(ctx, now),
        });
        return rowDefinition(row);
      });
    },

    async delete(ctx, id) {
      requirePermission(ctx, 'tag:delete_tag_definition');
      const builtIn = builtInById(id);
      // Kill Bill looks only among the tenant's rows, so a control tag "does not exist" for deletion.
      if (builtIn) throw new BillingError('TAG_DEFINITION_DOES_NOT_EXIST', `The tag definition ${builtIn.name} is built in and cannot be deleted`, { tagDefinitionId: id });
      await writeTx(db, ctx, async (em) => {
        const row = await em.findOne(TagDefinitionEntity, { id, isActive: true });
        if (!row) throw notFound(id);
        if ((await em.count(TagEntity, { tagDefinitionId: id, isActive: true })) > 0) {
          throw new BillingError('TAG_DEFINITION_IN_USE', `The tag definition ${id} is currently in use`, { tagDefinitionId: id });
        }
        row.isActive = false;
        touch(row, ctx, clock.now().toJSDate());
      });
    },
  };
}

/** Kill Bill's checks (TagDefinitionResource, DefaultTagUserApi, DefaultTagDefinitionDao), in its order where they overlap. */
function checkDefinition(input: CreateTagDefinitionInput): ObjectType[] {
  const { name, description } = input;
  if (!name) throw new BillingError('INVALID_PARAMETER', 'TagDefinition name needs to be set', { field: 'name' });
  if (!description) throw new BillingError('INVALID_PARAMETER', 'TagDefinition description needs to be set', { field: 'description' });
  if (input.applicableObjectTypes.length === 0) {
    throw new BillingError('INVALID_PARAMETER', 'Applicable object types must be set', { field: 'applicableObjectTypes' });
  }
  const types = new Set<ObjectType>();
  for (const t of input.applicableObjectTypes) {
    if (!isObjectType(t)) throw new BillingError('INVALID_PARAMETER', `Invalid applicable object type '${t.slice(0, 64)}'`, { field: 'applicableObjectTypes' });
    types.add(t);
  }
  if (name.length > MAX_NAME) throw new BillingError('INVALID_PARAMETER', `TagDefinition name must have at most ${MAX_NAME} characters`, { field: 'name' });
  if (description.length > MAX_DESCRIPTION) {
    throw new BillingError('INVALID_PARAMETER', `TagDefinition description must have at most ${MAX_DESCRIPTION} characters`, { field: 'description' });
  }
  // Kill Bill tests the lowercase rule first, which hides the control-tag conflict (every control tag
  // name is uppercase); the conflict is reported first here so the caller learns the real reason.
  if (controlTagByName(name) || name === PARK_TAG.name) {
    throw new BillingError('TAG_DEFINITION_CONFLICTS_WITH_CONTROL_TAG', `The tag definition name conflicts with a reserved ${name}`, { name });
  }
  if (/\p{Lu}/u.test(name)) throw new BillingError('TAG_DEFINITION_HAS_UPPERCASE', `The tag definition name must be in lowercase ${name}`, { name });
  return [...types];
}

function notFound(id: string): BillingError {
  return new BillingError('TAG_DEFINITION_DOES_NOT_EXIST', `The tag definition ${id} does not exist`, { tagDefinitionId: id });
}
