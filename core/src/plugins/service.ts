import { pathToFileURL } from 'node:url';
import semver from 'semver';
import type { Logger } from 'pino';
import type { Broadcast } from '../cluster/broadcast.js';
import { BillingError, isBillingError } from '../errors/index.js';
import type { HostShape } from '@billwright/plugin-api';
import type { TenantContext } from '../context.js';
import { createHostApi, type HostBackend } from './host-api.js';
import { PluginPool } from './pool.js';
import { PluginRegistry, type PluginPoolFactory } from './registry.js';
import { PluginStore, type InstalledPlugin } from './store.js';

/** What the service calls: the real PluginPool, or a test double with its call/close. */
export type CallablePool = Pick<PluginPool, 'call' | 'close'>;

/** Kill Bill's node command types for plugins (NodeCommandType / PluginNodeCommandMetadata). */
export const PLUGIN_NODE_COMMANDS = ['INSTALL_PLUGIN', 'START_PLUGIN', 'STOP_PLUGIN', 'RESTART_PLUGIN', 'UNINSTALL_PLUGIN'] as const;
export type PluginNodeCommand = (typeof PLUGIN_NODE_COMMANDS)[number];

export interface PluginCommand {
  readonly type: PluginNodeCommand;
  readonly pluginName: string;
  readonly pluginVersion: string | null;
  /** INSTALL_PLUGIN: a package directory or tarball path readable by every node. */
  readonly pluginUri: string | null;
}

export type PluginState = 'RUNNING' | 'STOPPED';

export interface PluginStatus {
  readonly plugin: InstalledPlugin;
  readonly state: PluginState;
  readonly isSelectedForStart: boolean;
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
  /** Runs `fn` on the plugin's active pool; PLUGIN_UNAVAILABLE when it is not running on this node. */
  use<T>(name: string, fn: (pool: CallablePool, plugin: InstalledPlugin) => Promise<T>): Promise<T>;
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
}): PluginService {
  const store = new PluginStore(deps.pluginsDir);
  const registry = new PluginRegistry<CallablePool>(deps.poolFactory);
  const logger = deps.logger.child({ component: 'plugins' });

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
      await store.uninstall(name, version);
    },
    async list() {
      const out: PluginStatus[] = [];
      for (const plugin of await store.list()) {
        const selection = await store.selection(plugin.manifest.name);
        const running = registry.running(plugin.manifest.name);
        out.push({
          plugin,
          state: running?.plugin.manifest.version === plugin.manifest.version ? 'RUNNING' : 'STOPPED',
          isSelectedForStart: selection.version === plugin.manifest.version,
        });
      }
      return out;
    },
    running: (name) => registry.running(name)?.plugin ?? null,
    runningPlugins: () => registry.list().map((r) => r.plugin),
    async command(command, localNodeOnly) {
      await apply(command);
      if (!localNodeOnly) await deps.broadcast?.publish(TOPIC, command);
    },
    use: (name, fn) => registry.use(name, fn),
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
    switch (command.type) {
      case 'INSTALL_PLUGIN':
        if (!command.pluginUri) throw new BillingError('INVALID_PARAMETER', 'INSTALL_PLUGIN needs the nodeCommandProperty pluginUri');
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
export function workerPoolFactory(logger: Logger): PluginPoolFactory<CallablePool> {
  return async (plugin) =>
    new PluginPool({
      name: plugin.manifest.name,
      version: plugin.manifest.version,
      entry: pathToFileURL(plugin.entryPath).href,
      onWorkerError: (err) => logger.warn({ err, plugin: plugin.manifest.name }, 'plugin worker died'),
    });
}
