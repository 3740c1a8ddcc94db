import { pathToFileURL } from 'node:url';
import semver from 'semver';
import type { Logger } from 'pino';
import type { Broadcast } from '../cluster/broadcast.js';
import { BillingError, isBillingError } from '../errors/index.js';
import type { HostShape } from '@billwright/plugin-api';
import type { TenantContext } from '../context.js';
import { createHostApi, type HostBackend } from './host-api.js';
import { checkPluginNameNotReserved } from './manifest.js';
import type { CircuitSnapshot } from './circuit-breaker.js';
import { PluginPool } from './pool.js';
import { PluginRegistry, type PluginPoolFactory } from './registry.js';
import { PluginStore, type InstalledPlugin } from './store.js';

/** What the service calls: the real PluginPool, or a test double with its call/close/info. */
export type CallablePool = Pick<PluginPool, 'call' | 'close' | 'info'>;

/**
 * The tenant key/value (`POST /1.0/kb/tenants/userKeyValue/PLUGIN_VERSION_<name>`) that pins a tenant
 * to one installed version of a plugin (issue 6 §2, beyond Kill Bill). docs/ARCHITECTURE.md says why a
 * tenant key and not a field of the plugin's own configuration.
 */
export const pluginVersionPinKey = (pluginName: string): string => `PLUGIN_VERSION_${pluginName}`;

/** Kill Bill's node command types for plugins (NodeCommandType / PluginNodeCommandMetadata). */
export const PLUGIN_NODE_COMMANDS = ['INSTALL_PLUGIN', 'START_PLUGIN', 'STOP_PLUGIN', 'RESTART_PLUGIN', 'UNINSTALL_PLUGIN'] as const;
export type PluginNodeCommand = (typeof PLUGIN_NODE_COMMANDS)[number];

export interface PluginCommand {
  readonly type: PluginNodeCommand;
  readonly pluginName: string;
  readonly pluginVersion: string | null;
  /** INSTALL_PLUGIN: a package directory or tarball path readable by every node, or an npm package spec. */
  readonly pluginUri: string | null;
}

export type PluginState = 'RUNNING' | 'STOPPED';

export interface PluginStatus {
  readonly plugin: InstalledPlugin;
  readonly state: PluginState;
  readonly isSelectedForStart: boolean;
  /** The circuit breaker of this version's pool on this node; null when no pool runs it. */
  readonly circuit: CircuitSnapshot | null;
  /** True when this version runs only for tenants pinned to it (not the node's active version). */
  readonly pinnedOnly: boolean;
}

/** One running pool as the healthcheck reports it. */
export interface PluginHealth {
  readonly pluginName: string;
  readonly version: string;
  readonly healthy: boolean;
  readonly message: string;
  readonly circuit: CircuitSnapshot;
}

export interface PluginService {
  readonly store: PluginStore;
  install(source: string): Promise<InstalledPlugin>;
  /** Starts `version` (default: the selected one, else the highest installed) and selects it for the next boot. */
  start(name: string, version?: string | null): Promise<InstalledPlugin>;
  stop(name: string): Promise<void>;
  restart(name: string): Promise<void>;
  uninstall(name: string, version: string): Promise<void>;
  list(): Promise<PluginStatus[]>;
  /** The version running on this node, or null (no disk read: for the per-request path). */
  running(name: string): InstalledPlugin | null;
  /** Every version running on this node (no disk read: the notification consumer asks per event). */
  runningPlugins(): InstalledPlugin[];
  /** Runs a node command here and, unless localNodeOnly, on every other node (cluster/broadcast.ts). */
  command(command: PluginCommand, localNodeOnly: boolean): Promise<void>;
  /**
   * Runs `fn` on the plugin's pool for the call: with a tenant pinned to a version
   * (pluginVersionPinKey), that version's pool; else the node's active one. PLUGIN_UNAVAILABLE when
   * the plugin is not running on this node or the pinned version is not installed here.
   */
  use<T>(name: string, fn: (pool: CallablePool, plugin: InstalledPlugin) => Promise<T>, ctx?: TenantContext | null): Promise<T>;
  /**
   * Every running pool: healthy unless its circuit is open or, for a plugin declaring `healthcheck`,
   * its own healthcheck says otherwise (or fails within `deadlineMs`).
   */
  health(deadlineMs?: number): Promise<PluginHealth[]>;
  /**
   * ctx.killbill for one call of `plugin`, bound to the call's tenant and the manifest's permissions;
   * null when the engine has no host backend yet or the call has no tenant.
   */
  hostFor(plugin: InstalledPlugin, ctx: TenantContext | null): HostShape | null;
  /** Starts every plugin selected for start (node boot) and listens for other nodes' commands. */
  startAll(): Promise<void>;
  stopAll(): Promise<void>;
}

const TOPIC = 'plugins:command';

export function createPluginService(deps: {
  pluginsDir: string;
  poolFactory: PluginPoolFactory<CallablePool>;
  broadcast: Broadcast | null;
  logger: Logger;
  /** What ctx.killbill reads and writes (host-api.ts); without one, plugin calls get no host API. */
  hostBackend?: HostBackend | null;
  /** The registry an install by npm package name asks (KB_PLUGINS_NPM_REGISTRY); null: npm's config. */
  npmRegistry?: string | null;
  /** The version a tenant is pinned to (the engine reads pluginVersionPinKey); absent: no pinning. */
  pinnedVersion?: ((ctx: TenantContext, pluginName: string) => Promise<string | null>) | null;
  /** How long a pinned version's pool outlives its last call (registry.ts; default 60 s). */
  pinnedIdleMs?: number;
}): PluginService {
  const store = new PluginStore(deps.pluginsDir, { npmRegistry: deps.npmRegistry ?? null });
  const registry = new PluginRegistry<CallablePool>(deps.poolFactory, deps.pinnedIdleMs === undefined ? {} : { pinnedIdleMs: deps.pinnedIdleMs });
  const logger = deps.logger.child({ component: 'plugins' });

  async function pinnedPlugin(name: string, version: string): Promise<InstalledPlugin> {
    const found = await store.find(name, version);
    if (found) return found;
    throw new BillingError('PLUGIN_UNAVAILABLE', `This tenant is pinned (${pluginVersionPinKey(name)}) to version ${version} of plugin ${name}, which is not installed on this node`, {
      pluginName: name,
      version,
    });
  }

  async function pick(name: string, version: string | null | undefined): Promise<InstalledPlugin> {
    if (version) return store.require(name, version);
    const selected = (await store.selection(name)).version;
    if (selected) {
      const found = await store.find(name, selected);
      if (found) return found;
    }
    const versions = await store.versions(name);
    const highest = versions.sort((a, b) => semver.rcompare(a.manifest.version, b.manifest.version))[0];
    if (!highest) throw new BillingError('PLUGIN_NOT_INSTALLED', `Plugin ${name} is not installed`, { pluginName: name });
    return highest;
  }

  const service: PluginService = {
    store,
    install: (source) => store.install(source),
    async start(name, version) {
      checkPluginNameNotReserved(name);
      const plugin = await pick(name, version);
      await registry.start(plugin);
      await store.select(name, { version: plugin.manifest.version, started: true });
      return plugin;
    },
    async stop(name) {
      const selection = await store.selection(name);
      if (!registry.running(name) && !selection.started && (await store.versions(name)).length === 0) {
        throw new BillingError('PLUGIN_NOT_INSTALLED', `Plugin ${name} is not installed`, { pluginName: name });
      }
      await registry.stop(name);
      await store.select(name, { version: selection.version, started: false });
    },
    async restart(name) {
      const running = registry.running(name);
      await registry.restart(running?.plugin ?? (await pick(name, null)));
    },
    async uninstall(name, version) {
      await store.require(name, version);
      if (registry.running(name)?.plugin.manifest.version === version) await registry.stop(name);
      await registry.stopPinned(name, version);
      await store.uninstall(name, version);
    },
    async list() {
      const out: PluginStatus[] = [];
      const pools = await registry.pools();
      for (const plugin of await store.list()) {
        const selection = await store.selection(plugin.manifest.name);
        const up = pools.filter((p) => p.plugin.manifest.name === plugin.manifest.name && p.plugin.manifest.version === plugin.manifest.version);
        const shown = up.find((p) => !p.pinned) ?? up[0];
        out.push({
          plugin,
          state: shown ? 'RUNNING' : 'STOPPED',
          isSelectedForStart: selection.version === plugin.manifest.version,
          circuit: shown ? shown.pool.info().circuit : null,
          pinnedOnly: shown?.pinned ?? false,
        });
      }
      return out;
    },
    async health(deadlineMs = 2_000) {
      return Promise.all(
        (await registry.pools()).map(async ({ plugin, pool }): Promise<PluginHealth> => {
          const base = { pluginName: plugin.manifest.name, version: plugin.manifest.version };
          const circuit = pool.info().circuit;
          if (circuit.state === 'OPEN') {
            return { ...base, healthy: false, message: `circuit open after ${circuit.consecutiveFailures} consecutive failures; retried from ${new Date(circuit.retryAt ?? 0).toISOString()}`, circuit };
          }
          if (!plugin.manifest.extensionPoints.includes('healthcheck')) return { ...base, healthy: true, message: 'OK', circuit };
          const outcome = await pool.call<{ healthy: boolean; message?: string | null }>('$healthcheck', [], {
            ctx: { tenant: null, pluginConfig: null, userName: null, userToken: null },
            deadlineMs,
            host: null,
          });
          const after = pool.info().circuit;
          if (outcome.kind === 'failed') return { ...base, healthy: false, message: `${outcome.error.code}: ${outcome.error.message}`, circuit: after };
          return { ...base, healthy: outcome.value.healthy === true, message: outcome.value.message ?? (outcome.value.healthy ? 'OK' : 'unhealthy'), circuit: after };
        }),
      );
    },
    running: (name) => registry.running(name)?.plugin ?? null,
    runningPlugins: () => registry.list().map((r) => r.plugin),
    async command(command, localNodeOnly) {
      await apply(command);
      if (!localNodeOnly) await deps.broadcast?.publish(TOPIC, command);
    },
    async use(name, fn, ctx) {
      const pinned = ctx && deps.pinnedVersion ? await deps.pinnedVersion(ctx, name) : null;
      if (pinned === null) return registry.use(name, fn);
      return registry.useVersion(name, pinned, () => pinnedPlugin(name, pinned), fn);
    },
    hostFor(plugin, ctx) {
      if (!deps.hostBackend || !ctx) return null;
      return createHostApi({ pluginName: plugin.manifest.name, permissions: plugin.manifest.permissions, ctx, backend: deps.hostBackend });
    },
    async startAll() {
      await deps.broadcast?.subscribe<PluginCommand>(
        TOPIC,
        (command) => {
          // Another node's command: nodes may share KB_PLUGINS_DIR, so "already done" is not a failure.
          apply(command).catch((err: unknown) => {
            if (!isBillingError(err) || !['PLUGIN_ALREADY_INSTALLED', 'PLUGIN_NOT_INSTALLED'].includes(err.code)) {
              logger.error({ err, command }, 'plugin node command failed on this node');
            }
          });
        },
        { othersOnly: true },
      );
      for (const name of new Set((await store.list()).map((p) => p.manifest.name))) {
        const selection = await store.selection(name);
        if (!selection.started) continue;
        await service.start(name, selection.version).catch((err: unknown) => logger.error({ err, plugin: name }, 'plugin did not start'));
      }
    },
    stopAll: () => registry.closeAll(),
  };

  async function apply(command: PluginCommand): Promise<void> {
    // INSTALL_PLUGIN's package name is checked when its manifest is read (manifest.ts).
    if (command.pluginName) checkPluginNameNotReserved(command.pluginName);
    switch (command.type) {
      case 'INSTALL_PLUGIN':
        if (!command.pluginUri) throw new BillingError('INVALID_PARAMETER', 'INSTALL_PLUGIN needs the nodeCommandProperty pluginUri, or pluginKey naming an npm package');
        await service.install(command.pluginUri);
        return;
      case 'START_PLUGIN':
        await service.start(command.pluginName, command.pluginVersion);
        return;
      case 'STOP_PLUGIN':
        await service.stop(command.pluginName);
        return;
      case 'RESTART_PLUGIN':
        await service.restart(command.pluginName);
        return;
      case 'UNINSTALL_PLUGIN':
        if (!command.pluginVersion) throw new BillingError('INVALID_PARAMETER', 'UNINSTALL_PLUGIN needs the nodeCommandProperty pluginVersion');
        await service.uninstall(command.pluginName, command.pluginVersion);
        return;
    }
  }

  return service;
}

/** One piscina pool per started plugin version (pool.ts): the production factory. */
export function workerPoolFactory(logger: Logger, defaultDeadlineMs?: number): PluginPoolFactory<CallablePool> {
  return async (plugin) =>
    new PluginPool({
      name: plugin.manifest.name,
      version: plugin.manifest.version,
      ...(defaultDeadlineMs === undefined ? {} : { defaultDeadlineMs }),
      entry: pathToFileURL(plugin.entryPath).href,
      onWorkerError: (err) => logger.warn({ err, plugin: plugin.manifest.name }, 'plugin worker died'),
    });
}
