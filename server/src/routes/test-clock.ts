import { BillingError, parseTimeZone, type TestClock } from '@billwright/core';
import { Hono, type Context } from 'hono';
import { DateTime, type DurationLike } from 'luxon';
import type { AppEnv } from '../env.js';
import { queryInteger } from '../http/query.js';

/** Kill Bill waits 5 s by default; an hour is the longest a test can sensibly ask a request to hang. */
const DEFAULT_TIMEOUT_SEC = 5;
const MAX_TIMEOUT_SEC = 3600;
const MAX_MOVE = 100_000;

/**
 * `/1.0/kb/test` (Kill Bill's TestResource): the deployment-wide test clock, and waiting for the queues.
 * Only in test mode (KB_TEST_MODE); otherwise every path answers 404. Tenant headers are optional: when
 * given, they must be right, and the wait is for that tenant's work only, as Kill Bill's.
 */
export const testClock = new Hono<AppEnv>();

testClock.use('*', async (c, next) => {
  if (!c.get('engine').testClock) throw new BillingError('TEST_MODE_DISABLED', 'The test API is disabled: start the server with KB_TEST_MODE=true');
  await next();
});

testClock.get('/clock', (c) => c.json(clockJson(clockOf(c), timeZone(c))));

testClock.post('/clock', async (c) => {
  const { clock, zone, timeoutSec, tenant } = await clockCall(c);
  const requested = c.req.query('requestedDate');
  await clock.set(requested === undefined || requested === '' ? null : requestedDate(requested));
  return c.json(await settle(clock, zone, timeoutSec, tenant));
});

testClock.put('/clock', async (c) => {
  const { clock, zone, timeoutSec, tenant } = await clockCall(c);
  const by = moveBy(c);
  if (by) {
    const target = clock.now().plus(by);
    if (!target.isValid || target.year < 1970 || target.year > 9999) throw new BillingError('INVALID_PARAMETER', 'The clock cannot be moved that far');
    await clock.set(target);
  }
  return c.json(await settle(clock, zone, timeoutSec, tenant));
});

testClock.get('/queues', async (c) => {
  const drained = await clockOf(c).waitForQueues(await tenantRecordId(c), timeout(c));
  return c.body(null, drained ? 200 : 412);
});

/** Everything a clock change needs, checked before the clock moves, so a bad parameter changes nothing. */
async function clockCall(c: Context<AppEnv>) {
  return { clock: clockOf(c), zone: timeZone(c), timeoutSec: timeout(c), tenant: await tenantRecordId(c) };
}

/** Kill Bill answers with the clock once the queues drained or the timeout passed, whichever comes first. */
async function settle(clock: TestClock, zone: string, timeoutSec: number, tenant: number | null) {
  await clock.waitForQueues(tenant, timeoutSec);
  return clockJson(clock, zone);
}

/** Kill Bill's ClockResource: the instant with milliseconds in UTC, and the date it is in `timeZone`. */
function clockJson(clock: TestClock, zone: string) {
  const now = clock.now().toUTC();
  return { currentUtcTime: now.toISO(), timeZone: zone, localDate: now.setZone(zone).toISODate() };
}

function clockOf(c: Context<AppEnv>): TestClock {
  const clock = c.get('engine').testClock;
  if (!clock) throw new BillingError('TEST_MODE_DISABLED', 'The test API is disabled');
  return clock;
}

function timeZone(c: Context<AppEnv>): string {
  const v = c.req.query('timeZone');
  return v === undefined || v === '' ? 'UTC' : parseTimeZone(v);
}

function timeout(c: Context<AppEnv>): number {
  return queryInteger(c, 'timeoutSec', DEFAULT_TIMEOUT_SEC, 0, MAX_TIMEOUT_SEC);
}

/**
 * Kill Bill parses requestedDate with Joda's ISO date-time parser (a date alone is its midnight); without
 * an offset the server's zone applies, which is UTC for Kill Bill.
 */
function requestedDate(value: string): DateTime {
  const parsed = DateTime.fromISO(value, { zone: 'utc' });
  if (!parsed.isValid || parsed.year < 1970 || parsed.year > 9999) {
    throw new BillingError('INVALID_PARAMETER', `Invalid requestedDate '${value.slice(0, 64)}': expected an ISO date or date-time`, {
      parameter: 'requestedDate',
    });
  }
  return parsed;
}

/** Only the first unit given applies, in Kill Bill's order: days, weeks, months, years. */
function moveBy(c: Context<AppEnv>): DurationLike | null {
  for (const unit of ['days', 'weeks', 'months', 'years'] as const) {
    const raw = c.req.query(unit);
    if (raw === undefined || raw === '') continue;
    return { [unit]: queryInteger(c, unit, 0, -MAX_MOVE, MAX_MOVE) };
  }
  return null;
}

/** The caller's tenant when it sent tenant headers (checked like everywhere else), or null for all tenants. */
async function tenantRecordId(c: Context<AppEnv>): Promise<number | null> {
  const apiKey = c.req.header('X-Killbill-ApiKey');
  const apiSecret = c.req.header('X-Killbill-ApiSecret');
  if (!apiKey && !apiSecret) return null;
  const tenant = apiKey && apiSecret ? await c.get('engine').tenants.authenticate(apiKey, apiSecret) : null;
  if (!tenant) throw new BillingError('NOT_AUTHENTICATED', 'Invalid X-Killbill-ApiKey / X-Killbill-ApiSecret');
  return tenant.recordId;
}
