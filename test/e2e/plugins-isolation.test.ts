import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLUGIN_API_VERSION_OF_HOST } from '@billwright/core';
import type { NodeCommand } from 'killbill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killbill, newTenant, rawHttp, type TenantCredentials } from '../support/killbill.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Issue #6: a throwing, hanging, memory-hungry or exiting plugin fails only its own call, within its
 * deadline + 1 s, while another plugin and the Kill Bill API keep answering — over HTTP, against a real
 * server whose plugin calls have a short deadline (KB_PLUGIN_TIMEOUT_MS).
 */

const DEADLINE_MS = 1_500;
let server: TestServer;
let work: string;
let credentials: TenantCredentials;

const command = (nodeCommandType: string, props: Record<string, string>): NodeCommand => ({
  nodeCommandType,
  isSystemCommandType: false,
  nodeCommandProperties: Object.entries(props).map(([key, value]) => ({ key, value: value as unknown as object })),
});

async function pluginPackage(name: string, routes: string): Promise<string> {
  const dir = join(work, name);
  await mkdir(dir, { recursive: true });
  const billwright = { name, apiVersion: `^${PLUGIN_API_VERSION_OF_HOST}`, extensionPoints: ['routes'], permissions: [] };
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', type: 'module', main: 'index.js', billwright }));
  await writeFile(join(dir, 'index.js'), `export default { routes: {\n${routes}\n} };\n`);
  return dir;
}

/** Every way a plugin can go wrong, one route each; `ok` shows its worker was replaced. */
const MISBEHAVING = `
  'GET /ok': () => ({ status: 200, body: { ok: true } }),
  'POST /throw': () => { throw new Error('plugin exploded'); },
  'POST /hang': () => { for (;;); },
  'POST /allocate': () => { const hoard = []; for (;;) hoard.push(new Array(1000000).fill(hoard.length)); },
  'POST /exit': () => process.exit(3),
`;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'plugins-isolation-'));
  server = await startTestServer(import.meta.filename, { pluginsDir: join(work, 'plugins'), pluginTimeoutMs: DEADLINE_MS });
  const kb = killbill(server.url);
  for (const [name, routes] of [
    ['misbehaving', MISBEHAVING],
    ['steady', `'GET /ping': () => ({ status: 200, body: { pong: true } }),`],
  ] as const) {
    await kb.nodesInfo.triggerNodeCommand(command('INSTALL_PLUGIN', { pluginUri: await pluginPackage(name, routes) }), 'test');
    await kb.nodesInfo.triggerNodeCommand(command('START_PLUGIN', { pluginName: name }), 'test');
  }
  ({ credentials } = await newTenant(server.url));
});

afterAll(async () => {
  await server?.close();
  await rm(work, { recursive: true, force: true });
});

/** While `bad` runs: the other plugin and the account API answered every time, each call 200. */
async function keepsServing(bad: () => Promise<{ status: number }>) {
  const http = rawHttp(server.url, credentials);
  let running = true;
  const others: number[] = [];
  const background = (async () => {
    while (running) {
      const [plugin, api] = await Promise.all([http.get('/plugins/steady/ping'), http.get('/1.0/kb/accounts/pagination')]);
      others.push(plugin.status, api.status);
    }
  })();
  const started = Date.now();
  const res = await bad();
  const elapsed = Date.now() - started;
  running = false;
  await background;
  return { status: res.status, elapsed, others };
}

describe('a misbehaving plugin, over HTTP', () => {
  const http = () => rawHttp(server.url, credentials);

  for (const [behaviour, expected] of [
    ['throw', 502],
    ['hang', 504],
    ['allocate', 502],
    ['exit', 502],
  ] as const) {
    it(`fails only its own call when it ${behaviour === 'allocate' ? 'allocates past its heap limit' : behaviour + 's'}, within the deadline + 1 s, while the API and another plugin keep answering`, async () => {
      const { status, elapsed, others } = await keepsServing(() => http().post(`/plugins/misbehaving/${behaviour}`, '[]'));
      expect(status).toBe(expected);
      expect(elapsed).toBeLessThan(DEADLINE_MS + 1_000);
      expect(others.length).toBeGreaterThan(0);
      expect(others.every((s) => s === 200)).toBe(true);
      // The plugin itself is still there: a fresh worker answers its next call.
      expect((await http().get('/plugins/misbehaving/ok')).data).toEqual({ ok: true });
    });
  }
});
