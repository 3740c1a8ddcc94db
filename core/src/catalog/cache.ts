import { BroadcastCache } from '../cluster/broadcast-cache.js';
import type { Broadcast } from '../cluster/broadcast.js';
import type { VersionedCatalog } from './versioned.js';

const TOPIC = 'catalog';

export interface CatalogCacheOptions {
  /** Tenants kept at most; the least recently loaded goes first. */
  readonly maxTenants?: number;
  /**
   * A safety net, not the mechanism: an entry older than this is reloaded even without a message, so a
   * node that missed a broadcast (Redis down for a while) is never stale for longer.
   */
  readonly maxAgeMs?: number;
  readonly now?: () => number;
}

/**
 * The parsed catalog of each tenant, in memory (Kill Bill's CatalogCache): parsing and checking the XML
 * of every version on each request would dominate the catalog reads.
 *
 * A BroadcastCache (cluster/broadcast-cache.ts: its contract) keyed by the tenant's record id, on the channel
 * `billwright:<database>:catalog`; `invalidate` after the write committed. Proved by catalog/service.test.ts
 * (two nodes).
 */
export class CatalogCache {
  readonly #cache: BroadcastCache<number, VersionedCatalog | null>;

  constructor(broadcast: Broadcast, options: CatalogCacheOptions = {}) {
    this.#cache = new BroadcastCache(broadcast, {
      topic: TOPIC,
      slot: (tenantRecordId) => String(tenantRecordId),
      isKey: (m): m is number => typeof m === 'number',
      maxEntries: options.maxTenants ?? 10_000,
      maxAgeMs: options.maxAgeMs ?? 5 * 60_000,
      ...(options.now ? { now: options.now } : {}),
    });
  }

  start(): Promise<void> {
    return this.#cache.start();
  }

  get(tenantRecordId: number, load: () => Promise<VersionedCatalog | null>): Promise<VersionedCatalog | null> {
    return this.#cache.get(tenantRecordId, load);
  }

  invalidate(tenantRecordId: number): Promise<void> {
    return this.#cache.invalidate(tenantRecordId);
  }
}
