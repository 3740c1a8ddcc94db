/**
 * Installing a plugin by npm package name (issue 6 §2): `npm pack <spec>` downloads the package's
 * tarball from the registry — the npm client does resolution, auth (.npmrc), proxies and integrity
 * checks — and store.ts installs that tarball like any other.
 */
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BillingError } from '../errors/index.js';

/**
 * `name`, `name@version`, `name@range`, `name@tag`, scoped or not. A path never matches (an absolute
 * path starts with `/`, a relative one has a `/` outside a scope or starts with `.`), so an install
 * source is a path when it exists and a package spec only when it reads as one.
 */
const NPM_SPEC = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*(@[A-Za-z0-9.^~<>=|*+ -]+)?$/;

export function isNpmPackageSpec(source: string): boolean {
  return source.length <= 214 + 64 && NPM_SPEC.test(source);
}

export interface NpmPackOptions {
  /** `--registry` (KB_PLUGINS_NPM_REGISTRY); null uses npm's own configuration. */
  readonly registry: string | null;
  /** Where `npm pack` writes the tarball (an empty temporary folder). */
  readonly destination: string;
  readonly timeoutMs?: number;
}

/** Runs `npm pack <spec>` (no shell: the spec is one argv entry) and returns the tarball's path. */
export async function npmPack(spec: string, options: NpmPackOptions): Promise<string> {
  if (!isNpmPackageSpec(spec)) throw new BillingError('PLUGIN_INVALID_PACKAGE', `Plugin package ${spec}: not a path and not an npm package name`);
  const args = ['pack', spec, '--pack-destination', options.destination, '--ignore-scripts', '--json', '--loglevel', 'error'];
  if (options.registry) args.push('--registry', options.registry);
  await new Promise<void>((resolve, reject) => {
    execFile(npmCommand(), args, { timeout: options.timeoutMs ?? 120_000, maxBuffer: 4 * 1024 * 1024 }, (err, _stdout, stderr) => {
      if (!err) return resolve();
      const text = `${stderr}`.trim() || err.message;
      const notFound = /\bE404\b|\bETARGET\b|404 Not Found|No matching version/i.test(text);
      reject(
        new BillingError(
          notFound ? 'PLUGIN_PACKAGE_NOT_FOUND' : 'PLUGIN_FETCH_FAILED',
          `Plugin package ${spec}: npm pack failed${options.registry ? ` (registry ${options.registry})` : ''}: ${firstLines(text)}`,
          { spec },
        ),
      );
    });
  });
  const tarballs = (await readdir(options.destination)).filter((f) => f.endsWith('.tgz'));
  if (tarballs.length !== 1 || tarballs[0] === undefined) throw new BillingError('PLUGIN_FETCH_FAILED', `Plugin package ${spec}: npm pack wrote no tarball`, { spec });
  return join(options.destination, tarballs[0]);
}

/** The npm client on the PATH (npm.cmd on Windows, where execFile does not resolve .cmd files). */
function npmCommand(): string {
  return process.platform === 'win32' ? 'npm.cmd' : 'npm';
}

function firstLines(text: string): string {
  return text
    .split('\n')
    .map((l) => l.replace(/^npm (error|ERR!) ?/, '').trim())
    .filter((l) => l !== '' && !l.startsWith('A complete log'))
    .slice(0, 3)
    .join(' ');
}
