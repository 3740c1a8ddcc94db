import { afterAll, describe, expect, it } from 'vitest';
import { PluginPool, type PluginPoolOptions } from './pool.js';
import type { PluginOutcome } from './errors.js';
import { behave, codeOf, testCallContext } from '../../../test/support/plugin-calls.js';

const plugin = (file: string) => new URL(`./test-plugins/${file}`, import.meta.url).href;
const opened: PluginPool[] = [];

function pool(file: string, options: Partial<PluginPoolOptions> = {}): PluginPool {
  const p = new PluginPool({ name: file.replace('.mjs', ''), version: '1.0.0', entry: plugin(file), maxOldGenerationSizeMb: 32, ...options });
  opened.push(p);
  return p;
}

function call(p: PluginPool, behaviour: string, args: readonly unknown[] = [], deadlineMs = 5_000): Promise<PluginOutcome> {
  return behave(p, behaviour, args, { deadlineMs });
}

/** Keeps a healthy pool busy while something else misbehaves; resolves with every outcome. */
function steadyStream(p: PluginPool, until: Promise<unknown>): Promise<PluginOutcome[]> {
  const outcomes: PluginOutcome[] = [];
  let done = false;
  void until.finally(() => (done = true));
  return (async () => {
    for (let i = 0; !done || i < 10; i++) outcomes.push(await call(p, 'add', [i, 1]));
    return outcomes;
  })();
}

afterAll(async () => {
  await Promise.all(opened.map((p) => p.close()));
});

describe('PluginPool', () => {
  const healthy = pool('echo.mjs');
  const bad = pool('misbehaving.mjs', { circuit: { failureThreshold: 100 } });

  it('returns what the plugin returns, with the call context and its deadline', async () => {
    expect(await call(healthy, 'echo', ['hi'], 1_234)).toEqual({ kind: 'ok', value: { value: 'hi', tenantId: 't-1', deadlineMs: 1_234 } });
  });

  it('a throwing plugin fails only its own call with PLUGIN_ERROR and its message', async () => {
    const [thrown, next] = await Promise.all([call(bad, 'throw', ['card reader on fire']), call(bad, 'ok')]);
    expect(thrown.kind === 'failed' && thrown.error).toMatchObject({ code: 'PLUGIN_ERROR', message: 'card reader on fire' });
    expect(next).toEqual({ kind: 'ok', value: 'ok' });
  });

  it('a method the plugin does not implement is a plugin error, not a crash', async () => {
    const outcome = await bad.call('$onEvent', [{}], { ctx: testCallContext, host: null });
    expect(outcome.kind === 'failed' && outcome.error.code).toBe('PLUGIN_ERROR');
  });

  it('a hanging plugin fails within deadline + 1 s, its worker is replaced and the next call works', async () => {
    for (const method of ['hang', 'hangAsync']) {
      const started = performance.now();
      const hung = call(bad, method, [], 300);
      const others = steadyStream(healthy, hung);
      const outcome = await hung;
      expect(performance.now() - started).toBeLessThan(1_300);
      expect(outcome.kind === 'failed' && outcome.error).toMatchObject({ code: 'PLUGIN_TIMEOUT', details: { deadlineMs: 300 } });
      expect((await others).every((o) => o.kind === 'ok')).toBe(true);
      expect(await call(bad, 'ok')).toEqual({ kind: 'ok', value: 'ok' });
    }
  });

  it('a plugin that allocates until its heap limit fails only its own call with PLUGIN_CRASHED', async () => {
    const started = performance.now();
    const blowUp = call(bad, 'allocate', [], 10_000);
    const others = steadyStream(healthy, blowUp);
    const outcome = await blowUp;
    expect(outcome.kind === 'failed' && outcome.error.code).toBe('PLUGIN_CRASHED');
    expect(performance.now() - started).toBeLessThan(11_000);
    expect((await others).every((o) => o.kind === 'ok')).toBe(true);
    expect(await call(bad, 'ok')).toEqual({ kind: 'ok', value: 'ok' });
  });

  it('a plugin that calls process.exit fails only its own call with PLUGIN_CRASHED', async () => {
    const exiting = call(bad, 'exit', [3]);
    const others = steadyStream(healthy, exiting);
    const outcome = await exiting;
    expect(outcome.kind === 'failed' && outcome.error).toMatchObject({ code: 'PLUGIN_CRASHED' });
    expect((await others).every((o) => o.kind === 'ok')).toBe(true);
    expect(await call(bad, 'ok')).toEqual({ kind: 'ok', value: 'ok' });
  });

  it('close() waits for the calls in flight, then refuses new ones', async () => {
    const v1 = pool('echo.mjs', { version: '1.0.0' });
    const inFlight = Array.from({ length: 6 }, (_, i) => call(v1, 'slow', [150, i]));
    const closing = v1.close();
    expect(v1.info().state).toBe('DRAINING');
    const refused = await call(v1, 'echo', ['late']);
    expect(refused.kind === 'failed' && refused.error.code).toBe('PLUGIN_UNAVAILABLE');
    expect(await Promise.all(inFlight)).toEqual([0, 1, 2, 3, 4, 5].map((value) => ({ kind: 'ok', value })));
    await closing;
    expect(v1.info()).toMatchObject({ state: 'CLOSED', inFlight: 0 });
  });

  it('an upgrade sends new calls to v2 while v1 drains, losing and repeating none', async () => {
    const v1 = pool('echo.mjs', { version: '1.0.0' });
    const v2 = pool('echo.mjs', { version: '2.0.0' });
    let active = v1;
    const calls: Promise<PluginOutcome>[] = [];
    for (let i = 0; i < 200; i++) {
      if (i === 100) {
        active = v2;
        void v1.close();
      }
      calls.push(call(active, 'slow', [i % 5, i]));
      if (i % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const outcomes = await Promise.all(calls);
    expect(outcomes.map((o) => (o.kind === 'ok' ? o.value : o.error.code))).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it('opens the circuit after consecutive failures, fails fast, and closes after a successful trial', async () => {
    const flaky = pool('misbehaving.mjs', { circuit: { failureThreshold: 3, coolDownMs: 300 } });
    for (let i = 0; i < 3; i++) expect(codeOf(await call(flaky, 'throw', ['no']))).toBe('PLUGIN_ERROR');
    expect(flaky.info().circuit).toMatchObject({ state: 'OPEN', consecutiveFailures: 3 });
    const fast = await call(flaky, 'ok');
    expect(fast.kind === 'failed' && fast.error).toMatchObject({ code: 'PLUGIN_UNAVAILABLE', details: { plugin: 'misbehaving' } });
    await new Promise((resolve) => setTimeout(resolve, 320));
    expect(flaky.info().circuit.state).toBe('HALF_OPEN');
    expect(await call(flaky, 'ok')).toEqual({ kind: 'ok', value: 'ok' });
    expect(flaky.info().circuit).toEqual({ state: 'CLOSED', consecutiveFailures: 0, retryAt: null });
  });
});
