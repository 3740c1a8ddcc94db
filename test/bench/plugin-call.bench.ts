/**
 * A plugin call through its piscina pool against the same call made in-process, measured in the same run.
 *
 *   direct    the plugin's healthcheck handler awaited in the main thread, and the plugin-api runtime
 *             (runPluginCall: load, build ctx, dispatch) run in the main thread on the same task
 *   pool      PluginPool.call('$healthcheck') — task to a worker thread and back — without and with a
 *             host API port; sequential (latency) and 64 in flight (throughput)
 *   host API  one ctx.killbill call from the worker to host-api.ts and back, timed inside the worker
 *
 * Run on compiled JS (`npm run bench:plugins` builds first; @billwright/core resolves to dist). The
 * figures to read: pool p50/p99 minus the in-process runtime's (goal: < 0.2 ms / < 1 ms).
 * Settings: BENCH_CALLS (5000), BENCH_WARMUP (2000), BENCH_HOST_CALLS (20000).
 */
import { createHostApi, PluginPool, type HostBackend, type TenantContext, type TenantId } from '@billwright/core';
import type { CallContextDto, PluginCallTask } from '@billwright/plugin-api';
import { runPluginCall } from '@billwright/plugin-api/worker';

const CALLS = Number(process.env['BENCH_CALLS'] ?? 5000);
const WARMUP = Number(process.env['BENCH_WARMUP'] ?? 2000);
const HOST_CALLS = Number(process.env['BENCH_HOST_CALLS'] ?? 20000);
const entry = new URL('../../core/src/plugins/test-plugins/bench.mjs', import.meta.url).href;
const log = (m: string) => process.stdout.write(`${m}\n`);

const callCtx: Omit<CallContextDto, 'deadlineMs'> = { tenant: { tenantId: 't-1', apiKey: 'k' }, pluginConfig: null, userName: null, userToken: null };
const tenantCtx: TenantContext = {
  subject: { username: 'bench', roles: [], grants: [] },
  userToken: 'bench',
  tenant: { recordId: 1, id: '00000000-0000-4000-8000-000000000001' as TenantId },
};
const backend: HostBackend = {
  getAccount: () => Promise.reject(new Error('not in this bench')),
  getTenantValues: async () => [],
  getPluginValue: async () => 'v',
  putPluginValue: async () => undefined,
  log: () => undefined,
};
const host = () => createHostApi({ pluginName: 'bench', permissions: ['storage'], ctx: tenantCtx, backend });

interface Stats {
  readonly p50: number;
  readonly p99: number;
  readonly perSecond: number;
}

function stats(samplesMs: number[], totalMs: number): Stats {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99), perSecond: samplesMs.length / (totalMs / 1000) };
}

function show(label: string, s: Stats): void {
  const us = (ms: number) => `${(ms * 1000).toFixed(1).padStart(8)} µs`;
  log(`${label.padEnd(46)} p50 ${us(s.p50)}   p99 ${us(s.p99)}   ${Math.round(s.perSecond).toLocaleString('en-US').padStart(10)} calls/s`);
}

async function sequential(fn: () => Promise<unknown>): Promise<Stats> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const samples: number[] = [];
  const start = performance.now();
  for (let i = 0; i < CALLS; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return stats(samples, performance.now() - start);
}

async function inFlight(fn: () => Promise<unknown>, width: number): Promise<Stats> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const samples: number[] = [];
  let next = 0;
  const start = performance.now();
  const lane = async () => {
    while (next++ < CALLS) {
      const t = performance.now();
      await fn();
      samples.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: width }, lane));
  return stats(samples, performance.now() - start);
}

function expectOk(outcome: { readonly kind: string }): void {
  if (outcome.kind !== 'ok') throw new Error(`bench call failed: ${JSON.stringify(outcome)}`);
}

async function main(): Promise<void> {
  log(`plugin call bench: ${CALLS} calls after ${WARMUP} warm-up, node ${process.version}`);
  const definition = ((await import(entry)) as { default: { healthcheck: () => unknown } }).default;
  const task: PluginCallTask = { kind: 'call', plugin: { name: 'bench', version: '1.0.0', entry }, method: '$healthcheck', args: [{ ...callCtx, deadlineMs: 30_000 }], hostPort: null };
  const handler = await sequential(async () => definition.healthcheck());
  const runtime = await sequential(async () => expectOk(await runPluginCall(task)));
  show('direct: handler awaited in-process', handler);
  show('direct: plugin-api runtime in-process', runtime);

  const pool = new PluginPool({ name: 'bench', version: '1.0.0', entry, minThreads: 2, maxThreads: 2 });
  try {
    const bare = await sequential(async () => expectOk(await pool.call('$healthcheck', [], { ctx: callCtx, host: null })));
    const withHost = await sequential(async () => expectOk(await pool.call('$healthcheck', [], { ctx: callCtx, host: host() })));
    const wide = await inFlight(async () => expectOk(await pool.call('$healthcheck', [], { ctx: callCtx, host: host() })), 64);
    show('pool: sequential, no host port', bare);
    show('pool: sequential, with host port', withHost);
    show('pool: 64 in flight, with host port', wide);
    const over = (s: Stats) => `p50 +${((s.p50 - runtime.p50) * 1000).toFixed(1)} µs, p99 +${((s.p99 - runtime.p99) * 1000).toFixed(1)} µs`;
    log(`overhead vs in-process runtime: no port ${over(bare)}; with port ${over(withHost)}   (goal p50 < 200 µs, p99 < 1000 µs)`);

    const request = { method: 'GET', path: '/', query: { n: String(HOST_CALLS) }, headers: {}, body: null };
    const outcome = await pool.call<{ body: string | null }>('$handle', [request], { ctx: callCtx, host: host() });
    if (outcome.kind !== 'ok') throw new Error(`host bench failed: ${outcome.error.message}`);
    const samples = (JSON.parse(outcome.value.body ?? '[]') as number[]).slice(1000);
    show('host API: one ctx.killbill call (in worker)', stats(samples, samples.reduce((a, b) => a + b, 0)));
  } finally {
    await pool.close();
  }
}

await main();
