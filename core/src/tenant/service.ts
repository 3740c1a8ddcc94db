import type { EntityManager } from '@mikro-orm/core';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Clock } from '../clock/clock.js';
import type { CallContext, SystemCallContext, TenantContext, TenantRef } from '../context.js';
import { BillingError } from '../errors/index.js';
import type { Database } from '../persistence/database.js';
import { escapeLike } from '../persistence/like.js';
import { readEm, writeTx } from '../persistence/scope.js';
import { CredentialCache } from '../security/credential-cache.js';
import { hashSecret, verifySecret } from '../security/secret-hash.js';
import { requirePermission } from '../security/subject.js';
import { newId, type TenantId } from '../values/ids.js';
import { emitTenantConfigEvent } from './config-event.js';
import { TenantEntity, TenantKvEntity, type TenantRow } from './model.js';
import type { CreateTenantInput, Tenant, TenantKeyValue } from './tenant.js';
import { creationStamps, touch } from '../persistence/stamps.js';
import type { Broadcast } from '../cluster/broadcast.js';
import { TenantValueCache } from './value-cache.js';
import { tenantValuesInTx } from './values-in-tx.js';

export interface TenantService {
  create(ctx: SystemCallContext, input: CreateTenantInput): Promise<Tenant>;
  getById(id: TenantId): Promise<Tenant>;
  getByApiKey(apiKey: string): Promise<Tenant>;
  /** The tenant whose key and secret these are, or null: the check behind X-Killbill-ApiKey/-ApiSecret. */
  authenticate(apiKey: string, apiSecret: string): Promise<TenantRef | null>;

  /** Appends a value to a user key (`userKeyValue/{key}`); a key may hold several. */
  addValue(ctx: CallContext, key: string, value: string): Promise<TenantKeyValue>;
  /** Replaces whatever a single-value key held (per-tenant config, plugin config). */
  putValue(ctx: CallContext, key: string, value: string): Promise<TenantKeyValue>;
  getValues(ctx: TenantContext, key: string): Promise<TenantKeyValue>;
  /**
   * The same, for bus consumers holding the account lock: a cache miss reads on the caller's own
   * transaction (tenant/values-in-tx.ts says why it must not take a second pooled connection).
   */
  getValuesInTx(em: EntityManager, ctx: TenantContext, key: string): Promise<readonly string[]>;
  searchKeys(ctx: TenantContext, prefix: string): Promise<TenantKeyValue[]>;
  deleteKey(ctx: CallContext, key: string): Promise<void>;
  /** Subscribes the value cache to other nodes' invalidations. */
  start(): Promise<void>;
}

/**
 * A plugin's own storage (plugins/backend.ts) is read exactly, never from the cache: a plugin may write a
 * key on one node and read it on another a millisecond later (a payment it recorded, then its janitor).
 */
const UNCACHED_PREFIX = 'PLUGIN_STORAGE:';

const MAX_KEY = 255;
const MAX_VALUE = 16 * 1024 * 1024 - 1;

export function createTenantService(deps: { db: Database; clock: Clock; broadcast?: Broadcast }): TenantService {
  const { db, clock } = deps;
  const credentials = new CredentialCache<TenantRef>();
  const values = new TenantValueCache(deps.broadcast ?? null);
  // Tenants are never updated or deleted (Kill Bill has no such API), so a tenant read once stays right.
  const byId = new Map<string, Tenant>();

  const toTenant = (row: TenantRow): Tenant => ({
    recordId: row.recordId,
    id: row.id as TenantId,
    externalKey: row.externalKey ?? null,
    apiKey: row.apiKey,
    createdDate: row.createdDate,
  });

  async function activeValues(em: EntityManager, key: string): Promise<string[]> {
    const rows = await em.find(TenantKvEntity, { tenantKey: key, isActive: true }, { orderBy: { recordId: 'asc' } });
    return rows.map((r) => r.tenantValue);
  }

  async function deactivate(em: EntityManager, ctx: CallContext, key: string): Promise<void> {
    const now = clock.now().toJSDate();
    for (const row of await em.find(TenantKvEntity, { tenantKey: key, isActive: true })) {
      row.isActive = false;
      touch(row, ctx, now);
    }
  }

  /** Inserts a value and raises Kill Bill's TENANT_CONFIG_CHANGE for system keys, in the same transaction. */
  function insertValue(em: EntityManager, ctx: CallContext, key: string, value: string): void {
    const now = clock.now().toJSDate();
    const id = newId();
    emitTenantConfigEvent(em, ctx, clock, 'CHANGE', key, id);
    em.create(TenantKvEntity, {
      id,
      tenantRecordId: ctx.tenant.recordId,
      tenantKey: key,
      tenantValue: value,
      isActive: true,
      ...creationStamps(ctx, now),
    });
  }

  function checkKeyValue(key: string, value: string): void {
    if (key.length === 0 || key.length > MAX_KEY) {
      throw new BillingError('INVALID_PARAMETER', `Tenant key must have 1 to ${MAX_KEY} characters`);
    }
    if (value.length > MAX_VALUE) throw new BillingError('PAYLOAD_TOO_LARGE', 'Tenant value is too large');
  }

  return {
    async create(ctx, input) {
      requirePermission(ctx, 'tenant:create');
      if (!input.apiKey?.trim() || !input.apiSecret) {
        throw new BillingError('INVALID_PARAMETER', 'apiKey and apiSecret are required');
      }
      if (input.apiKey.length > 128) throw new BillingError('INVALID_PARAMETER', 'apiKey must have at most 128 characters');
      if (input.externalKey && input.externalKey.length > 255) {
        throw new BillingError('INVALID_PARAMETER', 'externalKey must have at most 255 characters');
      }
      const apiSecretHash = await hashSecret(input.apiSecret);
      const now = clock.now().toJSDate();
      try {
        const row = await writeTx(db, ctx, async (em) =>
          em.create(TenantEntity, {
            id: newId(),
            externalKey: input.externalKey ?? null,
            apiKey: input.apiKey,
            apiSecretHash,
            ...creationStamps(ctx, now),
          }),
        );
        return toTenant(row);
      } catch (e) {
        if (e instanceof UniqueConstraintViolationException) {
          throw new BillingError('TENANT_ALREADY_EXISTS', `Tenant already exists for key ${input.apiKey}`, { apiKey: input.apiKey });
        }
        throw e;
      }
    },

    async getById(id) {
      const known = byId.get(id);
      if (known) return known;
      const row = await db.fork().findOne(TenantEntity, { id });
      if (!row) throw new BillingError('TENANT_DOES_NOT_EXIST_FOR_ID', `Tenant does not exist for id ${id}`, { tenantId: id });
      const tenant = toTenant(row);
      if (byId.size >= 10_000) byId.clear();
      byId.set(id, tenant);
      return tenant;
    },

    async getByApiKey(apiKey) {
      const row = await db.fork().findOne(TenantEntity, { apiKey });
      if (!row) {
        throw new BillingError('TENANT_DOES_NOT_EXIST_FOR_API_KEY', `Tenant does not exist for api key ${apiKey}`, { apiKey });
      }
      return toTenant(row);
    },

    async authenticate(apiKey, apiSecret) {
      const cached = credentials.get(apiKey, apiSecret);
      if (cached) return cached;
      const row = await db.fork().findOne(TenantEntity, { apiKey });
      if (!row || !(await verifySecret(apiSecret, row.apiSecretHash))) return null;
      const ref: TenantRef = { recordId: row.recordId, id: row.id as TenantId };
      credentials.set(apiKey, apiSecret, ref);
      return ref;
    },

    async addValue(ctx, key, value) {
      requirePermission(ctx, 'tenant_kvs:add');
      checkKeyValue(key, value);
      const written = await writeTx(db, ctx, async (em) => {
        insertValue(em, ctx, key, value);
        await em.flush();
        return { key, values: await activeValues(em, key) };
      });
      if (!key.startsWith(UNCACHED_PREFIX)) await values.invalidate(ctx.tenant.recordId, key);
      return written;
    },

    async putValue(ctx, key, value) {
      requirePermission(ctx, 'tenant_kvs:add');
      checkKeyValue(key, value);
      const written = await writeTx(db, ctx, async (em) => {
        await deactivate(em, ctx, key);
        insertValue(em, ctx, key, value);
        return { key, values: [value] };
      });
      if (!key.startsWith(UNCACHED_PREFIX)) await values.invalidate(ctx.tenant.recordId, key);
      return written;
    },

    async getValues(ctx, key) {
      if (key.startsWith(UNCACHED_PREFIX)) return { key, values: await activeValues(readEm(db, ctx), key) };
      const cached = await values.get(ctx.tenant.recordId, key, () => activeValues(readEm(db, ctx), key));
      return { key, values: [...cached] };
    },

    async getValuesInTx(em, ctx, key) {
      if (key.startsWith(UNCACHED_PREFIX)) return tenantValuesInTx(em, key);
      return values.get(ctx.tenant.recordId, key, () => tenantValuesInTx(em, key));
    },

    async searchKeys(ctx, prefix) {
      const rows = await readEm(db, ctx).find(
        TenantKvEntity,
        { tenantKey: { $like: `${escapeLike(prefix)}%` }, isActive: true },
        { orderBy: { tenantKey: 'asc', recordId: 'asc' } },
      );
      const byKey = new Map<string, string[]>();
      for (const r of rows) byKey.set(r.tenantKey, [...(byKey.get(r.tenantKey) ?? []), r.tenantValue]);
      return [...byKey].map(([key, values]) => ({ key, values }));
    },

    async deleteKey(ctx, key) {
      requirePermission(ctx, 'tenant_kvs:delete');
      await writeTx(db, ctx, async (em) => {
        await deactivate(em, ctx, key);
        // Kill Bill broadcasts a deletion of a system key whether or not it held a value (DefaultTenantDao.deleteTenantKey).
        emitTenantConfigEvent(em, ctx, clock, 'DELETION', key, null);
      });
      await values.invalidate(ctx.tenant.recordId, key);
    },

    start: () => values.start(),
  };
}

/** Kept here for callers that imported it from tenants before it moved to persistence/like.ts. */
export { escapeLike };
