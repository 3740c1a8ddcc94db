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
