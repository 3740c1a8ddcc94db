import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeNpmRegistry } from '../../../test/support/npm-registry.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../../..');
// The compiled CLI, as `npx billwright` runs it (built by `tsc -b`, which `npm test` runs first).
const CLI = join(ROOT, 'server/dist/cli/billwright.js');
const HELLO = join(ROOT, 'examples/hello-world-plugin');

let pluginsDir: string;
const billwright = (...args: string[]) => run('node', [CLI, 'plugins', ...args], { env: { ...process.env, KB_PLUGINS_DIR: pluginsDir, KB_URL: 'http://127.0.0.1:1' } });

beforeAll(async () => {
  pluginsDir = await mkdtemp(join(tmpdir(), 'cli-plugins-'));
});
afterAll(async () => {
  await rm(pluginsDir, { recursive: true, force: true });
});

describe('billwright plugins CLI, with no server running', () => {
  it('installs the hello-world plugin from its directory into KB_PLUGINS_DIR/<name>/<version>/', async () => {
    const { stdout } = await billwright('install', HELLO);
    expect(stdout).toContain(`installed hello-world 1.0.0 in ${join(pluginsDir, 'hello-world', '1.0.0')}`);
    expect(JSON.parse(await readFile(join(pluginsDir, 'hello-world', '1.0.0', 'package.json'), 'utf8')).billwright.name).toBe('hello-world');
  });

  it('lists it, selects it for start, and stops it', async () => {
    expect((await billwright('list')).stdout).toBe('hello-world\t1.0.0\tSTOPPED\n');
    await billwright('start', 'hello-world');
    expect((await billwright('list')).stdout).toBe('hello-world\t1.0.0\tSTOPPED\tselected\n');
    expect(JSON.parse(await readFile(join(pluginsDir, 'hello-world', 'selection.json'), 'utf8'))).toEqual({ version: '1.0.0', started: true });
    await billwright('stop', 'hello-world');
    expect(JSON.parse(await readFile(join(pluginsDir, 'hello-world', 'selection.json'), 'utf8'))).toEqual({ version: '1.0.0', started: false });
  });

  it('refuses a second install of the same version and an unknown command, with a message and a non-zero exit', async () => {
    await expect(billwright('install', HELLO)).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('already installed') });
    await expect(billwright('fly')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('usage: billwright plugins') });
  });

  it('uninstalls a version', async () => {
    await billwright('uninstall', 'hello-world', '1.0.0');
    expect((await billwright('list')).stdout).toBe('no plugins installed\n');
  });
});

describe('billwright plugins install by npm package name', () => {
  it('fetches name@version from KB_PLUGINS_NPM_REGISTRY with npm pack and installs it', async () => {
    const registry = await startFakeNpmRegistry();
    const packageName = `bw-test-hello-world-${randomUUID().slice(0, 8)}`;
    const src = join(pluginsDir, '..', `${packageName}-src`);
    try {
      await cp(HELLO, src, { recursive: true });
      const pkg = JSON.parse(await readFile(join(src, 'package.json'), 'utf8')) as Record<string, unknown>;
      await writeFile(join(src, 'package.json'), JSON.stringify({ ...pkg, name: packageName, version: '1.2.0' }));
      registry.publish(src);
      const { stdout } = await run('node', [CLI, 'plugins', 'install', `${packageName}@1.2.0`, '--offline'], {
        env: { ...process.env, KB_PLUGINS_DIR: pluginsDir, KB_PLUGINS_NPM_REGISTRY: registry.url },
      });
      expect(stdout).toContain(`installed hello-world 1.2.0 in ${join(pluginsDir, 'hello-world', '1.2.0')}`);
      await billwright('uninstall', 'hello-world', '1.2.0');
    } finally {
      await registry.close();
      await rm(src, { recursive: true, force: true });
    }
  });
});

