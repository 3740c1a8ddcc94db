import { describe, expect, it } from 'vitest';
import type { PluginManifest } from './manifest.js';
import { PluginRegistry, type PluginPoolLike } from './registry.js';
import type { InstalledPlugin } from './store.js';

const plugin = (version: string): InstalledPlugin => {
  const manifest: PluginManifest = { name: 'hello', version, apiVersion: '^0.1.0', extensionPoints: ['routes'], permissions: [], entry: 'index.js' };
  return { manifest, dir: `/plugins/hello/${version}`, entryPath: `/plugins/hello/${version}/index.js` };
};

/** A pool that runs each call after `delayMs` and records what it ran and when it was closed. */
class FakePool implements PluginPoolLike {
  readonly ran: number[] = [];
  closedWith: number | null = null;
  inflight = 0;
  constructor(readonly version: string, readonly delayMs: number) {}
  async call(n: number): Promise<string> {
    if (this.closedWith !== null) throw new Error(`call ${n} reached closed pool ${this.version}`);
    this.inflight += 1;
    await new Promise((r) => setTimeout(r, this.delayMs));
    this.inflight -= 1;
    this.ran.push(n);
    return this.version;
  }
  async close(): Promise<void> {
    this.closedWith = this.inflight;
  }
}

describe('plugin registry', () => {
  it('upgrades v1 to v2 under a steady stream of calls, losing and duplicating none', async () => {
    const pools: FakePool[] = [];
    const registry = new PluginRegistry<FakePool>(async (p) => {
      await new Promise((r) => setTimeout(r, 20)); // the new pool takes a while to come up
      const pool = new FakePool(p.manifest.version, 15);
      pools.push(pool);
      return pool;
    });
    await registry.start(plugin('1.0.0'));

    const calls: Promise<string>[] = [];
    let n = 0;
    const stream = setInterval(() => {
      const id = n++;
      calls.push(registry.use('hello', (pool) => pool.call(id)));
    }, 2);
    await new Promise((r) => setTimeout(r, 30));
    const upgrade = registry.start(plugin('2.0.0'));
    await new Promise((r) => setTimeout(r, 30));
    // Calls keep flowing while v1 drains.
    expect(registry.running('hello')?.plugin.manifest.version).toBe('2.0.0');
    await upgrade;
    await new Promise((r) => setTimeout(r, 20));
    clearInterval(stream);
    const results = await Promise.all(calls);

    const [v1, v2] = pools;
    expect(v1 && v2).toBeTruthy();
    const ran = [...v1!.ran, ...v2!.ran].sort((a, b) => a - b);
    expect(ran).toEqual([...Array(n).keys()]); // every call ran exactly once
    expect(v1!.closedWith).toBe(0); // closed only after its last call finished
    expect(v2!.closedWith).toBeNull();
    expect(results.filter((v) => v === '1.0.0').length).toBe(v1!.ran.length);
    expect(v2!.ran.length).toBeGreaterThan(0);
    // The swap is one synchronous step: every call issued after it went to v2, none before it.
    expect(Math.min(...v2!.ran)).toBeGreaterThan(Math.max(...v1!.ran));
  });

  it('stop drains running calls, then refuses new ones with PLUGIN_UNAVAILABLE', async () => {
    const pool = new FakePool('1.0.0', 20);
    const registry = new PluginRegistry<FakePool>(async () => pool);
    await registry.start(plugin('1.0.0'));
    const running = registry.use('hello', (p) => p.call(1));
    await registry.stop('hello');
    expect(await running).toBe('1.0.0');
    expect(pool.closedWith).toBe(0);
    await expect(registry.use('hello', (p) => p.call(2))).rejects.toMatchObject({ code: 'PLUGIN_UNAVAILABLE' });
  });

  it('starting the running version again is a no-op; restart brings a fresh pool', async () => {
    let made = 0;
    const registry = new PluginRegistry<FakePool>(async (p) => {
      made += 1;
      return new FakePool(p.manifest.version, 1);
    });
    await registry.start(plugin('1.0.0'));
    await registry.start(plugin('1.0.0'));
    expect(made).toBe(1);
    await registry.restart(plugin('1.0.0'));
    expect(made).toBe(2);
  });

  it('a pool that fails to come up leaves the old version serving', async () => {
    const v1 = new FakePool('1.0.0', 1);
    const registry = new PluginRegistry<FakePool>(async (p) => {
      if (p.manifest.version === '2.0.0') throw new Error('broken v2');
      return v1;
    });
    await registry.start(plugin('1.0.0'));
    await expect(registry.start(plugin('2.0.0'))).rejects.toThrow('broken v2');
    expect(await registry.use('hello', (p) => p.call(1))).toBe('1.0.0');
    expect(v1.closedWith).toBeNull();
  });
});

describe('plugin registry, versions pinned per tenant', () => {
  /** A registry whose factory records every pool it makes, pinned pools closing after `idleMs`. */
  function pinningRegistry(idleMs: number) {
    const made: FakePool[] = [];
    const registry = new PluginRegistry<FakePool>(
      async (p) => {
        await new Promise((r) => setTimeout(r, 5));
        const pool = new FakePool(p.manifest.version, 5);
        made.push(pool);
        return pool;
      },
      { pinnedIdleMs: idleMs },
    );
    return { registry, made };
  }

  it('sends a pinned call to its version, started on first use and shared by concurrent calls, others to the active one', async () => {
    const { registry, made } = pinningRegistry(1_000);
    await registry.start(plugin('2.0.0'));
    let loads = 0;
    const load = async () => {
      loads += 1;
      return plugin('1.0.0');
    };
    const pinned = await Promise.all([1, 2, 3].map((n) => registry.useVersion('hello', '1.0.0', load, (p) => p.call(n))));
    expect(pinned).toEqual(['1.0.0', '1.0.0', '1.0.0']);
    expect(loads).toBe(1);
    expect(await registry.use('hello', (p) => p.call(4))).toBe('2.0.0');
    // Pinned to the active version: the active pool serves it, no second pool.
    expect(await registry.useVersion('hello', '2.0.0', load, (p) => p.call(5))).toBe('2.0.0');
    expect(made.map((p) => p.version)).toEqual(['2.0.0', '1.0.0']);
    expect((await registry.pools()).map((p) => [p.plugin.manifest.version, p.pinned])).toEqual([
      ['2.0.0', false],
      ['1.0.0', true],
    ]);
    await registry.closeAll();
  });

  it('closes a pinned pool once unused for the idle time, after its last call, and starts it again on demand', async () => {
    const { registry, made } = pinningRegistry(30);
    await registry.start(plugin('2.0.0'));
    expect(await registry.useVersion('hello', '1.0.0', async () => plugin('1.0.0'), (p) => p.call(1))).toBe('1.0.0');
    const first = made[1]!;
    await new Promise((r) => setTimeout(r, 10));
    expect(first.closedWith).toBeNull(); // still warm for the next call
    await new Promise((r) => setTimeout(r, 60));
    expect(first.closedWith).toBe(0);
    expect((await registry.pools()).map((p) => p.pinned)).toEqual([false]);
    expect(await registry.useVersion('hello', '1.0.0', async () => plugin('1.0.0'), (p) => p.call(2))).toBe('1.0.0');
    expect(made.length).toBe(3);
    await registry.closeAll();
  });

  it('stop stops pinned tenants too: the pinned pool drains its call and new pinned calls are refused', async () => {
    const { registry, made } = pinningRegistry(10_000);
    await registry.start(plugin('2.0.0'));
    const running = registry.useVersion('hello', '1.0.0', async () => plugin('1.0.0'), (p) => p.call(1));
    await new Promise((r) => setTimeout(r, 7)); // the pinned pool is up, its call in flight
    await registry.stop('hello');
    expect(await running).toBe('1.0.0');
    expect(made.every((p) => p.closedWith === 0)).toBe(true);
    await expect(registry.useVersion('hello', '1.0.0', async () => plugin('1.0.0'), (p) => p.call(2))).rejects.toMatchObject({ code: 'PLUGIN_UNAVAILABLE' });
  });

  it('a pinned version that cannot be loaded fails its calls and is tried again on the next one', async () => {
    const { registry } = pinningRegistry(1_000);
    await registry.start(plugin('2.0.0'));
    const missing = async (): Promise<never> => {
      throw new Error('not installed');
    };
    await expect(registry.useVersion('hello', '0.9.0', missing, (p) => p.call(1))).rejects.toThrow('not installed');
    expect(await registry.useVersion('hello', '0.9.0', async () => plugin('0.9.0'), (p) => p.call(2))).toBe('0.9.0');
    await registry.closeAll();
  });
});
