import { BillingError } from '../errors/index.js';
import type { InstalledPlugin } from './store.js';

/** What the registry needs of a pool (core/src/plugins/pool.ts PluginPool fits): closing drains it. */
export interface PluginPoolLike {
  close(): Promise<void>;
}

export type PluginPoolFactory<P extends PluginPoolLike> = (plugin: InstalledPlugin) => Promise<P>;

export interface RunningPlugin {
  readonly plugin: InstalledPlugin;
  readonly startedAt: Date;
}

interface Slot<P> {
  readonly plugin: InstalledPlugin;
  readonly pool: P;
  readonly startedAt: Date;
  inflight: number;
  onIdle: (() => void) | null;
}

/** A version some tenant is pinned to that is not the node's active one: started on first use. */
interface PinnedSlot<P> {
  readonly ready: Promise<Slot<P>>;
  inflight: number;
  idleTimer: NodeJS.Timeout | null;
  onIdle: (() => void) | null;
}

/** One pool the registry holds: the node's active version of a plugin, or a tenant-pinned one. */
export interface RegistryPool<P> {
  readonly plugin: InstalledPlugin;
  readonly pool: P;
  readonly pinned: boolean;
}

export interface PluginRegistryOptions {
  readonly now?: () => Date;
  /** How long a pinned version's pool stays up once its last call ended (default 60 s). */
  readonly pinnedIdleMs?: number;
}

/**
 * Which version of each plugin runs on this node (one active per node, issue 6 §2), and the upgrade
 * without downtime of §4: the new version's pool comes up first, then one synchronous swap sends every
 * new call to it, then the old pool closes once its in-flight calls have finished. A call is leased to
 * exactly one pool for its whole life, so none is lost (the old pool is not closed under it) or run
 * twice (nothing is retried on the other pool).
 */
export class PluginRegistry<P extends PluginPoolLike> {
  readonly #factory: PluginPoolFactory<P>;
  readonly #slots = new Map<string, Slot<P>>();
  /** Start/stop of one plugin are serialized so two upgrades never interleave their swaps. */
  readonly #queues = new Map<string, Promise<unknown>>();
  /** Tenant-pinned versions (issue 6 §2, beyond Kill Bill), keyed `name@version`. */
  readonly #pinned = new Map<string, PinnedSlot<P>>();
  readonly #now: () => Date;
  readonly #pinnedIdleMs: number;

  constructor(factory: PluginPoolFactory<P>, options: PluginRegistryOptions = {}) {
    this.#factory = factory;
    this.#now = options.now ?? (() => new Date());
    this.#pinnedIdleMs = options.pinnedIdleMs ?? 60_000;
  }

  /** Starts `plugin`; if another version of it runs, upgrades (or downgrades) to this one. */
  start(plugin: InstalledPlugin): Promise<void> {
    return this.#serial(plugin.manifest.name, async () => {
      const current = this.#slots.get(plugin.manifest.name);
      if (current && current.plugin.manifest.version === plugin.manifest.version) return;
      const pool = await this.#factory(plugin);
      this.#slots.set(plugin.manifest.name, { plugin, pool, startedAt: this.#now(), inflight: 0, onIdle: null });
      if (current) await this.#drainAndClose(current);
    });
  }

  /** Stops a plugin, pinned versions included: no new call reaches it; calls already running finish first. */
  stop(name: string): Promise<void> {
    return this.#serial(name, async () => {
      const current = this.#slots.get(name);
      this.#slots.delete(name);
      const pinned = [...this.#pinned.keys()].filter((key) => key.startsWith(`${name}@`));
      await Promise.all([...(current ? [this.#drainAndClose(current)] : []), ...pinned.map((key) => this.#closePinned(key))]);
    });
  }

  /** Closes the pinned pool of one version (its uninstall), if one runs; the active pool is stop()'s. */
  async stopPinned(name: string, version: string): Promise<void> {
    await this.#closePinned(`${name}@${version}`);
  }

  /** Stops and starts the same version again (RESTART_PLUGIN): a fresh pool, old calls drained. */
  restart(plugin: InstalledPlugin): Promise<void> {
    return this.#serial(plugin.manifest.name, async () => {
      const current = this.#slots.get(plugin.manifest.name);
      const pool = await this.#factory(plugin);
      this.#slots.set(plugin.manifest.name, { plugin, pool, startedAt: this.#now(), inflight: 0, onIdle: null });
      if (current) await this.#drainAndClose(current);
    });
  }

  running(name: string): RunningPlugin | null {
    const slot = this.#slots.get(name);
    return slot ? { plugin: slot.plugin, startedAt: slot.startedAt } : null;
  }

  list(): RunningPlugin[] {
    return [...this.#slots.values()].map((s) => ({ plugin: s.plugin, startedAt: s.startedAt }));
  }

  /** Every pool up on this node, active and pinned (pluginsInfo, the healthcheck). */
  async pools(): Promise<RegistryPool<P>[]> {
    const active = [...this.#slots.values()].map((s) => ({ plugin: s.plugin, pool: s.pool, pinned: false }));
    const pinned = await Promise.all([...this.#pinned.values()].map((p) => p.ready.then((s) => s, () => null)));
    return [...active, ...pinned.filter((s): s is Slot<P> => s !== null).map((s) => ({ plugin: s.plugin, pool: s.pool, pinned: true }))];
  }

  /**
   * Runs `fn` on the active pool of `name`, leasing that pool until `fn` settles. Unknown or stopped
   * plugin → PLUGIN_UNAVAILABLE (the caller decides whether that is a 404 or a 503).
   */
  async use<T>(name: string, fn: (pool: P, plugin: InstalledPlugin) => Promise<T>): Promise<T> {
    const slot = this.#slots.get(name);
    if (!slot) throw new BillingError('PLUGIN_UNAVAILABLE', `Plugin ${name} is not running`, { pluginName: name });
    slot.inflight += 1;
    try {
      return await fn(slot.pool, slot.plugin);
    } finally {
      slot.inflight -= 1;
      if (slot.inflight === 0) slot.onIdle?.();
    }
  }

  /**
   * Runs `fn` on `version` of `name` for a tenant pinned to it. The plugin must be running on this node
   * (a stop stops pinned tenants too). The active pool serves the call when it runs that version;
   * otherwise a pool of that version, started on first use (`load` reads it from the store), serves
   * every tenant pinned to it and closes once no call has used it for `pinnedIdleMs`.
   */
  async useVersion<T>(name: string, version: string, load: () => Promise<InstalledPlugin>, fn: (pool: P, plugin: InstalledPlugin) => Promise<T>): Promise<T> {
    const active = this.#slots.get(name);
    if (!active) throw new BillingError('PLUGIN_UNAVAILABLE', `Plugin ${name} is not running`, { pluginName: name });
    if (active.plugin.manifest.version === version) return this.use(name, fn);
    const key = `${name}@${version}`;
    let pinned = this.#pinned.get(key);
    if (!pinned) {
      const ready = (async () => {
        const plugin = await load();
        return { plugin, pool: await this.#factory(plugin), startedAt: this.#now(), inflight: 0, onIdle: null };
      })();
      pinned = { ready, inflight: 0, idleTimer: null, onIdle: null };
      this.#pinned.set(key, pinned);
      // A version that cannot start is not remembered: the next call tries again (and fails the same way).
      ready.catch(() => this.#pinned.get(key) === pinned && this.#pinned.delete(key));
    }
    const lease = pinned;
    lease.inflight += 1;
    if (lease.idleTimer) clearTimeout(lease.idleTimer);
    lease.idleTimer = null;
    try {
      const slot = await lease.ready;
      return await fn(slot.pool, slot.plugin);
    } finally {
      lease.inflight -= 1;
      if (lease.inflight === 0) lease.onIdle?.();
      if (lease.inflight === 0 && this.#pinned.get(key) === lease) {
        lease.idleTimer = setTimeout(() => void this.#closePinned(key), this.#pinnedIdleMs);
        lease.idleTimer.unref();
      }
    }
  }

  async closeAll(): Promise<void> {
    const names = new Set([...this.#slots.keys(), ...[...this.#pinned.keys()].map((key) => key.slice(0, key.lastIndexOf('@')))]);
    await Promise.all([...names].map((name) => this.stop(name)));
  }

  /** Forgets a pinned pool first (a new call starts a fresh one), then closes it once its calls ended. */
  async #closePinned(key: string): Promise<void> {
    const pinned = this.#pinned.get(key);
    if (!pinned) return;
    this.#pinned.delete(key);
    if (pinned.idleTimer) clearTimeout(pinned.idleTimer);
    const slot = await pinned.ready.catch(() => null);
    if (!slot) return;
    // Its calls are counted on the lease (some may still wait for the pool to come up): let them finish.
    if (pinned.inflight > 0) await new Promise<void>((resolve) => (pinned.onIdle = resolve));
    await slot.pool.close();
  }

  async #drainAndClose(slot: Slot<P>): Promise<void> {
    if (slot.inflight > 0) await new Promise<void>((resolve) => (slot.onIdle = resolve));
    await slot.pool.close();
  }

  #serial(name: string, job: () => Promise<void>): Promise<void> {
    const previous = this.#queues.get(name) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(job);
    this.#queues.set(name, next);
    return next;
  }
}
