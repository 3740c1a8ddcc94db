import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testCallContext } from '../../../test/support/engine.js';
import { OffsetClock } from '../clock/clock.js';
import type { CallContext } from '../context.js';
import type { Database } from '../persistence/database.js';
import { writeTx } from '../persistence/scope.js';
import { MAX_NOTIFICATION_ATTEMPTS, NotificationQueue, scheduleNotification, type NotificationHandler } from './queue.js';

let db: Database & { drop(): Promise<void> };
let ctx: CallContext;
let account = 0;
const clock = new OffsetClock();
const queues: NotificationQueue[] = [];

function node(handlers: Record<string, NotificationHandler>, concurrency = 1): NotificationQueue {
  const q = new NotificationQueue({ db, clock, logger: pino({ level: 'silent' }), concurrency });
  for (const [name, h] of Object.entries(handlers)) q.register(name, h);
  q.start(50);
  queues.push(q);
  return q;
}

async function schedule(queueName: string, at: DateTime, payload: Record<string, unknown>, accountRecordId = account): Promise<void> {
  await writeTx(db, ctx, async (em) => scheduleNotification(em, ctx, clock, { queueName, effectiveDate: at, accountRecordId, payload }));
}

async function newAccount(key: string): Promise<number> {
  const conn = db.fork().getConnection();
  await conn.execute(
    "insert into accounts (id, created_date, created_by, updated_date, updated_by, tenant_record_id, external_key, billing_cycle_day_local, is_payment_delegated_to_parent, reference_time, time_zone, migrated, is_closed) values (?, now(3), 't', now(3), 't', ?, ?, 0, 0, now(3), 'UTC', 0, 0)",
    [randomUUID(), ctx.tenant.recordId, key],
  );
  return Number(((await conn.execute('select record_id from accounts where external_key = ?', [key])) as { record_id: number }[])[0]!.record_id);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const moveClockTo = (at: DateTime) => clock.setOffset(at.toMillis() - Date.now());

async function idle(): Promise<void> {
  await expect.poll(async () => (await Promise.all(queues.map((q) => q.due(null, clock.now())))).some(Boolean), { timeout: 20_000, interval: 50 }).toBe(false);
}

async function history(state: string) {
  return (await db.fork().getConnection().execute('select payload, attempts, last_error from notifications_history where state = ? order by handled_date, record_id', [state])) as {
    payload: string;
    attempts: number;
    last_error: string | null;
  }[];
}

beforeAll(async () => {
  db = await openTestDatabase(import.meta.filename);
  const conn = db.fork().getConnection();
  await conn.execute("insert into tenants (id, created_date, created_by, updated_date, updated_by, api_key, api_secret_hash) values (?, now(3), 't', now(3), 't', 'nq', 'x')", [randomUUID()]);
  const [tenant] = (await conn.execute('select record_id from tenants')) as { record_id: number }[];
  ctx = testCallContext(Number(tenant!.record_id));
  await conn.execute(
    "insert into accounts (id, created_date, created_by, updated_date, updated_by, tenant_record_id, external_key, billing_cycle_day_local, is_payment_delegated_to_parent, reference_time, time_zone, migrated, is_closed) values (?, now(3), 't', now(3), 't', ?, 'a', 0, 0, now(3), 'UTC', 0, 0)",
    [randomUUID(), ctx.tenant.recordId],
  );
  account = Number(((await conn.execute('select record_id from accounts')) as { record_id: number }[])[0]!.record_id);
});
afterEach(async () => {
  for (const q of queues.splice(0)) await q.stop();
});
afterAll(async () => {
  await db?.drop();
});

describe('the notification queue', () => {
  it('fires nothing before its time, then everything due in effective-time order as the clock moves', async () => {
    const fired: string[] = [];
    node({ phase: async (_em, n) => void fired.push(String(n.payload['name'])) });
    const start = DateTime.utc(2030, 1, 1);
    moveClockTo(start);
    await schedule('phase', start.plus({ days: 30 }), { name: 'trial-end' });
    await schedule('phase', start.plus({ days: 10 }), { name: 'day-10' });
    await schedule('phase', start.plus({ days: 60 }), { name: 'day-60' });
    queues[0]!.wake();
    await idle();
    expect(fired).toEqual([]);
    moveClockTo(start.plus({ days: 31 }));
    queues[0]!.wake();
    await idle();
    expect(fired).toEqual(['day-10', 'trial-end']);
    moveClockTo(start.plus({ days: 61 }));
    queues[0]!.wake();
    await idle();
    expect(fired).toEqual(['day-10', 'trial-end', 'day-60']);
    expect((await history('HANDLED')).length).toBe(3);
  });

  it('retries a failing handler later in business time, then keeps it as DEAD', async () => {
    let calls = 0;
    node({ broken: async () => void (calls++, (() => { throw new Error('handler broke'); })()) });
    const at = DateTime.utc(2031, 1, 1);
    moveClockTo(at);
    await schedule('broken', at, { name: 'broken' });
    for (let i = 0; i < MAX_NOTIFICATION_ATTEMPTS; i++) {
      queues[0]!.wake();
      // Generous: under load one retry can take longer than expect.poll's 1 s default.
      await expect.poll(() => calls, { timeout: 15_000 }).toBe(i + 1);
      moveClockTo(clock.now().plus({ hours: 5 }));
    }
    await idle();
    const dead = await history('DEAD');
    expect(dead).toHaveLength(1);
    expect(dead[0]!.last_error).toContain('handler broke');
  });

  it('lets two nodes fire a burst of notifications, each once, in order', async () => {
    const fired: number[] = [];
    const handler: NotificationHandler = async (_em, n) => void fired.push(Number(n.payload['n']));
    const at = DateTime.utc(2032, 1, 1);
    moveClockTo(at);
    for (let n = 0; n < 40; n++) await schedule('burst', at.plus({ minutes: n }), { n });
    moveClockTo(at.plus({ hours: 1 }));
    node({ burst: handler });
    node({ burst: handler });
    await idle();
    expect(fired).toEqual(Array.from({ length: 40 }, (_, n) => n));
  });

  it('fires different accounts at once, but each account one at a time and in effective-time order', async () => {
    const accounts = [await newAccount('c1'), await newAccount('c2'), await newAccount('c3'), await newAccount('c4')];
    const fired = new Map<number, number[]>(accounts.map((a) => [a, []]));
    const inFlight = new Map<number, number>();
    let running = 0;
    let mostRunning = 0;
    let mostForOneAccount = 0;
    const handler: NotificationHandler = async (_em, n) => {
      const a = n.accountRecordId!;
      inFlight.set(a, (inFlight.get(a) ?? 0) + 1);
      running++;
      mostRunning = Math.max(mostRunning, running);
      mostForOneAccount = Math.max(mostForOneAccount, inFlight.get(a)!);
      await sleep(20);
      fired.get(a)!.push(Number(n.payload['n']));
      inFlight.set(a, inFlight.get(a)! - 1);
      running--;
    };
    const at = DateTime.utc(2033, 1, 1);
    moveClockTo(at);
    // Interleaved across accounts, and scheduled out of order within each.
    for (const n of [5, 2, 7, 0, 9, 1, 4, 8, 3, 6]) for (const a of accounts) await schedule('parallel', at.plus({ minutes: n }), { n }, a);
    moveClockTo(at.plus({ hours: 1 }));
    node({ parallel: handler }, 4);
    node({ parallel: handler }, 4);
    await idle();
    expect({ mostForOneAccount, fired: [...fired.values()] }).toEqual({ mostForOneAccount: 1, fired: accounts.map(() => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) });
    expect(mostRunning).toBeGreaterThan(1);
  });
});
