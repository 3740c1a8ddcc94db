import type { Duration } from 'luxon';
import type { Logger } from 'pino';
import type { Bus } from '../bus/bus.js';
import { EXT_BUS_EVENT_TYPES } from '../bus/event.js';
import type { Clock } from '../clock/clock.js';
import type { CallContext, TenantContext } from '../context.js';
import { BillingError } from '../errors/index.js';
import { scheduleNotification, type Notification, type NotificationQueue } from '../notification/queue.js';
import type { Database } from '../persistence/database.js';
import { writeTx } from '../persistence/scope.js';
import type { TenantService } from '../tenant/service.js';
import { SYSTEM_SUBJECT } from '../security/subject.js';
import { TenantKey, type TenantKeyValue } from '../tenant/tenant.js';
import { postNotification, PUSH_TIMEOUT_MS, type PushNotificationKey } from './delivery.js';
import { DEFAULT_PUSH_RETRIES, retryDelay } from './retries.js';
import { newSigningSecret } from './signature.js';
import { extAccountId, extMetaData } from '../bus/ext-fields.js';

/**
 * Push notifications (Kill Bill's PushNotificationListener + PushNotificationRetryService), signed.
 *
 * Flow: the bus consumer sees each external event; for a tenant with callbacks it schedules one
 * `push-notification` notification per URL, effective now, in the event's transaction (so an event
 * is turned into deliveries exactly once, and never by an HTTP call inside the bus transaction).
 *
 * Where the HTTP call happens — claim in the handler, call outside, record after: the queue runs a
 * handler in a transaction that holds the account lock and a pooled connection. A receiver that hangs
 * for the 15 s timeout there would stall every write of that account (API calls, invoicing) and, with
 * a few slow receivers, drain the connection pool. So the handler only claims: the row moves to
 * history when its transaction commits, and the POST starts beside it, outside any transaction. The
 * outcome is recorded afterwards in a short transaction of its own: a failure schedules attempt+1 at
 * Kill Bill's retry delay (business time), or, past the last one, a `push-notification-failed` record
 * with the last error (visible in `GET /1.0/kb/admin/queues`) and an error log.
 * The price: a node that dies during a POST loses that attempt (at-most-once for the attempt in flight;
 * `stop()` waits for deliveries in flight, so only a crash does it). Kill Bill itself retries from
 * wherever the attempt failed, with the same give-up; a duplicate is possible when the claim's commit
 * fails after the POST — receivers should treat deliveries as at-least-once in that corner.
 */
export interface PushNotificationService {
  /**
   * registerPushNotificationCallback: replaces the tenant's callback (Kill Bill's PUSH_NOTIFICATION_CB
   * is single-valued) and rotates the signing secret, returned here once.
   */
  register(ctx: CallContext, url: string): Promise<{ callbacks: TenantKeyValue; signingSecret: string }>;
  callbacks(ctx: TenantContext): Promise<TenantKeyValue>;
  /** deletePushNotificationCallbacks: the callbacks and the signing secret go. */
  unregister(ctx: CallContext): Promise<void>;
  /** True while a delivery of the tenant (any tenant when null) is in flight: the test clock drains it. */
  pending(tenantRecordId: number | null): boolean;
  /** Waits for the deliveries in flight (call after the notification queue stopped, before the database closes). */
  stop(): Promise<void>;
}

export interface PushNotificationDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly tenants: TenantService;
  readonly bus: Bus;
  readonly notifications: NotificationQueue;
  readonly retries?: readonly Duration[];
  readonly timeoutMs?: number;
}

/** Billwright's key for the per-tenant signing secret (not a Kill Bill system key: changing it raises no event). */
export const PUSH_NOTIFICATION_SECRET_KEY = 'PUSH_NOTIFICATION_SECRET';
export const PUSH_NOTIFICATION_QUEUE = 'push-notification';
export const PUSH_NOTIFICATION_FAILED_QUEUE = 'push-notification-failed';
const MAX_URL = 2048;

export function createPushNotificationService(deps: PushNotificationDeps): PushNotificationService {
  const { db, clock, tenants, bus, notifications } = deps;
  const retries = deps.retries ?? DEFAULT_PUSH_RETRIES;
  const timeoutMs = deps.timeoutMs ?? PUSH_TIMEOUT_MS;
  const logger = deps.logger.child({ component: 'push-notifications' });
  const inFlight = new Map<Promise<void>, number>();

  bus.subscribe('push-notifications', EXT_BUS_EVENT_TYPES, async (em, event, ctx) => {
    const values = await tenants.getValuesInTx(em, ctx, TenantKey.PUSH_NOTIFICATION_CB);
    // No callback, no work (Kill Bill issue #297): nothing is scheduled and no HTTP call is made.
    if (values.length === 0) return;
    const base = { eventType: event.eventType, accountId: await extAccountId(em, event), objectType: event.objectType, objectId: event.objectId, metaData: extMetaData(event) };
    for (const url of new Set(values)) {
      const key: PushNotificationKey = { ...base, url, attempt: 0 };
      scheduleNotification(em, ctx, clock, { queueName: PUSH_NOTIFICATION_QUEUE, effectiveDate: clock.now(), accountRecordId: event.accountRecordId, payload: { ...key } });
    }
  }, {
    // A tenant without a callback gets nothing (above); said up front, its events need no handling at all.
    listening: async (tenant) => (await tenants.getValues({ subject: SYSTEM_SUBJECT, userToken: 'bus', tenant }, TenantKey.PUSH_NOTIFICATION_CB)).values.length > 0,
  });

  notifications.register(PUSH_NOTIFICATION_QUEUE, async (_em, n, ctx) => {
    const delivery = deliver(ctx, n, readKey(n.payload)).catch((err: unknown) => logger.error({ err, notificationId: n.id }, 'push notification outcome not recorded'));
    inFlight.set(delivery, ctx.tenant.recordId);
    void delivery.finally(() => inFlight.delete(delivery));
  });
  // A record only: the last error of a notification that exhausted its retries stays listed in history.
  notifications.register(PUSH_NOTIFICATION_FAILED_QUEUE, async () => {});

  async function deliver(ctx: CallContext, n: Notification, key: PushNotificationKey): Promise<void> {
    const secret = (await tenants.getValues(ctx, PUSH_NOTIFICATION_SECRET_KEY)).values.at(-1) ?? null;
    const outcome = await postNotification(key, secret, String(Math.floor(Date.now() / 1000)), timeoutMs);
    if (outcome.ok) return;
    const next = key.attempt + 1;
    const delay = retryDelay(retries, next);
    const log = { tenantRecordId: ctx.tenant.recordId, url: key.url, eventType: key.eventType, attempt: key.attempt, reason: outcome.reason };
    await writeTx(db, ctx, async (em) => {
      if (delay) {
        logger.warn({ ...log, retryIn: delay.toISO() }, 'push notification failed; rescheduled');
        const retry = { ...key, attempt: next, previousError: outcome.reason };
        scheduleNotification(em, ctx, clock, { queueName: PUSH_NOTIFICATION_QUEUE, effectiveDate: clock.now().plus(delay), accountRecordId: n.accountRecordId, payload: retry });
      } else {
        logger.error(log, 'push notification failed after its last retry; giving up');
        const failed = { ...key, attempts: next, lastError: outcome.reason };
        scheduleNotification(em, ctx, clock, { queueName: PUSH_NOTIFICATION_FAILED_QUEUE, effectiveDate: clock.now(), accountRecordId: n.accountRecordId, payload: failed });
      }
    });
  }

  return {
    async register(ctx, url) {
      checkCallbackUrl(url);
      const signingSecret = newSigningSecret();
      // The secret first: a failure between the two writes leaves the old callback with a secret nobody has, never a new callback unsigned.
      await tenants.putValue(ctx, PUSH_NOTIFICATION_SECRET_KEY, signingSecret);
      const callbacks = await tenants.putValue(ctx, TenantKey.PUSH_NOTIFICATION_CB, url);
      return { callbacks, signingSecret };
    },

    callbacks: (ctx) => tenants.getValues(ctx, TenantKey.PUSH_NOTIFICATION_CB),

    async unregister(ctx) {
      await tenants.deleteKey(ctx, TenantKey.PUSH_NOTIFICATION_CB);
      await tenants.deleteKey(ctx, PUSH_NOTIFICATION_SECRET_KEY);
    },

    pending(tenantRecordId) {
      return [...inFlight.values()].some((t) => tenantRecordId === null || t === tenantRecordId);
    },

    async stop() {
      await Promise.allSettled([...inFlight.keys()]);
    },
  };
}

/** Kill Bill stores any string; Billwright accepts only an absolute http(s) URL, so no attempt is doomed from the start. */
function checkCallbackUrl(url: string): void {
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    parsed = null;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || url.length > MAX_URL) {
    throw new BillingError('INVALID_PARAMETER', `Invalid push notification callback '${url.slice(0, 128)}': an absolute http or https URL is required`, { field: 'cb' });
  }
}

/**
 * The account id Kill Bill puts in NotificationJson: what the emitter gave (`payload.accountId`, null
 * for tenant configuration events), else the id of the account the event belongs to. Read with the
 * event's own transaction; accounts are looked up by record id, which the account service has no door for.
 */


function readKey(payload: Record<string, unknown>): PushNotificationKey {
  const text = (k: string) => (typeof payload[k] === 'string' ? (payload[k] as string) : null);
  const url = text('url');
  const eventType = text('eventType');
  if (!url || !eventType) throw new Error('push notification payload lacks url or eventType');
  return { url, eventType, accountId: text('accountId'), objectType: text('objectType'), objectId: text('objectId'), metaData: text('metaData'), attempt: Number(payload['attempt'] ?? 0) };
}
