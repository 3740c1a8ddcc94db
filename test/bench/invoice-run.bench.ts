/**
 * Invoice runs against the database (issue #7 benches b and c; the pure generator is invoice-generator.bench.ts).
 *
 *   wide      one account with BENCH_SUBSCRIPTIONS (30,000) monthly subscriptions, each in its own bundle,
 *             invoiced in one API run (`engine.invoices.runInvoice`): billing events read, existing invoices
 *             read, generation, 30,000 items written in one invoice, charged-through dates, next run. Twice:
 *             the first invoice (nothing billed yet) and the renewal a month later (30,000 items existing).
 *             Goal under 3 s (Kill Bill's own figure: under 10 s). The split is measured just before each
 *             run, on the same data, without touching core: billing events, invoice load and the generator
 *             timed alone; "write + effects" is the rest. Beside it, two raw floors: the same item rows written
 *             with multi-row INSERTs on one connection; and every row the run must write as Kill Bill would
 *             (the items, the run's audit rows, the charged-through UPDATEs), pre-formatted, in one
 *             transaction on one connection, on copies of the tables: what the database alone needs.
 *   billrun   BENCH_ACCOUNTS (2,000) accounts with one monthly subscription each, all renewing on the same
 *             day; one clock move of a month, then the wall time until the bus and the notification queue
 *             drain (as `PUT /1.0/kb/test/clock` waits): invoices written per second, beside the raw rate of
 *             the same invoice + item rows written with multi-row INSERTs over BENCH_RAW_CONNECTIONS (1; the
 *             notification queue fires up to KB_NOTIFICATION_CONCURRENCY (4) accounts at once per node, so
 *             compare with 4 too; KB_NOTIFICATION_CONCURRENCY=1 gives the one-at-a-time queue for a before/after).
 *
 * The engine runs in this process in test mode (core `startEngine`, no HTTP), each part on a fresh database
 * of its own; run it on the sources (`tsx --conditions=source`, as vitest does) or after `tsc -b`. Set-up
 * goes through the engine's services with the bus paused (its no-op events discarded, see each part) and
 * logs progress; the wide part creates BENCH_TEMPLATE (100) subscriptions through the service and copies
 * them by SQL up to BENCH_SUBSCRIPTIONS (BENCH_SETUP=service: all through the service, ~10 ms each here).
 * These machines are shared and noisy: read the ratios beside the absolute figures.
 * Settings: BENCH_PART (wide | billrun | all), BENCH_SUBSCRIPTIONS, BENCH_ACCOUNTS, BENCH_TEMPLATE,
 * BENCH_SETUP (clone | service), BENCH_BATCH (100 bundles per create call), BENCH_SETUP_CONCURRENCY (8),
 * BENCH_RAW_CONNECTIONS (1), BENCH_RAW_BATCH (500 rows per INSERT). Diagnostics: BENCH_QUERIES=1 counts
 * statements by shape; BENCH_PROFILE=dir writes a CPU profile of each measured part.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import mysql from 'mysql2/promise';
import { pino } from 'pino';
import {
  controlTag,
  dropDatabase,
  loadAccountInvoices,
  loadConfig,
  readEm,
  startEngine,
  type AccountId,
  type CallContext,
  type Engine,
  type LocalDate,
} from '@billwright/core';
import { generateItems } from '../../core/src/invoice/generator/generate.js';
import type { ExistingItem } from '../../core/src/invoice/generator/types.js';
import { AccountTime } from '../../core/src/subscription/account-time.js';

const PART = process.env['BENCH_PART'] ?? 'all';
const SUBSCRIPTIONS = Number(process.env['BENCH_SUBSCRIPTIONS'] ?? 30_000);
const ACCOUNTS = Number(process.env['BENCH_ACCOUNTS'] ?? 2_000);
const BATCH = Number(process.env['BENCH_BATCH'] ?? 100);
const TEMPLATE = Number(process.env['BENCH_TEMPLATE'] ?? 100);
const SETUP = process.env['BENCH_SETUP'] ?? 'clone';
const SETUP_CONCURRENCY = Number(process.env['BENCH_SETUP_CONCURRENCY'] ?? 8);
const RAW_CONNECTIONS = Number(process.env['BENCH_RAW_CONNECTIONS'] ?? 1);
const RAW_BATCH = Number(process.env['BENCH_RAW_BATCH'] ?? 500);
/** Rows per statement in the run's own bulk writes (persistence/multi-row-insert.ts INSERT_CHUNK, charged-through.ts). */
const RUN_BATCH = 1000;
const START = DateTime.fromISO('2012-04-01T10:00:00.000Z', { zone: 'utc' });
const QUERIES = process.env['BENCH_QUERIES'] === '1';
const PROFILE_DIR = process.env['BENCH_PROFILE'] ?? null;
const suffix = randomUUID().slice(0, 8);

const CATALOG = `<?xml version="1.0" encoding="UTF-8"?>
<catalog xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <effectiveDate>2011-01-01T00:00:00+00:00</effectiveDate>
  <catalogName>InvoiceBench</catalogName>
  <recurringBillingMode>IN_ADVANCE</recurringBillingMode>
  <currencies><currency>USD</currency></currencies>
  <products><product name="Standard"><category>BASE</category></product></products>
  <rules>
    <changePolicy><changePolicyCase><policy>IMMEDIATE</policy></changePolicyCase></changePolicy>
    <cancelPolicy><cancelPolicyCase><policy>IMMEDIATE</policy></cancelPolicyCase></cancelPolicy>
    <billingAlignment><billingAlignmentCase><alignment>ACCOUNT</alignment></billingAlignmentCase></billingAlignment>
  </rules>
  <plans>
    <plan name="standard-monthly"><product>Standard</product>
      <finalPhase type="EVERGREEN"><duration><unit>UNLIMITED</unit></duration>
        <recurring><billingPeriod>MONTHLY</billingPeriod><recurringPrice><price><currency>USD</currency><value>19.95</value></price></recurringPrice></recurring>
      </finalPhase>
    </plan>
  </plans>
  <priceLists><defaultPriceList name="DEFAULT"><plans><plan>standard-monthly</plan></plans></defaultPriceList></priceLists>
</catalog>`;

function log(message: string): void {
  process.stdout.write(`${message}\n`);
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function timed<T>(f: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await f();
  return { value, ms: performance.now() - t0 };
}

/** Runs `work(i)` for i in [0, n) with `lanes` in flight, logging progress every 5 s. */
async function inLanes(n: number, lanes: number, label: string, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  let done = 0;
  const ticker = setInterval(() => log(`  ${label}: ${done}/${n}`), 5000);
  try {
    await Promise.all(
      Array.from({ length: Math.min(lanes, n) }, async () => {
        while (next < n) {
          const i = next++;
          await work(i);
          done++;
        }
      }),
    );
  } finally {
    clearInterval(ticker);
  }
}

/**
 * BENCH_QUERIES=1: every statement sent through mysql2 (the ORM's driver too) counted by shape, so an
 * N+1 shows as a count that follows the number of subscriptions or accounts. Diagnostic only.
 */
const statements = new Map<string, number>();
if (QUERIES) {
  const base = Object.getPrototypeOf((createRequire(import.meta.url)('mysql2') as { Connection: { prototype: object } }).Connection.prototype) as Record<'query' | 'execute', (...args: unknown[]) => unknown>;
  for (const method of ['query', 'execute'] as const) {
    const original = base[method];
    base[method] = function (this: unknown, ...args: unknown[]) {
      const first = args[0] as string | { sql?: string };
      const sql = typeof first === 'string' ? first : (first?.sql ?? '');
      const shape = sql.replace(/'(?:[^'\\]|\\.)*'/g, '?').replace(/\b\d+\b/g, 'N').replace(/\((?:\s*\?\s*,?)+\)/g, '(?…)').replace(/(?:\(\?…\),\s*)+/g, '').slice(0, 150);
      statements.set(shape, (statements.get(shape) ?? 0) + 1);
      return original.apply(this, args);
    };
  }
}

function reportStatements(label: string): void {
  if (!QUERIES) return;
  const top = [...statements].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env["BENCH_QUERIES_TOP"] ?? 12));
  const total = [...statements.values()].reduce((a, b) => a + b, 0);
  log(`    statements during ${label}: ${total}`);
  for (const [shape, n] of top) log(`      ${String(n).padStart(7)}  ${shape}`);
  statements.clear();
}

/** BENCH_PROFILE=dir: a CPU profile of exactly `f` (the measured part), written as dir/<name>.cpuprofile. */
async function profiled<T>(name: string, f: () => Promise<T>): Promise<T> {
  if (PROFILE_DIR === null) return f();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await f();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(join(PROFILE_DIR, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

interface Bench {
  readonly engine: Engine;
  readonly ctx: CallContext;
  readonly dbName: string;
  sql(): Promise<mysql.Connection>;
  /** Waits for the bus and the due notifications of the tenant, logging what is left every 5 s. */
  drain(label: string): Promise<number>;
  close(): Promise<void>;
}

/** An engine in test mode on a fresh database, a tenant with the bench catalog, the test clock at START. */
async function openBench(part: string): Promise<Bench> {
  const dbName = `bw_bench_invoice_${part}_${suffix}`;
  const dbUrl = `mysql://root@127.0.0.1:3306/${dbName}`;
  const config = {
    ...loadConfig({}),
    dbUrl,
    redisUrl: 'redis://127.0.0.1:6379/2',
    testMode: true,
    logLevel: 'warn',
    pluginsDir: mkdtempSync(join(tmpdir(), 'bw-bench-plugins-')),
  };
  const engine = await startEngine(config, pino({ level: 'warn' }));
  const system = { subject: { username: 'admin', roles: ['root'], grants: ['*'] }, userToken: randomUUID(), createdBy: 'bench', reasonCode: null, comment: null };
  const tenant = await engine.tenants.create(system, { apiKey: `bench-${suffix}-${part}`, apiSecret: 'bench-secret' });
  const ctx: CallContext = { ...system, tenant: { recordId: (await engine.tenants.getById(tenant.id)).recordId, id: tenant.id } };
  await engine.testClock!.set(START);
  await engine.catalog.upload(ctx, CATALOG);
  const sql = () => mysql.createConnection({ host: '127.0.0.1', user: 'root', database: dbName });
  const count = async (c: mysql.Connection, q: string) => Number(((await c.query(q))[0] as { n: number }[])[0]!.n);
  return {
    engine,
    ctx,
    dbName,
    sql,
    async drain(label) {
      const c = await sql();
      const t0 = performance.now();
      const ticker = setInterval(() => {
        void Promise.all([count(c, 'select count(*) as n from bus_events'), count(c, `select count(*) as n from notifications where effective_date <= '${engine.clock.now().toUTC().toSQL({ includeOffset: false })}'`)]).then(
          ([bus, due]) => log(`  ${label}: ${bus} bus events and ${due} due notifications left`),
          () => {},
        );
      }, 5000);
      try {
        if (!(await engine.testClock!.waitForQueues(ctx.tenant.recordId, 900))) throw new Error(`${label}: queues did not drain in 900 s`);
        return performance.now() - t0;
      } finally {
        clearInterval(ticker);
        await c.end();
      }
    },
    async close() {
      await engine.stop();
      await dropDatabase(dbUrl);
    },
  };
}

async function newAccount(b: Bench, name: string): Promise<{ id: AccountId; recordId: number }> {
  const a = await b.engine.accounts.create(b.ctx, { name, externalKey: `${name}-${randomUUID()}`, currency: 'USD', timeZone: 'UTC' });
  return { id: a.id, recordId: a.recordId };
}

/**
 * The raw floor: `rows` re-inserted into a copy of `table` (same columns and indexes) with multi-row
 * INSERTs of RAW_BATCH rows, each batch its own transaction, over `connections` connections. Rows/s.
 */
async function rawInsert(b: Bench, table: string, rows: Record<string, unknown>[], connections: number): Promise<number> {
  const copy = `raw_${table}_${randomUUID().slice(0, 8)}`;
  const conns = await Promise.all(Array.from({ length: connections }, () => b.sql()));
  try {
    await conns[0]!.query(`create table ${copy} like ${table}`);
    const columns = Object.keys(rows[0]!).filter((c) => c !== 'record_id');
    const values = rows.map((r) => columns.map((c) => (c === 'id' ? randomUUID() : r[c])));
    const batches: unknown[][][] = [];
    for (let i = 0; i < values.length; i += RAW_BATCH) batches.push(values.slice(i, i + RAW_BATCH));
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      conns.map(async (c) => {
        while (next < batches.length) {
          const batch = batches[next++]!;
          await c.query('start transaction');
          await c.query(`insert into ${copy} (${columns.map((k) => `\`${k}\``).join(', ')}) values ?`, [batch]);
          await c.query('commit');
        }
      }),
    );
    return rows.length / ((performance.now() - t0) / 1000);
  } finally {
    await conns[0]!.query(`drop table if exists ${copy}`);
    await Promise.all(conns.map((c) => c.end()));
  }
}

/**
 * The floor of what a Kill Bill–exact run writes, measured on copies of the tables in one transaction on one
 * connection, as the run writes them: the item rows, the audit rows the run wrote (items' INSERTs, the
 * subscriptions' UPDATEs), and the charged-through UPDATEs, 1,000 rows per statement as the run batches them. The copies are made before
 * the clock starts; the figure is the milliseconds of the writes alone.
 */
async function rawRunWrites(b: Bench, items: Record<string, unknown>[], afterAudit: number, ctd: string): Promise<{ ms: number; audits: number; ctds: number }> {
  const tag = randomUUID().slice(0, 8);
  const c = await b.sql();
  const tables = { items: `raw_items_${tag}`, audits: `raw_audit_${tag}`, subs: `raw_subs_${tag}` };
  try {
    const [audits] = (await c.query('select * from audit_log where record_id > ?', [afterAudit])) as unknown as [Record<string, unknown>[]];
    await c.query(`create table ${tables.items} like invoice_items`);
    await c.query(`create table ${tables.audits} like audit_log`);
    await c.query(`create table ${tables.subs} like subscriptions`);
    await c.query(`insert into ${tables.subs} select * from subscriptions`);
    const [subs] = (await c.query(`select record_id from ${tables.subs}`)) as unknown as [{ record_id: number }[]];
    // Statements are formatted before the clock starts: the figure is the database's side of the writes.
    const statements: string[] = [];
    const inserts = (table: string, rows: Record<string, unknown>[]) => {
      if (rows.length === 0) return;
      const columns = Object.keys(rows[0]!).filter((k) => k !== 'record_id');
      for (let i = 0; i < rows.length; i += RUN_BATCH) {
        const batch = rows.slice(i, i + RUN_BATCH).map((r) => columns.map((k) => (k === 'id' ? randomUUID() : r[k])));
        statements.push(mysql.format(`insert into ${table} (${columns.map((k) => `\`${k}\``).join(', ')}) values ?`, [batch] as never, false, '+00:00'));
      }
    };
    inserts(tables.items, items);
    inserts(tables.audits, audits);
    for (let i = 0; i < subs.length; i += RUN_BATCH) {
      const ids = subs.slice(i, i + RUN_BATCH).map((r) => r.record_id);
      statements.push(mysql.format(`update ${tables.subs} set charged_through_date = ?, updated_date = now(3) where record_id in (?)`, [`${ctd} 00:00:00.000`, ids]));
    }
    const t0 = performance.now();
    await c.query('start transaction');
    for (const sql of statements) await c.query(sql);
    await c.query('commit');
    return { ms: performance.now() - t0, audits: audits.length, ctds: subs.length };
  } finally {
    for (const t of Object.values(tables)) await c.query(`drop table if exists ${t}`);
    await c.end();
  }
}

/**
 * The wide set-up's shortcut: the subscriptions the service created (each in its own bundle, its CREATE
 * event and ENT_STARTED blocking state) copied `copies - 1` times by INSERT … SELECT, each copy with fresh
 * ids (the template's id with its last 12 hex digits replaced by the copy number) and external keys, and
 * its references mapped the same way. The service costs ~10 ms a subscription here (one statement per row,
 * see the report), 5 minutes for 30,000; the copies are the same rows as the service writes. Returns the
 * number of subscriptions of the tenant.
 */
async function cloneSubscriptions(c: mysql.Connection, tenantRecordId: number, copies: number): Promise<number> {
  const columnsOf = async (table: string) =>
    ((await c.query('select column_name as name from information_schema.columns where table_schema = database() and table_name = ? order by ordinal_position', [table]))[0] as { name: string }[])
      .map((r) => r.name)
      .filter((n) => n !== 'record_id');
  const mapped = (col: string) => `concat(left(${col}, 24), lpad(hex(k.j), 12, '0'))`;
  const plan: Record<string, { map: Record<string, string>; where: string }> = {
    bundles: { map: { id: mapped('t.id'), external_key: "concat(t.external_key, '~', k.j)" }, where: '' },
    subscriptions: { map: { id: mapped('t.id'), bundle_id: mapped('t.bundle_id'), external_key: "concat(t.external_key, '~', k.j)" }, where: '' },
    subscription_events: { map: { id: mapped('t.id'), subscription_id: mapped('t.subscription_id') }, where: '' },
    blocking_states: { map: { id: mapped('t.id'), blockable_id: mapped('t.blockable_id') }, where: "and t.type in ('SUBSCRIPTION', 'SUBSCRIPTION_BUNDLE')" },
  };
  await c.query('create temporary table bench_copies (j int primary key)');
  const STEP = 25;
  for (let from = 1; from < copies; from += STEP) {
    await c.query('delete from bench_copies');
    await c.query('insert into bench_copies (j) values ?', [Array.from({ length: Math.min(STEP, copies - from) }, (_, i) => [from + i])]);
    await c.query('start transaction');
    for (const [table, { map, where }] of Object.entries(plan)) {
      const cols = await columnsOf(table);
      // Copies are written by 'bench-clone', so each statement reads the template's rows only.
      const select = cols.map((col) => (col === 'created_by' ? "'bench-clone'" : (map[col] ?? `t.${col}`))).join(', ');
      await c.query(`insert into ${table} (${cols.join(', ')}) select ${select} from ${table} t join bench_copies k where t.tenant_record_id = ? and t.created_by <> 'bench-clone' ${where}`, [tenantRecordId]);
    }
    await c.query('commit');
    if (((from - 1) / STEP) % 4 === 3) log(`  set-up: ${Math.min(from + STEP, copies)}/${copies} copies`);
  }
  await c.query('drop temporary table bench_copies');
  return Number(((await c.query('select count(*) as n from subscriptions where tenant_record_id = ?', [tenantRecordId]))[0] as { n: number }[])[0]!.n);
}

/** Bench b: one account, SUBSCRIPTIONS subscriptions, one run writing them all in one invoice. */
async function wide(): Promise<void> {
  log(`\n(b) wide: one account with ${SUBSCRIPTIONS} monthly subscriptions invoiced in one run`);
  const b = await openBench('wide');
  try {
    const { engine, ctx } = b;
    const account = await newAccount(b, 'wide');
    // The set-up's subscription events would each trigger a run; AUTO_INVOICING_OFF makes those return at once
    // (a run from the API ignores the account-level tag), so only the measured runs do the work. With that tag,
    // no push callback and no plugin, every consumer of those events does nothing: the bus is paused during
    // the set-up and its events discarded, instead of handling 30,000 no-ops one by one under the account lock.
    await engine.tags.add(ctx, 'ACCOUNT', account.id, [controlTag('AUTO_INVOICING_OFF').id]);
    await engine.bus.stop();
    const template = SETUP === 'service' ? SUBSCRIPTIONS : Math.min(TEMPLATE, SUBSCRIPTIONS);
    const setup = await timed(async () => {
      for (let done = 0; done < template; done += BATCH) {
        const n = Math.min(BATCH, template - done);
        const t = await timed(() => engine.subscriptions.create(ctx, { accountId: account.id, bundles: Array.from({ length: n }, () => ({ entitlements: [{ planName: 'standard-monthly' }] })) }));
        if (process.env['BENCH_VERBOSE'] || (done / BATCH) % 10 === 9 || done + n === template) log(`  set-up: ${done + n}/${template} subscriptions through the service (last batch of ${n}: ${seconds(t.ms)})`);
        if (done === 0) reportStatements(`the first subscription batch (${n} bundles)`);
      }
    });
    const c0 = await b.sql();
    const [discarded] = (await c0.query('delete from bus_events where tenant_record_id = ?', [ctx.tenant.recordId])) as unknown as [{ affectedRows: number }];
    log(`  set-up: ${template} subscriptions through the service in ${seconds(setup.ms)} (${((setup.ms / template) * 1000).toFixed(0)} µs each; ${discarded.affectedRows} no-op bus events discarded)`);
    if (template < SUBSCRIPTIONS) {
      const cloned = await timed(() => cloneSubscriptions(c0, ctx.tenant.recordId, Math.ceil(SUBSCRIPTIONS / template)));
      log(`  set-up: cloned by SQL to ${cloned.value} subscriptions in ${seconds(cloned.ms)}`);
    }
    await c0.end();
    await engine.bus.start();

    const time = new AccountTime('UTC', START);
    for (const [label, target] of [
      ['first invoice', '2012-04-01'],
      ['renewal', '2012-05-01'],
    ] as const) {
      // The split, on the same data as the run, measured just before it (so it sees what the run sees).
      const events = await timed(() => engine.subscriptions.billingEvents(ctx, account.id));
      const invoices = await timed(() => loadAccountInvoices(readEm(engine.db, ctx), account.recordId));
      const existing: ExistingItem[] = invoices.value
        .filter((i) => i.status === 'COMMITTED')
        .flatMap((i) => i.items)
        .map((i) => ({ ...i, createdDay: time.toLocalDate(i.createdDate) }));
      const gen = await timed(async () => generateItems({ time, currency: 'USD', targetDate: target as LocalDate, events: events.value.events, existing, today: time.toLocalDate(engine.clock.now()) }));
      statements.clear();
      const c0 = await b.sql();
      const [[{ lastAudit }]] = (await c0.query('select coalesce(max(record_id), 0) as lastAudit from audit_log')) as unknown as [[{ lastAudit: number }]];
      await c0.end();
      const run = await timed(() => profiled(`wide-${target}`, () => engine.invoices.runInvoice(ctx, account.id, target as LocalDate)));
      reportStatements(`the ${label} run`);
      const items = run.value.items.length;
      const rest = run.ms - events.ms - invoices.ms - gen.ms;
      log(`  ${label} (target ${target}, ${existing.length} items existing): ${items} items written in one invoice, run ${seconds(run.ms)} (goal < 3 s; Kill Bill < 10 s)`);
      log(
        `    split: billing events ${seconds(events.ms)} (${events.value.events.length} events) · existing invoices read ${seconds(invoices.ms)} · generate ${seconds(gen.ms)} (${gen.value.items.length} items) · write + effects (rest) ${seconds(rest)}`,
      );
      const c = await b.sql();
      const [rows] = (await c.query('select * from invoice_items where invoice_id = ?', [run.value.id])) as unknown as [Record<string, unknown>[]];
      await c.end();
      const raw = await rawInsert(b, 'invoice_items', rows, 1);
      log(`    raw floor: the same ${rows.length} item rows by multi-row INSERT on 1 connection in ${seconds((rows.length / raw) * 1000)} (${raw.toFixed(0)} rows/s); run : raw = ${(run.ms / ((rows.length / raw) * 1000)).toFixed(1)}×`);
      const all = await rawRunWrites(b, rows, lastAudit, target);
      log(
        `    raw floor of every row the run must write (the items, the run's ${all.audits} audit rows of items and subscriptions, ${all.ctds} charged-through UPDATEs), statements formatted beforehand, one transaction on 1 connection: ${seconds(all.ms)}; run : raw = ${(run.ms / all.ms).toFixed(1)}×`,
      );
    }
    // The runs' INVOICE_CREATION events are left to the bus, outside the measure; drain before closing.
    await b.drain('after-run bus');
  } finally {
    await b.close();
  }
}

/** Bench c: ACCOUNTS accounts renewing on one day, one clock move, invoices/s beside raw multi-row inserts. */
async function billRun(): Promise<void> {
  log(`\n(c) bill run: ${ACCOUNTS} accounts with one monthly subscription each, renewing on one day after one clock move`);
  const b = await openBench('billrun');
  try {
    const { engine, ctx } = b;
    // Set-up with the bus paused: each account, its subscription and its first invoice (an API run: the same
    // dispatcher work the subscription event would start, and it schedules the next-billing notification the
    // bill run fires). The set-up's bus events are then discarded: the invoice consumer would find nothing
    // left to do, and without push callbacks or plugins the other consumers do nothing either.
    await engine.bus.stop();
    const setup = await timed(() =>
      inLanes(ACCOUNTS, SETUP_CONCURRENCY, 'set-up accounts + subscriptions + first invoices', async (i) => {
        const account = await newAccount(b, `acct-${i}`);
        await engine.subscriptions.create(ctx, { accountId: account.id, bundles: [{ entitlements: [{ planName: 'standard-monthly' }] }] });
        await engine.invoices.runInvoice(ctx, account.id, null);
      }),
    );
    const c = await b.sql();
    const count = async (q: string, p: unknown[] = []) => Number(((await c.query(q, p))[0] as { n: number }[])[0]!.n);
    const [discarded] = (await c.query('delete from bus_events where tenant_record_id = ?', [ctx.tenant.recordId])) as unknown as [{ affectedRows: number }];
    await engine.bus.start();
    const before = await count('select count(*) as n from invoices');
    const scheduled = await count("select count(*) as n from notifications where queue_name = 'invoice-next-billing'");
    log(`  set-up: ${ACCOUNTS} accounts + subscriptions + first invoices (${before}) in ${seconds(setup.ms)}; ${scheduled} next-billing notifications pending; ${discarded.affectedRows} set-up bus events discarded`);
    const lastRecord = await count('select coalesce(max(record_id), 0) as n from invoices');

    // One clock move: every account's next-billing notification is due; the run ends when the queues drain.
    statements.clear();
    const t0 = performance.now();
    await profiled('billrun', async () => {
      await engine.testClock!.move({ months: 1 });
      await b.drain('bill run');
    });
    const wall = performance.now() - t0;
    reportStatements('the bill run (with the drain polls)');
    const written = await count('select count(*) as n from invoices where record_id > ?', [lastRecord]);
    const itemCount = await count('select count(*) as n from invoice_items i join invoices v on v.id = i.invoice_id where v.record_id > ?', [lastRecord]);
    const rate = written / (wall / 1000);
    log(`  bill run: ${written} invoices (${itemCount} items) written in ${seconds(wall)} from the clock move until the bus and queues drained → ${rate.toFixed(1)} invoices/s`);
    if (written !== ACCOUNTS) log(`  WARNING: expected ${ACCOUNTS} renewal invoices, found ${written}`);

    // The raw floor, the same rows: each renewal invoice row and its item rows, multi-row INSERTs.
    const [invoiceRows] = (await c.query('select * from invoices where record_id > ?', [lastRecord])) as unknown as [Record<string, unknown>[]];
    const [itemRows] = (await c.query('select i.* from invoice_items i join invoices v on v.id = i.invoice_id where v.record_id > ?', [lastRecord])) as unknown as [Record<string, unknown>[]];
    await c.end();
    const invRate = await rawInsert(b, 'invoices', invoiceRows, RAW_CONNECTIONS);
    const itemRate = await rawInsert(b, 'invoice_items', itemRows, RAW_CONNECTIONS);
    const rawMs = (invoiceRows.length / invRate + itemRows.length / itemRate) * 1000;
    const rawRows = invoiceRows.length + itemRows.length;
    const rawInvoices = invoiceRows.length / (rawMs / 1000);
    log(`  raw floor: the same ${invoiceRows.length} invoice + ${itemRows.length} item rows by multi-row INSERTs (${RAW_BATCH}/statement) over ${RAW_CONNECTIONS} connection(s) in ${seconds(rawMs)} → ${(rawRows / (rawMs / 1000)).toFixed(0)} rows/s, ${rawInvoices.toFixed(0)} invoices/s`);
    log(`  ratio bill run invoices/s : raw multi-row insert invoices/s = ${(rate / rawInvoices).toFixed(4)} (1 : ${(rawInvoices / rate).toFixed(0)})`);
  } finally {
    await b.close();
  }
}

log(`invoice run bench (part ${PART})`);
if (PART === 'wide' || PART === 'all') await wide();
if (PART === 'billrun' || PART === 'all') await billRun();
process.exit(0);
