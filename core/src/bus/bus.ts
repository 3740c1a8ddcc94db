import type { EntityManager } from '@mikro-orm/core';
import type { Logger } from 'pino';
import type { CallContext, TenantRef } from '../context.js';
import { lockAccount } from '../persistence/account-lock.js';
import type { Database } from '../persistence/database.js';
import { writeTx } from '../persistence/scope.js';
import { SYSTEM_SUBJECT } from '../security/subject.js';
import { Poller } from '../cluster/poller.js';
import { TenantRefs } from '../tenant/refs.js';
import { createJobQueue, startJobWorker, type JobQueue, type JobWorker } from './bullmq.js';
import type { BusEvent } from './event.js';
import { jsonObject, nullableNumber, utcDate } from '../persistence/raw-row.js';

/**
 * A consumer's reaction to an event, inside the transaction that holds the account lock and retires the
 * event. Consumers that talk to the outside world (push notifications, plugins) only enqueue work there.
 */
export type BusHandler = (em: EntityManager, event: BusEvent, ctx: CallContext) => Promise<void>;

interface Consumer {
  readonly name: string;
  readonly eventTypes: ReadonlySet<string> | null;
  readonly handle: BusHandler;
  readonly listening?: ListeningCheck;
}

/**
 * Whether a consumer would do anything at all for a tenant now (push: the tenant has a callback; plugin
 * events: a notification plugin runs). Asked when events are dispatched: an event that no consumer takes
 * and none listening for is retired at once (bus/bus.ts, "quiet events").
 */
export type ListeningCheck = (tenant: TenantRef) => boolean | Promise<boolean>;

interface AccountWork {
  readonly tenantRecordId: number;
  readonly accountRecordId: number | null;
}

/** A consumer failing this many times on one event gives the event up as DEAD (kept in history, listed by admin/queues). */
export const MAX_EVENT_ATTEMPTS = 5;
const QUEUE = 'bus';
const BATCH = 500;
/**
 * Quiet events committed within this long of the last dispatch wait for one dispatch together, at most this
 * long: under load the checkout's two quiet events per flow cost one claiming transaction per batch instead
 * of one each (~6 statements per flow less). When the dispatcher has been idle, they go at once.
 */
const QUIET_BATCH_MS = 50;
/** How long a dispatch's finding that no one listens serves as a wake-up hint (OutboxWaker). */
const QUIET_HINT_MS = 5_000;

/**
 * The persistent bus: outbox rows (bus/outbox.ts) → BullMQ → consumers.
 *
 * Contract:
 * - at-least-once delivery, exactly-once effect: an event is handled in one transaction that runs every
 *   consumer and moves the event to history; if any consumer throws, all of it rolls back and is retried,
 *   and a redelivered event that is already in history is not found again;
 * - order per account: a BullMQ job only says "this account has work"; its handler always takes the
 *   account's lowest pending event, so a late or duplicate job finds nothing and returns;
 * - a consumer that throws is retried with backoff (BullMQ); after MAX_EVENT_ATTEMPTS failures the event
 *   moves to history as DEAD with its last error, never silently dropped, and the account's later events go on;
 * - crash safety: rows are claimed with SKIP LOCKED and handed to BullMQ before they are marked dispatched
 *   (a crash in between sends a duplicate, never loses one); a starting node re-sends what was dispatched
 *   before it started, and a sweeper re-sends rows left unhandled a minute after dispatch, so a job lost
 *   with a killed worker or a flushed Redis is sent again.
 * Proved by bus/bus.test.ts.
 */
export class Bus {
  readonly #db: Database;
  readonly #logger: Logger;
  readonly #redisUrl: string;
  readonly #prefix: string;
  readonly #concurrency: number;
  readonly #consumers: Consumer[] = [];
  readonly #tenants: TenantRefs;
  readonly #dispatcher: Poller;
  #queue: JobQueue<AccountWork> | undefined;
  #worker: JobWorker | undefined;
  #lastSweep = 0;
  #resendBefore: Date | null = null;
  /** `${tenantRecordId}/${eventType}` → when a dispatch last found no consumer listening for it. */
  readonly #quietSeen = new Map<string, number>();
  #lastDispatch = 0;
  #deferredWake: NodeJS.Timeout | undefined;

  constructor(deps: { db: Database; logger: Logger; redisUrl: string; concurrency?: number }) {
    this.#db = deps.db;
    this.#logger = deps.logger.child({ component: 'bus' });
    this.#redisUrl = deps.redisUrl;
    this.#prefix = `bw:${deps.db.coordinates.dbName}`;
    this.#concurrency = deps.concurrency ?? 4;
    this.#tenants = new TenantRefs(deps.db);
    this.#dispatcher = new Poller(
      () => this.#dispatchAll(),
      (err) => this.#logger.error({ err }, 'dispatch failed'),
    );
  }

  /** Registers a consumer (also after start: the next event it wants reaches it). `eventTypes` null: every event. */
  subscribe(name: string, eventTypes: readonly string[] | null, handle: BusHandler, options: { listening?: ListeningCheck } = {}): void {
    if (this.#consumers.some((c) => c.name === name)) throw new Error(`bus consumer ${name} is registered twice`);
    this.#consumers.push({ name, eventTypes: eventTypes ? new Set(eventTypes) : null, handle, ...(options.listening ? { listening: options.listening } : {}) });
  }

  /** Whether some consumer would act on an event of this type for this tenant now (remembered as a wake-up hint). */
  async #anyoneFor(tenantRecordId: number, eventType: string): Promise<boolean> {
    const key = `${tenantRecordId}/${eventType}`;
    for (const c of this.#consumers) {
      if (c.eventTypes !== null && !c.eventTypes.has(eventType)) continue;
      if (!c.listening || (await c.listening(await this.#tenants.get(tenantRecordId)))) {
        this.#quietSeen.delete(key);
        return true;
      }
    }
    this.#quietSeen.set(key, Date.now());
    return false;
  }

  /**
   * Whether a dispatch found, in the last few seconds, no one listening for this tenant's events of this type.
   * A hint for wake-ups only (OutboxWaker): if a push callback or a notification plugin appeared since, the
   * event is still delivered, by the dispatch that reads it a few milliseconds later.
   */
  knownQuiet(tenantRecordId: number, eventType: string): boolean {
    const seen = this.#quietSeen.get(`${tenantRecordId}/${eventType}`);
    return seen !== undefined && Date.now() - seen < QUIET_HINT_MS;
  }

  async start(): Promise<void> {
    this.#queue = createJobQueue<AccountWork>(QUEUE, this.#redisUrl, this.#prefix);
    this.#worker = startJobWorker<AccountWork>(QUEUE, this.#redisUrl, this.#prefix, this.#concurrency, (work) => this.#drainAccount(work));
    this.#resendBefore = new Date();
    this.#dispatcher.start(200);
  }

  async stop(): Promise<void> {
    clearTimeout(this.#deferredWake);
    await this.#dispatcher.stop();
    await this.#worker?.close();
    await this.#queue?.close();
  }

  /**
   * Dispatches committed outbox rows now (after a commit; the timer is the backstop). `quietOnly`: the rows
   * are all of kinds lately found quiet; then, if a dispatch ran less than QUIET_BATCH_MS ago, the next one
   * waits out the rest of that time and takes every row committed meanwhile in one batch.
   */
  wake(quietOnly = false): void {
    const delay = wakeDelay(quietOnly, Date.now() - this.#lastDispatch);
    if (delay === 0) {
      this.#dispatcher.wake();
      return;
    }
    this.#deferredWake ??= setTimeout(() => {
      this.#deferredWake = undefined;
      this.#dispatcher.wake();
    }, delay);
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
    this.#lastDispatch = Date.now();
    while (!this.#dispatcher.stopped && (await this.#dispatchBatch(null)) === BATCH);
    if (this.#resendBefore) {
      // On start: rows another process dispatched may sit as jobs of a worker that died with it.
      const before = this.#resendBefore;
      this.#resendBefore = null;
      while ((await this.#dispatchBatch(before)) === BATCH);
    }
    if (Date.now() - this.#lastSweep > 10_000) {
      this.#lastSweep = Date.now();
      // Rows dispatched a minute ago and still here lost their job (a crashed worker, Redis flushed): resend.
      while ((await this.#dispatchBatch(new Date(Date.now() - 60_000))) === BATCH);
    }
  }

  /**
   * Claims rows (SKIP LOCKED: another node takes others), sends them, then marks them dispatched.
   * `resendBefore` null: rows never dispatched, job id = event id. Otherwise rows dispatched before that
   * instant and still unhandled, under a new job id: BullMQ ignores an add whose id it still holds, and
   * the old job may be stuck as active for a worker that is gone. The old job, if it ever runs, finds nothing.
   */
  async #dispatchBatch(resendBefore: Date | null): Promise<number> {
    return this.#db.fork().transactional(async (em) => {
      const conn = em.getConnection();
      const tx = em.getTransactionContext();
      const rows = (await conn.execute(
        `select record_id, id, tenant_record_id, account_record_id, event_type from bus_events where ${resendBefore ? 'dispatched_date < ?' : 'dispatched_date is null'} order by record_id limit ? for update skip locked`,
        resendBefore ? [resendBefore, BATCH] : [BATCH],
        'all',
        tx,
      )) as { record_id: number | string; id: string; tenant_record_id: number | string; account_record_id: number | string | null; event_type: string }[];
      if (rows.length === 0) return 0;
      if (resendBefore) this.#logger.warn({ rows: rows.length }, 're-sending bus events whose jobs were lost');
      // Quiet events: no consumer takes the type, or the only ones that do are not listening for the tenant
      // (no push callback, no notification plugin). Handling them would run no code but still cost a job, a
      // transaction under the account lock and the move to history; they go to history here instead, as
      // HANDLED. Only the quiet events that lead their account's pending ones go so (leadingQuiet), so history
      // keeps each account's order; a quiet event behind a pending one is handled in its turn.
      const quietIds = new Set<number | string>();
      for (const r of rows) if (!(await this.#anyoneFor(Number(r.tenant_record_id), r.event_type))) quietIds.add(r.record_id);
      const quiet = quietIds.size === 0 ? [] : await leadingQuiet(em, rows, quietIds);
      if (quiet.length > 0) await moveToHistory(em, quiet, 'HANDLED', null);
      const retired = new Set(quiet);
      const loud = rows.filter((r) => !retired.has(r.record_id));
      if (loud.length === 0) return rows.length;
      const suffix = resendBefore ? `-resent-${Date.now()}` : '';
      await this.#queue!.addBulk(
        loud.map((r) => ({
          id: `${r.id}${suffix}`,
          data: { tenantRecordId: Number(r.tenant_record_id), accountRecordId: nullableNumber(r.account_record_id) },
        })),
      );
      await conn.execute(`update bus_events set dispatched_date = ? where record_id in (${loud.map(() => '?').join(',')})`, [new Date(), ...loud.map((r) => r.record_id)], 'run', tx);
      return rows.length;
    });
  }

  /** Handles the account's pending events one by one, lowest record id first, until none is left. */
  async #drainAccount(work: AccountWork): Promise<void> {
    const tenant = await this.#tenants.get(work.tenantRecordId);
    for (let more = true; more; ) {
      let event: BusEvent | null = null;
      try {
        event = await writeTx(this.#db, this.#callContext(tenant, null), async (em) => {
          await lockAccount(em, work.tenantRecordId, work.accountRecordId);
          // Two rows: the one to handle, and whether another waits. Without the second the loop paid a whole
          // transaction (begin, lock, select, commit) per drain only to learn there was nothing left. An event
          // committed after this select has its own job (job id = event id), so stopping here loses nothing.
          const rows = (await em
            .getConnection()
            .execute(
              'select * from bus_events where tenant_record_id = ? and account_record_id <=> ? order by record_id limit 2 for update',
              [work.tenantRecordId, work.accountRecordId],
              'all',
              em.getTransactionContext(),
            )) as Record<string, unknown>[];
          const next = rows[0] ? toEvent(rows[0], tenant) : null;
          more = rows.length > 1;
          if (!next) return null;
          event = next;
          for (const consumer of this.#consumers) {
            if (consumer.eventTypes === null || consumer.eventTypes.has(next.eventType)) await consumer.handle(em, next, this.#callContext(tenant, next));
          }
          await moveToHistory(em, next.recordId, 'HANDLED', null);
          return next;
        });
        if (!event) return;
      } catch (err) {
        if (!event) throw err;
        const failed: BusEvent = event;
        const attempts = await this.#recordFailure(failed, err);
        if (attempts < MAX_EVENT_ATTEMPTS) throw err;
        this.#logger.error({ err, eventId: failed.id, eventType: failed.eventType, attempts }, 'bus event is DEAD: every attempt failed');
        await this.#db.fork().transactional(async (em) => {
          await lockAccount(em, work.tenantRecordId, work.accountRecordId);
          await moveToHistory(em, failed.recordId, 'DEAD', errorText(err));
        });
      }
    }
  }

  async #recordFailure(event: BusEvent, err: unknown): Promise<number> {
    const conn = this.#db.fork().getConnection();
    await conn.execute('update bus_events set attempts = attempts + 1, last_error = ? where record_id = ?', [errorText(err), event.recordId], 'run');
    const rows = (await conn.execute('select attempts from bus_events where record_id = ?', [event.recordId])) as { attempts: number }[];
    this.#logger.warn({ err, eventId: event.id, eventType: event.eventType, attempts: rows[0]?.attempts }, 'bus consumer failed; will retry');
    return rows[0]?.attempts ?? MAX_EVENT_ATTEMPTS;
  }

  #callContext(tenant: TenantRef, event: BusEvent | null): CallContext {
    return { subject: SYSTEM_SUBJECT, userToken: event?.userToken ?? event?.id ?? 'bus', tenant, createdBy: 'bus', reasonCode: null, comment: null };
  }
}

/**
 * How long a wake-up waits before dispatching: not at all for events someone may be listening for, nor
 * after a quiet spell; quiet events right after a dispatch wait out the rest of QUIET_BATCH_MS, so the
 * ones committed meanwhile (and the 200 ms poll's) go in one batch.
 */
export function wakeDelay(quietOnly: boolean, sinceLastDispatchMs: number): number {
  return !quietOnly || sinceLastDispatchMs >= QUIET_BATCH_MS ? 0 : QUIET_BATCH_MS - sinceLastDispatchMs;
}

function toEvent(row: Record<string, unknown>, tenant: TenantRef): BusEvent {
  return {
    recordId: Number(row['record_id']),
    id: String(row['id']),
    tenant,
    accountRecordId: nullableNumber(row['account_record_id']),
    eventType: String(row['event_type']),
    objectType: (row['object_type'] as BusEvent['objectType']) ?? null,
    objectId: (row['object_id'] as string | null) ?? null,
    payload: jsonObject(row['payload']),
    userToken: (row['user_token'] as string | null) ?? null,
    createdDate: utcDate(row['created_date']),
  };
}

/**
 * Of the claimed `rows` (record order), the quiet ones that lead their account's pending events: per
 * account, the run of quiet rows from its earliest pending event up to its first loud one. One read checks
 * that each run starts at the account's earliest pending event and that no other pending event (one
 * another node claimed: SKIP LOCKED) sits between its rows, so history keeps each account's order.
 */
async function leadingQuiet(
  em: EntityManager,
  rows: readonly { record_id: number | string; tenant_record_id: number | string; account_record_id: number | string | null }[],
  quietIds: ReadonlySet<number | string>,
): Promise<(number | string)[]> {
  const key = (t: number | string, a: number | string | null) => `${t}/${a ?? ''}`;
  const byAccount = new Map<string, typeof rows[number][]>();
  for (const r of rows) {
    const k = key(r.tenant_record_id, r.account_record_id);
    const list = byAccount.get(k) ?? [];
    list.push(r);
    byAccount.set(k, list);
  }
  const runs: (typeof rows[number])[][] = [];
  for (const list of byAccount.values()) {
    const end = list.findIndex((r) => !quietIds.has(r.record_id));
    const run = end < 0 ? list : list.slice(0, end);
    if (run.length > 0) runs.push(run);
  }
  if (runs.length === 0) return [];
  const where = runs.map(() => '(tenant_record_id = ? and account_record_id <=> ? and record_id <= ?)').join(' or ');
  const spans = (await em.getConnection().execute(
    `select tenant_record_id, account_record_id, min(record_id) as first, count(*) as n from bus_events where ${where} group by tenant_record_id, account_record_id`,
    runs.flatMap((run) => [run[0]!.tenant_record_id, run[0]!.account_record_id, run.at(-1)!.record_id]),
    'all',
    em.getTransactionContext(),
  )) as { tenant_record_id: number | string; account_record_id: number | string | null; first: number | string; n: number | string }[];
  const spanOf = new Map(spans.map((f) => [key(f.tenant_record_id, f.account_record_id), f]));
  const out: (number | string)[] = [];
  for (const run of runs) {
    const span = spanOf.get(key(run[0]!.tenant_record_id, run[0]!.account_record_id));
    if (span && String(span.first) === String(run[0]!.record_id) && Number(span.n) === run.length) out.push(...run.map((r) => r.record_id));
  }
  return out;
}

/**
 * Moves outbox rows to history in the caller's transaction: a handled or DEAD event (the handler holds the
 * account lock), or quiet events in the dispatcher's claiming transaction (see #dispatchBatch).
 */
async function moveToHistory(em: EntityManager, recordIds: number | readonly (number | string)[], state: 'HANDLED' | 'DEAD', error: string | null): Promise<void> {
  const ids = typeof recordIds === 'number' ? [recordIds] : recordIds;
  const conn = em.getConnection();
  const tx = em.getTransactionContext();
  const list = ids.map(() => '?').join(',');
  await conn.execute(
    `insert into bus_events_history (record_id, id, tenant_record_id, account_record_id, event_type, object_type, object_id, payload, user_token, created_date, state, attempts, last_error, handled_date)
     select record_id, id, tenant_record_id, account_record_id, event_type, object_type, object_id, payload, user_token, created_date, ?, attempts, coalesce(?, last_error), ?
     from bus_events where record_id in (${list})`,
    [state, error, new Date(), ...ids],
    'run',
    tx,
  );
  await conn.execute(`delete from bus_events where record_id in (${list})`, [...ids], 'run', tx);
}

function errorText(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.slice(0, 1024);
}
