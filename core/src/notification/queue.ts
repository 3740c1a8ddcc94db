import type { EntityManager } from '@mikro-orm/core';
import type { DateTime } from 'luxon';
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { CallContext, TenantRef } from '../context.js';
import { lockAccount } from '../persistence/account-lock.js';
import type { Database } from '../persistence/database.js';
import { writeTx } from '../persistence/scope.js';
import { SYSTEM_SUBJECT } from '../security/subject.js';
import { Poller } from '../cluster/poller.js';
import { TenantRefs } from '../tenant/refs.js';
import { newId } from '../values/ids.js';
import { NotificationEntity } from './model.js';
import { jsonObject, nullableNumber, utcDate } from '../persistence/raw-row.js';

/** A notification as its handler receives it. */
export interface Notification {
  readonly recordId: number;
  readonly id: string;
  readonly tenant: TenantRef;
  readonly accountRecordId: number | null;
  readonly queueName: string;
  readonly effectiveDate: Date;
  readonly payload: Record<string, unknown>;
}

/** What a queue does when one of its notifications is due, inside a transaction holding the account lock. */
export type NotificationHandler = (em: EntityManager, notification: Notification, ctx: CallContext) => Promise<void>;

export interface ScheduleInput {
  readonly queueName: string;
  readonly effectiveDate: DateTime;
  readonly accountRecordId: number | null;
  readonly payload?: Record<string, unknown>;
}

/** An account with a due notification: what one fire looks at. */
interface Candidate {
  readonly tenantRecordId: number;
  readonly accountRecordId: number | null;
}

/** Accounts listed per poll round, per concurrent worker: enough to keep the workers busy between rounds. */
const CANDIDATES_PER_WORKER = 16;

/** A handler failing this many times on one notification gives it up as DEAD (kept in history). */
export const MAX_NOTIFICATION_ATTEMPTS = 5;
/** Retry delays after a failure, in business time (the test clock moves them too). */
const RETRY_MINUTES = [5, 15, 60, 240];

/** Writes future work in the caller's business transaction: it exists exactly when the change does. */
export function scheduleNotification(em: EntityManager, ctx: CallContext, clock: Clock, input: ScheduleInput): void {
  em.create(NotificationEntity, {
    id: newId(),
    tenantRecordId: ctx.tenant.recordId,
    accountRecordId: input.accountRecordId,
    queueName: input.queueName,
    effectiveDate: input.effectiveDate.toUTC().toJSDate(),
    payload: input.payload ?? {},
    userToken: ctx.userToken,
    createdDate: clock.now().toJSDate(),
    attempts: 0,
    lastError: null,
  });
}

/**
 * The notification queue: future-dated rows fire when the Clock (the test clock too) reaches them.
 *
 * Contract:
 * - a due notification is handled once in effect: the handler runs in the transaction that moves the row
 *   to history, under the account lock (other firers of the account wait for it) and the row's lock;
 * - effective-time order per account: a node locks the account first and then takes that account's
 *   earliest due row, so a later row never overtakes an earlier one, on one node or many;
 * - a node fires due rows of up to `concurrency` (KB_NOTIFICATION_CONCURRENCY) different accounts at
 *   once, each account at most once at a time (a bill run of 2,000 accounts is not one long line); across
 *   accounts there is no order, as between nodes;
 * - a failing handler is retried later (RETRY_MINUTES of business time), then kept as DEAD;
 * - every node polls (KB-style) and `wake()` polls at once (the test clock calls it when time moves);
 * - `onPoll` hooks run after each poll's due rows, for periodic sweeps that go by the same (test) clock
 *   (the payment janitor's search for interrupted calls).
 * Proved by notification/queue.test.ts.
 */
export class NotificationQueue {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #handlers = new Map<string, NotificationHandler>();
  readonly #pollHooks: (() => Promise<void>)[] = [];
  readonly #tenants: TenantRefs;
  readonly #poller: Poller;
  readonly #concurrency: number;

  constructor(deps: { db: Database; clock: Clock; logger: Logger; concurrency?: number }) {
    this.#db = deps.db;
    this.#concurrency = Math.max(1, deps.concurrency ?? 1);
    this.#clock = deps.clock;
    this.#logger = deps.logger.child({ component: 'notifications' });
    this.#tenants = new TenantRefs(deps.db);
    this.#poller = new Poller(
      () => this.#fireDue(),
      (err) => this.#logger.error({ err }, 'notification poll failed'),
    );
  }

  register(queueName: string, handler: NotificationHandler): void {
    if (this.#handlers.has(queueName)) throw new Error(`notification queue ${queueName} is registered twice`);
    this.#handlers.set(queueName, handler);
  }

  /** Runs `hook` after every poll (each node, every `pollMs` and on `wake()`); it decides itself whether it is time. */
  onPoll(hook: () => Promise<void>): void {
    this.#pollHooks.push(hook);
  }

  start(pollMs = 500): void {
    this.#poller.start(pollMs);
  }

  stop(): Promise<void> {
    return this.#poller.stop();
  }

  /** Fires what is due now (the test clock calls it when time moves; the timer is the backstop). */
  wake(): void {
    this.#poller.wake();
  }

  /** True while the tenant (any tenant when null) has a notification due at `now`. */
  async due(tenantRecordId: number | null, now: DateTime): Promise<boolean> {
    const conn = this.#db.fork().getConnection();
    const at = now.toUTC().toJSDate();
    const rows = (await (tenantRecordId === null
      ? conn.execute('select 1 from notifications where effective_date <= ? limit 1', [at])
      : conn.execute('select 1 from notifications where tenant_record_id = ? and effective_date <= ? limit 1', [tenantRecordId, at]))) as unknown[];
    return rows.length > 0 || this.#poller.busy;
  }

  async #fireDue(): Promise<void> {
    while (!this.#poller.stopped) {
      const candidates = await this.#candidates(this.#concurrency * CANDIDATES_PER_WORKER);
      // Nothing fired: another node holds them; the next poll looks again instead of spinning.
      if (candidates.length === 0 || !(await this.#fireEach(candidates))) break;
    }
    for (const hook of this.#pollHooks) {
      if (this.#poller.stopped) return;
      await hook().catch((err: unknown) => this.#logger.error({ err }, 'notification poll hook failed'));
    }
  }

  /**
   * Fires the earliest due row of each candidate account, `concurrency` accounts at a time. Each account is
   * listed once, so it never runs twice at once here (its lock keeps other nodes out). Answers whether
   * anything fired; an unexpected error is thrown after the others finish.
   */
  async #fireEach(candidates: readonly Candidate[]): Promise<boolean> {
    let next = 0;
    let fired = false;
    let failure: { err: unknown } | null = null;
    const worker = async () => {
      while (next < candidates.length && !this.#poller.stopped && !failure) {
        const c = candidates[next++]!;
        try {
          if (await this.#fireNextOf(c.tenantRecordId, c.accountRecordId)) fired = true;
        } catch (err) {
          failure ??= { err };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, candidates.length) }, worker));
    if (failure) throw (failure as { err: unknown }).err;
    return fired;
  }

  /** Accounts with a due row, the earliest first (by their earliest due row). */
  async #candidates(limit: number): Promise<Candidate[]> {
    const rows = (await this.#db
      .fork()
      .getConnection()
      .execute(
        `select tenant_record_id, account_record_id, min(effective_date) as first_date, min(record_id) as first_record
         from notifications where effective_date <= ?
         group by tenant_record_id, account_record_id order by first_date, first_record limit ${Number(limit)}`,
        [this.#clock.now().toJSDate()],
      )) as { tenant_record_id: number | string; account_record_id: number | string | null }[];
    return rows.map((row) => ({ tenantRecordId: Number(row.tenant_record_id), accountRecordId: row.account_record_id === null ? null : Number(row.account_record_id) }));
  }

  /** Under the account lock: the account's earliest due row, handled and moved to history in one transaction. */
  async #fireNextOf(tenantRecordId: number, accountRecordId: number | null): Promise<boolean> {
    const tenant = await this.#tenants.get(tenantRecordId);
    let fired: Notification | null = null;
    const ctx: CallContext = { subject: SYSTEM_SUBJECT, userToken: 'notification', tenant, createdBy: 'notification-queue', reasonCode: null, comment: null };
    try {
      await writeTx(this.#db, ctx, async (em) => {
        await lockAccount(em, tenantRecordId, accountRecordId);
        const conn = em.getConnection();
        const tx = em.getTransactionContext();
        // The account's earliest due row: found by a plain read (the account lock already keeps every other
        // firer of this account out), then locked by its key. A locking read that scans in date order would
        // also lock rows of other accounts it passes over, and SKIP LOCKED would then let a later row of those
        // accounts overtake an earlier one while their own firers run concurrently.
        const now = this.#clock.now().toJSDate();
        const earliest = (await conn.execute(
          'select record_id from notifications where tenant_record_id = ? and account_record_id <=> ? and effective_date <= ? order by effective_date, record_id limit 1',
          [tenantRecordId, accountRecordId, now],
          'all',
          tx,
        )) as { record_id: number | string }[];
        if (!earliest[0]) return;
        const rows = (await conn.execute('select * from notifications where record_id = ? and effective_date <= ? for update', [earliest[0].record_id, now], 'all', tx)) as Record<
          string,
          unknown
        >[];
        const row = rows[0];
        if (!row) return;
        fired = toNotification(row, tenant);
        const handler = this.#handlers.get(fired.queueName);
        if (!handler) throw new Error(`no handler for notification queue ${fired.queueName}`);
        await handler(em, fired, { ...ctx, userToken: (row['user_token'] as string | null) ?? fired.id });
        await moveToHistory(em, fired.recordId, 'HANDLED', null);
      });
    } catch (err) {
      if (!fired) throw err;
      await this.#recordFailure(fired, err);
    }
    return fired !== null;
  }

  async #recordFailure(n: Notification, err: unknown): Promise<void> {
    const text = (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(0, 1024);
    await this.#db.fork().transactional(async (em) => {
      const conn = em.getConnection();
      const tx = em.getTransactionContext();
      const rows = (await conn.execute('select attempts from notifications where record_id = ? for update', [n.recordId], 'all', tx)) as { attempts: number }[];
      if (!rows[0]) return;
      const attempts = rows[0].attempts + 1;
      if (attempts >= MAX_NOTIFICATION_ATTEMPTS) {
        this.#logger.error({ err, notificationId: n.id, queue: n.queueName, attempts }, 'notification is DEAD: every attempt failed');
        await conn.execute('update notifications set attempts = ?, last_error = ? where record_id = ?', [attempts, text, n.recordId], 'run', tx);
        await moveToHistory(em, n.recordId, 'DEAD', text);
        return;
      }
      const retryAt = this.#clock.now().plus({ minutes: RETRY_MINUTES[attempts - 1] ?? 240 }).toJSDate();
      this.#logger.warn({ err, notificationId: n.id, queue: n.queueName, attempts, retryAt }, 'notification failed; will retry');
      await conn.execute('update notifications set attempts = ?, last_error = ?, effective_date = ? where record_id = ?', [attempts, text, retryAt, n.recordId], 'run', tx);
    });
  }
}

async function moveToHistory(em: EntityManager, recordId: number, state: 'HANDLED' | 'DEAD' | 'REMOVED', error: string | null): Promise<void> {
  const conn = em.getConnection();
  const tx = em.getTransactionContext();
  await conn.execute(
    `insert into notifications_history (record_id, id, tenant_record_id, account_record_id, queue_name, effective_date, payload, user_token, created_date, state, attempts, last_error, handled_date)
     select record_id, id, tenant_record_id, account_record_id, queue_name, effective_date, payload, user_token, created_date, ?, attempts, coalesce(?, last_error), ?
     from notifications where record_id = ?`,
    [state, error, new Date(), recordId],
    'run',
    tx,
  );
  await conn.execute('delete from notifications where record_id = ?', [recordId], 'run', tx);
}

function toNotification(row: Record<string, unknown>, tenant: TenantRef): Notification {
  return {
    recordId: Number(row['record_id']),
    id: String(row['id']),
    tenant,
    accountRecordId: nullableNumber(row['account_record_id']),
    queueName: String(row['queue_name']),
    effectiveDate: utcDate(row['effective_date']),
    payload: jsonObject(row['payload']),
  };
}
