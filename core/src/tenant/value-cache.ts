import type { Broadcast } from '../cluster/broadcast.js';

const TOPIC = 'tenant-kv';

interface Entry {
  readonly loaded: Promise<readonly string[]>;
  readonly at: number;
}

interface Invalidation {
  readonly tenantRecordId: number;
  readonly key: string;
}

export interface TenantValueCacheOptions {
  /** Entries kept at most; the least recently loaded goes first. */
  readonly maxEntries?: number;
  /**
   * A safety net, not the mechanism: an entry older than this is reloaded even without a message, so a node
   * that missed a broadcast (Redis down for a while) is never stale for longer. Kill Bill's own per-node
   * tenant cache is refreshed by polling tenant_broadcasts, i.e. it is eventually consistent too.
   */
  readonly maxAgeMs?: number;
  readonly now?: () => number;
}

/**
 * The active values of tenant keys (plugin config, version pins, push callbacks, per-tenant config ...), in
 * memory: a checkout read PLUGIN_CONFIG_/PLUGIN_VERSION_/PUSH_NOTIFICATION_CB a dozen times per flow, each a
 * round trip and an ORM query for a value that changes a few times a year.
 *
 * Contract: `invalidate` drops the (tenant, key) entry on this node before it returns and broadcasts it
 * (channel `billwright:<database>:tenant-kv`) so every node drops it; call it after the write committed. The
 * entry is the loading promise itself, so concurrent readers share one load, and a failed load is not kept.
 * A load that began before an invalidation may still finish, but it is never stored over the newer state:
 * invalidation replaces nothing, it removes the entry, and `get` only stores the promise it created.
 */
export class TenantValueCache {
  readonly #entries = new Map<string, Entry>();
  readonly #broadcast: Broadcast | null;
  readonly #maxEntries: number;
  readonly #maxAgeMs: number;
  readonly #now: () => number;

  constructor(broadcast: Broadcast | null, options: TenantValueCacheOptions = {}) {
    this.#broadcast = broadcast;
    this.#maxEntries = options.maxEntries ?? 50_000;
    this.#maxAgeMs = options.maxAgeMs ?? 60_000;
    this.#now = options.now ?? Date.now;
  }

  async start(): Promise<void> {
    await this.#broadcast?.subscribe<Invalidation>(TOPIC, (m) => {
      if (m !== null && typeof m === 'object' && typeof m.tenantRecordId === 'number' && typeof m.key === 'string') {
        this.#entries.delete(slot(m.tenantRecordId, m.key));
      }
    }, { othersOnly: true });
  }

  get(tenantRecordId: number, key: string, load: () => Promise<readonly string[]>): Promise<readonly string[]> {
    const k = slot(tenantRecordId, key);
    const hit = this.#entries.get(k);
    if (hit && this.#now() - hit.at < this.#maxAgeMs) return hit.loaded;
    const entry: Entry = { loaded: load(), at: this.#now() };
    this.#entries.delete(k);
    this.#entries.set(k, entry);
    entry.loaded.catch(() => {
      if (this.#entries.get(k) === entry) this.#entries.delete(k);
    });
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    return entry.loaded;
  }

  async invalidate(tenantRecordId: number, key: string): Promise<void> {
    this.#entries.delete(slot(tenantRecordId, key));
    await this.#broadcast?.publish(TOPIC, { tenantRecordId, key } satisfies Invalidation);
  }
}

const slot = (tenantRecordId: number, key: string): string => `${tenantRecordId}\u0000${key}`;
