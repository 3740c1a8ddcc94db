/**
 * Account creation over HTTP against the ceiling of this machine, measured in the same run.
 *
 *   baseline  plain single-row `START TRANSACTION; INSERT; COMMIT` into MariaDB with mysql2, C connections
 *   measured  `POST /1.0/kb/accounts` (auth, tenant, validation, ORM transaction, audit row) with C clients
 *
 * The server runs compiled (`node server/dist/main.js`) in its own process, on its own database, as in
 * production. The HTTP load comes from wrk when it is installed (a C client that leaves the cores to the
 * server, as the stack notes measured), else from a keep-alive Node client in this process; which one ran
 * is printed. The figure to read is the ratio: these machines are shared and noisy, so absolute numbers
 * move between runs while the ratio holds. Settings: BENCH_CLIENTS (8), BENCH_SECONDS (8),
 * BENCH_LOAD (wrk | node).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';

const CLIENTS = Number(process.env['BENCH_CLIENTS'] ?? 8);
const LOAD = process.env['BENCH_LOAD'] ?? (hasWrk() ? 'wrk' : 'node');
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 8);
const DB_HOST = 'mysql://root@127.0.0.1:3306';
const suffix = randomUUID().slice(0, 8);
const root = fileURLToPath(new URL('../../', import.meta.url));

function hasWrk(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (e) {
    // wrk prints its version and exits 1; only a missing binary is ENOENT.
    return (e as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

function log(message: string): void {
  process.stdout.write(`${message}\n`);
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

/** Runs `worker` on C lanes for `seconds` (after a warm-up) and returns operations per second and latencies. */
async function measure(lanes: number, seconds: number, worker: (lane: number) => Promise<void>) {
  const warmUntil = performance.now() + 1500;
  await Promise.all(Array.from({ length: lanes }, async (_, lane) => {
    while (performance.now() < warmUntil) await worker(lane);
  }));
  const latencies: number[] = [];
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(Array.from({ length: lanes }, async (_, lane) => {
    while (performance.now() < end) {
      const t = performance.now();
      await worker(lane);
      latencies.push(performance.now() - t);
    }
  }));
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return { rate: latencies.length / elapsed, count: latencies.length, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
}

async function baseline() {
  const db = `bw_bench_raw_${suffix}`;
  const admin = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
  await admin.query(`CREATE DATABASE ${db}`);
  const conns = await Promise.all(Array.from({ length: CLIENTS }, () => mysql.createConnection({ host: '127.0.0.1', user: 'root', database: db })));
  await conns[0]!.query(
    'CREATE TABLE t (record_id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, id CHAR(36) UNIQUE, tenant_record_id BIGINT, name VARCHAR(100), created_date DATETIME(3)) ENGINE=InnoDB',
  );
  try {
    return await measure(CLIENTS, SECONDS, async (lane) => {
      const c = conns[lane]!;
      await c.query('START TRANSACTION');
      await c.query('INSERT INTO t (id, tenant_record_id, name, created_date) VALUES (?, 1, ?, NOW(3))', [randomUUID(), 'bench']);
      await c.query('COMMIT');
    });
  } finally {
    await Promise.all(conns.map((c) => c.end()));
    await admin.query(`DROP DATABASE ${db}`);
    await admin.end();
  }
}

async function startServer(): Promise<{ child: ChildProcess; port: number; dbUrl: string }> {
  const dbUrl = `${DB_HOST}/bw_bench_http_${suffix}`;
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, ['server/dist/main.js'], {
    cwd: root,
    env: { ...process.env, KB_HTTP_PORT: String(port), KB_HTTP_HOST: '127.0.0.1', KB_DB_URL: dbUrl, KB_REDIS_URL: 'redis://127.0.0.1:6379/2', KB_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 200; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/1.0/healthcheck`).then((r) => r.ok, () => false);
    if (ok) return { child, port, dbUrl };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error('server did not become healthy');
}

function post(agent: Agent, port: number, path: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers: { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function httpAccounts() {
  const { child, port, dbUrl } = await startServer();
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  const auth = { Authorization: `Basic ${Buffer.from('admin:password').toString('base64')}`, 'X-Killbill-CreatedBy': 'bench' };
  const tenant = { apiKey: `bench-${suffix}`, apiSecret: 'bench-secret' };
  try {
    const status = await post(agent, port, '/1.0/kb/tenants', auth, JSON.stringify(tenant));
    if (status !== 201) throw new Error(`tenant creation answered ${status}`);
    const headers = { ...auth, 'X-Killbill-ApiKey': tenant.apiKey, 'X-Killbill-ApiSecret': tenant.apiSecret };
    if (LOAD === 'wrk') return wrkAccounts(port, headers);
    let failures = 0;
    const result = await measure(CLIENTS, SECONDS, async () => {
      const body = JSON.stringify({ name: 'Bench Customer', email: 'bench@example.com', currency: 'USD', timeZone: 'Europe/Paris', externalKey: randomUUID() });
      if ((await post(agent, port, '/1.0/kb/accounts', headers, body)) !== 201) failures++;
    });
    if (failures > 0) throw new Error(`${failures} account creations did not answer 201`);
    return result;
  } finally {
    agent.destroy();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    const admin = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
    await admin.query(`DROP DATABASE IF EXISTS ${new URL(dbUrl).pathname.slice(1)}`);
    await admin.end();
  }
}

/** The same POSTs from wrk, with a fresh external key per request; non-2xx answers fail the bench. */
function wrkAccounts(port: number, headers: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'bw-bench-'));
  // One script per run, each with its own key prefix: wrk's Lua random numbers repeat from run to run.
  const run = (seconds: number) => {
    const script = join(dir, `accounts-${randomUUID()}.lua`);
    writeFileSync(
      script,
      [
        'wrk.method = "POST"',
        'wrk.headers["Content-Type"] = "application/json"',
        ...Object.entries(headers).map(([k, v]) => `wrk.headers["${k}"] = "${v}"`),
        'local n = 0',
        'request = function()',
        '  n = n + 1',
        `  return wrk.format(nil, nil, nil, '{"name":"Bench Customer","email":"bench@example.com","currency":"USD","timeZone":"Europe/Paris","externalKey":"${randomUUID()}-' .. n .. '"}')`,
        'end',
      ].join('\n'),
    );
    return execFileSync('wrk', ['-t1', `-c${CLIENTS}`, `-d${seconds}s`, '--latency', '-s', script, `http://127.0.0.1:${port}/1.0/kb/accounts`], { encoding: 'utf8' });
  };
  run(2);
  const out = run(SECONDS);
  if (/Non-2xx/.test(out)) throw new Error(`some account creations did not answer 201:\n${out}`);
  const num = (re: RegExp) => Number(out.match(re)?.[1] ?? NaN);
  const ms = (re: RegExp) => {
    const m = out.match(re);
    return m ? Number(m[1]) * (m[2] === 's' ? 1000 : m[2] === 'us' ? 0.001 : 1) : NaN;
  };
  return {
    rate: num(/Requests\/sec:\s+([0-9.]+)/),
    count: num(/([0-9]+) requests in/),
    p50: ms(/50%\s+([0-9.]+)(us|ms|s)/),
    p99: ms(/99%\s+([0-9.]+)(us|ms|s)/),
  };
}

log(`accounts-create bench: ${CLIENTS} concurrent clients, ${SECONDS} s per series, HTTP load from ${LOAD}`);
log('baseline: plain single-row insert transactions into MariaDB ...');
const raw = await baseline();
log(`  ${raw.rate.toFixed(0)} tx/s (p50 ${raw.p50.toFixed(1)} ms, p99 ${raw.p99.toFixed(1)} ms, ${raw.count} tx)`);
log('measured: POST /1.0/kb/accounts over HTTP ...');
const http = await httpAccounts();
log(`  ${http.rate.toFixed(0)} accounts/s (p50 ${http.p50.toFixed(1)} ms, p99 ${http.p99.toFixed(1)} ms, ${http.count} accounts)`);
log(`ratio accounts/s : raw insert tx/s = ${(http.rate / raw.rate).toFixed(3)}`);
