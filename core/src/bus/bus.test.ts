import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL } from '../../../test/support/db.js';
import { openTestDatabase, testCallContext } from '../../../test/support/engine.js';
import { systemClock } from '../clock/clock.js';
import type { CallContext } from '../context.js';
import type { Database } from '../persistence/database.js';
import { writeTx } from '../persistence/scope.js';
import { creationStamps } from '../persistence/stamps.js';
import { TenantKvEntity } from '../tenant/model.js';
import { Bus, MAX_EVENT_ATTEMPTS, wakeDelay, type BusHandler } from './bus.js';
import { emitEvent } from './outbox.js';

let db: Database & { drop(): Promise<void> };
const buses: Bus[] = [];
let ctx: CallContext;
const accounts: number[] = [];

/** A bus as one node runs it, with the given consumers. */
async function node(consumers: Record<string, BusHandler>): Promise<Bus> {
  const bus = new Bus({ db, logger: pino({ level: process.env['BUS_LOG'] ?? 'silent' }), redisUrl: TEST_REDIS_URL, concurrency: 4 });
  for (const [name, handle] of Object.entries(consumers)) bus.subscribe(name, null, handle);
  await bus.start();
  buses.push(bus);
  return bus;
}

async function stopAll(): Promise<void> {
  for (const b of buses.splice(0)) await b.stop();
}

/** Effects are rows written in the consumer's transaction: their count is the number of times an event took effect. */
const recordEffect: BusHandler = async (em, event, c) => {
  em.create(TenantKvEntity, { id: randomUUID(), tenantRecordId: c.tenant.recordId, tenantKey: `effect:${event.payload['n']}`, tenantValue: String(event.accountRecordId), isActive: true, ...creationStamps(c, new Date()) });
};

async function emit(accountRecordId: number, n: number, eventType = 'TEST_EVENT'): Promise<void> {
  await writeTx(db, ctx, async (em) => emitEvent(em, ctx, systemClock, { eventType, objectType: 'ACCOUNT', objectId: null, accountRecordId, payload: { n } }));
  buses[0]?.wake();
}

async function effects(prefix = 'effect:'): Promise<{ key: string; account: string }[]> {
  const rows = (await db.fork().getConnection().execute('select tenant_key, tenant_value from tenant_kvs where tenant_key like ? order by record_id', [`${prefix}%`])) as { tenant_key: string; tenant_value: string }[];
  return rows.map((r) => ({ key: r.tenant_key, account: r.tenant_value }));
}

async function drained(): Promise<void> {
  await expect.poll(async () => (await Promise.all(buses.map((b) => b.pending(null)))).some(Boolean), { timeout: 20_000, interval: 50 }).toBe(false);
}

async function history(state: string): Promise<{ payload: unknown; last_error: string | null; attempts: number }[]> {
  return (await db.fork().getConnection().execute('select payload, last_error, attempts from bus_events_history where state = ? order by record_id', [state])) as never;
}

beforeAll(async () => {
  db = await openTestDatabase(import.meta.filename);
  const conn = db.fork().getConnection();
  await conn.execute("insert into tenants (id, created_date, created_by, updated_date, updated_by, api_key, api_secret_hash) values (?, now(3), 't', now(3), 't', ?, 'x')", [randomUUID(), `bus-${randomUUID()}`]);
  const [tenant] = (await conn.execute('select record_id from tenants')) as { record_id: number }[];
  ctx = testCallContext(Number(tenant!.record_id));
  for (let i = 0; i < 3; i++) {
    await conn.execute(
      "insert into accounts (id, created_date, created_by, updated_date, updated_by, tenant_record_id, external_key, billing_cycle_day_local, is_payment_delegated_to_parent, reference_time, time_zone, migrated, is_closed) values (?, now(3), 't', now(3), 't', ?, ?, 0, 0, now(3), 'UTC', 0, 0)",
      [randomUUID(), ctx.tenant.recordId, `acct-${i}`],
    );
  }
  for (const r of (await conn.execute('select record_id from accounts order by record_id')) as { record_id: number }[]) accounts.push(Number(r.record_id));
});
afterEach(stopAll);
afterAll(async () => {
  await stopAll();
  await db?.drop();
});

describe('a wake-up of the dispatcher', () => {
  it('dispatches at once for events someone may listen for, or after a quiet spell', () => {
    expect(wakeDelay(false, 0)).toBe(0);
    expect(wakeDelay(true, 50)).toBe(0);
    expect(wakeDelay(true, 5_000)).toBe(0);
  });

  it('lets quiet events right after a dispatch wait out the rest of the batch window', () => {
    expect(wakeDelay(true, 0)).toBe(50);
    expect(wakeDelay(true, 30)).toBe(20);
  });
});

describe('the bus', () => {
  it('hands every committed event to each consumer once, in order per account', async () => {
    const seen = new Map<number, number[]>();
    await node({
      effect: recordEffect,
      order: async (_em, event) => {
        const list = seen.get(event.accountRecordId!) ?? [];
        list.push(Number(event.payload['n']));
        seen.set(event.accountRecordId!, list);
      },
    });
    for (let n = 0; n < 60; n++) await emit(accounts[n % 3]!, n);
    await drained();
    expect((await effects()).length).toBe(60);
    for (const [i, account] of accounts.entries()) {
      expect(seen.get(account)).toEqual(Array.from({ length: 20 }, (_, k) => k * 3 + i));
    }
    expect((await history('HANDLED')).length).toBe(60);
  });

  it('never delivers an event whose transaction rolled back', async () => {
    const got: unknown[] = [];
    await node({ watch: async (_em, e) => void got.push(e.payload['n']) });
    await expect(
      writeTx(db, ctx, async (em) => {
        emitEvent(em, ctx, systemClock, { eventType: 'TEST_EVENT', objectType: null, objectId: null, accountRecordId: accounts[0]!, payload: { n: 'ghost' } });
        await em.flush();
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await emit(accounts[0]!, 'real' as unknown as number);
    await drained();
    expect(got).toEqual(['real']);
  });

  it('retries a failing consumer and keeps its effect single', async () => {
    let calls = 0;
    await node({
      flaky: async (em, event, c) => {
        calls++;
        await recordEffect(em, { ...event, payload: { n: 'flaky' } }, c);
        if (calls < 3) throw new Error(`transient failure ${calls}`);
      },
    });
    await emit(accounts[1]!, 1);
    await drained();
    expect(calls).toBe(3);
    expect((await effects('effect:flaky')).length).toBe(1);
  });

  it('gives an event up as DEAD after its last attempt, with the error, and goes on with the next', async () => {
    await node({
      picky: async (em, event, c) => {
        if (event.payload['n'] === 'poison') throw new Error('cannot digest');
        await recordEffect(em, { ...event, payload: { n: 'after-poison' } }, c);
      },
    });
    await emit(accounts[2]!, 'poison' as unknown as number);
    await emit(accounts[2]!, 'fine' as unknown as number);
    await drained();
    const dead = await history('DEAD');
    expect(dead).toHaveLength(1);
    expect(dead[0]!.attempts).toBeGreaterThanOrEqual(MAX_EVENT_ATTEMPTS);
    expect(dead[0]!.last_error).toContain('cannot digest');
    expect((await effects('effect:after-poison')).length).toBe(1);
  }, 60_000);

  it('lets two nodes share the work with every effect once and order kept per account', async () => {
    const order = new Map<number, number[]>();
    const track: BusHandler = async (em, event, c) => {
      await recordEffect(em, { ...event, payload: { n: `two-${event.payload['n']}` } }, c);
      const list = order.get(event.accountRecordId!) ?? [];
      list.push(event.recordId);
      order.set(event.accountRecordId!, list);
    };
    await node({ track });
    await node({ track });
    await Promise.all(Array.from({ length: 90 }, (_, n) => emit(accounts[n % 3]!, n)));
    buses.forEach((b) => b.wake());
    await drained();
    expect((await effects('effect:two-')).length).toBe(90);
    for (const list of order.values()) {
      expect(list.length).toBe(30);
      expect(list).toEqual([...list].sort((a, b) => a - b));
    }
  }, 60_000);
  it('retires an event no consumer takes or listens for straight to history, in its account\'s order, and still hands the others to their consumers', async () => {
    let listening = false;
    const seen: string[] = [];
    const bus = new Bus({ db, logger: pino({ level: 'silent' }), redisUrl: TEST_REDIS_URL, concurrency: 4 });
    bus.subscribe('only-some', ['QUIET_TYPE'], async (_em, event) => void seen.push(`some:${String(event.payload['n'])}`), { listening: () => listening });
    bus.subscribe('typed', ['LOUD_TYPE'], async (_em, event) => void seen.push(`typed:${String(event.payload['n'])}`));
    await bus.start();
    buses.push(bus);
    await emit(accounts[0]!, 'q1' as unknown as number, 'QUIET_TYPE');
    await emit(accounts[0]!, 'l1' as unknown as number, 'LOUD_TYPE');
    await emit(accounts[0]!, 'n1' as unknown as number, 'NOBODY_TYPE');
    await drained();
    listening = true;
    await emit(accounts[0]!, 'q2' as unknown as number, 'QUIET_TYPE');
    await drained();
    expect(seen).toEqual(['typed:l1', 'some:q2']);
    const handled = (await db.fork().getConnection().execute("select event_type from bus_events_history where state = 'HANDLED' and event_type in ('QUIET_TYPE', 'LOUD_TYPE', 'NOBODY_TYPE') order by handled_date, record_id")) as { event_type: string }[];
    expect(handled.map((r) => r.event_type)).toEqual(['QUIET_TYPE', 'LOUD_TYPE', 'NOBODY_TYPE', 'QUIET_TYPE']);
  }, 30_000);

  it('retires quiet events whose wake-up was deferred, and still delivers one whose listener appeared since the hint', async () => {
    let listening = false;
    const seen: string[] = [];
    const bus = new Bus({ db, logger: pino({ level: 'silent' }), redisUrl: TEST_REDIS_URL, concurrency: 4 });
    bus.subscribe('hinted', ['HINTED_TYPE'], async (_em, event) => void seen.push(String(event.payload['n'])), { listening: () => listening });
    await bus.start();
    buses.push(bus);
    const commit = (n: string) => writeTx(db, ctx, async (em) => emitEvent(em, ctx, systemClock, { eventType: 'HINTED_TYPE', objectType: 'ACCOUNT', objectId: null, accountRecordId: accounts[1]!, payload: { n } }));

    expect(bus.knownQuiet(ctx.tenant.recordId, 'HINTED_TYPE')).toBe(false);
    await commit('first');
    bus.wake();
    await drained();
    expect(bus.knownQuiet(ctx.tenant.recordId, 'HINTED_TYPE')).toBe(true);

    // What OutboxWaker does after a commit of known-quiet events: a deferred dispatch still retires them.
    for (const n of ['b1', 'b2', 'b3']) {
      await commit(n);
      bus.wake(true);
    }
    await drained();
    const retired = async () => ((await db.fork().getConnection().execute("select json_value(payload, '$.n') as n from bus_events_history where event_type = 'HINTED_TYPE' and state = 'HANDLED' order by record_id")) as { n: string }[]).map((r) => r.n);
    expect(await retired()).toEqual(['first', 'b1', 'b2', 'b3']);

    // The hint only times the wake-up: the dispatch reads the listeners again and delivers.
    listening = true;
    await commit('late');
    bus.wake(true);
    await drained();
    expect(seen).toEqual(['late']);
    expect(await retired()).toEqual(['first', 'b1', 'b2', 'b3', 'late']);
    expect(bus.knownQuiet(ctx.tenant.recordId, 'HINTED_TYPE')).toBe(false);
  }, 30_000);
});
