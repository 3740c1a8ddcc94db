import type { EntityManager } from '@mikro-orm/core';
import type { DateTime } from 'luxon';
import { NotificationEntity } from './model.js';

/** Reads of an account's pending notifications inside the caller's transaction (for queues that must not schedule twice). */

export async function hasPendingNotification(em: EntityManager, queueName: string, accountRecordId: number, at: DateTime): Promise<boolean> {
  return (await em.count(NotificationEntity, { queueName, accountRecordId, effectiveDate: at.toUTC().toJSDate() })) > 0;
}

/** The earliest pending effective instant of the account on the queue, or null. */
export async function earliestPendingNotification(em: EntityManager, queueName: string, accountRecordId: number): Promise<Date | null> {
  const row = await em.findOne(NotificationEntity, { queueName, accountRecordId }, { orderBy: { effectiveDate: 'asc' } });
  return row?.effectiveDate ?? null;
}
