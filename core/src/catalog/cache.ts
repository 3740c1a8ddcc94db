import type { Broadcast } from '../cluster/broadcast.js';
import type { VersionedCatalog } from './versioned.js';

const TOPIC = 'catalog';

interface Entry {
  readonly loaded: Promise<VersionedCatalog | null>;
  readonly at: number;
}

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
 * Contract: `invalidate` drops the tenant's entry on this node before it returns and broadcasts the
 * tenant's record id (cluster/broadcast.ts: channel `billwright:<database>:catalog`), so every node
 * sharing the database drops it too; the next read reloads from the database. Call it after the write
 * committed. The entry is the loading promise itself, so concurrent readers share one load, and a load
 * begun before an invalidation is never stored after it. Proved by catalog/service.test.ts (two nodes).
 */
export class CatalogCache {
  readonly #entries = new Map<number, Entry>();
  readonly #broadcast: Broadcast;
  readonly #maxTenants: number;
  readonly #maxAgeMs: number;
  readonly #now: () => number;

  constructor(broadcast: Broadcast, options: CatalogCacheOptions = {}) {
    this.#broadcast = broadcast;
    this.#maxTenants = options.maxTenants ?? 10_000;
    this.#maxAgeMs = options.maxAgeMs ?? 5 * 60_000;
    this.#now = options.now ?? Date.now;
  }

  async start(): Promise<void> {
    await this.#broadcast.subscribe<unknown>(TOPIC, (tenantRecordId) => {
      if (typeof tenantRecordId === 'number') this.#entries.delete(tenantRecordId);
    }, { othersOnly: true });
  }

  get(tenantRecordId: number, load: () => Promise<VersionedCatalog | null>): Promise<VersionedCatalog | null> {
    const hit = this.#entries.get(tenantRecordId);
    if (hit && this.#now() - hit.at < this.#maxAgeMs) return hit.loaded;
    const entry: Entry = { loaded: load(), at: this.#now() };
    this.#entries.delete(tenantRecordId);
    this.#entries.set(tenantRecordId, entry);
    // A failed load is not kept: the next read tries again.
    entry.loaded.catch(() => {
      if (this.#entries.get(tenantRecordId) === entry) this.#entries.delete(tenantRecordId);
    });
    if (this.#entries.size > this.#maxTenants) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    return entry.loaded;
  }

  async invalidate(tenantRecordId: number): Promise<void> {
    this.#entries.delete(tenantRecordId);
    await this.#broadcast.publish(TOPIC, tenantRecordId);
  }
}
