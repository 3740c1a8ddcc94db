/**
 * A tiny npm registry on 127.0.0.1 for install-by-package-name tests: serves a packument per package
 * and the tarballs it names, so `npm pack <name>@<version> --registry <url>` runs hermetically, over the
 * same path a real registry takes (resolution, dist-tags, integrity check), with no network.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

export interface FakeNpmRegistry {
  /** The --registry / KB_PLUGINS_NPM_REGISTRY value, with a trailing slash. */
  readonly url: string;
  /** Publishes a package folder (its package.json gives name and version); the last one is `latest`. */
  publish(dir: string): { name: string; version: string };
  /** GET requests seen, in order (to prove the registry was asked). */
  readonly requests: string[];
  close(): Promise<void>;
}

interface Published {
  readonly tarball: Buffer;
  readonly manifest: Record<string, unknown>;
}

export async function startFakeNpmRegistry(): Promise<FakeNpmRegistry> {
  const packages = new Map<string, Map<string, Published>>();
  const requests: string[] = [];
  const work = mkdtempSync(join(tmpdir(), 'fake-npm-'));
  let url = '';

  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
    requests.push(path);
    const tarball = /^\/(.+)\/-\/[^/]+-(\d[^/]*)\.tgz$/.exec(path);
    if (tarball) {
      const found = packages.get(tarball[1] ?? '')?.get(tarball[2] ?? '');
      if (!found) return notFound(res);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': found.tarball.length });
      return res.end(found.tarball);
    }
    const versions = packages.get(path.slice(1));
    if (!versions) return notFound(res);
    const all = [...versions.entries()];
    const packument = {
      name: path.slice(1),
      'dist-tags': { latest: all.at(-1)?.[0] },
      versions: Object.fromEntries(all.map(([v, p]) => [v, p.manifest])),
    };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(packument));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  return {
    url,
    requests,
    publish(dir) {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown> & { name: string; version: string };
      // npm pack's layout: one top folder named `package`.
      const stage = mkdtempSync(join(work, 'stage-'));
      execFileSync('cp', ['-r', dir, join(stage, 'package')]);
      const file = join(work, `${basename(pkg.name)}-${pkg.version}.tgz`);
      execFileSync('tar', ['-czf', file, '-C', stage, 'package']);
      const tarball = readFileSync(file);
      const dist = {
        tarball: `${url}${pkg.name}/-/${basename(pkg.name)}-${pkg.version}.tgz`,
        shasum: createHash('sha1').update(tarball).digest('hex'),
        integrity: `sha512-${createHash('sha512').update(tarball).digest('base64')}`,
      };
      const versions = packages.get(pkg.name) ?? new Map<string, Published>();
      versions.set(pkg.version, { tarball, manifest: { ...pkg, dist } });
      packages.set(pkg.name, versions);
      return { name: pkg.name, version: pkg.version };
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(work, { recursive: true, force: true });
    },
  };
}

function notFound(res: import('node:http').ServerResponse): void {
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end('{"error":"Not found"}');
}
