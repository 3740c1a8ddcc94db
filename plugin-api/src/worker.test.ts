import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import type { CallContextDto, HostRequest, HostResponse, PluginCallTask } from './protocol.js';
import { runPluginCall } from './worker.js';

const dir = mkdtempSync(join(tmpdir(), 'plugin-api-worker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pluginFile(name: string, source: string): string {
  const file = join(dir, name);
  writeFileSync(file, source);
  return pathToFileURL(file).href;
}

const ctx: CallContextDto = { tenant: { tenantId: 't1', apiKey: 'k' }, pluginConfig: null, userName: null, userToken: null, deadlineMs: 1000 };
const task = (entry: string, method: string, args: readonly unknown[], hostPort: PluginCallTask['hostPort'] = null): PluginCallTask => ({
  kind: 'call',
  plugin: { name: 'p', version: '1.0.0', entry },
  method,
  args: [ctx, ...args],
  hostPort,
});

describe('runPluginCall', () => {
  it('loads the default export once and answers a route through ctx.killbill over the host port', async () => {
    const entry = pluginFile(
      'greeter.mjs',
      `globalThis.greeterLoads = (globalThis.greeterLoads ?? 0) + 1;
       export default { routes: { 'GET /hi/:id': async (req, ctx) => ({ body: { name: (await ctx.killbill.getAccount(req.params.id)).name } }) } };`,
    );
    const channel = new MessageChannel();
    channel.port2.on('message', (req: HostRequest) => {
      channel.port2.postMessage({ kind: 'host-result', id: req.id, value: { name: `Ada ${String(req.args[0])}` } } satisfies HostResponse);
    });
    const request = { method: 'GET', path: '/hi/7', query: {}, headers: {}, body: null };
    const first = await runPluginCall(task(entry, '$handle', [request], channel.port1));
    await runPluginCall(task(entry, '$handle', [request], channel.port1));
    channel.port1.close();

    expect(first).toEqual({ kind: 'ok', value: { status: 200, headers: { 'content-type': 'application/json' }, body: '{"name":"Ada 7"}' } });
    expect((globalThis as { greeterLoads?: number }).greeterLoads).toBe(1);
  });

  it('answers a plugin error, never a rejection, for a throwing handler, a missing module and a bad export', async () => {
    const throwing = pluginFile('throwing.mjs', `export default { notification: { onEvent() { throw new Error('boom'); } } };`);
    const noDefault = pluginFile('no-default.mjs', `export const x = 1;`);
    expect(await runPluginCall(task(throwing, '$onEvent', [{}]))).toMatchObject({ kind: 'plugin-error', name: 'Error', message: 'boom' });
    expect(await runPluginCall(task(pathToFileURL(join(dir, 'missing.mjs')).href, '$healthcheck', []))).toMatchObject({ kind: 'plugin-error' });
    expect(await runPluginCall(task(noDefault, '$healthcheck', []))).toMatchObject({ kind: 'plugin-error', name: 'TypeError' });
  });

  it('fails ctx.killbill calls clearly when the task has no host port', async () => {
    const entry = pluginFile('reader.mjs', `export default { healthcheck: async (ctx) => ({ healthy: (await ctx.killbill.getPluginValue('k')) !== null }) };`);
    expect(await runPluginCall(task(entry, '$healthcheck', []))).toMatchObject({ kind: 'plugin-error', name: 'HostCallError', message: 'this call has no host port' });
  });

  it('runs the hello-world example as installed: plain JS loaded from its file URL', async () => {
    const entry = new URL('../../examples/hello-world-plugin/src/index.js', import.meta.url).href;
    const channel = new MessageChannel();
    channel.port2.on('message', (req: HostRequest) => {
      const value = req.method === '$getAccount' ? { accountId: req.args[0], externalKey: 'ada', name: 'Ada' } : req.method === '$getPluginValue' ? '4' : null;
      channel.port2.postMessage({ kind: 'host-result', id: req.id, value } satisfies HostResponse);
    });
    const request = { method: 'GET', path: '/hello', query: { accountId: 'a1' }, headers: {}, body: null };
    const result = await runPluginCall(task(entry, '$handle', [request], channel.port1));
    channel.port1.close();
    expect(result).toMatchObject({ kind: 'ok', value: { status: 200, body: '{"greeting":"Hello, Ada!","eventsSeen":4}' } });
  });
});
