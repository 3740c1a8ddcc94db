import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL } from '../../../test/support/db.js';
import { openTestDatabase } from '../../../test/support/engine.js';
import type { Database } from '../persistence/database.js';
import { pino } from 'pino';
import { Broadcast } from '../cluster/broadcast.js';
import { OffsetClock } from './clock.js';
import { TestClock } from './test-clock.js';

let db: Database & { drop(): Promise<void> };
const started: Broadcast[] = [];

/** A clock as one node has it: its own broadcast connections, the shared database. */
async function newTestClock(): Promise<TestClock> {
  const broadcast = new Broadcast(TEST_REDIS_URL, db.coordinates.dbName, pino({ level: 'silent' }));
  await broadcast.start();
  started.push(broadcast);
  const clock = new TestClock(db, new OffsetClock(), broadcast);
  await clock.start();
  return clock;
}

async function eventually(assertion: () => void, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return assertion();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

const utc = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' });
const msFrom = (a: DateTime, b: string) => Math.abs(a.toMillis() - utc(b).toMillis());

beforeAll(async () => {
  db = await openTestDatabase(import.meta.filename);
});
afterAll(async () => {
  for (const broadcast of started) await broadcast.stop();
  await db?.drop();
});

describe('the test clock', () => {
  it('sets the time and keeps it flowing from there, as Kill Bill\'s ClockMock', async () => {
    const clock = await newTestClock();
    await clock.set(utc('2012-08-25T00:00:02.000Z'));
    expect(msFrom(clock.now(), '2012-08-25T00:00:02.000Z')).toBeLessThan(1000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(clock.now().toMillis()).toBeGreaterThan(utc('2012-08-25T00:00:02.040Z').toMillis());
  });

  it('moves by months clamping to the end of a shorter month, as Joda', async () => {
    const clock = await newTestClock();
    await clock.set(utc('2012-01-31T10:00:00Z'));
    expect((await clock.move({ months: 1 })).toISODate()).toBe('2012-02-29');
    await clock.set(utc('2013-01-31T10:00:00Z'));
    expect((await clock.move({ months: 1 })).toISODate()).toBe('2013-02-28');
    await clock.set(utc('2012-02-29T10:00:00Z'));
    expect((await clock.move({ years: 1 })).toISODate()).toBe('2013-02-28');
    expect((await clock.move({ days: -1 })).toISODate()).toBe('2013-02-27');
  });

  it('goes back to real time on reset', async () => {
    const clock = await newTestClock();
    await clock.set(utc('2001-01-01T00:00:00Z'));
    await clock.set(null);
    expect(Math.abs(clock.now().toMillis() - Date.now())).toBeLessThan(1000);
  });

  it('converges two nodes on the same database through Redis pub/sub, and a new node reads the row back', async () => {
    const a = await newTestClock();
    const b = await newTestClock();
    await a.set(utc('2015-06-01T12:00:00Z'));
    await eventually(() => expect(msFrom(b.now(), '2015-06-01T12:00:00Z')).toBeLessThan(1000));
    await b.move({ months: 2 });
    await eventually(() => expect(a.now().toISODate()).toBe('2015-08-01'));
    const c = await newTestClock();
    expect(c.now().toISODate()).toBe('2015-08-01');
    await a.set(null);
    await eventually(() => expect(Math.abs(b.now().toMillis() - Date.now())).toBeLessThan(1000));
  });

  it('reports the queues drained when no source of pending work is registered, and waits for one that is', async () => {
    const clock = await newTestClock();
    expect(await clock.waitForQueues(null, 0)).toBe(true);
    let pending = true;
    const remove = clock.addPendingCheck(async () => pending);
    expect(await clock.waitForQueues(1, 0)).toBe(false);
    pending = false;
    expect(await clock.waitForQueues(1, 0)).toBe(true);
    pending = true;
    remove();
    expect(await clock.waitForQueues(1, 0)).toBe(true);
  });
});
