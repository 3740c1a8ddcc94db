import type { EntityManager } from '@mikro-orm/core';
import { Duration } from 'luxon';
import type { Logger } from 'pino';
import type { ExtBusEventDto } from '@billwright/plugin-api';
import type { Bus } from '../bus/bus.js';
import { EXT_BUS_EVENT_TYPES, type BusEvent } from '../bus/event.js';
import type { Clock } from '../clock/clock.js';
import type { CallContext } from '../context.js';
import { isBillingError } from '../errors/index.js';
import { scheduleNotification, type Notification, type NotificationQueue } from '../notification/queue.js';
import type { Database } from '../persistence/database.js';
import { writeTx } from '../persistence/scope.js';
import { retryDelay } from '../push/retries.js';
import type { TenantService } from '../tenant/service.js';
import { TenantKey } from '../tenant/tenant.js';
import type { PluginService } from './service.js';
import { extAccountId, extMetaData } from '../bus/ext-fields.js';

/**
 * The `notification` extension point (Kill Bill's OSGI notification plugins / ExtBusEvent listeners):
 * every external bus event of a tenant reaches each running plugin that declares `notification`.
 *
 * Never inline, so a slow plugin cannot stall billing: the bus consumer only schedules one `plugin-event`
 * notification per plugin in the event's transaction. The queue handler claims it (the row moves to
 * history when that transaction commits) and the `$onEvent` call runs beside it, outside any transaction
 * — a call may take its whole deadline, and the handler's transaction holds the account lock (push/service.ts
 * explains the same "claim in the handler, call outside, record after"). The outcome is recorded in a short
 * transaction of its own: a failure schedules attempt+1 after a short delay in business time, or, past the
 * last retry, a `plugin-event-failed` record with the last error (listed by `GET /1.0/kb/admin/queues`).
 *
 * Order: calls of one plugin for one tenant run one at a time, in the order they were claimed (the queue
 * claims per account in effective-time order), so read-then-write plugins such as hello-world's counter are
 * safe. A retried event arrives after the later ones that succeeded. A node that dies while a call waits or
 * runs loses that attempt (at-most-once for the attempt in flight), as push does.
 */
export interface PluginNotificationService {
  /** True while a call for the tenant (any tenant when null) waits or runs: the test clock drains it. */
  pending(tenantRecordId: number | null): boolean;
  /** Waits for the calls in flight (after the notification queue stopped, before the database closes). */
  stop(): Promise<void>;
}

export interface PluginNotificationDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly tenants: TenantService;
  readonly bus: Bus;
  readonly notifications: NotificationQueue;
  readonly plugins: Pick<PluginService, 'runningPlugins' | 'use' | 'hostFor'>;
  readonly retries?: readonly Duration[];
  readonly deadlineMs?: number;
}

export const PLUGIN_EVENT_QUEUE = 'plugin-event';
export const PLUGIN_EVENT_FAILED_QUEUE = 'plugin-event-failed';
/** A listener is not a gateway: a short schedule, so a plugin that was restarting catches up soon. */
export const DEFAULT_PLUGIN_EVENT_RETRIES: readonly Duration[] = ['PT30S', 'PT2M', 'PT10M'].map((iso) => Duration.fromISO(iso));
export const PLUGIN_EVENT_DEADLINE_MS = 10_000;

interface PluginEventKey {
  readonly plugin: string;
  readonly event: ExtBusEventDto;
  readonly attempt: number;
}

export function createPluginNotificationService(deps: PluginNotificationDeps): PluginNotificationService {
  const { db, clock, tenants, bus, notifications, plugins } = deps;
  const retries = deps.retries ?? DEFAULT_PLUGIN_EVENT_RETRIES;
  const deadlineMs = deps.deadlineMs ?? PLUGIN_EVENT_DEADLINE_MS;
  const logger = deps.logger.child({ component: 'plugin-notifications' });
  const lanes = new SerialLanes();
  const inFlight = new Map<Promise<void>, number>();

  const notificationPlugins = () => plugins.runningPlugins().filter((p) => p.manifest.extensionPoints.includes('notification'));
  bus.subscribe('plugin-notifications', EXT_BUS_EVENT_TYPES, async (em, event, ctx) => {
    const listeners = notificationPlugins();
    if (listeners.length === 0) return;
    const dto = await eventDto(em, event);
    for (const p of listeners) {
      const key: PluginEventKey = { plugin: p.manifest.name, event: dto, attempt: 0 };
      scheduleNotification(em, ctx, clock, { queueName: PLUGIN_EVENT_QUEUE, effectiveDate: clock.now(), accountRecordId: event.accountRecordId, payload: { ...key } });
    }
  }, { listening: () => notificationPlugins().length > 0 });

  notifications.register(PLUGIN_EVENT_QUEUE, async (_em, n, ctx) => {
    const key = readKey(n.payload);
    const delivery = lanes
      .run(`${key.plugin}:${ctx.tenant.recordId}`, () => deliver(ctx, n, key))
      .catch((err: unknown) => logger.error({ err, notificationId: n.id, plugin: key.plugin }, 'plugin event outcome not recorded'));
    inFlight.set(delivery, ctx.tenant.recordId);
    void delivery.finally(() => inFlight.delete(delivery));
  });
  // A record only: the last error of an event a plugin never took stays listed in history.
  notifications.register(PLUGIN_EVENT_FAILED_QUEUE, async () => {});

  async function call(ctx: CallContext, key: PluginEventKey): Promise<string | null> {
    try {
      const tenant = await tenants.getById(ctx.tenant.id);
      const pluginConfig = (await tenants.getValues(ctx, TenantKey.pluginConfig(key.plugin))).values[0] ?? null;
      const outcome = await plugins.use(
        key.plugin,
        (pool, plugin) =>
          pool.call<void>('$onEvent', [key.event], {
            ctx: { tenant: { tenantId: tenant.id, apiKey: tenant.apiKey }, pluginConfig, userName: null, userToken: key.event.userToken },
            deadlineMs,
            host: plugins.hostFor(plugin, ctx),
          }),
        ctx,
      );
      return outcome.kind === 'ok' ? null : `${outcome.error.code}: ${outcome.error.message}`;
    } catch (err) {
      // use() refuses with PLUGIN_UNAVAILABLE when the plugin was stopped since the event: retried like a failure.
      if (isBillingError(err)) return `${err.code}: ${err.message}`;
      throw err;
    }
  }

  async function deliver(ctx: CallContext, n: Notification, key: PluginEventKey): Promise<void> {
    const reason = await call(ctx, key);
    if (reason === null) return;
    const next = key.attempt + 1;
    const delay = retryDelay(retries, next);
    const log = { tenantRecordId: ctx.tenant.recordId, plugin: key.plugin, eventType: key.event.eventType, eventId: key.event.eventId, attempt: key.attempt, reason };
    await writeTx(db, ctx, async (em) => {
      if (delay) {
        logger.warn({ ...log, retryIn: delay.toISO() }, 'plugin event delivery failed; rescheduled');
        const retry = { ...key, attempt: next, previousError: reason.slice(0, 1024) };
        scheduleNotification(em, ctx, clock, { queueName: PLUGIN_EVENT_QUEUE, effectiveDate: clock.now().plus(delay), accountRecordId: n.accountRecordId, payload: retry });
      } else {
        logger.error(log, 'plugin event delivery failed after its last retry; giving up');
        const failed = { ...key, attempts: next, lastError: reason.slice(0, 1024) };
        scheduleNotification(em, ctx, clock, { queueName: PLUGIN_EVENT_FAILED_QUEUE, effectiveDate: clock.now(), accountRecordId: n.accountRecordId, payload: failed });
      }
    });
  }

  return {
    pending(tenantRecordId) {
      return [...inFlight.values()].some((t) => tenantRecordId === null || t === tenantRecordId);
    },
    async stop() {
      await Promise.allSettled([...inFlight.keys()]);
    },
  };
}

/** Runs tasks of one key one after another (in call order); tasks of different keys run side by side. */
export class SerialLanes {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  get size(): number {
    return this.#tails.size;
  }
}

/** Kill Bill's ExtBusEvent (bus/ext-fields.ts reads accountId and metaData, as for push notifications). */
async function eventDto(em: EntityManager, event: BusEvent): Promise<ExtBusEventDto> {
  return {
    eventId: event.id,
    eventType: event.eventType,
    objectType: event.objectType,
    objectId: event.objectId,
    accountId: await extAccountId(em, event),
    tenantId: event.tenant.id,
    metaData: extMetaData(event),
    userToken: event.userToken,
    createdDate: event.createdDate.toISOString(),
  };
}


function readKey(payload: Record<string, unknown>): PluginEventKey {
  const plugin = payload['plugin'];
  const event = payload['event'];
  if (typeof plugin !== 'string' || typeof event !== 'object' || event === null) throw new Error('plugin event payload lacks plugin or event');
  return { plugin, event: event as ExtBusEventDto, attempt: Number(payload['attempt'] ?? 0) };
}
