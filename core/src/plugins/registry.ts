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
  readonly #now: () => Date;

  constructor(factory: PluginPoolFactory<P>, now: () => Date = () => new Date()) {
    this.#factory = factory;
    this.#now = now;
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

  /** Stops a plugin: no new call reaches it; calls already running finish first. */
  stop(name: string): Promise<void> {
    return this.#serial(name, async () => {
      const current = this.#slots.get(name);
      if (!current) return;
      this.#slots.delete(name);
      await this.#drainAndClose(current);
    });
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

  async closeAll(): Promise<void> {
    await Promise.all([...this.#slots.keys()].map((name) => this.stop(name)));
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
