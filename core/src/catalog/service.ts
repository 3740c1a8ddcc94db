import type { EntityManager } from '@mikro-orm/core';
import type { DateTime } from 'luxon';
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { Broadcast } from '../cluster/broadcast.js';
import type { CallContext, TenantContext } from '../context.js';
import { BillingError } from '../errors/index.js';
import { lockAccount } from '../persistence/account-lock.js';
import type { Database } from '../persistence/database.js';
import { readEm, writeTx } from '../persistence/scope.js';
import { creationStamps, touch } from '../persistence/stamps.js';
import { requirePermission } from '../security/subject.js';
import { emitTenantConfigEvent } from '../tenant/config-event.js';
import { newId } from '../values/ids.js';
import { CatalogCache, type CatalogCacheOptions } from './cache.js';
import { CatalogVersionEntity, type CatalogVersionRow } from './model.js';
import type { CatalogVersion } from './types.js';
import { versionErrors } from './version-rules.js';
import { VersionedCatalog } from './versioned.js';
import { checkCatalogXml, parseCatalogXml } from './xml/parse.js';

export interface CatalogService {
  /** Subscribes to the other nodes' catalog changes (cache invalidation). */
  start(): Promise<void>;
  /**
   * Adds a version (uploadCatalogXml). An invalid document, or one that breaks the version rules against
   * the tenant's versions, is CAT_INVALID_FOR_TENANT listing every problem, and nothing changes.
   */
  upload(ctx: CallContext, xml: string): Promise<CatalogVersion>;
  /**
   * Replaces the tenant's newest version (Kill Bill's updateTenantLastKeyValue, behind addSimplePlan), or
   * adds the first one; the same checks as upload, against the other versions.
   */
  replaceCurrent(ctx: CallContext, xml: string): Promise<CatalogVersion>;
  /** Every problem upload would refuse the document for (validateCatalogXml); empty when valid. Never throws for bad XML. */
  validate(ctx: TenantContext, xml: string): Promise<string[]>;
  /** The tenant's catalog, or null when it has none. Cached per tenant. */
  get(ctx: TenantContext): Promise<VersionedCatalog | null>;
  /** The tenant's catalog; a tenant without one is a clear 400 (CAT_NO_CATALOG_FOR_GIVEN_DATE). */
  require(ctx: TenantContext): Promise<VersionedCatalog>;
  /** Effective dates of the versions, oldest first; none for a tenant without a catalog. */
  versions(ctx: TenantContext): Promise<DateTime[]>;
  /** deleteCatalog: deactivates every version (the rows stay for the audit trail). */
  delete(ctx: CallContext): Promise<void>;
}

export interface CatalogServiceDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly broadcast: Broadcast;
  readonly logger: Logger;
  readonly cache?: CatalogCacheOptions;
}

/** An error list in one message stays readable; the full list is in `details.errors`. */
const MAX_LISTED = 100;

export function createCatalogService(deps: CatalogServiceDeps): CatalogService {
  const { db, clock, broadcast, logger } = deps;
  const cache = new CatalogCache(broadcast, deps.cache);

  function invalid(ctx: TenantContext, errors: readonly string[]): BillingError {
    const listed = errors.slice(0, MAX_LISTED).join('; ');
    const more = errors.length > MAX_LISTED ? ` (and ${errors.length - MAX_LISTED} more)` : '';
    return new BillingError('CAT_INVALID_FOR_TENANT', `Invalid catalog for tenant : ${ctx.tenant.id}: ${listed}${more}`, { errors: [...errors] });
  }

  async function activeRows(em: EntityManager): Promise<CatalogVersionRow[]> {
    return em.find(CatalogVersionEntity, { isActive: true }, { orderBy: { effectiveDate: 'asc', recordId: 'asc' } });
  }

  function parseRows(rows: readonly CatalogVersionRow[]): CatalogVersion[] {
    return rows.map((row) => parseCatalogXml(row.xml));
  }

  async function load(ctx: TenantContext): Promise<VersionedCatalog | null> {
    const rows = await activeRows(readEm(db, ctx));
    if (rows.length === 0) return null;
    try {
      return new VersionedCatalog(parseRows(rows));
    } catch (err) {
      // A stored version no longer reads (the parser became stricter): refuse rather than bill from a partial catalog.
      logger.error({ err, tenantRecordId: ctx.tenant.recordId }, 'a stored catalog version does not parse');
      throw new BillingError('UNEXPECTED_ERROR', 'A stored catalog version of this tenant cannot be read');
    }
  }

  /** Parses and checks the document, or throws the complete list of its problems. */
  function readCandidate(ctx: TenantContext, xml: string): { catalog: CatalogVersion; errors: readonly string[] } {
    const { catalog, errors } = checkCatalogXml(xml);
    if (catalog === null) throw invalid(ctx, errors);
    return { catalog, errors };
  }

  /**
   * One write of the version set: under the tenant lock (so two uploads of one tenant cannot both pass
   * the effective-date check), check against the versions `others` leaves, then `apply`.
   */
  async function write(
    ctx: CallContext,
    xml: string,
    others: (rows: CatalogVersionRow[]) => { keep: CatalogVersionRow[]; replaced: CatalogVersionRow | null },
  ): Promise<CatalogVersion> {
    requirePermission(ctx, 'catalog:config_upload');
    const { catalog, errors } = readCandidate(ctx, xml);
    const now = clock.now().toJSDate();
    await writeTx(db, ctx, async (em) => {
      await lockAccount(em, ctx.tenant.recordId, null);
      const { keep, replaced } = others(await activeRows(em));
      const all = [...errors, ...versionErrors(parseRows(keep), catalog)];
      if (all.length > 0) throw invalid(ctx, all);
      const fields = { catalogName: catalog.catalogName, effectiveDate: catalog.effectiveDate.toJSDate(), xml };
      // Kill Bill keeps catalog versions under the tenant key CATALOG: each upload is a TENANT_CONFIG_CHANGE.
      if (replaced) {
        Object.assign(replaced, fields);
        touch(replaced, ctx, now);
        emitTenantConfigEvent(em, ctx, clock, 'CHANGE', 'CATALOG', replaced.id);
      } else {
        const id = newId();
        em.create(CatalogVersionEntity, { id, tenantRecordId: ctx.tenant.recordId, isActive: true, ...fields, ...creationStamps(ctx, now) });
        emitTenantConfigEvent(em, ctx, clock, 'CHANGE', 'CATALOG', id);
      }
    });
    await cache.invalidate(ctx.tenant.recordId);
    return catalog;
  }

  const service: CatalogService = {
    start: () => cache.start(),

    upload: (ctx, xml) => write(ctx, xml, (rows) => ({ keep: rows, replaced: null })),

    replaceCurrent: (ctx, xml) =>
      write(ctx, xml, (rows) => ({ keep: rows.slice(0, -1), replaced: rows[rows.length - 1] ?? null })),

    async validate(ctx, xml) {
      const { catalog, errors } = checkCatalogXml(xml);
      if (catalog === null) return [...errors];
      const existing = await service.get(ctx);
      return [...errors, ...versionErrors(existing?.versions ?? [], catalog)];
    },

    get: (ctx) => cache.get(ctx.tenant.recordId, () => load(ctx)),

    async require(ctx) {
      const catalog = await service.get(ctx);
      if (!catalog) {
        throw new BillingError('CAT_NO_CATALOG_FOR_GIVEN_DATE', 'This tenant has no catalog: upload one with POST /1.0/kb/catalog/xml', {
          tenantId: ctx.tenant.id,
        });
      }
      return catalog;
    },

    async versions(ctx) {
      return (await service.get(ctx))?.versions.map((v) => v.effectiveDate) ?? [];
    },

    async delete(ctx) {
      requirePermission(ctx, 'catalog:delete');
      const now = clock.now().toJSDate();
      await writeTx(db, ctx, async (em) => {
        await lockAccount(em, ctx.tenant.recordId, null);
        for (const row of await activeRows(em)) {
          row.isActive = false;
          touch(row, ctx, now);
        }
        emitTenantConfigEvent(em, ctx, clock, 'DELETION', 'CATALOG', null);
      });
      await cache.invalidate(ctx.tenant.recordId);
    },
  };
  return service;
}
