import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { DateTime, DurationLike } from 'luxon';
import type { Database } from '../persistence/database.js';
import type { OffsetClock } from './clock.js';
import { waitUntilDrained, type PendingCheck } from './drain.js';
import { TestClockEntity } from './model.js';

const ROW = 1;

interface ClockMessage {
  readonly origin: string;
  readonly offsetMs: number;
}

/**
 * The test clock of Kill Bill's `/1.0/kb/test/clock`: set, move and reset time for the whole deployment.
 *
 * Contract: the offset lives in the `test_clock` row (so a restarted node reads it back) and a change is
 * published on a Redis channel named after the database, carrying the new offset, so every node sharing
 * that database applies it at once, in publish order. A node ignores its own messages (it applied the
 * offset before publishing). A node subscribes before it reads the row on start, so it misses nothing.
 * Proved by clock/test-clock.test.ts.
 */
export class TestClock {
  readonly #db: Database;
  readonly #clock: OffsetClock;
  readonly #channel: string;
  readonly #origin = randomUUID();
  readonly #checks: PendingCheck[] = [];
  #publisher: Redis | undefined;
  #subscriber: Redis | undefined;

  constructor(db: Database, clock: OffsetClock, redisUrl: string) {
    this.#db = db;
    this.#clock = clock;
    this.#channel = `billwright:${db.coordinates.dbName}:clock`;
    this.#publisher = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
    this.#subscriber = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  }

  async start(): Promise<void> {
    await this.#publisher?.connect();
    await this.#subscriber?.connect();
    this.#subscriber?.on('message', (channel: string, message: string) => {
      if (channel === this.#channel) this.#apply(message);
    });
    await this.#subscriber?.subscribe(this.#channel);
    const row = await this.#db.fork().findOne(TestClockEntity, { recordId: ROW });
    this.#clock.setOffset(row?.offsetMs ?? 0);
  }

  async stop(): Promise<void> {
    this.#subscriber?.disconnect();
    this.#publisher?.disconnect();
    this.#subscriber = undefined;
    this.#publisher = undefined;
  }

  now(): DateTime {
    return this.#clock.now();
  }

  /** Sets the clock to an instant, or back to real time when none is given; time keeps flowing from there. */
  async set(instant: DateTime | null): Promise<DateTime> {
    const offset = instant ? instant.toMillis() - Date.now() : 0;
    await this.#save(offset);
    return this.now();
  }

  /** Moves the clock forward (or back) by a calendar duration; month arithmetic clamps as Joda's (Jan 31 + 1 month = Feb 28/29). */
  async move(by: DurationLike): Promise<DateTime> {
    return this.set(this.now().plus(by));
  }

  /** Registers a source of pending work (bus, notification queue); returns its removal. */
  addPendingCheck(check: PendingCheck): () => void {
    this.#checks.push(check);
    return () => {
      const i = this.#checks.indexOf(check);
      if (i >= 0) this.#checks.splice(i, 1);
    };
  }

  /** Waits up to `timeoutSec` seconds for the queues to drain (for one tenant, or all when null); true when drained. */
  waitForQueues(tenantRecordId: number | null, timeoutSec: number): Promise<boolean> {
    return waitUntilDrained(this.#checks, { tenantRecordId, now: () => this.now() }, timeoutSec);
  }

  async #save(offsetMs: number): Promise<void> {
    const em = this.#db.fork();
    // updatedDate is when the clock was changed in real time, on purpose not the test clock's time.
    await em.upsert(TestClockEntity, { recordId: ROW, offsetMs, updatedDate: new Date() });
    this.#clock.setOffset(offsetMs);
    const message: ClockMessage = { origin: this.#origin, offsetMs };
    await this.#publisher?.publish(this.#channel, JSON.stringify(message));
  }

  #apply(raw: string): void {
    let message: Partial<ClockMessage>;
    try {
      message = JSON.parse(raw) as Partial<ClockMessage>;
    } catch {
      return; // not ours: the channel is only written by this class
    }
    if (message.origin === this.#origin || typeof message.offsetMs !== 'number' || !Number.isFinite(message.offsetMs)) return;
    this.#clock.setOffset(message.offsetMs);
  }
}
