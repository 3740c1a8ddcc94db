import type { EntityManager, Transaction } from '@mikro-orm/core';
import type { TenantContext } from '../context.js';
import type { Database } from '../persistence/database.js';
import { jsonObject, nullableNumber, utcDate } from '../persistence/raw-row.js';

/** Kill Bill's processing states of a queue entry (killbill-commons PersistentQueueEntryLifecycleState). */
export type ProcessingState = 'AVAILABLE' | 'IN_PROCESSING' | 'PROCESSED' | 'REMOVED' | 'FAILED';

export interface QueueEntry {
  readonly recordId: number;
  readonly id: string;
  /** The event type of a bus event, the queue name of a notification. */
  readonly name: string;
  readonly accountRecordId: number | null;
  readonly createdDate: Date;
  /** When a notification fires; a bus event's own creation. */
  readonly effectiveDate: Date;
  readonly processingState: ProcessingState;
  readonly errorCount: number;
  readonly lastError: string | null;
  readonly payload: Record<string, unknown>;
}

export interface QueueEntriesQuery {
  readonly accountRecordId?: number;
  readonly withHistory: boolean;
  readonly withBusEvents: boolean;
  readonly withNotifications: boolean;
  readonly minDate?: Date;
  readonly maxDate?: Date;
}

/**
 * What `GET /1.0/kb/admin/queues` shows: the tenant's bus events and notifications in flight and, with
 * history, the handled and DEAD ones (a DEAD entry is FAILED, with the last error). Never another tenant's.
 */
export async function queueEntries(db: Database, ctx: TenantContext, q: QueueEntriesQuery): Promise<{ busEvents: QueueEntry[]; notifications: QueueEntry[] }> {
  // One transaction, so every query reads the same snapshot: a row moving from the hot table to history
  // between two reads would otherwise be listed twice (or not at all).
  return db.fork().transactional(async (em) => entriesIn(em.getConnection(), em.getTransactionContext<Transaction>(), ctx, q));
}

async function entriesIn(
  conn: ReturnType<EntityManager['getConnection']>,
  tx: Transaction | undefined,
  ctx: TenantContext,
  q: QueueEntriesQuery,
): Promise<{ busEvents: QueueEntry[]; notifications: QueueEntry[] }> {
  const where = (dateColumn: string) => {
    const parts = ['tenant_record_id = ?'];
    const params: unknown[] = [ctx.tenant.recordId];
    if (q.accountRecordId !== undefined) (parts.push('account_record_id = ?'), params.push(q.accountRecordId));
    if (q.minDate) (parts.push(`${dateColumn} >= ?`), params.push(q.minDate));
    if (q.maxDate) (parts.push(`${dateColumn} <= ?`), params.push(q.maxDate));
    return { sql: parts.join(' and '), params };
  };
  const read = async (sql: string, params: unknown[]) =>
    ((await conn.execute(`${sql} order by record_id limit 10000`, params, 'all', tx)) as Record<string, unknown>[]).map(toEntry);

  const busEvents: QueueEntry[] = [];
  const notifications: QueueEntry[] = [];
  if (q.withBusEvents) {
    const w = where('created_date');
    busEvents.push(
      ...(await read(
        `select record_id, id, event_type as name, account_record_id, created_date, created_date as effective_date, case when dispatched_date is null then 'AVAILABLE' else 'IN_PROCESSING' end as state, attempts, last_error, payload from bus_events where ${w.sql}`,
        w.params,
      )),
    );
    if (q.withHistory) {
      busEvents.push(
        ...(await read(
          `select record_id, id, event_type as name, account_record_id, created_date, created_date as effective_date, case state when 'DEAD' then 'FAILED' else 'PROCESSED' end as state, attempts, last_error, payload from bus_events_history where ${w.sql}`,
          w.params,
        )),
      );
    }
  }
  if (q.withNotifications) {
    const w = where('effective_date');
    notifications.push(
      ...(await read(
        `select record_id, id, queue_name as name, account_record_id, created_date, effective_date, 'AVAILABLE' as state, attempts, last_error, payload from notifications where ${w.sql}`,
        w.params,
      )),
    );
    if (q.withHistory) {
      notifications.push(
        ...(await read(
          `select record_id, id, queue_name as name, account_record_id, created_date, effective_date, case state when 'DEAD' then 'FAILED' when 'REMOVED' then 'REMOVED' else 'PROCESSED' end as state, attempts, last_error, payload from notifications_history where ${w.sql}`,
          w.params,
        )),
      );
    }
  }
  const byRecord = (a: QueueEntry, b: QueueEntry) => a.recordId - b.recordId;
  return { busEvents: busEvents.sort(byRecord), notifications: notifications.sort(byRecord) };
}

function toEntry(row: Record<string, unknown>): QueueEntry {
  return {
    recordId: Number(row['record_id']),
    id: String(row['id']),
    name: String(row['name']),
    accountRecordId: nullableNumber(row['account_record_id']),
    createdDate: utcDate(row['created_date']),
    effectiveDate: utcDate(row['effective_date']),
    processingState: row['state'] as ProcessingState,
    errorCount: Number(row['attempts']),
    lastError: (row['last_error'] as string | null) ?? null,
    payload: jsonObject(row['payload']),
  };
}
