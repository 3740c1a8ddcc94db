import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLUGIN_API_VERSION } from '@billwright/plugin-api';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL } from '../../../test/support/db.js';
import { Broadcast } from '../cluster/broadcast.js';
import { createPluginService, type CallablePool, type PluginService } from './service.js';

const logger = pino({ level: 'silent' });
const deployment = `bw_test_plugins_${randomUUID().slice(0, 8)}`;
let work: string;
const nodes: { broadcast: Broadcast; plugins: PluginService; started: string[] }[] = [];

/** A fake pool: answers every call with its version, so the test sees which version ran. */
function fakePool(version: string): CallablePool {
  return {
    call: async () => ({ kind: 'ok', value: version }) as never,
    close: async () => undefined,
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

  it('a node starting up starts what was selected for start', async () => {
    const plugins = createPluginService({ pluginsDir: join(work, 'b'), broadcast: null, logger, poolFactory: async (p) => fakePool(p.manifest.version) });
    await plugins.startAll();
    expect((await plugins.list()).map((s) => [s.state, s.isSelectedForStart])).toEqual([['RUNNING', true]]);
    await plugins.stopAll();
  });
});
