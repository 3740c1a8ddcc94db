import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLUGIN_API_VERSION } from '@billwright/plugin-api';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL } from '../../../test/support/db.js';
import { Broadcast } from '../cluster/broadcast.js';
import type { CircuitSnapshot } from './circuit-breaker.js';
import { createPluginService, type CallablePool, type PluginService } from './service.js';
import type { TenantContext } from '../context.js';

const logger = pino({ level: 'silent' });
const deployment = `bw_test_plugins_${randomUUID().slice(0, 8)}`;
let work: string;
const nodes: { broadcast: Broadcast; plugins: PluginService; started: string[] }[] = [];

/** A fake pool: answers every call with its version, so the test sees which version ran. */
function fakePool(version: string): CallablePool {
  return {
    call: async () => ({ kind: 'ok', value: version }) as never,
    close: async () => undefined,
    info: () => ({ name: 'echo', version, state: 'RUNNING', threads: 1, inFlight: 0, circuit: { state: 'CLOSED', consecutiveFailures: 0, retryAt: null } }),
  };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'plugin-service-'));
  for (const n of ['a', 'b']) {
    const broadcast = new Broadcast(TEST_REDIS_URL, deployment, logger);
    await broadcast.start();
    const started: string[] = [];
    // Each node has its own plugins dir, as nodes on different hosts would.
    const plugins = createPluginService({
      pluginsDir: join(work, n),
      broadcast,
      logger,
      poolFactory: async (p) => {
        started.push(p.manifest.version);
        return fakePool(p.manifest.version);
      },
    });
    await plugins.startAll();
    nodes.push({ broadcast, plugins, started });
  }
  const dir = join(work, 'src');
  await mkdir(dir, { recursive: true });
  const billwright = { name: 'echo', apiVersion: `^${PLUGIN_API_VERSION}`, extensionPoints: ['routes'] };
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'echo', version: '1.0.0', billwright }));
});

afterAll(async () => {
  for (const n of nodes) {
    await n.plugins.stopAll();
    await n.broadcast.stop();
  }
  await rm(work, { recursive: true, force: true });
});

describe('plugin service node commands', () => {
  it('runs a command on this node and broadcasts it to every other node', async () => {
    const [a, b] = nodes;
    await a!.plugins.command({ type: 'INSTALL_PLUGIN', pluginName: '', pluginVersion: null, pluginUri: join(work, 'src') }, false);
    await expect.poll(async () => (await b!.plugins.list()).map((s) => s.plugin.manifest.version)).toEqual(['1.0.0']);

    await a!.plugins.command({ type: 'START_PLUGIN', pluginName: 'echo', pluginVersion: null, pluginUri: null }, false);
    await expect.poll(async () => (await b!.plugins.list()).map((s) => s.state)).toEqual(['RUNNING']);
    expect(await b!.plugins.use('echo', async (pool) => pool.call('$handle', [], { ctx: { tenant: null, pluginConfig: null, userName: null, userToken: null }, host: null }))).toEqual({ kind: 'ok', value: '1.0.0' });
  });

  it('keeps a localNodeOnly command on this node', async () => {
    const [a, b] = nodes;
    await a!.plugins.command({ type: 'STOP_PLUGIN', pluginName: 'echo', pluginVersion: null, pluginUri: null }, true);
    expect((await a!.plugins.list()).map((s) => s.state)).toEqual(['STOPPED']);
    await new Promise((r) => setTimeout(r, 100));
    expect((await b!.plugins.list()).map((s) => s.state)).toEqual(['RUNNING']);
  });

  it('refuses every node command naming a built-in plugin before running or broadcasting it', async () => {
    const [a, b] = nodes;
    const before = (await b!.plugins.list()).map((s) => s.state);
    for (const type of ['INSTALL_PLUGIN', 'START_PLUGIN', 'STOP_PLUGIN', 'RESTART_PLUGIN', 'UNINSTALL_PLUGIN'] as const) {
      await expect(a!.plugins.command({ type, pluginName: '__EXTERNAL_PAYMENT__', pluginVersion: '1.0.0', pluginUri: join(work, 'src') }, false)).rejects.toMatchObject({ code: 'PLUGIN_RESERVED_NAME' });
    }
    await expect(a!.plugins.start('__external_payment__')).rejects.toMatchObject({ code: 'PLUGIN_RESERVED_NAME' });
    expect((await b!.plugins.list()).map((s) => s.state)).toEqual(before);
  });

  it('a node starting up starts what was selected for start', async () => {
    const plugins = createPluginService({ pluginsDir: join(work, 'b'), broadcast: null, logger, poolFactory: async (p) => fakePool(p.manifest.version) });
    await plugins.startAll();
    expect((await plugins.list()).map((s) => [s.state, s.isSelectedForStart])).toEqual([['RUNNING', true]]);
    await plugins.stopAll();
  });
});

describe('plugin service, per-tenant versions and health', () => {
  const tenantCtx = (tenantId: string) => ({ tenant: { id: tenantId, recordId: 1 } }) as unknown as TenantContext;
  const circuits = new Map<string, CircuitSnapshot>();
  const closed = { state: 'CLOSED', consecutiveFailures: 0, retryAt: null } as const;
  /** A pool answering with its version, whose circuit the test sets per version. */
  const pool = (version: string): CallablePool => ({
    call: async (method) => ({ kind: 'ok', value: method === '$healthcheck' ? { healthy: true } : version }) as never,
    close: async () => undefined,
    info: () => ({ name: 'echo', version, state: 'RUNNING', threads: 1, inFlight: 0, circuit: circuits.get(version) ?? closed }),
  });
  let plugins: PluginService;
  const ask = (tenant: string | null) =>
    plugins.use('echo', async (p) => (await p.call('$handle', [], { ctx: { tenant: null, pluginConfig: null, userName: null, userToken: null }, host: null })) as { value: string }, tenant === null ? null : tenantCtx(tenant)).then((o) => o.value);

  beforeAll(async () => {
    for (const version of ['1.0.0', '2.0.0']) {
      const dir = join(work, `pin-src-${version}`);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'echo', version, billwright: { name: 'echo', apiVersion: `^${PLUGIN_API_VERSION}`, extensionPoints: ['routes', 'healthcheck'] } }));
    }
    const pins: Record<string, string> = { 'tenant-old': '1.0.0', 'tenant-gone': '0.5.0', 'tenant-current': '2.0.0' };
    plugins = createPluginService({
      pluginsDir: join(work, 'pinning'),
      broadcast: null,
      logger,
      poolFactory: async (p) => pool(p.manifest.version),
      pinnedVersion: async (ctx) => pins[ctx.tenant.id] ?? null,
    });
    await plugins.install(join(work, 'pin-src-1.0.0'));
    await plugins.install(join(work, 'pin-src-2.0.0'));
    await plugins.start('echo', '2.0.0');
  });
  afterAll(async () => plugins?.stopAll());

  it('serves a tenant pinned to an installed version from that version, every other call from the active one', async () => {
    expect(await ask('tenant-old')).toBe('1.0.0');
    expect(await ask('tenant-current')).toBe('2.0.0');
    expect(await ask('tenant-unpinned')).toBe('2.0.0');
    expect(await ask(null)).toBe('2.0.0');
    await expect(ask('tenant-gone')).rejects.toMatchObject({ code: 'PLUGIN_UNAVAILABLE', message: expect.stringContaining('pinned (PLUGIN_VERSION_echo) to version 0.5.0') });
    // pluginsInfo shows the pinned version running for its tenants only.
    expect((await plugins.list()).map((s) => [s.plugin.manifest.version, s.state, s.isSelectedForStart, s.pinnedOnly])).toEqual([
      ['1.0.0', 'RUNNING', false, true],
      ['2.0.0', 'RUNNING', true, false],
    ]);
  });

  it('reports an open circuit in list() and health(), and asks the plugin healthchecks', async () => {
    const retryAt = Date.parse('2026-01-01T00:00:30Z');
    circuits.set('1.0.0', { state: 'OPEN', consecutiveFailures: 5, retryAt });
    expect((await plugins.list()).map((s) => [s.plugin.manifest.version, s.circuit?.state])).toEqual([
      ['1.0.0', 'OPEN'],
      ['2.0.0', 'CLOSED'],
    ]);
    expect(await plugins.health()).toEqual([
      { pluginName: 'echo', version: '2.0.0', healthy: true, message: 'OK', circuit: closed },
      { pluginName: 'echo', version: '1.0.0', healthy: false, message: 'circuit open after 5 consecutive failures; retried from 2026-01-01T00:00:30.000Z', circuit: { state: 'OPEN', consecutiveFailures: 5, retryAt } },
    ]);
    circuits.clear();
  });

  it('uninstalling a pinned version closes its pool; its tenants are refused until re-pinned', async () => {
    await plugins.uninstall('echo', '1.0.0');
    expect((await plugins.list()).map((s) => s.plugin.manifest.version)).toEqual(['2.0.0']);
    await expect(ask('tenant-old')).rejects.toMatchObject({ code: 'PLUGIN_UNAVAILABLE' });
    expect(await ask('tenant-unpinned')).toBe('2.0.0');
  });
});

