import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dropDatabase } from '@billwright/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL, testDatabaseUrl } from '../support/db.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const started: { child: ChildProcess; dbUrl: string }[] = [];

beforeAll(() => {
  // `npm test` builds first; a lone run of this file builds here.
  if (!existsSync(`${root}server/dist/main.js`)) execFileSync('npx', ['tsc', '-b'], { cwd: root, stdio: 'inherit' });
});
afterAll(async () => {
  for (const s of started) {
    if (s.child.exitCode === null) s.child.kill('SIGKILL');
    await dropDatabase(s.dbUrl);
  }
});

/** Starts `node server/dist/main.js` as `npm start` does, and collects its JSON log lines. */
function startProcess(env: Record<string, string>) {
  const dbUrl = testDatabaseUrl(import.meta.filename);
  const port = 30000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, ['server/dist/main.js'], {
    cwd: root,
    env: { ...process.env, KB_HTTP_PORT: String(port), KB_HTTP_HOST: '127.0.0.1', KB_DB_URL: dbUrl, KB_REDIS_URL: TEST_REDIS_URL, KB_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push({ child, dbUrl });
  const lines: Record<string, unknown>[] = [];
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
  const ready = async () => {
    for (let i = 0; i < 300; i++) {
      if (lines.some((l) => l['msg'] === 'listening')) return;
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${JSON.stringify(lines)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('server did not start');
  };
  return { child, lines, base: `http://127.0.0.1:${port}`, ready };
}

describe('npm start (the compiled server as a process)', () => {
  it('creates its database, migrates, logs JSON, warns about the default password and stops on SIGTERM', async () => {
    const s = startProcess({});
    await s.ready();
    expect(s.lines.some((l) => l['msg'] === 'applying migration')).toBe(true);
    expect(s.lines.some((l) => l['level'] === 40 && String(l['msg']).includes('default password'))).toBe(true);
    const health = await fetch(`${s.base}/1.0/healthcheck`);
    expect(health.status).toBe(200);
    const res = await fetch(`${s.base}/1.0/kb/tenants/${crypto.randomUUID()}`, { headers: { Authorization: `Basic ${Buffer.from('admin:password').toString('base64')}` } });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    // The access-log line is written as the response leaves; give the pipe a moment under load.
    await expect.poll(() => s.lines.some((l) => l['msg'] === 'request' && l['status'] === 404 && typeof l['requestId'] === 'string')).toBe(true);
    s.child.kill('SIGTERM');
    const code = await new Promise((r) => s.child.once('exit', r));
    expect(code).toBe(0);
  });

  it('answers the health check with 503 while Redis is unreachable', async () => {
    const s = startProcess({ KB_REDIS_URL: 'redis://127.0.0.1:1/0', KB_ADMIN_PASSWORD: 'not-the-default' });
    await s.ready();
    const health = await fetch(`${s.base}/1.0/healthcheck`);
    expect(health.status).toBe(503);
    expect(((await health.json()) as { redis: { healthy: boolean } }).redis.healthy).toBe(false);
    expect(s.lines.some((l) => String(l['msg']).includes('default password'))).toBe(false);
    s.child.kill('SIGTERM');
    await new Promise((r) => s.child.once('exit', r));
  });
});
