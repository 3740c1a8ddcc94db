import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLUGIN_API_VERSION } from '@billwright/plugin-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PluginStore } from './store.js';

let work: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'store-test-'));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

/** A plugin package folder as an author would have it. */
async function writePluginPackage(dir: string, version: string, apiVersion = `^${PLUGIN_API_VERSION}`): Promise<string> {
  await mkdir(dir, { recursive: true });
  const billwright = { name: 'hello', apiVersion, extensionPoints: ['routes'], permissions: [] };
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'hello-plugin', version, type: 'module', main: 'index.js', billwright }));
  await writeFile(join(dir, 'index.js'), `export default { version: '${version}' };\n`);
  return dir;
}

describe('plugin store', () => {
  it('installs from a directory into <pluginsDir>/<name>/<version>/ and lists it', async () => {
    const store = new PluginStore(join(work, 'plugins'));
    const installed = await store.install(await writePluginPackage(join(work, 'src'), '1.0.0'));
    expect(installed.dir).toBe(join(work, 'plugins', 'hello', '1.0.0'));
    expect(await readFile(installed.entryPath, 'utf8')).toContain("'1.0.0'");
    expect((await store.list()).map((p) => `${p.manifest.name}@${p.manifest.version}`)).toEqual(['hello@1.0.0']);
  });

  it('installs from an npm pack style tarball', async () => {
    await writePluginPackage(join(work, 'pack', 'package'), '2.0.0');
    const tarball = join(work, 'hello-2.0.0.tgz');
    execFileSync('tar', ['-czf', tarball, '-C', join(work, 'pack'), 'package']);
    const store = new PluginStore(join(work, 'plugins'));
    const installed = await store.install(tarball);
    expect(installed.manifest.version).toBe('2.0.0');
    expect(await readFile(installed.entryPath, 'utf8')).toContain("'2.0.0'");
  });

  it('keeps two versions side by side, refuses a reinstall and uninstalls one version', async () => {
    const store = new PluginStore(join(work, 'plugins'));
    await store.install(await writePluginPackage(join(work, 'v1'), '1.0.0'));
    await store.install(await writePluginPackage(join(work, 'v2'), '2.0.0'));
    expect((await store.versions('hello')).map((p) => p.manifest.version)).toEqual(['1.0.0', '2.0.0']);
    await expect(store.install(join(work, 'v1'))).rejects.toMatchObject({ code: 'PLUGIN_ALREADY_INSTALLED' });
    await store.uninstall('hello', '1.0.0');
    expect((await store.versions('hello')).map((p) => p.manifest.version)).toEqual(['2.0.0']);
    await expect(store.uninstall('hello', '1.0.0')).rejects.toMatchObject({ code: 'PLUGIN_NOT_INSTALLED' });
  });

  it('refuses an incompatible plugin at install and leaves nothing behind', async () => {
    const store = new PluginStore(join(work, 'plugins'));
    await expect(store.install(await writePluginPackage(join(work, 'old'), '1.0.0', '^0.0.1'))).rejects.toMatchObject({
      code: 'PLUGIN_INVALID_PACKAGE',
      message: expect.stringContaining('does not satisfy'),
    });
    expect(await store.list()).toEqual([]);
  });

  it('remembers the version selected for start', async () => {
    const store = new PluginStore(join(work, 'plugins'));
    expect(await store.selection('hello')).toEqual({ version: null, started: false });
    await store.select('hello', { version: '1.0.0', started: true });
    expect(await new PluginStore(join(work, 'plugins')).selection('hello')).toEqual({ version: '1.0.0', started: true });
  });
});
