import type { DateTime, DurationLike } from 'luxon';
import type { Broadcast } from '../cluster/broadcast.js';
import type { Database } from '../persistence/database.js';
import type { OffsetClock } from './clock.js';
import { waitUntilDrained, type PendingCheck } from './drain.js';
import { TestClockEntity } from './model.js';

const ROW = 1;
const TOPIC = 'clock';

/**
 * The test clock of Kill Bill's `/1.0/kb/test/clock`: set, move and reset time for the whole deployment.
 *
 * Contract: the offset lives in the `test_clock` row (so a restarted node reads it back) and a change is
 * broadcast (cluster/broadcast.ts) carrying the new offset, so every node sharing that database applies it
 * at once, in publish order. A node ignores its own messages (it applied the offset before publishing).
 * A node subscribes before it reads the row on start, so it misses nothing. Proved by clock/test-clock.test.ts.
 */
export class TestClock {
  readonly #db: Database;
  readonly #clock: OffsetClock;
  readonly #broadcast: Broadcast;
  readonly #checks: PendingCheck[] = [];
  readonly #listeners: (() => void)[] = [];

  constructor(db: Database, clock: OffsetClock, broadcast: Broadcast) {
    this.#db = db;
    this.#clock = clock;
    this.#broadcast = broadcast;
  }

  async start(): Promise<void> {
    await this.#broadcast.subscribe<number>(TOPIC, (offsetMs) => this.#apply(offsetMs), { othersOnly: true });
    const row = await this.#db.fork().findOne(TestClockEntity, { recordId: ROW });
    this.#clock.setOffset(row?.offsetMs ?? 0);
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

  /** Called whenever time moves on this node (set here or by another node): the notification queue polls at once. */
  onChange(listener: () => void): void {
    this.#listeners.push(listener);
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
    await this.#broadcast.publish(TOPIC, offsetMs);
    this.#changed();
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }

  #apply(offsetMs: unknown): void {
    if (typeof offsetMs !== 'number' || !Number.isFinite(offsetMs)) return;
    this.#clock.setOffset(offsetMs);
    this.#changed();
  }
}
