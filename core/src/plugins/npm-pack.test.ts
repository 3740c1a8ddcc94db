import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLUGIN_API_VERSION } from '@billwright/plugin-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeNpmRegistry, type FakeNpmRegistry } from '../../../test/support/npm-registry.js';
import { isNpmPackageSpec } from './npm-pack.js';
import { PluginStore } from './store.js';

let work: string;
let registry: FakeNpmRegistry;
// A fresh package name per run: npm's cache never holds a stale packument for it.
const packageName = `bw-test-hello-${randomUUID().slice(0, 8)}`;

async function packageDir(version: string, apiVersion = `^${PLUGIN_API_VERSION}`): Promise<string> {
  const dir = join(work, `src-${version}`);
  await mkdir(dir, { recursive: true });
  const billwright = { name: 'hello', apiVersion, extensionPoints: ['routes'], permissions: [] };
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: packageName, version, type: 'module', main: 'index.js', billwright }));
  await writeFile(join(dir, 'index.js'), `export default { version: '${version}' };\n`);
  return dir;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'npm-pack-test-'));
  registry = await startFakeNpmRegistry();
  registry.publish(await packageDir('1.0.0'));
  registry.publish(await packageDir('1.1.0'));
});
afterAll(async () => {
  await registry?.close();
  await rm(work, { recursive: true, force: true });
});

describe('installing a plugin by npm package name', () => {
  it('tells package specs from paths', () => {
    for (const spec of ['hello', 'hello@1.2.0', 'hello@^1', '@acme/billwright-tax', '@acme/billwright-tax@2.0.0-beta.1', 'hello@latest']) expect(isNpmPackageSpec(spec), spec).toBe(true);
    for (const path of ['/srv/plugins/hello', './hello', '../hello.tgz', 'plugins/hello', '-rf', '--registry=http://evil', 'hello; rm -rf /', 'Hello', '']) expect(isNpmPackageSpec(path), path).toBe(false);
  });

  it('fetches name@version from the configured registry with npm pack and installs it like a tarball', async () => {
    const store = new PluginStore(join(work, 'plugins-a'), { npmRegistry: registry.url });
    const installed = await store.install(`${packageName}@1.0.0`);
    expect(installed.dir).toBe(join(work, 'plugins-a', 'hello', '1.0.0'));
    expect(await readFile(installed.entryPath, 'utf8')).toContain("'1.0.0'");
    expect(registry.requests).toContain(`/${packageName}/-/${packageName}-1.0.0.tgz`);
  });

  it('takes the latest version when the spec names none, beside the version already installed', async () => {
    const store = new PluginStore(join(work, 'plugins-a'), { npmRegistry: registry.url });
    expect((await store.install(packageName)).manifest.version).toBe('1.1.0');
    expect((await store.versions('hello')).map((p) => p.manifest.version).sort()).toEqual(['1.0.0', '1.1.0']);
  });

  it('answers PLUGIN_PACKAGE_NOT_FOUND for a package or version the registry does not have', async () => {
    const store = new PluginStore(join(work, 'plugins-b'), { npmRegistry: registry.url });
    await expect(store.install(`${packageName}@9.9.9`)).rejects.toMatchObject({ code: 'PLUGIN_PACKAGE_NOT_FOUND' });
    await expect(store.install(`bw-no-such-package-${randomUUID().slice(0, 8)}`)).rejects.toMatchObject({ code: 'PLUGIN_PACKAGE_NOT_FOUND', message: expect.stringContaining('npm pack failed') });
    expect(await store.list()).toEqual([]);
  });

  it('refuses a path that does not exist and is no package name, without running npm', async () => {
    const store = new PluginStore(join(work, 'plugins-b'), { npmRegistry: registry.url });
    const before = registry.requests.length;
    await expect(store.install('./nowhere/plugin')).rejects.toMatchObject({ code: 'PLUGIN_INVALID_PACKAGE', message: expect.stringContaining('no such file or directory') });
    expect(registry.requests.length).toBe(before);
  });
});
