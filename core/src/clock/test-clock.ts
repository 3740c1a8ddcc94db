import { Redis } from 'ioredis';
import { DateTime, type DurationLike } from 'luxon';
import type { Database } from '../persistence/database.js';
import type { OffsetClock } from './clock.js';
import { TestClockEntity } from './model.js';

const ROW = 1;

/**
 * The test clock of Kill Bill's `/1.0/kb/test/clock`: set, move and reset time for the whole deployment.
 *
 * Contract: the offset lives in the `test_clock` row (so a restarted node reads it back) and a change is
 * published on a Redis channel named after the database, so every node sharing that database applies it
 * at once. A node that misses a message still reloads the row on start.
 */
export class TestClock {
  readonly #db: Database;
  readonly #clock: OffsetClock;
  readonly #channel: string;
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
    await this.#reload();
    await this.#publisher?.connect();
    await this.#subscriber?.connect();
    await this.#subscriber?.subscribe(this.#channel);
    this.#subscriber?.on('message', (channel: string) => {
      if (channel === this.#channel) void this.#reload();
    });
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

  /** Sets the clock to an instant, or back to real time when none is given. */
  async set(instant: DateTime | null): Promise<DateTime> {
    const offset = instant ? instant.toMillis() - Date.now() : 0;
    await this.#save(offset);
    return this.now();
  }

  /** Moves the clock forward (or back) by a calendar duration, month arithmetic as Joda's. */
  async move(by: DurationLike): Promise<DateTime> {
    const target = this.now().plus(by);
    return this.set(target);
  }

  async #save(offsetMs: number): Promise<void> {
    const em = this.#db.fork();
    await em.upsert(TestClockEntity, { recordId: ROW, offsetMs, updatedDate: new Date() });
    this.#clock.setOffset(offsetMs);
    await this.#publisher?.publish(this.#channel, String(offsetMs));
  }

  async #reload(): Promise<void> {
    const row = await this.#db.fork().findOne(TestClockEntity, { recordId: ROW });
    this.#clock.setOffset(row?.offsetMs ?? 0);
  }
}
