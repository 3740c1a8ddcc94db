import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { SERVER_NODE_FLAGS } from './node-flags.js';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TEST_REDIS_URL } from './db.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** `npm test` builds first; a lone run of a process test builds here. */
export function ensureBuilt(): void {
  if (!existsSync(`${root}server/dist/main.js`)) execFileSync('npx', ['tsc', '-b'], { cwd: root, stdio: 'inherit' });
}

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly base: string;
  /** The JSON log lines it printed so far. */
  readonly lines: Record<string, unknown>[];
  ready(): Promise<void>;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: a crash, nothing flushed, nothing cleaned up. */
  kill(): Promise<void>;
}

/** Starts `node server/dist/main.js` as `npm start` does, on a free-ish port, with the given settings. */
export function startServerProcess(dbUrl: string, env: Record<string, string> = {}): ServerProcess {
  // Port 0: the server takes a free port and logs it ('listening', url); a port picked here could collide.
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, 'server/dist/main.js'], {
    cwd: root,
    env: { ...process.env, KB_HTTP_PORT: '0', KB_HTTP_HOST: '127.0.0.1', KB_DB_URL: dbUrl, KB_REDIS_URL: TEST_REDIS_URL, KB_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        lines.push({ raw: line });
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let base = '';
  return {
    child,
    lines,
    get base() {
      return base;
    },
    async ready() {
      for (let i = 0; i < 300; i++) {
        const listening = lines.find((l) => l['msg'] === 'listening');
        if (listening) {
          base = String(listening['url']);
          return;
        }
        if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${JSON.stringify(lines.slice(-5))} ${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('server did not start');
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
