import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { HostCallError } from './errors.js';
import { createPortHost } from './host-client.js';
import type { HostRequest, HostResponse } from './protocol.js';

const channels: MessageChannel[] = [];
afterEach(() => {
  for (const c of channels.splice(0)) c.port1.close();
});

/** The host end: answers each HostRequest with `answer` (or not at all when it returns undefined). */
function hostEnd(answer: (req: HostRequest) => HostResponse | undefined): { worker: MessagePort; seen: HostRequest[] } {
  const channel = new MessageChannel();
  channels.push(channel);
  const seen: HostRequest[] = [];
  channel.port2.on('message', (req: HostRequest) => {
    seen.push(req);
    const res = answer(req);
    if (res) channel.port2.postMessage(res);
  });
  return { worker: channel.port1, seen };
}

describe('createPortHost over a MessageChannel', () => {
  it('sends numbered host-call requests and resolves each with its own answer', async () => {
    const { worker, seen } = hostEnd((req) => ({ kind: 'host-result', id: req.id, value: `${req.method}:${String(req.args[0])}` }));
    const host = createPortHost(worker, { timeoutMs: 1000 });
    const [a, b] = await Promise.all([host.$getPluginValue('x'), host.$getTenantValues('y')]);
    expect([a, b]).toEqual(['$getPluginValue:x', '$getTenantValues:y']);
    expect(seen).toEqual([
      { kind: 'host-call', id: 1, method: '$getPluginValue', args: ['x'] },
      { kind: 'host-call', id: 2, method: '$getTenantValues', args: ['y'] },
    ]);
    host.dispose();
  });

  it('rejects with the host error code on a host-error reply', async () => {
    const { worker } = hostEnd((req) => ({ kind: 'host-error', id: req.id, code: 'PERMISSION_DENIED', message: 'needs accounts:read' }));
    const host = createPortHost(worker, { timeoutMs: 1000 });
    const error = await host.$getAccount('a1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostCallError);
    expect(error).toMatchObject({ code: 'PERMISSION_DENIED', message: 'needs accounts:read' });
    host.dispose();
  });

  it('times out a call the host never answers and ignores the late answer', async () => {
    const { worker } = hostEnd(() => undefined);
    const host = createPortHost(worker, { timeoutMs: 30 });
    const started = Date.now();
    await expect(host.$getAccount('a1')).rejects.toMatchObject({ name: 'HostCallError', code: 'HOST_TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(500);
    host.dispose();
  });

  it('rejects waiting and later calls once the plugin call ended', async () => {
    const { worker } = hostEnd(() => undefined);
    const host = createPortHost(worker, { timeoutMs: 10_000 });
    const waiting = host.$getPluginValue('x');
    host.dispose();
    await expect(waiting).rejects.toMatchObject({ code: 'CALL_ENDED' });
    await expect(host.$getPluginValue('x')).rejects.toMatchObject({ code: 'CALL_ENDED' });
  });
});
