import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { PLUGIN_API_VERSION_OF_HOST } from '@billwright/core';
import type { NodeCommand } from 'killbill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killbill, newTenant, rawHttp } from '../support/killbill.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let work: string;
let kb: ReturnType<typeof killbill>;

/** A plain-JS plugin package whose endpoint echoes what the host told it. */
async function echoPlugin(version: string, apiVersion = `^${PLUGIN_API_VERSION_OF_HOST}`): Promise<string> {
  const dir = join(work, `echo-${version}-${apiVersion.replace(/\W/g, '')}`);
  await mkdir(dir, { recursive: true });
  const billwright = { name: 'echo', apiVersion, extensionPoints: ['routes'], permissions: [] };
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'echo-plugin', version, type: 'module', main: 'index.js', billwright }));
  await writeFile(
    join(dir, 'index.js'),
    `export default { routes: { 'GET /whoami': (req, ctx) => ({ status: 200, body: {
       version: '${version}', tenantId: ctx.tenant && ctx.tenant.tenantId, config: ctx.config.text, path: req.path, q: req.query.q, user: ctx.userName } }) } };\n`,
  );
  return dir;
}

const AUTO_PAY_OFF = '00000000-0000-0000-0000-000000000001';

/** A notification-only plugin whose onEvent always throws. */
async function throwingListener(): Promise<string> {
  const dir = join(work, 'throwing-listener');
  await mkdir(dir, { recursive: true });
  const billwright = { name: 'throwing-listener', apiVersion: `^${PLUGIN_API_VERSION_OF_HOST}`, extensionPoints: ['notification'], permissions: [] };
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'throwing-listener', version: '1.0.0', type: 'module', main: 'index.js', billwright }));
  await writeFile(join(dir, 'index.js'), `export default { notification: { onEvent() { throw new Error('listener exploded'); } } };\n`);
  return dir;
}

const command = (nodeCommandType: string, props: Record<string, string>): NodeCommand => ({
  nodeCommandType,
  isSystemCommandType: false,
  // The generated client types the value as `object`; Kill Bill sends strings.
  nodeCommandProperties: Object.entries(props).map(([key, value]) => ({ key, value: value as unknown as object })),
});

async function echoInfo() {
  return (await kb.pluginsInfo.getPluginsInfo()).data.filter((p) => p.pluginName === 'echo').map((p) => ({ version: p.version, state: p.state, selected: p.isSelectedForStart }));
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'plugins-e2e-'));
  server = await startTestServer(import.meta.filename, { pluginsDir: join(work, 'plugins') });
  kb = killbill(server.url);
});

afterAll(async () => {
  await server?.close();
  await rm(work, { recursive: true, force: true });
});

describe('plugins through node commands', () => {
  it('installs a plugin with INSTALL_PLUGIN and reports it, stopped, in pluginsInfo and nodesInfo', async () => {
    const res = await kb.nodesInfo.triggerNodeCommand(command('INSTALL_PLUGIN', { pluginKey: 'echo', pluginUri: await echoPlugin('1.0.0') }), 'test');
    expect(res.status).toBe(202);
    expect(await echoInfo()).toEqual([{ version: '1.0.0', state: 'STOPPED', selected: false }]);
    const [node] = (await kb.nodesInfo.getNodesInfo()).data;
    expect(node?.pluginApiVersion).toBe(PLUGIN_API_VERSION_OF_HOST);
    expect(node?.pluginsInfo?.map((p) => p.pluginName)).toContain('echo');
  });

  it('refuses an incompatible plugin at install with a clear message', async () => {
    const res = await rawHttp(server.url).post(
      '/1.0/kb/nodesInfo',
      command('INSTALL_PLUGIN', { pluginUri: await echoPlugin('3.0.0', '^42.0.0') }),
      { headers: { 'X-Killbill-CreatedBy': 'test' } },
    );
    expect(res.status).toBe(400);
    expect(res.data.message).toContain(`built for plugin-api ^42.0.0, which this server (plugin-api ${PLUGIN_API_VERSION_OF_HOST}) does not satisfy`);
    expect((await echoInfo()).map((p) => p.version)).toEqual(['1.0.0']);
  });

  it('starts it, and its custom endpoint answers over HTTP with the tenant and its plugin config resolved', async () => {
    await kb.nodesInfo.triggerNodeCommand(command('START_PLUGIN', { pluginName: 'echo' }), 'test');
    expect(await echoInfo()).toEqual([{ version: '1.0.0', state: 'RUNNING', selected: true }]);

    const { tenantId, credentials, kb: tenantKb } = await newTenant(server.url);
    await tenantKb.tenants.uploadPluginConfiguration('greeting=Bonjour', 'echo', 'test');
    const res = await rawHttp(server.url, credentials).get('/plugins/echo/whoami?q=hi');
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ version: '1.0.0', tenantId, config: 'greeting=Bonjour', path: '/whoami', q: 'hi', user: 'admin' });

    // No tenant headers: the endpoint still answers, with no tenant and no config.
    expect((await rawHttp(server.url).get('/plugins/echo/whoami')).data).toMatchObject({ tenantId: null, config: null });
  });

  it('guards plugin endpoints: basic auth, valid tenant keys, 404 for an unknown plugin', async () => {
    expect((await rawHttp(server.url, undefined, { username: 'admin', password: 'wrong' }).get('/plugins/echo/whoami')).status).toBe(401);
    expect((await rawHttp(server.url, { apiKey: 'nope', apiSecret: 'nope' }).get('/plugins/echo/whoami')).status).toBe(401);
    expect((await rawHttp(server.url).get('/plugins/no-such-plugin/x')).status).toBe(404);
  });

  it('upgrades to a second version installed beside the first, then stops it (503)', async () => {
    await kb.nodesInfo.triggerNodeCommand(command('INSTALL_PLUGIN', { pluginUri: await echoPlugin('2.0.0') }), 'test');
    await kb.nodesInfo.triggerNodeCommand(command('START_PLUGIN', { pluginName: 'echo', pluginVersion: '2.0.0' }), 'test');
    expect(await echoInfo()).toEqual([
      { version: '1.0.0', state: 'STOPPED', selected: false },
      { version: '2.0.0', state: 'RUNNING', selected: true },
    ]);
    expect((await rawHttp(server.url).get('/plugins/echo/whoami')).data.version).toBe('2.0.0');

    await kb.nodesInfo.triggerNodeCommand(command('STOP_PLUGIN', { pluginName: 'echo' }), 'test');
    expect((await rawHttp(server.url).get('/plugins/echo/whoami')).status).toBe(503);
  });

  it('uninstalls one version with UNINSTALL_PLUGIN', async () => {
    await kb.nodesInfo.triggerNodeCommand(command('UNINSTALL_PLUGIN', { pluginName: 'echo', pluginVersion: '1.0.0' }), 'test');
    expect((await echoInfo()).map((p) => p.version)).toEqual(['2.0.0']);
  });

  it('refuses to install or start a plugin named __EXTERNAL_PAYMENT__ (reserved for the built-in) with a 400 and a stable code', async () => {
    const http = rawHttp(server.url);
    const headers = { 'X-Killbill-CreatedBy': 'test' };
    const dir = join(work, 'impostor');
    await mkdir(dir, { recursive: true });
    const billwright = { name: '__EXTERNAL_PAYMENT__', apiVersion: `^${PLUGIN_API_VERSION_OF_HOST}`, extensionPoints: ['payment'], permissions: [] };
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'impostor', version: '1.0.0', type: 'module', main: 'index.js', billwright }));
    await writeFile(join(dir, 'index.js'), 'export default { payment: {} };\n');

    const install = await http.post('/1.0/kb/nodesInfo', command('INSTALL_PLUGIN', { pluginUri: dir }), { headers });
    expect([install.status, install.data.code]).toEqual([400, 90045]);
    expect(install.data.message).toContain('__EXTERNAL_PAYMENT__ is reserved');
    for (const type of ['START_PLUGIN', 'STOP_PLUGIN', 'RESTART_PLUGIN']) {
      const res = await http.post('/1.0/kb/nodesInfo', command(type, { pluginName: '__external_payment__' }), { headers });
      expect([res.status, res.data.code]).toEqual([400, 90045]);
    }
    expect((await kb.pluginsInfo.getPluginsInfo()).data.map((p) => p.pluginName)).not.toContain('__EXTERNAL_PAYMENT__');
  });

  it('answers 400 for an unknown command and 404 for an unknown plugin', async () => {
    const http = rawHttp(server.url);
    const headers = { 'X-Killbill-CreatedBy': 'test' };
    expect((await http.post('/1.0/kb/nodesInfo', command('REBOOT_EVERYTHING', {}), { headers })).status).toBe(400);
    expect((await http.post('/1.0/kb/nodesInfo', command('START_PLUGIN', {}), { headers })).status).toBe(400);
    expect((await http.post('/1.0/kb/nodesInfo', command('START_PLUGIN', { pluginName: 'ghost' }), { headers })).status).toBe(404);
    expect((await http.post('/1.0/kb/nodesInfo', command('START_PLUGIN', { pluginName: 'echo' }))).status).toBe(400);
  });
});

describe('the hello-world plugin, installed by the CLI against a running server', () => {
  it('is installed and started by `billwright plugins`, which asks the server through nodesInfo', async () => {
    const root = resolve(import.meta.dirname, '../..');
    const env = { ...process.env, KB_PLUGINS_DIR: join(work, 'plugins'), KB_URL: server.url };
    const cli = (...args: string[]) => promisify(execFile)('node', [join(root, 'server/dist/cli/billwright.js'), 'plugins', ...args], { env });
    await cli('install', join(root, 'examples/hello-world-plugin'));
    expect((await cli('start', 'hello-world')).stdout).toContain(`done on the server at ${server.url}`);
    expect((await cli('list')).stdout).toContain('hello-world\t1.0.0\tRUNNING\tselected');

    // The plugin's own router answers (its 400 for a missing accountId) through the worker pool.
    const { credentials } = await newTenant(server.url);
    const res = await rawHttp(server.url, credentials).get('/plugins/hello-world/hello');
    expect(res.status).toBe(400);
    expect(res.data).toEqual({ message: 'accountId is required' });

    // Through ctx.killbill (the host API, bound to the caller's tenant) and the tenant's plugin config.
    const { kb, credentials: other } = await newTenant(server.url);
    await kb.tenants.uploadPluginConfiguration('greeting=Bonjour', 'hello-world', 'test');
    const { data: account } = await kb.accounts.createAccount({ name: 'Ada', currency: 'EUR' }, 'test');
    const hello = await rawHttp(server.url, other).get('/plugins/hello-world/hello', { params: { accountId: account.accountId } });
    expect(hello.status).toBe(200);
    expect(hello.data).toMatchObject({ greeting: 'Bonjour, Ada!' });
    // Another tenant's account is not reachable through the plugin.
    const foreign = await rawHttp(server.url, credentials).get('/plugins/hello-world/hello', { params: { accountId: account.accountId } });
    expect(foreign.status).toBe(404);
  });

  it('hears every bus event of a tenant from its queue, and only the events of that tenant', async () => {
    const { kb, credentials } = await newTenant(server.url);
    const { data: account } = await kb.accounts.createAccount({ name: 'Grace', currency: 'USD' }, 'test');
    await kb.accounts.createAccountTags([AUTO_PAY_OFF], account.accountId!, 'test');
    const seen = async (creds: typeof credentials, accountId: string) =>
      (await rawHttp(server.url, creds).get('/plugins/hello-world/hello', { params: { accountId } })).data.eventsSeen as number;
    // ACCOUNT_CREATION and TAG_CREATION, counted in the plugin's storage of this tenant.
    await expect.poll(() => seen(credentials, account.accountId!), { timeout: 10_000, interval: 100 }).toBe(2);

    const other = await newTenant(server.url);
    const { data: otherAccount } = await other.kb.accounts.createAccount({ name: 'Linus', currency: 'EUR' }, 'test');
    await expect.poll(() => seen(other.credentials, otherAccount.accountId!), { timeout: 10_000, interval: 100 }).toBe(1);
    expect(await seen(credentials, account.accountId!)).toBe(2);
  });

  it('keeps the account API and the other plugins going when the onEvent of a plugin throws', async () => {
    await kb.nodesInfo.triggerNodeCommand(command('INSTALL_PLUGIN', { pluginUri: await throwingListener() }), 'test');
    await kb.nodesInfo.triggerNodeCommand(command('START_PLUGIN', { pluginName: 'throwing-listener' }), 'test');
    const { kb: tenantKb, credentials } = await newTenant(server.url);
    const { status, data: account } = await tenantKb.accounts.createAccount({ name: 'Barbara', currency: 'EUR' }, 'test');
    expect(status).toBe(201);
    expect((await tenantKb.accounts.getAccount(account.accountId!)).data.name).toBe('Barbara');
    await expect
      .poll(async () => (await rawHttp(server.url, credentials).get('/plugins/hello-world/hello', { params: { accountId: account.accountId } })).data.eventsSeen, { timeout: 10_000, interval: 100 })
      .toBe(1);
    // The failed call is rescheduled (business time), visible in admin/queues, never blocking the rest.
    await expect
      .poll(async () => {
        const { data } = await rawHttp(server.url, credentials).get('/1.0/kb/admin/queues');
        return (data.notifications as { name: string; processingState: string; payload?: unknown }[]).filter((n) => n.name === 'plugin-event' && n.processingState === 'AVAILABLE').length;
      }, { timeout: 10_000, interval: 100 })
      .toBe(1);
  });
});
