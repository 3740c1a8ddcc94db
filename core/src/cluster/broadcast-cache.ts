import type { Broadcast } from './broadcast.js';

interface Entry<V> {
  readonly loaded: Promise<V>;
  readonly at: number;
}

export interface BroadcastCacheOptions<K> {
  /** The broadcast topic invalidations travel on (channel `billwright:<database>:<topic>`). */
  readonly topic: string;
  /** The entry a key names (keys travel as JSON between nodes, slots stay on the node). */
  readonly slot: (key: K) => string;
  /** Whether a message from another node is a key of this cache (anything else is ignored). */
  readonly isKey: (message: unknown) => message is K;
  /** Entries kept at most; the least recently loaded goes first. */
  readonly maxEntries: number;
  /**
   * A safety net, not the mechanism: an entry older than this is reloaded even without a message, so a node
   * that missed a broadcast (Redis down for a while) is never stale for longer.
   */
  readonly maxAgeMs: number;
  readonly now?: () => number;
}

/**
 * A per-node cache of values loaded from the database, kept right across nodes by broadcast invalidation
 * (the catalog cache and the tenant key/value cache are two of them).
 *
 * Contract: `invalidate` drops the key's entry on this node before it returns and broadcasts the key, so
 * every node sharing the database drops it too; call it after the write committed. The entry is the
 * loading promise itself, so concurrent readers share one load; a failed load is not kept; and a load
 * begun before an invalidation is never stored after it (invalidation removes the entry, and `get` only
 * ever stores the promise it created).
 */
export class BroadcastCache<K, V> {
  readonly #entries = new Map<string, Entry<V>>();
  readonly #broadcast: Broadcast | null;
  readonly #options: BroadcastCacheOptions<K>;
  readonly #now: () => number;

  constructor(broadcast: Broadcast | null, options: BroadcastCacheOptions<K>) {
    this.#broadcast = broadcast;
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  async start(): Promise<void> {
    await this.#broadcast?.subscribe<unknown>(this.#options.topic, (message) => {
      if (this.#options.isKey(message)) this.#entries.delete(this.#options.slot(message));
    }, { othersOnly: true });
  }

  get(key: K, load: () => Promise<V>): Promise<V> {
    const slot = this.#options.slot(key);
    const hit = this.#entries.get(slot);
    if (hit && this.#now() - hit.at < this.#options.maxAgeMs) return hit.loaded;
    const entry: Entry<V> = { loaded: load(), at: this.#now() };
    this.#entries.delete(slot);
    this.#entries.set(slot, entry);
    entry.loaded.catch(() => {
      if (this.#entries.get(slot) === entry) this.#entries.delete(slot);
    });
    if (this.#entries.size > this.#options.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    return entry.loaded;
  }

  async invalidate(key: K): Promise<void> {
    this.#entries.delete(this.#options.slot(key));
    await this.#broadcast?.publish(this.#options.topic, key);
  }
}
