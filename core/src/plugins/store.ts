import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { BillingError } from '../errors/index.js';
import { parseManifest, type PluginManifest } from './manifest.js';
import { isNpmPackageSpec, npmPack } from './npm-pack.js';

const run = promisify(execFile);

/** One installed version: its checked manifest and the folder it lives in. */
export interface InstalledPlugin {
  readonly manifest: PluginManifest;
  readonly dir: string;
  /** Absolute path of the module the worker imports. */
  readonly entryPath: string;
}

/**
 * What should run for one plugin, kept beside its versions so the CLI (no server) and every node read
 * the same thing: Kill Bill's "isSelectedForStart" version, and whether the plugin is started.
 */
export interface PluginSelection {
  readonly version: string | null;
  readonly started: boolean;
}

/**
 * Plugin packages on disk: `KB_PLUGINS_DIR/<name>/<version>/` (issue 6 §2), several versions side by
 * side. An install unpacks into a staging folder first and renames it into place, so a half-copied
 * package is never visible to `list` or a starting node.
 */
export interface PluginStoreOptions {
  /** The npm registry an install by package name asks (KB_PLUGINS_NPM_REGISTRY); null: npm's own config. */
  readonly npmRegistry?: string | null;
}

export class PluginStore {
  readonly root: string;
  readonly #npmRegistry: string | null;

  constructor(pluginsDir: string, options: PluginStoreOptions = {}) {
    this.root = resolve(pluginsDir);
    this.#npmRegistry = options.npmRegistry ?? null;
  }

  /**
   * Installs from a package directory, an `npm pack` tarball (.tgz / .tar.gz / .tar), or an npm
   * package spec (`name`, `name@1.2.0`, `@scope/name@^1`) fetched with `npm pack`. An existing path
   * wins over a package of the same name.
   */
  async install(source: string): Promise<InstalledPlugin> {
    const path = resolve(source);
    const info = await stat(path).catch(() => null);
    if (!info && isNpmPackageSpec(source)) return this.#installFromNpm(source);
    if (!info) throw new BillingError('PLUGIN_INVALID_PACKAGE', `Plugin package ${source}: no such file or directory`);
    if (info.isDirectory()) return this.#installDirectory(path, source);
    return this.#installTarball(path, source);
  }

  async #installFromNpm(spec: string): Promise<InstalledPlugin> {
    const destination = await mkdtemp(join(tmpdir(), 'billwright-npm-'));
    try {
      return await this.#installTarball(await npmPack(spec, { registry: this.#npmRegistry, destination }), spec);
    } finally {
      await rm(destination, { recursive: true, force: true });
    }
  }

  async #installTarball(path: string, source: string): Promise<InstalledPlugin> {
    const unpacked = await mkdtemp(join(tmpdir(), 'billwright-plugin-'));
    try {
      await run('tar', ['-xf', path, '-C', unpacked]).catch((err: Error) => {
        throw new BillingError('PLUGIN_INVALID_PACKAGE', `Plugin package ${source}: not a readable tarball (${err.message.split('\n')[0]})`);
      });
      return await this.#installDirectory(await packageRoot(unpacked, source), source);
    } finally {
      await rm(unpacked, { recursive: true, force: true });
    }
  }

  async list(): Promise<InstalledPlugin[]> {
    const out: InstalledPlugin[] = [];
    for (const name of await dirs(this.root)) {
      for (const version of await dirs(join(this.root, name))) {
        const found = await this.find(name, version).catch(() => null);
        if (found) out.push(found);
      }
    }
    return out;
  }

  /** The installed version, or null. */
  async find(name: string, version: string): Promise<InstalledPlugin | null> {
    if (!safeSegment(name) || !safeSegment(version)) return null;
    const dir = join(this.root, name, version);
    const raw = await readFile(join(dir, 'package.json'), 'utf8').catch(() => null);
    if (raw === null) return null;
    const manifest = parseManifest(parseJson(raw, dir), dir);
    return { manifest, dir, entryPath: join(dir, manifest.entry) };
  }

  async require(name: string, version: string): Promise<InstalledPlugin> {
    const found = await this.find(name, version);
    if (!found) throw new BillingError('PLUGIN_NOT_INSTALLED', `Plugin ${name} version ${version} is not installed`);
    return found;
  }

  async versions(name: string): Promise<InstalledPlugin[]> {
    return (await this.list()).filter((p) => p.manifest.name === name);
  }

  async uninstall(name: string, version: string): Promise<void> {
    await this.require(name, version);
    await rm(join(this.root, name, version), { recursive: true, force: true });
    const selection = await this.selection(name);
    if (selection.version === version) await this.select(name, { version: null, started: false });
    if ((await dirs(join(this.root, name))).length === 0) await rm(join(this.root, name), { recursive: true, force: true });
  }

  async selection(name: string): Promise<PluginSelection> {
    if (!safeSegment(name)) return { version: null, started: false };
    const raw = await readFile(join(this.root, name, SELECTION), 'utf8').catch(() => null);
    if (raw === null) return { version: null, started: false };
    const parsed = parseJson(raw, SELECTION) as Partial<PluginSelection>;
    return { version: typeof parsed.version === 'string' ? parsed.version : null, started: parsed.started === true };
  }

  async select(name: string, selection: PluginSelection): Promise<void> {
    const dir = join(this.root, name);
    await mkdir(dir, { recursive: true });
    // Write-then-rename so a concurrent reader never sees half a file.
    const tmp = join(dir, `${SELECTION}.${randomUUID()}`);
    await writeFile(tmp, JSON.stringify(selection));
    await rename(tmp, join(dir, SELECTION));
  }

  async #installDirectory(dir: string, source: string): Promise<InstalledPlugin> {
    const raw = await readFile(join(dir, 'package.json'), 'utf8').catch(() => null);
    if (raw === null) throw new BillingError('PLUGIN_INVALID_PACKAGE', `Plugin package ${source}: no package.json`);
    const manifest = parseManifest(parseJson(raw, source), source);
    const target = join(this.root, manifest.name, manifest.version);
    if (await stat(target).catch(() => null)) {
      throw new BillingError('PLUGIN_ALREADY_INSTALLED', `Plugin ${manifest.name} version ${manifest.version} is already installed`, {
        pluginName: manifest.name,
        version: manifest.version,
      });
    }
    await mkdir(join(this.root, manifest.name), { recursive: true });
    const staging = join(this.root, manifest.name, `.staging-${randomUUID()}`);
    try {
      await cp(dir, staging, { recursive: true, filter: (src) => !src.endsWith('/.git') });
      await rename(staging, target);
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
    return { manifest, dir: target, entryPath: join(target, manifest.entry) };
  }
}

const SELECTION = 'selection.json';

/** `npm pack` tarballs hold one top folder (`package/`); accept a package.json at the top too. */
async function packageRoot(unpacked: string, source: string): Promise<string> {
  if (await stat(join(unpacked, 'package.json')).catch(() => null)) return unpacked;
  const top = await dirs(unpacked);
  if (top.length === 1 && top[0] !== undefined) return join(unpacked, top[0]);
  throw new BillingError('PLUGIN_INVALID_PACKAGE', `Plugin package ${source}: the tarball has no single package folder`);
}

async function dirs(path: string): Promise<string[]> {
  const entries = await readdir(path, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
}

function safeSegment(s: string): boolean {
  return s !== '' && !s.startsWith('.') && !/[\\/]/.test(s);
}

function parseJson(raw: string, source: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new BillingError('PLUGIN_INVALID_PACKAGE', `Plugin package ${source}: package.json is not valid JSON`);
  }
}
