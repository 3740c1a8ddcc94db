import type { EntityManager } from '@mikro-orm/core';
import type { DateTime } from 'luxon';
import type { Clock } from '../clock/clock.js';
import type { CallContext } from '../context.js';
import { earliestPendingNotification, hasPendingNotification } from '../notification/pending.js';
import { scheduleNotification } from '../notification/queue.js';

/**
 * The next-billing-date queue (Kill Bill's NextBillingDateNotifier): a run is due for the account at each
 * date the generator answers (§4.12). One notification per account and instant: a date already pending is
 * not scheduled twice, so repeated runs do not pile up duplicate runs.
 */
export const NEXT_BILLING_QUEUE = 'invoice-next-billing';

export async function scheduleNextBilling(em: EntityManager, ctx: CallContext, clock: Clock, accountRecordId: number, at: DateTime): Promise<boolean> {
  if (await hasPendingNotification(em, NEXT_BILLING_QUEUE, accountRecordId, at)) return false;
  scheduleNotification(em, ctx, clock, { queueName: NEXT_BILLING_QUEUE, effectiveDate: at, accountRecordId, payload: { kind: 'nextBillingDate' } });
  await em.flush();
  return true;
}

/** The earliest pending next-billing instant of the account (dry run UPCOMING_INVOICE), or null. */
export function earliestPendingNextBilling(em: EntityManager, accountRecordId: number): Promise<Date | null> {
  return earliestPendingNotification(em, NEXT_BILLING_QUEUE, accountRecordId);
}
