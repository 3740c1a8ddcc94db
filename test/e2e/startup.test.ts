import { dropDatabase } from '@billwright/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../support/db.js';
import { ensureBuilt, startServerProcess, type ServerProcess } from '../support/process.js';

const started: { server: ServerProcess; dbUrl: string }[] = [];

beforeAll(ensureBuilt);
afterAll(async () => {
  for (const s of started) {
    await s.server.kill();
    await dropDatabase(s.dbUrl);
  }
});

function startProcess(env: Record<string, string>): ServerProcess {
  const dbUrl = testDatabaseUrl(import.meta.filename);
  const server = startServerProcess(dbUrl, env);
  started.push({ server, dbUrl });
  return server;
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
    expect(await s.stop()).toBe(0);
  });

  it('answers the health check with 503 while Redis is unreachable', async () => {
    const s = startProcess({ KB_REDIS_URL: 'redis://127.0.0.1:1/0', KB_ADMIN_PASSWORD: 'not-the-default' });
    await s.ready();
    const health = await fetch(`${s.base}/1.0/healthcheck`);
    expect(health.status).toBe(503);
    expect(((await health.json()) as { redis: { healthy: boolean } }).redis.healthy).toBe(false);
    expect(s.lines.some((l) => String(l['msg']).includes('default password'))).toBe(false);
    await s.stop();
  });
});
