/**
 * The worker-side runtime. The host's piscina worker entry calls, for every task:
 *
 *   runPluginCall(task: PluginCallTask): Promise<PluginCallResult>
 *
 * It loads the plugin module from `task.plugin.entry` (a file URL whose default export is the
 * definePlugin result; cached per entry, so a new version = a new entry = a fresh module), gives the
 * handlers a ctx whose `killbill` speaks HostRequest/HostResponse over `task.hostPort` (each host call
 * times out with the call's deadline), dispatches `task.method` (protocol.ts argument order: args[0] is
 * the CallContextDto) and answers `{ kind: 'ok', value }` or `{ kind: 'plugin-error', ... }`. It never
 * rejects. It stops listening on hostPort when the call ends but leaves closing it to the host.
 */
import type { PluginDefinition } from './define-plugin.js';
import { dispatchPluginCall, pluginError } from './dispatch.js';
import { createPortHost, detachedHost } from './host-client.js';
import type { CallContextDto, PluginCallResult, PluginCallTask } from './protocol.js';

const modules = new Map<string, Promise<PluginDefinition>>();

/** A host call may wait at most this long when the call context carries no usable deadline. */
const DEFAULT_HOST_TIMEOUT_MS = 30_000;

async function importPlugin(entry: string): Promise<PluginDefinition> {
  const mod = (await import(entry)) as { default?: unknown };
  const definition = mod.default;
  if (typeof definition !== 'object' || definition === null) {
    throw new TypeError(`${entry} must export default definePlugin({ ... }), got ${typeof definition}`);
  }
  return definition as PluginDefinition;
}

export function loadPlugin(entry: string): Promise<PluginDefinition> {
  let loading = modules.get(entry);
  if (!loading) {
    loading = importPlugin(entry);
    modules.set(entry, loading);
    // A module that failed to load is tried again on the next call (it may be fixed on disk by then).
    loading.catch(() => modules.delete(entry));
  }
  return loading;
}

function hostTimeout(args: readonly unknown[]): number {
  const deadline = (args[0] as Partial<CallContextDto> | undefined)?.deadlineMs;
  return typeof deadline === 'number' && deadline > 0 ? deadline : DEFAULT_HOST_TIMEOUT_MS;
}

export async function runPluginCall(task: PluginCallTask): Promise<PluginCallResult> {
  let definition: PluginDefinition;
  try {
    definition = await loadPlugin(task.plugin.entry);
  } catch (error) {
    return pluginError(error);
  }
  const host = task.hostPort ? createPortHost(task.hostPort, { timeoutMs: hostTimeout(task.args) }) : null;
  try {
    return await dispatchPluginCall(definition, task.method, task.args, host ?? detachedHost());
  } finally {
    host?.dispose();
  }
}

/** The same function under the name core/src/plugins/worker-entry.ts anticipated. */
export const runPluginTask = runPluginCall;
