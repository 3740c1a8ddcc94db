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
import { isUuid, newId, type CustomFieldId } from '../values/ids.js';
import type { ObjectType } from '../values/object-type.js';
import type { CustomField, CustomFieldPage, CustomFieldUpdate, NewCustomField } from './custom-field.js';
import { CustomFieldEntity, type CustomFieldRow } from './model.js';
import { creationStamps, touch } from '../persistence/stamps.js';

export interface CustomFieldService {
  /** The fields of one object (404 if the object is not in the caller's tenant). */
  forObject(ctx: TenantContext, objectType: ObjectType, objectId: string): Promise<CustomField[]>;
  /** The fields of an account and of every object it owns, optionally of one object type (`allCustomFields`). */
  forAccount(ctx: TenantContext, accountId: string, objectType?: ObjectType): Promise<CustomField[]>;
  add(ctx: CallContext, objectType: ObjectType, objectId: string, fields: readonly NewCustomField[]): Promise<CustomField[]>;
  update(ctx: CallContext, objectType: ObjectType, objectId: string, updates: readonly CustomFieldUpdate[]): Promise<void>;
  /** Removes the object's fields with these ids (unknown ids are ignored, as Kill Bill), or all of them when `ids` is empty. */
  remove(ctx: CallContext, objectType: ObjectType, objectId: string, ids: readonly CustomFieldId[]): Promise<void>;
  /** A field by id, deleted or not (for its audit logs). */
  getById(ctx: TenantContext, id: CustomFieldId): Promise<CustomField>;
  list(ctx: TenantContext, page: PageRequest): Promise<CustomFieldPage>;
  /** Kill Bill's search: the field id, or part of its object type, object id, name or value. */
  search(ctx: TenantContext, searchKey: string, page: PageRequest): Promise<CustomFieldPage>;
  /** Exact search by object type and name, and value when given (`GET /customFields/search?objectType=&fieldName=`). */
  searchByTypeName(ctx: TenantContext, query: { objectType: ObjectType; name: string; value?: string | null }, page: PageRequest): Promise<CustomFieldPage>;
}

interface PageRequest {
  readonly offset: number;
  readonly limit: number;
}

/** The widths of Kill Bill's custom_fields.field_name / field_value columns. */
const MAX_NAME = 64;
const MAX_VALUE = 255;

export function createCustomFieldService(deps: { db: Database; clock: Clock; objects: ObjectRegistry }): CustomFieldService {
  const { db, clock, objects } = deps;

  const toField = (r: CustomFieldRow): CustomField => ({
    id: r.id as CustomFieldId,
    objectType: r.objectType as ObjectType,
    objectId: r.objectId,
    name: r.fieldName,
    value: r.fieldValue,
    createdDate: r.createdDate,
  });
  const order = { orderBy: { recordId: 'asc' } } as const;

  async function page(em: EntityManager, where: FilterQuery<CustomFieldRow>, p: PageRequest): Promise<CustomFieldPage> {
    const [rows, total] = await em.findAndCount(CustomFieldEntity, where, { ...order, offset: p.offset, limit: p.limit });
    const max = await em.count(CustomFieldEntity, { isActive: true });
    return { items: rows.map(toField), offset: p.offset, total, max };
  }

  const activeFieldsOf = (em: EntityManager, objectType: ObjectType, objectId: string) =>
    em.find(CustomFieldEntity, { objectId, objectType, isActive: true }, order);

  /** CUSTOM_FIELD_CREATION / _DELETION as Kill Bill posts them (DefaultCustomFieldDao): objectType CUSTOM_FIELD, no metaData; an update raises none. */
  function emitFieldEvent(em: EntityManager, ctx: CallContext, eventType: 'CUSTOM_FIELD_CREATION' | 'CUSTOM_FIELD_DELETION', row: CustomFieldRow): void {
    emitEvent(em, ctx, clock, { eventType, objectType: 'CUSTOM_FIELD', objectId: row.id, accountRecordId: row.accountRecordId ?? null, payload: { metaData: null } });
  }

  function stamp(row: CustomFieldRow, ctx: CallContext): void {
    touch(row, ctx, clock.now().toJSDate());
  }

  return {
    async forObject(ctx, objectType, objectId) {
      await objects.resolve(ctx, objectType, objectId);
      return (await activeFieldsOf(readEm(db, ctx), objectType, objectId)).map(toField);
    },

    async forAccount(ctx, accountId, objectType) {
      const account = await objects.resolve(ctx, 'ACCOUNT', accountId);
      if (account.accountRecordId === null) return [];
      const where = { accountRecordId: account.accountRecordId, isActive: true, ...(objectType ? { objectType } : {}) };
      return (await readEm(db, ctx).find(CustomFieldEntity, where, order)).map(toField);
    },

    async add(ctx, objectType, objectId, fields) {
      requirePermission(ctx, 'custom_field:add');
      fields.forEach((f) => {
        checkText(f.name, 'name', MAX_NAME);
        checkText(f.value, 'value', MAX_VALUE);
      });
      const owner = await objects.resolve(ctx, objectType, objectId);
      const rows = await writeTx(db, ctx, async (em) => {
        // Kill Bill's CustomFieldModelDao.isSame: the same name *and* value on the same object is a duplicate.
        const taken = new Set((await activeFieldsOf(em, objectType, objectId)).map((r) => sameKey(r.fieldName, r.fieldValue)));
        const now = clock.now().toJSDate();
        return fields.map((f) => {
          const key = sameKey(f.name, f.value);
          if (taken.has(key)) {
            throw new BillingError('CUSTOM_FIELD_ALREADY_EXISTS', `The custom field ${f.name}=${f.value} already exists`, { name: f.name, objectId });
          }
          taken.add(key);
          const row = em.create(CustomFieldEntity, {
            id: newId(),
            tenantRecordId: ctx.tenant.recordId,
            accountRecordId: owner.accountRecordId,
            objectId,
            objectType,
            fieldName: f.name,
            fieldValue: f.value,
            isActive: true,
            ...creationStamps(ctx, now),
          });
          emitFieldEvent(em, ctx, 'CUSTOM_FIELD_CREATION', row);
          return row;
        });
      });
      return rows.map(toField);
    },

    async update(ctx, objectType, objectId, updates) {
      requirePermission(ctx, 'custom_field:update');
      updates.forEach((u) => checkText(u.value, 'value', MAX_VALUE));
      await objects.resolve(ctx, objectType, objectId);
      await writeTx(db, ctx, async (em) => {
        for (const u of updates) {
          const row = await em.findOne(CustomFieldEntity, { id: u.id, isActive: true });
          if (!row) throw new BillingError('CUSTOM_FIELD_DOES_NOT_EXISTS_FOR_ID', `The custom field does not exists for id ${u.id}`, { customFieldId: u.id });
          // DefaultCustomFieldDao.validateCustomFieldWhenUpdate: only the value may change.
          if (row.objectId !== objectId) throw invalidUpdate(u.id, objectId, 'ObjectId');
          if (row.objectType !== objectType) throw invalidUpdate(u.id, objectType, 'ObjectType');
          if (u.name !== undefined && u.name !== null && u.name !== row.fieldName) throw invalidUpdate(u.id, u.name, 'FieldName');
          row.fieldValue = u.value;
          stamp(row, ctx);
        }
      });
    },

    async remove(ctx, objectType, objectId, ids) {
      requirePermission(ctx, 'custom_field:delete');
      await objects.resolve(ctx, objectType, objectId);
      const wanted = new Set<string>(ids);
      await writeTx(db, ctx, async (em) => {
        for (const row of await activeFieldsOf(em, objectType, objectId)) {
          if (wanted.size > 0 && !wanted.has(row.id)) continue;
          row.isActive = false;
          stamp(row, ctx);
          emitFieldEvent(em, ctx, 'CUSTOM_FIELD_DELETION', row);
        }
      });
    },

    async getById(ctx, id) {
      const row = await readEm(db, ctx).findOne(CustomFieldEntity, { id });
      if (!row) throw new BillingError('CUSTOM_FIELD_DOES_NOT_EXISTS_FOR_ID', `The custom field does not exists for id ${id}`, { customFieldId: id });
      return toField(row);
    },

    async list(ctx, p) {
      return page(readEm(db, ctx), { isActive: true }, p);
    },

    async search(ctx, searchKey, p) {
      const like = `%${escapeLike(searchKey)}%`;
      const or: FilterQuery<CustomFieldRow>[] = [
        { objectType: { $like: like } },
        { objectId: { $like: like } },
        { fieldName: { $like: like } },
        { fieldValue: { $like: like } },
      ];
      if (isUuid(searchKey)) or.push({ id: searchKey.toLowerCase() });
      return page(readEm(db, ctx), { isActive: true, $or: or }, p);
    },

    async searchByTypeName(ctx, query, p) {
      const where: FilterQuery<CustomFieldRow> = {
        isActive: true,
        objectType: query.objectType,
        fieldName: query.name,
        ...(query.value !== undefined && query.value !== null ? { fieldValue: query.value } : {}),
      };
      return page(readEm(db, ctx), where, p);
    },
  };
}

function checkText(v: string, field: 'name' | 'value', max: number): void {
  if (!v) throw new BillingError('INVALID_PARAMETER', `CustomFieldJson ${field} needs to be set`, { field });
  if (v.length > max) throw new BillingError('INVALID_PARAMETER', `CustomFieldJson ${field} must have at most ${max} characters (got ${v.length})`, { field });
}

const sameKey = (name: string, value: string) => JSON.stringify([name, value]);

function invalidUpdate(id: string, value: string, field: string): BillingError {
  return new BillingError('CUSTOM_FIELD_INVALID_UPDATE', `Failed to update custom field ${id}: Invalid value ${value} for field ${field}`, { customFieldId: id, field });
}
