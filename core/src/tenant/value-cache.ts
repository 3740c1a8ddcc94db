import { BroadcastCache } from '../cluster/broadcast-cache.js';
import type { Broadcast } from '../cluster/broadcast.js';

interface ValueKey {
  readonly tenantRecordId: number;
  readonly key: string;
}

export interface TenantValueCacheOptions {
  /** Entries kept at most (default 50,000). */
  readonly maxEntries?: number;
  /**
   * The safety age (default 60 s; cluster/broadcast-cache.ts). Kill Bill's own per-node tenant cache is
   * refreshed by polling tenant_broadcasts, i.e. it is eventually consistent too.
   */
  readonly maxAgeMs?: number;
  readonly now?: () => number;
}

/**
 * The active values of tenant keys (plugin config, version pins, push callbacks, per-tenant config ...), in
 * memory: a checkout read PLUGIN_CONFIG_/PLUGIN_VERSION_/PUSH_NOTIFICATION_CB a dozen times per flow, each a
 * round trip and an ORM query for a value that changes a few times a year. A BroadcastCache keyed by
 * (tenant, key) on the channel `billwright:<database>:tenant-kv`: `invalidate` after the write committed.
 */
export class TenantValueCache {
  readonly #cache: BroadcastCache<ValueKey, readonly string[]>;

  constructor(broadcast: Broadcast | null, options: TenantValueCacheOptions = {}) {
    this.#cache = new BroadcastCache(broadcast, {
      topic: 'tenant-kv',
      slot: (k) => `${k.tenantRecordId}\u0000${k.key}`,
      isKey: (m): m is ValueKey =>
        m !== null && typeof m === 'object' && typeof (m as ValueKey).tenantRecordId === 'number' && typeof (m as ValueKey).key === 'string',
      maxEntries: options.maxEntries ?? 50_000,
      maxAgeMs: options.maxAgeMs ?? 60_000,
      ...(options.now ? { now: options.now } : {}),
    });
  }

  start(): Promise<void> {
    return this.#cache.start();
  }

  get(tenantRecordId: number, key: string, load: () => Promise<readonly string[]>): Promise<readonly string[]> {
    return this.#cache.get({ tenantRecordId, key }, load);
  }

  invalidate(tenantRecordId: number, key: string): Promise<void> {
    return this.#cache.invalidate({ tenantRecordId, key });
  }
}
