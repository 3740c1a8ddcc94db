/**
 * Events through the bus against raw BullMQ, measured in the same run.
 *
 *   baseline  BullMQ alone: N jobs added with addBulk, drained by a Worker (concurrency C) doing nothing
 *   measured  the bus: N committed outbox rows over A accounts, dispatched to BullMQ and handled by one
 *             no-op consumer, each in its own transaction with the account lock, moved to history
 *
 * Both start from a full backlog and stop when the last one is handled. The figure to read is the ratio
 * (events/s : jobs/s). Settings: BENCH_EVENTS (3000), BENCH_ACCOUNTS (50), BENCH_CONCURRENCY (4).
 */
import { randomUUID } from 'node:crypto';
import { Bus, dropDatabase, entities, migrations, openDatabase, AuditRecorder } from '@billwright/core';
import { Queue, Worker } from 'bullmq';
import mysql from 'mysql2/promise';
import { pino } from 'pino';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 3000);
const ACCOUNTS = Number(process.env['BENCH_ACCOUNTS'] ?? 50);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 4);
const REDIS = { host: '127.0.0.1', port: 6379, db: 2, maxRetriesPerRequest: null };
const suffix = randomUUID().slice(0, 8);
const log = (m: string) => process.stdout.write(`${m}\n`);

async function rawBullmq(): Promise<number> {
  const prefix = `bw-bench-raw-${suffix}`;
  const queue = new Queue('raw', { connection: REDIS, prefix });
  const jobs = Array.from({ length: EVENTS }, (_, i) => ({ name: 'raw', data: { i }, opts: { jobId: randomUUID(), removeOnComplete: true } }));
  for (let i = 0; i < jobs.length; i += 500) await queue.addBulk(jobs.slice(i, i + 500));
  let done = 0;
  const start = performance.now();
  const finished = new Promise<void>((resolve) => {
    const worker = new Worker('raw', async () => {}, { connection: REDIS, prefix, concurrency: CONCURRENCY });
    worker.on('completed', () => {
      if (++done === EVENTS) void worker.close().then(() => resolve());
    });
  });
  await finished;
  const rate = EVENTS / ((performance.now() - start) / 1000);
  await queue.obliterate({ force: true });
  await queue.close();
  return rate;
}

async function throughBus(): Promise<number> {
  const url = `mysql://root@127.0.0.1:3306/bw_bench_bus_${suffix}`;
  const logger = pino({ level: 'warn' });
  const db = await openDatabase({ url, entities, migrations, subscribers: [new AuditRecorder()], logger });
  const conn = await mysql.createConnection({ host: '127.0.0.1', user: 'root', database: `bw_bench_bus_${suffix}` });
  try {
    await conn.query("insert into tenants (id, created_date, created_by, updated_date, updated_by, api_key, api_secret_hash) values (?, now(3), 'b', now(3), 'b', 'bench', 'x')", [randomUUID()]);
    const accounts: number[] = [];
    for (let a = 0; a < ACCOUNTS; a++) {
      const [r] = (await conn.query(
        "insert into accounts (id, created_date, created_by, updated_date, updated_by, tenant_record_id, external_key, billing_cycle_day_local, is_payment_delegated_to_parent, reference_time, time_zone, migrated, is_closed) values (?, now(3), 'b', now(3), 'b', 1, ?, 0, 0, now(3), 'UTC', 0, 0)",
        [randomUUID(), `a-${a}`],
      )) as [{ insertId: number }, unknown];
      accounts.push(r.insertId);
    }
    // The backlog: committed outbox rows, as domains' write transactions leave them.
    for (let i = 0; i < EVENTS; i += 500) {
      const rows = Array.from({ length: Math.min(500, EVENTS - i) }, (_, k) => [randomUUID(), 1, accounts[(i + k) % ACCOUNTS], 'BENCH', '{}', new Date(), 0]);
      await conn.query('insert into bus_events (id, tenant_record_id, account_record_id, event_type, payload, created_date, attempts) values ?', [rows]);
    }
    let handled = 0;
    let resolveDone: () => void = () => {};
    const done = new Promise<void>((resolve) => (resolveDone = resolve));
    const bus = new Bus({ db, logger, redisUrl: 'redis://127.0.0.1:6379/2', concurrency: CONCURRENCY });
    bus.subscribe('noop', null, async () => {
      if (++handled === EVENTS) resolveDone();
    });
    const start = performance.now();
    await bus.start();
    await done;
    // The last event is handled; wait for it to reach history too, so every event paid its full path.
    for (;;) {
      const [[row]] = (await conn.query('select count(*) as n from bus_events')) as unknown as [[{ n: number }]];
      if (Number(row.n) === 0) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const rate = EVENTS / ((performance.now() - start) / 1000);
    await bus.stop();
    return rate;
  } finally {
    await conn.end();
    await db.close();
    await dropDatabase(url);
  }
}

log(`bus bench: ${EVENTS} events over ${ACCOUNTS} accounts, worker concurrency ${CONCURRENCY}`);
const raw = await rawBullmq();
log(`baseline: raw BullMQ addBulk + process: ${raw.toFixed(0)} jobs/s`);
const bus = await throughBus();
log(`measured: outbox -> BullMQ -> consumer with the account lock -> history: ${bus.toFixed(0)} events/s`);
log(`ratio bus events/s : raw BullMQ jobs/s = ${(bus / raw).toFixed(3)}`);
