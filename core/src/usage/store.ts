import { Decimal } from 'decimal.js';
import type { EntityManager } from '@mikro-orm/core';
import type { LocalDate } from '../subscription/account-time.js';
import { RolledUpUsageEntity } from './model.js';
import type { UsageRecord } from './usage.js';

/**
 * The reads of rolled_up_usage, on an entity manager the caller scoped (tenant filter on): the invoice run
 * calls `accountUsageUpTo` inside its own transaction, with the account lock held.
 */

const toRecord = (r: { subscriptionId: string; unitType: string; recordDate: string; amount: string; trackingId: string }): UsageRecord => ({
  subscriptionId: r.subscriptionId,
  unitType: r.unitType,
  recordDate: r.recordDate as LocalDate,
  amount: new Decimal(r.amount),
  trackingId: r.trackingId,
});

/** Every record of the account's subscriptions up to `upTo` (included), oldest first. */
export async function accountUsageUpTo(em: EntityManager, accountRecordId: number, upTo: LocalDate): Promise<UsageRecord[]> {
  const rows = await em.find(RolledUpUsageEntity, { accountRecordId, recordDate: { $lte: upTo } }, { orderBy: { recordDate: 'ASC', recordId: 'ASC' } });
  return rows.map(toRecord);
}

/** The records of one subscription in [from, to), optionally of one unit. */
export async function subscriptionUsage(em: EntityManager, subscriptionId: string, from: LocalDate, to: LocalDate, unitType: string | null): Promise<UsageRecord[]> {
  const where = { subscriptionId, recordDate: { $gte: from, $lt: to }, ...(unitType === null ? {} : { unitType }) };
  const rows = await em.find(RolledUpUsageEntity, where, { orderBy: { recordDate: 'ASC', recordId: 'ASC' } });
  return rows.map(toRecord);
}

export async function trackingIdExists(em: EntityManager, subscriptionId: string, trackingId: string): Promise<boolean> {
  return (await em.count(RolledUpUsageEntity, { subscriptionId, trackingId })) > 0;
}
