import type { EntityManager } from '@mikro-orm/core';
import type { Logger } from 'pino';
import type { CallContext, TenantRef } from '../context.js';
import { lockAccount } from '../persistence/account-lock.js';
import type { Database } from '../persistence/database.js';
import { writeTx } from '../persistence/scope.js';
import { SYSTEM_SUBJECT } from '../security/subject.js';
import { TenantEntity } from '../tenant/model.js';
import type { TenantId } from '../values/ids.js';
import { createJobQueue, startJobWorker, type JobQueue, type JobWorker } from './bullmq.js';
import type { BusEvent } from './event.js';
import { BusConsumptionEntity } from './model.js';

/** A consumer's reaction to an event, inside a transaction that holds the account lock. */
export type BusHandler = (em: EntityManager, event: BusEvent, ctx: CallContext) => Promise<void>;

interface Consumer {
  readonly name: string;
  readonly eventTypes: ReadonlySet<string> | null;
  readonly handle: BusHandler;
}

interface AccountWork {
  readonly tenantRecordId: number;
  readonly accountRecordId: number | null;
}

/** A consumer failing this many times on one event gives the event up as DEAD (kept in history, listed by admin/queues). */
export const MAX_EVENT_ATTEMPTS = 5;
const QUEUE = 'bus';
const BATCH = 500;

/**
 * The persistent bus: outbox rows (bus/outbox.ts) → BullMQ → consumers.
 *
 * Contract:
 * - at-least-once delivery, exactly-once effect: a consumer handles an event in one transaction that also
 *   records (event, consumer) in bus_consumptions; a redelivery finds that row and does nothing;
 * - order per account: a BullMQ job only says "this account has work"; its handler always takes the
 *   account's lowest pending event, so a late or duplicate job finds nothing and returns;
 * - a consumer that throws is retried with backoff (BullMQ); after MAX_EVENT_ATTEMPTS failures the event
 *   moves to history as DEAD with its last error, never silently dropped, and the account's later events go on;
 * - crash safety: rows are claimed with SKIP LOCKED and handed to BullMQ before they are marked dispatched
 *   (a crash in between sends a duplicate, never loses one); the sweeper re-sends rows left dispatched but
 *   unhandled, so a job lost in Redis is sent again.
 * Proved by bus/bus.test.ts.
 */
export class Bus {
  readonly #db: Database;
  readonly #logger: Logger;
  readonly #redisUrl: string;
  readonly #prefix: string;
  readonly #concurrency: number;
  readonly #consumers: Consumer[] = [];
  readonly #tenants = new Map<number, TenantRef>();
  #queue: JobQueue<AccountWork> | undefined;
  #worker: JobWorker | undefined;
  #timer: NodeJS.Timeout | undefined;
  #dispatching: Promise<void> | undefined;
  #again = false;
  #stopped = false;
  #lastSweep = 0;

  constructor(deps: { db: Database; logger: Logger; redisUrl: string; concurrency?: number }) {
    this.#db = deps.db;
    this.#logger = deps.logger.child({ component: 'bus' });
    this.#redisUrl = deps.redisUrl;
    this.#prefix = `bw:${deps.db.coordinates.dbName}`;
    this.#concurrency = deps.concurrency ?? 4;
  }

  /** Registers a consumer (before start). `eventTypes` null: every event. */
  subscribe(name: string, eventTypes: readonly string[] | null, handle: BusHandler): void {
    if (this.#consumers.some((c) => c.name === name)) throw new Error(`bus consumer ${name} is registered twice`);
    this.#consumers.push({ name, eventTypes: eventTypes ? new Set(eventTypes) : null, handle });
  }

  async start(): Promise<void> {
    this.#stopped = false;
    this.#queue = createJobQueue<AccountWork>(QUEUE, this.#redisUrl, this.#prefix);
    this.#worker = startJobWorker<AccountWork>(QUEUE, this.#redisUrl, this.#prefix, this.#concurrency, (work) => this.#drainAccount(work));
    this.#timer = setInterval(() => this.wake(), 200);
    this.wake();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#dispatching;
    await this.#worker?.close();
    await this.#queue?.close();
  }

  /** Dispatches committed outbox rows now (after a commit; the timer is the backstop). */
  wake(): void {
    if (this.#stopped) return;
    if (this.#dispatching) {
      this.#again = true;
      return;
    }
    this.#dispatching = this.#dispatchAll()
      .catch((err: unknown) => this.#logger.error({ err }, 'dispatch failed'))
      .finally(() => {
        this.#dispatching = undefined;
        if (this.#again) {
          this.#again = false;
          this.wake();
        }
      });
  }

  /** True while the tenant (any tenant when null) has events not yet handled, or jobs in flight. */
  async pending(tenantRecordId: number | null): Promise<boolean> {
    const conn = this.#db.fork().getConnection();
    const rows = (await (tenantRecordId === null
      ? conn.execute('select 1 from bus_events limit 1')
      : conn.execute('select 1 from bus_events where tenant_record_id = ? limit 1', [tenantRecordId]))) as unknown[];
    return rows.length > 0 || ((await this.#queue?.pending()) ?? 0) > 0;
  }

  async #dispatchAll(): Promise<void> {
    while (!this.#stopped && (await this.#dispatchBatch()) === BATCH);
    if (Date.now() - this.#lastSweep > 10_000) {
      this.#lastSweep = Date.now();
      await this.#sweep();
    }
  }

  /** Claims undispatched rows (SKIP LOCKED: another node takes others), sends them, then marks them. */
  async #dispatchBatch(): Promise<number> {
    return this.#db.fork().transactional(async (em) => {
      const conn = em.getConnection();
      const tx = em.getTransactionContext();
      const rows = (await conn.execute(
        'select record_id, id, tenant_record_id, account_record_id from bus_events where dispatched_date is null order by record_id limit ? for update skip locked',
        [BATCH],
        'all',
        tx,
      )) as { record_id: number | string; id: string; tenant_record_id: number | string; account_record_id: number | string | null }[];
      if (rows.length === 0) return 0;
      await this.#queue!.addBulk(
        rows.map((r) => ({
          id: r.id,
          data: { tenantRecordId: Number(r.tenant_record_id), accountRecordId: r.account_record_id === null ? null : Number(r.account_record_id) },
        })),
      );
      await conn.execute(`update bus_events set dispatched_date = ? where record_id in (${rows.map(() => '?').join(',')})`, [new Date(), ...rows.map((r) => r.record_id)], 'run', tx);
      return rows.length;
    });
  }

  /** Rows dispatched over a minute ago and still here lost their job (Redis flushed, a bug): send them again. */
  async #sweep(): Promise<void> {
    const conn = this.#db.fork().getConnection();
    const result = (await conn.execute('update bus_events set dispatched_date = null where dispatched_date < ?', [new Date(Date.now() - 60_000)], 'run')) as {
      affectedRows?: number;
    };
    if (result.affectedRows) this.#logger.warn({ rows: result.affectedRows }, 're-sending bus events whose jobs were lost');
  }

  /** Handles the account's pending events one by one, lowest record id first, until none is left. */
  async #drainAccount(work: AccountWork): Promise<void> {
    for (;;) {
      const event = await this.#nextEvent(work);
      if (!event) return;
      try {
        let present = true;
        for (const consumer of this.#consumers) {
          if (present && (consumer.eventTypes === null || consumer.eventTypes.has(event.eventType))) present = await this.#consume(consumer, event);
        }
        if (present) await this.#retire(event, 'HANDLED', null);
      } catch (err) {
        const attempts = await this.#recordFailure(event, err);
        if (attempts < MAX_EVENT_ATTEMPTS) throw err;
        this.#logger.error({ err, eventId: event.id, eventType: event.eventType, attempts }, 'bus event is DEAD: every attempt failed');
        await this.#retire(event, 'DEAD', err);
      }
    }
  }

  async #nextEvent(work: AccountWork): Promise<BusEvent | null> {
    const conn = this.#db.fork().getConnection();
    const rows = (await conn.execute(
      'select * from bus_events where tenant_record_id = ? and account_record_id <=> ? order by record_id limit 1',
      [work.tenantRecordId, work.accountRecordId],
    )) as Record<string, unknown>[];
    const row = rows[0];
    if (!row) return null;
    return {
      recordId: Number(row['record_id']),
      id: String(row['id']),
      tenant: await this.#tenant(work.tenantRecordId),
      accountRecordId: work.accountRecordId,
      eventType: String(row['event_type']),
      objectType: (row['object_type'] as BusEvent['objectType']) ?? null,
      objectId: (row['object_id'] as string | null) ?? null,
      payload: typeof row['payload'] === 'string' ? (JSON.parse(row['payload']) as Record<string, unknown>) : ((row['payload'] as Record<string, unknown>) ?? {}),
      userToken: (row['user_token'] as string | null) ?? null,
      createdDate: utcDate(row['created_date']),
    };
  }

  /**
   * One consumer's handling of one event, under the account lock and the event row's lock. False when the
   * event is gone: another worker finished and retired it meanwhile (its consumption rows went with it).
   */
  async #consume(consumer: Consumer, event: BusEvent): Promise<boolean> {
    const ctx = this.#callContext(event, consumer.name);
    return writeTx(this.#db, ctx, async (em) => {
      await lockAccount(em, event.tenant.recordId, event.accountRecordId);
      const conn = em.getConnection();
      const tx = em.getTransactionContext();
      const present = (await conn.execute('select record_id from bus_events where record_id = ? for update', [event.recordId], 'all', tx)) as unknown[];
      if (present.length === 0) return false;
      // A plain read: the locks above already serialize this event's handlers, and a locking read of an
      // absent row would take a gap lock that deadlocks with other accounts' inserts.
      const done = (await conn.execute('select record_id from bus_consumptions where event_record_id = ? and consumer = ?', [event.recordId, consumer.name], 'all', tx)) as unknown[];
      if (done.length > 0) return true;
      await consumer.handle(em, event, ctx);
      em.create(BusConsumptionEntity, { eventRecordId: event.recordId, consumer: consumer.name, handledDate: new Date() });
      return true;
    });
  }

  /**
   * Moves the event to history (once: a second worker racing on it finds the row gone and stops). Locks in
   * the same order as #consume (account, then event row), so the two never deadlock.
   */
  async #retire(event: BusEvent, state: 'HANDLED' | 'DEAD', err: unknown): Promise<void> {
    await this.#db.fork().transactional(async (em) => {
      await lockAccount(em, event.tenant.recordId, event.accountRecordId);
      const conn = em.getConnection();
      const tx = em.getTransactionContext();
      const locked = (await conn.execute('select record_id from bus_events where record_id = ? for update', [event.recordId], 'all', tx)) as unknown[];
      if (locked.length === 0) return;
      await conn.execute(
        `insert into bus_events_history (record_id, id, tenant_record_id, account_record_id, event_type, object_type, object_id, payload, user_token, created_date, state, attempts, last_error, handled_date)
         select record_id, id, tenant_record_id, account_record_id, event_type, object_type, object_id, payload, user_token, created_date, ?, attempts, coalesce(?, last_error), ?
         from bus_events where record_id = ?`,
        [state, err === null ? null : errorText(err), new Date(), event.recordId],
        'run',
        tx,
      );
      await conn.execute('delete from bus_consumptions where event_record_id = ?', [event.recordId], 'run', tx);
      await conn.execute('delete from bus_events where record_id = ?', [event.recordId], 'run', tx);
    });
  }

  async #recordFailure(event: BusEvent, err: unknown): Promise<number> {
    const conn = this.#db.fork().getConnection();
    await conn.execute('update bus_events set attempts = attempts + 1, last_error = ? where record_id = ?', [errorText(err), event.recordId], 'run');
    const rows = (await conn.execute('select attempts from bus_events where record_id = ?', [event.recordId])) as { attempts: number }[];
    this.#logger.warn({ err, eventId: event.id, eventType: event.eventType, attempts: rows[0]?.attempts }, 'bus consumer failed; will retry');
    return rows[0]?.attempts ?? MAX_EVENT_ATTEMPTS;
  }

  #callContext(event: BusEvent, consumer: string): CallContext {
    return { subject: SYSTEM_SUBJECT, userToken: event.userToken ?? event.id, tenant: event.tenant, createdBy: `bus:${consumer}`.slice(0, 100), reasonCode: null, comment: null };
  }

  async #tenant(recordId: number): Promise<TenantRef> {
    const known = this.#tenants.get(recordId);
    if (known) return known;
    const row = await this.#db.fork().findOneOrFail(TenantEntity, { recordId });
    const ref = { recordId, id: row.id as TenantId };
    this.#tenants.set(recordId, ref);
    return ref;
  }
}

/** mysql2 hands DATETIME back as a string in the session zone, which is UTC (persistence/database.ts). */
function utcDate(value: unknown): Date {
  if (value instanceof Date) return value;
  return new Date(`${String(value).replace(' ', 'T')}Z`);
}

function errorText(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.slice(0, 1024);
}
