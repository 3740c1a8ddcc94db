/**
 * The new-customer checkout (issue #8) against H3, measured in the same run.
 *
 *   H3        `POST /h3` on a hono endpoint doing one single-row insert transaction (h3-server.mjs), C clients
 *   checkout  one flow = `POST /1.0/kb/accounts`, `POST /accounts/{id}/paymentMethods?isDefault=true` on
 *             plugins/test-payment (running in its worker pool), `POST /accounts/{id}/payments` PURCHASE;
 *             C clients, each running flows back to back
 *
 * Both servers run as their own node processes (Billwright compiled: `node server/dist/main.js`, on its own
 * database, with test-payment installed and started by node commands as an operator would), loaded by the
 * same keep-alive Node client in this process. Printed: flows/s and p50/p99 of a whole flow, p50 of each
 * step, H3 requests/s and p50/p99, and the ratio flows/s : H3 requests/s (the figure to compare between
 * runs: these machines are shared and noisy). Then the floor (checkout-floor.ts): one more flow's own
 * statements, read back from MariaDB's general log, sent under the same load by the thinnest server that
 * could (hono + raw mysql2), with the ratios checkout : floor (what Billwright's own code costs) and
 * floor : H3, and MariaDB's own CPU per flow in each series (the bound no server can pass). Settings: BENCH_CLIENTS (8), BENCH_SECONDS (8), BENCH_PLUGIN
 * (test-payment; `__EXTERNAL_PAYMENT__` measures the same flow without a plugin worker), BENCH_PROFILE (a
 * directory for the server's CPU profile).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { SERVER_NODE_FLAGS } from '../support/node-flags.js';
import { captureStatements, insertedRecordIds, type StepStatements } from './checkout-floor.js';

const CLIENTS = Number(process.env['BENCH_CLIENTS'] ?? 8);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 8);
/** `__EXTERNAL_PAYMENT__` (built in, no worker) isolates what the plugin worker and its storage calls cost. */
const PLUGIN = process.env['BENCH_PLUGIN'] ?? 'test-payment';
const DB_HOST = 'mysql://root@127.0.0.1:3306';
const suffix = randomUUID().slice(0, 8);
const root = fileURLToPath(new URL('../../', import.meta.url));
const testPayment = fileURLToPath(new URL('../../plugins/test-payment', import.meta.url));

function log(message: string): void {
  process.stdout.write(`${message}\n`);
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

/**
 * CPU time (ms) the MariaDB server process has used so far, from /proc (Linux, same machine), or null:
 * divided by the flows of a series it is what the database alone spends per flow.
 */
function mariadbCpuMs(): number | null {
  try {
    const pid = execFileSync('pgrep', ['-x', 'mariadbd'], { encoding: 'utf8' }).trim().split('\n')[0];
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime: fields 14 and 15 of stat, 12 and 13 after the command name.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}
const CLOCK_TICKS = 100;

/** Runs `worker` on C lanes for `seconds` (after a warm-up) and returns operations per second and latencies. */
async function measure(lanes: number, seconds: number, worker: (lane: number) => Promise<void>) {
  const warmUntil = performance.now() + 2000;
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      while (performance.now() < warmUntil) await worker(lane);
    }),
  );
  const latencies: number[] = [];
  const dbCpuBefore = mariadbCpuMs();
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      while (performance.now() < end) {
        const t = performance.now();
        await worker(lane);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  const dbCpuAfter = mariadbCpuMs();
  latencies.sort((a, b) => a - b);
  const dbCpuPerOp = dbCpuBefore === null || dbCpuAfter === null || latencies.length === 0 ? null : (dbCpuAfter - dbCpuBefore) / latencies.length;
  return { rate: latencies.length / elapsed, count: latencies.length, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), dbCpuPerOp };
}

interface Answer {
  readonly status: number;
  readonly location: string | null;
}

function post(agent: Agent, port: number, path: string, headers: Record<string, string>, body: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers: { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: typeof res.headers.location === 'string' ? res.headers.location : null }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function dropDatabase(name: string): Promise<void> {
  const admin = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.end();
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

const randomPort = () => 20000 + Math.floor(Math.random() * 20000);

/** Starts one of the bench's helper servers (plain ESM, its own process) on a free port; it prints `listening` once up. */
async function startHelper(script: string, env: (port: number) => Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  const port = randomPort();
  const child = spawn(process.execPath, [script], { cwd: root, env: { ...process.env, ...env(port) }, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listening')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return { child, port };
}

// ---- H3 -------------------------------------------------------------------------------------------

async function h3() {
  const db = `bw_bench_h3_${suffix}`;
  const { child, port } = await startHelper('test/bench/h3-server.mjs', (port) => ({ H3_DB: db, H3_PORT: String(port) }));
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  try {
    let failures = 0;
    const result = await measure(CLIENTS, SECONDS, async () => {
      if ((await post(agent, port, '/h3', {}, JSON.stringify({ name: 'Bench Customer' }))).status !== 201) failures++;
    });
    if (failures > 0) throw new Error(`${failures} H3 requests did not answer 201`);
    return result;
  } finally {
    agent.destroy();
    await stop(child);
    await dropDatabase(db);
  }
}

// ---- checkout -------------------------------------------------------------------------------------

async function startBillwright(pluginsDir: string): Promise<{ child: ChildProcess; port: number; db: string }> {
  const db = `bw_bench_checkout_${suffix}`;
  const port = randomPort();
  // BENCH_PROFILE=<dir>: the server writes a V8 CPU profile there when it stops.
  const profile = process.env['BENCH_PROFILE'] ? ['--cpu-prof', `--cpu-prof-dir=${process.env['BENCH_PROFILE']}`] : [];
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...profile, 'server/dist/main.js'], {
    cwd: root,
    env: { ...process.env, KB_HTTP_PORT: String(port), KB_HTTP_HOST: '127.0.0.1', KB_DB_URL: `${DB_HOST}/${db}`, KB_REDIS_URL: 'redis://127.0.0.1:6379/2', KB_LOG_LEVEL: 'warn', KB_PLUGINS_DIR: pluginsDir },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 300; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/1.0/healthcheck`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { child, port, db };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error('server did not become healthy');
}

const STEPS = ['account', 'paymentMethod', 'purchase'] as const;

async function checkout() {
  const pluginsDir = await mkdtemp(join(tmpdir(), 'bw-bench-checkout-'));
  const { child, port, db } = await startBillwright(pluginsDir);
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  const auth = { Authorization: `Basic ${Buffer.from('admin:password').toString('base64')}`, 'X-Killbill-CreatedBy': 'bench' };
  try {
    for (const [type, props] of [
      ['INSTALL_PLUGIN', { pluginUri: testPayment }],
      ['START_PLUGIN', { pluginName: 'test-payment' }],
    ] as const) {
      const nodeCommandProperties = Object.entries(props).map(([key, value]) => ({ key, value }));
      const { status } = await post(agent, port, '/1.0/kb/nodesInfo', auth, JSON.stringify({ nodeCommandType: type, isSystemCommandType: false, nodeCommandProperties }));
      if (status !== 202) throw new Error(`${type} answered ${status}`);
    }
    const tenant = { apiKey: `bench-${suffix}`, apiSecret: 'bench-secret' };
    const created = await post(agent, port, '/1.0/kb/tenants', auth, JSON.stringify(tenant));
    if (created.status !== 201) throw new Error(`tenant creation answered ${created.status}`);
    const headers = { ...auth, 'X-Killbill-ApiKey': tenant.apiKey, 'X-Killbill-ApiSecret': tenant.apiSecret };

    const stepTimes: Record<(typeof STEPS)[number], number[]> = { account: [], paymentMethod: [], purchase: [] };
    const failures: string[] = [];
    const step = async (name: (typeof STEPS)[number], path: string, body: unknown): Promise<Answer | null> => {
      const t = performance.now();
      const answer = await post(agent, port, path, headers, JSON.stringify(body));
      stepTimes[name].push(performance.now() - t);
      if (answer.status !== 201) {
        failures.push(`${name} ${answer.status}`);
        return null;
      }
      return answer;
    };
    const result = await measure(CLIENTS, SECONDS, async () => {
      const account = await step('account', '/1.0/kb/accounts', { name: 'Bench Customer', email: 'bench@example.com', currency: 'USD', externalKey: randomUUID() });
      const accountId = account?.location?.split('/').at(-1);
      if (!accountId) return;
      const method = await step('paymentMethod', `/1.0/kb/accounts/${accountId}/paymentMethods?isDefault=true`, {
        pluginName: PLUGIN,
        pluginInfo: { externalPaymentMethodId: `card-${randomUUID()}`, properties: [{ key: 'last4', value: '4242' }] },
      });
      if (!method) return;
      await step('purchase', `/1.0/kb/accounts/${accountId}/payments`, { transactionType: 'PURCHASE', amount: 19.99, currency: 'USD' });
    });
    if (failures.length > 0) throw new Error(`${failures.length} checkout steps did not answer 201, e.g. ${failures.slice(0, 5).join(', ')}`);
    const stepP50 = Object.fromEntries(STEPS.map((s) => [s, percentile([...stepTimes[s]].sort((a, b) => a - b), 0.5)]));

    // One more flow, alone, with the general log on: the statements the floor server will send.
    const admin = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
    try {
      let accountId = '';
      const must = async (path: string, body: unknown) => {
        const answer = await post(agent, port, path, headers, JSON.stringify(body));
        if (answer.status !== 201) throw new Error(`capture: ${path} answered ${answer.status}`);
        return answer;
      };
      const steps = await captureStatements(admin, [
        { name: 'account', run: async () => void (accountId = (await must('/1.0/kb/accounts', { name: 'Floor Customer', email: 'floor@example.com', currency: 'USD', externalKey: randomUUID() })).location!.split('/').at(-1)!) },
        { name: 'paymentMethod', run: async () => void (await must(`/1.0/kb/accounts/${accountId}/paymentMethods?isDefault=true`, { pluginName: PLUGIN, pluginInfo: { externalPaymentMethodId: `card-${randomUUID()}`, properties: [{ key: 'last4', value: '4242' }] } })) },
        { name: 'purchase', run: async () => void (await must(`/1.0/kb/accounts/${accountId}/payments`, { transactionType: 'PURCHASE', amount: 19.99, currency: 'USD' })) },
      ]);
      const recordIds = await insertedRecordIds(admin, db, steps);
      // BENCH_FLOOR_DUMP=1: the captured statements, to see what a step sends.
      if (process.env['BENCH_FLOOR_DUMP']) for (const [name, list] of Object.entries(steps)) for (const sql of list) log(`  [${name}] ${sql.replace(/\s+/g, ' ').slice(0, 160)}`);
      return { ...result, stepP50, db, plan: { steps, recordIds } };
    } finally {
      await admin.end();
    }
  } catch (err) {
    await dropDatabase(db);
    throw err;
  } finally {
    agent.destroy();
    await stop(child);
    await rm(pluginsDir, { recursive: true, force: true });
  }
}

// ---- the floor: the same statements from the thinnest server -------------------------------------

async function floor(db: string, plan: { steps: StepStatements; recordIds: Record<string, number> }) {
  const dir = await mkdtemp(join(tmpdir(), 'bw-bench-floor-'));
  const planFile = join(dir, 'plan.json');
  await writeFile(planFile, JSON.stringify(plan));
  const { child, port } = await startHelper('test/bench/checkout-floor-server.mjs', (port) => ({ FLOOR_DB: db, FLOOR_PORT: String(port), FLOOR_PLAN: planFile }));
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  try {
    let failures = 0;
    const result = await measure(CLIENTS, SECONDS, async () => {
      const flowId = randomUUID();
      for (const step of STEPS) if ((await post(agent, port, `/${step}/${flowId}`, {}, JSON.stringify({ name: 'Floor' }))).status !== 201) failures++;
    });
    if (failures > 0) throw new Error(`${failures} floor steps did not answer 201`);
    return result;
  } finally {
    agent.destroy();
    await stop(child);
    await rm(dir, { recursive: true, force: true });
  }
}

log(`checkout bench: ${CLIENTS} concurrent clients, ${SECONDS} s per series, HTTP load from a keep-alive Node client`);
log('H3: a hono endpoint doing one single-row insert transaction ...');
const raw = await h3();
log(`  ${raw.rate.toFixed(0)} requests/s (p50 ${raw.p50.toFixed(1)} ms, p99 ${raw.p99.toFixed(1)} ms, ${raw.count} requests)`);
log(`checkout: create account, add a ${PLUGIN} method (default), purchase ...`);
const flows = await checkout();
log(`  ${flows.rate.toFixed(1)} flows/s (p50 ${flows.p50.toFixed(1)} ms, p99 ${flows.p99.toFixed(1)} ms, ${flows.count} flows)`);
log(`  step p50: ${STEPS.map((s) => `${s} ${flows.stepP50[s]!.toFixed(1)} ms`).join(', ')}`);
log(`ratio checkout flows/s : H3 requests/s = ${(flows.rate / raw.rate).toFixed(3)}`);
const counts = STEPS.map((s) => `${s} ${flows.plan.steps[s]?.length ?? 0}`).join(', ');
log(`floor: the same statements (${counts}) from hono + raw mysql2, no ORM, no plugin worker, no auth ...`);
try {
  const least = await floor(flows.db, flows.plan);
  log(`  ${least.rate.toFixed(1)} flows/s (p50 ${least.p50.toFixed(1)} ms, p99 ${least.p99.toFixed(1)} ms, ${least.count} flows)`);
  log(`ratio checkout : floor = ${(flows.rate / least.rate).toFixed(3)}; floor : H3 = ${(least.rate / raw.rate).toFixed(3)}`);
  if (flows.dbCpuPerOp !== null && least.dbCpuPerOp !== null) {
    // The database's own CPU per flow bounds every server: with all cores given to MariaDB and none to the server.
    const cores = availableParallelism();
    log(`MariaDB CPU per flow: checkout ${flows.dbCpuPerOp.toFixed(1)} ms, floor ${least.dbCpuPerOp.toFixed(1)} ms: ${cores} cores allow at most ${((cores * 1000) / least.dbCpuPerOp).toFixed(0)} flows/s for these statements, with a server that costs nothing`);
  }
} finally {
  await dropDatabase(flows.db);
}
