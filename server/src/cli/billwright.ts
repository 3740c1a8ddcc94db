#!/usr/bin/env node
/**
 * `npx billwright plugins install <dir|tarball|npm-package[@version]> | list | start <name> [version] |
 * stop <name> | restart <name> | uninstall <name> <version>`.
 *
 * Works on KB_PLUGINS_DIR (default ./var/plugins) directly, so it needs no running server. When a server
 * answers at KB_URL (default http://127.0.0.1:$KB_HTTP_PORT, 8080), start/stop/restart/uninstall go to
 * it as Kill Bill node commands (POST /1.0/kb/nodesInfo, broadcast to every node) with the
 * KB_ADMIN_USERNAME/KB_ADMIN_PASSWORD credentials, so running nodes switch at once; `install` always
 * writes to KB_PLUGINS_DIR and then asks the server to install the same package too (a no-op when it
 * shares the folder). `--offline` never contacts a server. An install by npm package name runs
 * `npm pack` against KB_PLUGINS_NPM_REGISTRY (default: npm's own configuration).
 */
import type { PluginStatus, PluginStore } from '@billwright/core';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import semver from 'semver';

const USAGE = `usage: billwright plugins <command> [--offline]
  install <dir|tarball|npm-package[@version]>
                               install a plugin package into KB_PLUGINS_DIR/<name>/<version>/
  list                         installed versions, which one is selected and whether it runs
  start <name> [version]       start a version (default: the selected one, else the highest)
  stop <name>                  stop the plugin
  restart <name>               restart the running version (needs a server)
  uninstall <name> <version>   remove one installed version`;

interface Server {
  readonly url: string;
  readonly auth: string;
}

async function main(argv: string[]): Promise<number> {
  const offline = argv.includes('--offline');
  const [group, command, ...args] = argv.filter((a) => a !== '--offline');
  if (group !== 'plugins' || !command) return usage();
  const env = process.env;
  const server = offline ? null : await findServer(env);
  // Loaded only when the command works on KB_PLUGINS_DIR itself: importing the engine costs about a
  // second, and with a server answering, start/stop/list/uninstall are just HTTP calls.
  const core = () => import('@billwright/core');
  const openStore = async () => new (await core()).PluginStore(env['KB_PLUGINS_DIR'] ?? './var/plugins', { npmRegistry: env['KB_PLUGINS_NPM_REGISTRY']?.trim() || null });

  switch (command) {
    case 'install': {
      const source = args[0];
      if (!source) return usage();
      const plugin = await (await openStore()).install(source);
      out(`installed ${plugin.manifest.name} ${plugin.manifest.version} in ${plugin.dir}`);
      // A path goes to the server absolute; a package spec as it is (the server runs npm pack itself).
      const uri = !existsSync(source) && (await core()).isNpmPackageSpec(source) ? source : resolve(source);
      if (server) await nodeCommand(server, 'INSTALL_PLUGIN', { pluginUri: uri }, true);
      return 0;
    }
    case 'list': {
      const statuses: PluginStatus[] = server ? [] : await offlineStatuses(await openStore());
      const rows = server ? await serverPlugins(server) : statuses.map((s) => ({ pluginName: s.plugin.manifest.name, version: s.plugin.manifest.version, state: s.state, isSelectedForStart: s.isSelectedForStart }));
      if (rows.length === 0) out('no plugins installed');
      for (const r of rows) out(`${r.pluginName}\t${r.version}\t${r.state}${r.isSelectedForStart ? '\tselected' : ''}`);
      return 0;
    }
    case 'start':
    case 'stop':
    case 'restart':
    case 'uninstall': {
      const [name, version] = args;
      if (!name || (command === 'uninstall' && !version)) return usage();
      if (server) {
        await nodeCommand(server, `${command.toUpperCase()}_PLUGIN`, { pluginName: name, ...(version ? { pluginVersion: version } : {}) }, false);
        out(`${command} ${name}${version ? ` ${version}` : ''}: done on the server at ${server.url}`);
        return 0;
      }
      if (command === 'restart') throw new Error('restart needs a running server (none answers at KB_URL)');
      const store = await openStore();
      if (command === 'uninstall') await store.uninstall(name, version ?? '');
      else if (command === 'start') {
        const chosen = version ?? semver.rsort((await store.versions(name)).map((p) => p.manifest.version))[0];
        if (!chosen) throw new Error(`plugin ${name} is not installed`);
        await store.require(name, chosen);
        await store.select(name, { version: chosen, started: true });
      } else await store.select(name, { ...(await store.selection(name)), started: false });
      out(`${command} ${name}${version ? ` ${version}` : ''}: recorded in ${store.root}; it applies when a server starts`);
      return 0;
    }
    default:
      return usage();
  }
}

async function offlineStatuses(store: PluginStore): Promise<PluginStatus[]> {
  const out: PluginStatus[] = [];
  for (const plugin of await store.list()) {
    const selection = await store.selection(plugin.manifest.name);
    const selected = selection.version === plugin.manifest.version;
    // Without a server nothing runs; "RUNNING" here would be a guess.
    out.push({ plugin, state: 'STOPPED', isSelectedForStart: selected, circuit: null, pinnedOnly: false });
  }
  return out;
}

async function findServer(env: NodeJS.ProcessEnv): Promise<Server | null> {
  const url = (env['KB_URL'] ?? `http://127.0.0.1:${env['KB_HTTP_PORT'] ?? '8080'}`).replace(/\/$/, '');
  const auth = 'Basic ' + Buffer.from(`${env['KB_ADMIN_USERNAME'] ?? 'admin'}:${env['KB_ADMIN_PASSWORD'] ?? 'password'}`).toString('base64');
  const up = await fetch(`${url}/1.0/healthcheck`, { signal: AbortSignal.timeout(1000) }).then(
    () => true,
    () => false,
  );
  return up ? { url, auth } : null;
}

async function nodeCommand(server: Server, type: string, props: Record<string, string>, ignoreInstalled: boolean): Promise<void> {
  const res = await fetch(`${server.url}/1.0/kb/nodesInfo`, {
    method: 'POST',
    headers: { authorization: server.auth, 'content-type': 'application/json', 'X-Killbill-CreatedBy': 'billwright-cli' },
    body: JSON.stringify({ nodeCommandType: type, isSystemCommandType: false, nodeCommandProperties: Object.entries(props).map(([key, value]) => ({ key, value })) }),
  });
  if (res.status === 202 || (ignoreInstalled && res.status === 409)) return;
  throw new Error(`the server at ${server.url} refused ${type}: ${res.status} ${await res.text()}`);
}

async function serverPlugins(server: Server): Promise<{ pluginName: string; version: string; state: string; isSelectedForStart: boolean }[]> {
  const res = await fetch(`${server.url}/1.0/kb/pluginsInfo`, { headers: { authorization: server.auth } });
  if (!res.ok) throw new Error(`the server at ${server.url} answered ${res.status} to pluginsInfo`);
  return (await res.json()) as { pluginName: string; version: string; state: string; isSelectedForStart: boolean }[];
}

function usage(): number {
  process.stderr.write(USAGE + '\n');
  return 2;
}

function out(line: string): void {
  process.stdout.write(line + '\n');
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`billwright: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
