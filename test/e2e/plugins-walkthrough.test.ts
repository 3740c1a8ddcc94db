import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawHttp } from '../support/killbill.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * The plugin walkthrough of README.md and plugin-api/README.md, typed as a user types it: each command
 * is a line of the docs (checked here, so the docs cannot drift from what works), run through `npx`
 * from the repository root against a running server.
 */
const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
// The upgrade step installs a copy with a bumped version; the docs name this folder (var/ is git-ignored).
const COPY = join(ROOT, 'var', 'hello-world-1.1.0');

let server: TestServer;
let work: string;
let docs: string;

/** Runs one documented line: it must appear verbatim in the READMEs. */
async function step(line: string): Promise<string> {
  expect(docs, `the docs show \`${line}\``).toContain(line);
  const [cmd, ...args] = line.split(' ');
  const { stdout } = await run(cmd!, args, { cwd: ROOT, env: { ...process.env, KB_PLUGINS_DIR: join(work, 'plugins'), KB_URL: server.url } });
  return stdout;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'plugins-walkthrough-'));
  docs = (await readFile(join(ROOT, 'README.md'), 'utf8')) + (await readFile(join(ROOT, 'plugin-api/README.md'), 'utf8'));
  server = await startTestServer(import.meta.filename, { pluginsDir: join(work, 'plugins') });
  await rm(COPY, { recursive: true, force: true });
});

afterAll(async () => {
  await server?.close();
  await rm(COPY, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

describe('the plugin walkthrough of the READMEs', () => {
  it('installs hello-world from its directory, lists, starts, upgrades, stops and uninstalls it with npx billwright', async () => {
    expect(await step('npx billwright plugins install ./examples/hello-world-plugin')).toContain(`installed hello-world 1.0.0 in ${join(work, 'plugins', 'hello-world', '1.0.0')}`);
    expect(await step('npx billwright plugins start hello-world')).toContain(`start hello-world: done on the server at ${server.url}`);
    // It really runs: the plugin's own router answers through the worker pool.
    expect((await rawHttp(server.url).get('/plugins/hello-world/hello')).data).toEqual({ message: 'accountId is required' });

    // Upgrade: a copy with a bumped version, installed beside 1.0.0 and started.
    await cp(join(ROOT, 'examples/hello-world-plugin'), COPY, { recursive: true });
    const pkg = JSON.parse(await readFile(join(COPY, 'package.json'), 'utf8')) as { version: string };
    await writeFile(join(COPY, 'package.json'), JSON.stringify({ ...pkg, version: '1.1.0' }));
    expect(await step('npx billwright plugins install ./var/hello-world-1.1.0')).toContain('installed hello-world 1.1.0');
    await step('npx billwright plugins start hello-world 1.1.0');
    const { data: info } = await rawHttp(server.url).get('/1.0/kb/pluginsInfo');
    expect((info as { version: string; state: string; isSelectedForStart: boolean }[]).map((p) => [p.version, p.state, p.isSelectedForStart])).toEqual([
      ['1.0.0', 'STOPPED', false],
      ['1.1.0', 'RUNNING', true],
    ]);
    expect((await rawHttp(server.url).get('/plugins/hello-world/hello')).status).toBe(400);

    await step('npx billwright plugins stop hello-world');
    expect((await rawHttp(server.url).get('/plugins/hello-world/hello')).status).toBe(503);
    await step('npx billwright plugins uninstall hello-world 1.0.0');
    expect(await step('npx billwright plugins list')).toBe('hello-world\t1.1.0\tSTOPPED\tselected\n');
  }, 90_000); // eight CLI runs, each a node start (about a second each on an idle machine)
});
