import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLUGIN_API_VERSION_OF_HOST } from '@billwright/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeNpmRegistry, type FakeNpmRegistry } from '../support/npm-registry.js';
import { newTenant, rawHttp } from '../support/killbill.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Plugin versions over HTTP: installing by npm package name (a local registry), a v1 → v2 upgrade under
 * a steady stream of plugin calls, tenants pinned to a version, and an open circuit in pluginsInfo and
 * the healthcheck.
 */
let server: TestServer;
let registry: FakeNpmRegistry;
let work: string;
// A fresh npm name per run, so npm's cache never answers for it.
const counterPackage = `bw-test-counter-${randomUUID().slice(0, 8)}`;
const ADMIN = { authorization: `Basic ${Buffer.from('admin:password').toString('base64')}` };

/**
 * The plugin `counter`: `GET /tick?n=` answers its version and appends `<version> <n>` to a log file,
 * so the test counts what ran on the plugin side (every worker thread of every version appends to it).
 */
async function counterPlugin(version: string, log: string): Promise<string> {
  const dir = join(work, `counter-${version}`);
  await mkdir(dir, { recursive: true });
  const billwright = { name: 'counter', apiVersion: `^${PLUGIN_API_VERSION_OF_HOST}`, extensionPoints: ['routes'], permissions: [] };
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: counterPackage, version, type: 'module', main: 'index.js', billwright }));
  await writeFile(
    join(dir, 'index.js'),
    `import { appendFileSync } from 'node:fs';
     export default { routes: { 'GET /tick': (req, ctx) => {
       appendFileSync(${JSON.stringify(log)}, '${version} ' + req.query.n + '\\n');
       return { status: 200, body: { version: '${version}', n: req.query.n, tenantId: ctx.tenant && ctx.tenant.tenantId } };
     } } };\n`,
  );
  return dir;
}

/** A plugin whose every endpoint call throws: five in a row open its circuit. */
async function flakyPlugin(): Promise<string> {
  const dir = join(work, 'flaky');
  await mkdir(dir, { recursive: true });
  const billwright = { name: 'flaky', apiVersion: `^${PLUGIN_API_VERSION_OF_HOST}`, extensionPoints: ['routes'], permissions: [] };
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'flaky', version: '1.0.0', type: 'module', main: 'index.js', billwright }));
  await writeFile(join(dir, 'index.js'), `export default { routes: () => { throw new Error('gateway down'); } };\n`);
  return dir;
}

async function nodeCommand(type: string, props: Record<string, string>): Promise<number> {
  const res = await rawHttp(server.url).post(
    '/1.0/kb/nodesInfo',
    { nodeCommandType: type, isSystemCommandType: false, nodeCommandProperties: Object.entries(props).map(([key, value]) => ({ key, value })) },
    { headers: { 'X-Killbill-CreatedBy': 'test' } },
  );
  return res.status;
}

async function pluginInfo(name: string) {
  const { data } = await rawHttp(server.url).get('/1.0/kb/pluginsInfo');
  return (data as { pluginName: string; version: string; state: string; isSelectedForStart: boolean; circuit: string | null; pinnedOnly: boolean }[])
    .filter((p) => p.pluginName === name)
    .map(({ version, state, isSelectedForStart, circuit, pinnedOnly }) => ({ version, state, isSelectedForStart, circuit, pinnedOnly }));
}

let log: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'plugins-versions-'));
  log = join(work, 'calls.log');
  await writeFile(log, '');
  registry = await startFakeNpmRegistry();
  registry.publish(await counterPlugin('1.0.0', log));
  registry.publish(await counterPlugin('2.0.0', log));
  server = await startTestServer(import.meta.filename, { pluginsDir: join(work, 'plugins'), pluginsNpmRegistry: registry.url });
});

afterAll(async () => {
  await server?.close();
  await registry?.close();
  await rm(work, { recursive: true, force: true });
});

describe('plugin versions over HTTP', () => {
  it('installs a plugin by npm package name with INSTALL_PLUGIN (pluginKey + pluginVersion) from the configured registry', async () => {
    expect(await nodeCommand('INSTALL_PLUGIN', { pluginKey: counterPackage, pluginVersion: '1.0.0' })).toBe(202);
    expect(registry.requests).toContain(`/${counterPackage}/-/${counterPackage}-1.0.0.tgz`);
    expect(await nodeCommand('START_PLUGIN', { pluginName: 'counter' })).toBe(202);
    expect(await pluginInfo('counter')).toEqual([{ version: '1.0.0', state: 'RUNNING', isSelectedForStart: true, circuit: 'CLOSED', pinnedOnly: false }]);
    // A package the registry does not have: 404 with npm's reason.
    const missing = await rawHttp(server.url).post(
      '/1.0/kb/nodesInfo',
      { nodeCommandType: 'INSTALL_PLUGIN', nodeCommandProperties: [{ key: 'pluginUri', value: `${counterPackage}@9.9.9` }] },
      { headers: { 'X-Killbill-CreatedBy': 'test' } },
    );
    expect(missing.status).toBe(404);
    expect(missing.data.message).toContain('npm pack failed');
  });

  it('upgrades v1 to v2 through nodesInfo under a steady stream of HTTP calls: every call answered 200 once, run once, none lost', async () => {
    const answers = new Map<number, { status: number; version: string; n: string }>();
    let nextId = 0;
    let stop = false;
    let answeredTwice = 0;
    // Never throws, so the stream always ends; a failed request is recorded as status 0.
    const worker = async () => {
      while (!stop) {
        const id = nextId++;
        const answer = await fetch(`${server.url}/plugins/counter/tick?n=${id}`, { headers: ADMIN }).then(
          async (res) => ({ status: res.status, ...((await res.json()) as { version: string; n: string }) }),
          () => ({ status: 0, version: '', n: '' }),
        );
        if (answers.has(id)) answeredTwice += 1;
        answers.set(id, answer);
      }
    };
    const workers = Array.from({ length: 4 }, worker);
    const waitForAnswers = async (count: number) => {
      const target = answers.size + count;
      while (answers.size < target) await new Promise((r) => setTimeout(r, 5));
    };
    const report = () => `${answers.size} calls, ${[...answers.values()].filter((a) => a.version === '1.0.0').length} on v1`;

    await waitForAnswers(20);
    const beforeUpgrade = nextId;
    expect(await nodeCommand('INSTALL_PLUGIN', { pluginUri: `${counterPackage}@2.0.0` })).toBe(202);
    expect(await nodeCommand('START_PLUGIN', { pluginName: 'counter', pluginVersion: '2.0.0' })).toBe(202);
    const afterUpgrade = nextId;
    await waitForAnswers(20);
    stop = true;
    await Promise.all(workers);

    expect(answeredTwice).toBe(0);
    expect(answers.size, report()).toBeGreaterThanOrEqual(40);
    console.info(`plugin upgrade under load: ${report()}, ${afterUpgrade - beforeUpgrade} issued while v2 was installed and started`);
    const ids = [...answers.keys()].sort((a, b) => a - b);
    expect(ids).toEqual([...Array(nextId).keys()]);
    expect([...answers.values()].every((a) => a.status === 200)).toBe(true);
    for (const [id, a] of answers) expect(a.n).toBe(String(id));
    // The plugin side: each call ran exactly once, in the version that answered it.
    const ran = (await readFile(log, 'utf8')).trim().split('\n').map((line) => line.split(' ') as [string, string]);
    expect(ran.map(([, n]) => Number(n)).sort((a, b) => a - b)).toEqual(ids);
    for (const [version, n] of ran) expect(answers.get(Number(n))?.version).toBe(version);
    // Answers switch from v1 to v2: all calls issued before the upgrade began ran on v1, all after it on v2.
    for (const id of ids.filter((i) => i < beforeUpgrade)) expect(answers.get(id)?.version).toBe('1.0.0');
    for (const id of ids.filter((i) => i >= afterUpgrade)) expect(answers.get(id)?.version).toBe('2.0.0');
    expect(await pluginInfo('counter')).toEqual([
      { version: '1.0.0', state: 'STOPPED', isSelectedForStart: false, circuit: null, pinnedOnly: false },
      { version: '2.0.0', state: 'RUNNING', isSelectedForStart: true, circuit: 'CLOSED', pinnedOnly: false },
    ]);
  });

  it('serves a tenant pinned with the userKeyValue PLUGIN_VERSION_<name> from that version, other tenants from the active one', async () => {
    const pinned = await newTenant(server.url);
    const other = await newTenant(server.url);
    const tick = async (credentials: { apiKey: string; apiSecret: string }) => (await rawHttp(server.url, credentials).get('/plugins/counter/tick?n=pin')).data as { version: string; tenantId: string };

    await pinned.kb.tenants.insertUserKeyValue('1.0.0', 'PLUGIN_VERSION_counter', 'test');
    expect(await tick(pinned.credentials)).toEqual({ version: '1.0.0', n: 'pin', tenantId: pinned.tenantId });
    expect((await tick(other.credentials)).version).toBe('2.0.0');
    expect((await rawHttp(server.url).get('/plugins/counter/tick?n=pin')).data.version).toBe('2.0.0');
    expect(await pluginInfo('counter')).toEqual([
      { version: '1.0.0', state: 'RUNNING', isSelectedForStart: false, circuit: 'CLOSED', pinnedOnly: true },
      { version: '2.0.0', state: 'RUNNING', isSelectedForStart: true, circuit: 'CLOSED', pinnedOnly: false },
    ]);

    // A pin to a version not installed is refused, not silently served by another version.
    await pinned.kb.tenants.deleteUserKeyValue('PLUGIN_VERSION_counter', 'test');
    await pinned.kb.tenants.insertUserKeyValue('7.0.0', 'PLUGIN_VERSION_counter', 'test');
    const refused = await rawHttp(server.url, pinned.credentials).get('/plugins/counter/tick?n=pin');
    expect(refused.status).toBe(503);
    expect(refused.data.message).toContain('pinned (PLUGIN_VERSION_counter) to version 7.0.0');

    // Unpinned: back on the active version.
    await pinned.kb.tenants.deleteUserKeyValue('PLUGIN_VERSION_counter', 'test');
    expect((await tick(pinned.credentials)).version).toBe('2.0.0');
  });

  it('reports an open circuit in pluginsInfo and the healthcheck, which stays 200 while the database and Redis answer', async () => {
    expect(await nodeCommand('INSTALL_PLUGIN', { pluginUri: await flakyPlugin() })).toBe(202);
    expect(await nodeCommand('START_PLUGIN', { pluginName: 'flaky' })).toBe(202);
    const http = rawHttp(server.url);
    for (let i = 0; i < 5; i++) expect((await http.get('/plugins/flaky/pay')).status).toBe(502);
    // Open: calls fail fast with 503 instead of reaching the plugin.
    expect((await http.get('/plugins/flaky/pay')).status).toBe(503);
    expect(await pluginInfo('flaky')).toEqual([{ version: '1.0.0', state: 'RUNNING', isSelectedForStart: true, circuit: 'OPEN', pinnedOnly: false }]);

    const health = await http.get('/1.0/healthcheck');
    expect(health.status).toBe(200);
    expect(health.data.database.healthy).toBe(true);
    expect(health.data.plugins.healthy).toBe(false);
    expect(health.data.plugins.message).toMatch(/^flaky 1\.0\.0: circuit open after 5 consecutive failures/);
    expect(health.data.plugins.details).toContainEqual({ pluginName: 'counter', version: '2.0.0', healthy: true, message: 'OK', circuit: 'CLOSED' });

    // Stopped, it is no longer a running pool: the healthcheck is all green again.
    expect(await nodeCommand('STOP_PLUGIN', { pluginName: 'flaky' })).toBe(202);
    expect((await http.get('/1.0/healthcheck')).data.plugins.healthy).toBe(true);
  });
});
