/**
 * One piscina pool per active plugin version — the only importer of piscina. Contract:
 * - `call()` never rejects: it resolves `ok` or `failed` with a PluginCallError whose code says what
 *   happened — PLUGIN_ERROR (the plugin threw; its message kept), PLUGIN_TIMEOUT (past the deadline:
 *   the task is aborted and piscina replaces its worker), PLUGIN_CRASHED (the worker died: OOM under
 *   `resourceLimits`, process.exit, a native crash), PLUGIN_UNAVAILABLE (circuit open or pool closing).
 *   Only that call fails; other calls in this pool, other pools and the server carry on.
 * - Each call gets a fresh MessagePort for its ctx.killbill calls, answered by host-api.ts with the
 *   HostShape the caller bound to the call's tenant; the port closes when the call ends.
 * - `close()` refuses new calls, waits for every call in flight, then destroys the workers: an upgrade
 *   routes new calls to v2 first, then closes v1, so no call is lost or run twice (pool.test.ts).
 */
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { CallContextDto, HostShape, PluginCallResult, PluginCallTask } from '@billwright/plugin-api';
import { CircuitBreaker, type CircuitBreakerOptions, type CircuitSnapshot } from './circuit-breaker.js';
import { PluginCallError, type PluginFailureCode, type PluginOutcome } from './errors.js';
import { serveHostPort } from './host-api.js';

export interface PluginPoolOptions {
  readonly name: string;
  readonly version: string;
  /** The plugin's entry module as a file URL. */
  readonly entry: string;
  readonly minThreads?: number;
  readonly maxThreads?: number;
  /** How long a thread above minThreads may stay idle before it is stopped (default 30 s). */
  readonly idleTimeoutMs?: number;
  /** Heap ceiling per worker; a plugin past it loses its worker, not the server (default 128). */
  readonly maxOldGenerationSizeMb?: number;
  /** Deadline of a call that names none (default 30 s, the payment default). */
  readonly defaultDeadlineMs?: number;
  readonly circuit?: CircuitBreakerOptions;
  /** Where worker errors outside any call go (a worker dying while idle). */
  readonly onWorkerError?: (error: Error) => void;
}

export interface PluginCallOptions {
  /** The call context the plugin sees as its first argument (deadlineMs is filled in here). */
  readonly ctx: Omit<CallContextDto, 'deadlineMs'>;
  readonly deadlineMs?: number;
  /** ctx.killbill for this call (host-api.ts createHostApi), or null for a call with no host API. */
  readonly host: HostShape | null;
}

export interface PluginPoolInfo {
  readonly name: string;
  readonly version: string;
  readonly state: 'RUNNING' | 'DRAINING' | 'CLOSED';
  readonly threads: number;
  readonly inFlight: number;
  readonly circuit: CircuitSnapshot;
}

interface WorkerFile {
  readonly filename: string;
  readonly workerData: { readonly tsFile: string } | undefined;
  readonly execArgv: string[] | undefined;
}

/**
 * Where the worker entry lives: compiled JS next to this file (production, benchmarks), or, when this
 * module runs as TypeScript (vitest, tsx), the .ts through a bootstrap that registers tsx in the worker,
 * resolving workspace packages to their sources as vitest.config.ts does (stack-notes §4).
 */
function workerFile(): WorkerFile {
  const here = import.meta.url;
  if (here.endsWith('.js')) return { filename: new URL('./worker-entry.js', here).href, workerData: undefined, execArgv: undefined };
  return {
    filename: new URL('./ts-bootstrap.mjs', here).href,
    workerData: { tsFile: new URL('./worker-entry.ts', here).href },
    execArgv: [...process.execArgv, '--conditions=source'],
  };
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class PluginPool {
  readonly name: string;
  readonly version: string;
  readonly #entry: string;
  readonly #piscina: Piscina<PluginCallTask, PluginCallResult>;
  readonly #breaker: CircuitBreaker;
  readonly #defaultDeadlineMs: number;
  readonly #inFlight = new Set<Promise<unknown>>();
  #state: PluginPoolInfo['state'] = 'RUNNING';
  #closed: Promise<void> | null = null;

  constructor(options: PluginPoolOptions) {
    this.name = options.name;
    this.version = options.version;
    this.#entry = options.entry;
    this.#defaultDeadlineMs = options.defaultDeadlineMs ?? 30_000;
    this.#breaker = new CircuitBreaker(options.circuit);
    const { filename, workerData, execArgv } = workerFile();
    this.#piscina = new Piscina({
      filename,
      workerData,
      ...(execArgv === undefined ? {} : { execArgv }),
      minThreads: options.minThreads ?? 1,
      // One call per worker (a busy-looping call must only cost its own worker), so the thread count is the
      // pool's concurrency; plugin calls mostly wait on gateways and host API round trips, not on the CPU.
      maxThreads: options.maxThreads ?? 4,
      // piscina's default idleTimeout is 0: a thread above minThreads is terminated the moment it is idle, so
      // under concurrent load every burst spawned and killed threads (each spawn re-loads the plugin, ~30 ms
      // of CPU). Keep them for a while instead.
      idleTimeout: options.idleTimeoutMs ?? 30_000,
      resourceLimits: { maxOldGenerationSizeMb: options.maxOldGenerationSizeMb ?? 128 },
    });
    // Without a listener an idle worker's death would be an unhandled 'error' event and take the host down.
    const onError = options.onWorkerError ?? (() => undefined);
    this.#piscina.on('error', (e: unknown) => onError(e instanceof Error ? e : new Error(String(e))));
  }

  call<T = unknown>(method: string, args: readonly unknown[], options: PluginCallOptions): Promise<PluginOutcome<T>> {
    if (this.#state !== 'RUNNING') return Promise.resolve(this.#fail('PLUGIN_UNAVAILABLE', `plugin ${this.#label()} is ${this.#state.toLowerCase()}`, { method }));
    if (!this.#breaker.tryAcquire()) {
      return Promise.resolve(this.#fail('PLUGIN_UNAVAILABLE', `plugin ${this.#label()} keeps failing; its circuit is open`, { method, retryAt: this.#breaker.snapshot().retryAt }));
    }
    const running = this.#run<T>(method, args, options);
    this.#inFlight.add(running);
    void running.finally(() => this.#inFlight.delete(running));
    return running;
  }

  async #run<T>(method: string, args: readonly unknown[], options: PluginCallOptions): Promise<PluginOutcome<T>> {
    const deadlineMs = options.deadlineMs ?? this.#defaultDeadlineMs;
    const ctx: CallContextDto = { ...options.ctx, deadlineMs };
    const channel = options.host === null ? null : new MessageChannel();
    if (channel !== null && options.host !== null) serveHostPort(channel.port1, options.host);
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), deadlineMs);
    const task: PluginCallTask = {
      kind: 'call',
      plugin: { name: this.name, version: this.version, entry: this.#entry },
      method,
      args: [ctx, ...args],
      hostPort: channel?.port2 ?? null,
    };
    try {
      const result = await this.#piscina.run(task, { signal: abort.signal, transferList: channel === null ? [] : [channel.port2] });
      if (result.kind === 'ok') {
        this.#breaker.recordSuccess();
        return { kind: 'ok', value: result.value as T };
      }
      this.#breaker.recordFailure();
      return this.#fail('PLUGIN_ERROR', result.message, { method, errorName: result.name, stack: result.stack });
    } catch (e) {
      this.#breaker.recordFailure();
      if (abort.signal.aborted) return this.#fail('PLUGIN_TIMEOUT', `plugin ${this.#label()} did not answer ${method} within ${deadlineMs} ms`, { method, deadlineMs });
      return this.#fail('PLUGIN_CRASHED', `plugin ${this.#label()} worker died during ${method}: ${errorMessage(e)}`, { method, cause: errorMessage(e) });
    } finally {
      clearTimeout(timer);
      channel?.port1.close();
    }
  }

  #label(): string {
    return `${this.name}@${this.version}`;
  }

  #fail(code: PluginFailureCode, message: string, details: Record<string, unknown>): PluginOutcome<never> {
    return { kind: 'failed', error: new PluginCallError(code, message, { plugin: this.name, version: this.version, ...details }) };
  }

  info(): PluginPoolInfo {
    return {
      name: this.name,
      version: this.version,
      state: this.#state,
      threads: this.#piscina.threads.length,
      inFlight: this.#inFlight.size,
      circuit: this.#breaker.snapshot(),
    };
  }

  /** Drains: refuses new calls, waits for those in flight (each bounded by its deadline), then stops the workers. */
  close(): Promise<void> {
    if (this.#closed === null) {
      this.#state = 'DRAINING';
      this.#closed = (async () => {
        await Promise.allSettled([...this.#inFlight]);
        await this.#piscina.destroy();
        this.#state = 'CLOSED';
      })();
    }
    return this.#closed;
  }
}
