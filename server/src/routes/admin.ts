import { BillingError, parseId, queueEntries, type QueueEntry } from '@billwright/core';
import { Hono } from 'hono';
import { DateTime } from 'luxon';
import type { AppEnv } from '../env.js';
import { tenantContext } from '../http/call-context.js';
import { queryBoolean } from '../http/query.js';

/**
 * `/1.0/kb/admin` (Kill Bill's AdminResource). `GET /queues` lists the tenant's bus events and
 * notifications, in flight and (withHistory) handled or DEAD, so no failure is ever invisible.
 */
export const admin = new Hono<AppEnv>();

admin.get('/queues', async (c) => {
  const ctx = tenantContext(c);
  const engine = c.get('engine');
  const accountId = c.req.query('accountId');
  const accountRecordId = accountId ? (await engine.objects.resolve(ctx, 'ACCOUNT', parseId<'Account'>(accountId, 'accountId'))).accountRecordId ?? undefined : undefined;
  const entries = await queueEntries(engine.db, ctx, {
    ...(accountRecordId !== undefined ? { accountRecordId } : {}),
    withHistory: queryBoolean(c, 'withHistory', true),
    withBusEvents: queryBoolean(c, 'withBusEvents', true),
    withNotifications: queryBoolean(c, 'withNotifications', true),
    ...dateParam(c.req.query('minDate'), 'minDate', 'minDate'),
    ...dateParam(c.req.query('maxDate'), 'maxDate', 'maxDate'),
  });
  return c.json({ busEvents: entries.busEvents.map(entryJson), notifications: entries.notifications.map(entryJson) });
});

function dateParam<K extends string>(value: string | undefined, name: string, key: K): Partial<Record<K, Date>> {
  if (!value) return {};
  const d = DateTime.fromISO(value, { zone: 'utc' });
  if (!d.isValid) throw new BillingError('INVALID_PARAMETER', `Query parameter ${name} must be an ISO date or date-time`);
  return { [key]: d.toJSDate() } as Partial<Record<K, Date>>;
}

function entryJson(e: QueueEntry) {
  return {
    recordId: e.recordId,
    id: e.id,
    name: e.name,
    createdDate: e.createdDate.toISOString(),
    effectiveDate: e.effectiveDate.toISOString(),
    processingState: e.processingState,
    errorCount: e.errorCount,
    lastError: e.lastError,
    payload: e.payload,
  };
}
