import { randomUUID } from 'node:crypto';
import { Duration } from 'luxon';
import { pino } from 'pino';
import type { CallContextDto, ExtBusEventDto } from '@billwright/plugin-api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL } from '../../../test/support/db.js';
import { openTestDatabase, testCallContext } from '../../../test/support/engine.js';
import { Bus } from '../bus/bus.js';
import { emitEvent } from '../bus/outbox.js';
import { systemClock } from '../clock/clock.js';
import type { CallContext, TenantRef } from '../context.js';
import { NotificationQueue } from '../notification/queue.js';
import type { Database } from '../persistence/database.js';
import { writeTx } from '../persistence/scope.js';
import { createTenantService } from '../tenant/service.js';
import type { TenantId } from '../values/ids.js';
import { PluginCallError, type PluginOutcome } from './errors.js';
import { createPluginNotificationService, PLUGIN_EVENT_FAILED_QUEUE, SerialLanes, type PluginNotificationService } from './notifications.js';
import type { CallablePool, PluginService } from './service.js';
import type { InstalledPlugin } from './store.js';

const logger = pino({ level: 'silent' });
let db: Database & { drop(): Promise<void> };
let ctx: CallContext;
let accountRecordId: number;
let accountId: string;
let running: { bus: Bus; queue: NotificationQueue; service: PluginNotificationService } | null = null;

interface Seen {
  readonly plugin: string;
  readonly ctx: CallContextDto;
  readonly event: ExtBusEventDto;
}

function installed(name: string, extensionPoints: string[]): InstalledPlugin {
  return { manifest: { name, version: '1.0.0', extensionPoints, permissions: [] } } as unknown as InstalledPlugin;
}

/** A plugin service whose plugins answer `$onEvent` with `answer(plugin)`, recording every call. */
function fakePlugins(list: InstalledPlugin[], answer: (plugin: string) => PluginOutcome<void>, seen: Seen[]): Pick<PluginService, 'runningPlugins' | 'use' | 'hostFor'> {
  return {
    runningPlugins: () => list,
    hostFor: () => null,
    async use(name, fn) {
      const plugin = list.find((p) => p.manifest.name === name)!;
      const pool: CallablePool = {
        call: async (_method, args, options) => {
          seen.push({ plugin: name, ctx: { ...options.ctx, deadlineMs: options.deadlineMs ?? 0 }, event: args[0] as ExtBusEventDto });
          return answer(name) as never;
        },
        close: async () => undefined,
        info: () => ({ name, version: '1.0.0', state: 'RUNNING', threads: 1, inFlight: 0, circuit: { state: 'CLOSED', consecutiveFailures: 0, retryAt: null } }),
      };
      return fn(pool, plugin);
    },
  };
}

async function start(plugins: Pick<PluginService, 'runningPlugins' | 'use' | 'hostFor'>): Promise<void> {
  const bus = new Bus({ db, logger, redisUrl: TEST_REDIS_URL });
  const queue = new NotificationQueue({ db, clock: systemClock, logger });
  const tenants = createTenantService({ db, clock: systemClock });
  const service = createPluginNotificationService({ db, clock: systemClock, logger, tenants, bus, notifications: queue, plugins, retries: [Duration.fromMillis(0), Duration.fromMillis(0)] });
  await bus.start();
  queue.start();
  running = { bus, queue, service };
}

async function emit(eventType: string): Promise<void> {
  await writeTx(db, ctx, async (em) => emitEvent(em, ctx, systemClock, { eventType, objectType: 'ACCOUNT', objectId: accountId, accountRecordId, payload: {} }));
  running?.bus.wake();
}

async function failedRecords(): Promise<{ payload: string | Record<string, unknown> }[]> {
  return (await db.fork().getConnection().execute('select payload from notifications_history where queue_name = ?', [PLUGIN_EVENT_FAILED_QUEUE])) as never;
}

beforeAll(async () => {
  db = await openTestDatabase(import.meta.filename);
  const conn = db.fork().getConnection();
  const tenantId = randomUUID();
  await conn.execute("insert into tenants (id, created_date, created_by, updated_date, updated_by, api_key, api_secret_hash) values (?, now(3), 't', now(3), 't', 'plugin-events-key', 'x')", [tenantId]);
  const [tenant] = (await conn.execute('select record_id from tenants')) as { record_id: number }[];
  const ref: TenantRef = { recordId: Number(tenant!.record_id), id: tenantId as TenantId };
  ctx = testCallContext(ref.recordId, { tenant: ref });
  accountId = randomUUID();
  await conn.execute(
    "insert into accounts (id, created_date, created_by, updated_date, updated_by, tenant_record_id, external_key, billing_cycle_day_local, is_payment_delegated_to_parent, reference_time, time_zone, migrated, is_closed) values (?, now(3), 't', now(3), 't', ?, 'acct', 0, 0, now(3), 'UTC', 0, 0)",
    [accountId, ref.recordId],
  );
  const [account] = (await conn.execute('select record_id from accounts')) as { record_id: number }[];
  accountRecordId = Number(account!.record_id);
  await createTenantService({ db, clock: systemClock }).putValue(ctx, 'PLUGIN_CONFIG_listener', 'greeting=Hi');
});

afterEach(async () => {
  if (!running) return;
  await running.queue.stop();
  await running.service.stop();
  await running.bus.stop();
  running = null;
});

afterAll(async () => {
  await db?.drop();
});

describe('plugin notifications', () => {
  it('delivers each external event to every running plugin that declares notification, with the tenant and its plugin config', async () => {
    const seen: Seen[] = [];
    await start(fakePlugins([installed('listener', ['notification']), installed('router', ['routes'])], () => ({ kind: 'ok', value: undefined }), seen));
    await emit('ACCOUNT_CREATION');
    await emit('TAG_CREATION');
    await expect.poll(() => seen.filter((s) => s.event.objectType === 'ACCOUNT').map((s) => s.event.eventType), { timeout: 15_000 }).toEqual(['ACCOUNT_CREATION', 'TAG_CREATION']);

    const first = seen.find((s) => s.event.eventType === 'ACCOUNT_CREATION')!;
    expect(first.plugin).toBe('listener');
    expect(first.event).toMatchObject({ objectId: accountId, accountId, tenantId: ctx.tenant.id, metaData: null, userToken: ctx.userToken });
    expect(first.ctx).toMatchObject({ tenant: { tenantId: ctx.tenant.id, apiKey: 'plugin-events-key' }, pluginConfig: 'greeting=Hi', userName: null });
    expect(seen.every((s) => s.plugin === 'listener')).toBe(true);
  });

  it('retries a failing plugin, then records the event as failed without holding back the other plugins', async () => {
    const seen: Seen[] = [];
    const failing = (plugin: string): PluginOutcome<void> =>
      plugin === 'broken' ? { kind: 'failed', error: new PluginCallError('PLUGIN_ERROR', 'onEvent exploded') } : { kind: 'ok', value: undefined };
    await start(fakePlugins([installed('broken', ['notification']), installed('listener', ['notification'])], failing, seen));
    await emit('ACCOUNT_CHANGE');

    await expect.poll(() => seen.filter((s) => s.event.eventType === 'ACCOUNT_CHANGE' && s.plugin === 'listener').length, { timeout: 15_000 }).toBe(1);
    // The first attempt and the two retries of the schedule, then a failed record with the last error.
    await expect
      .poll(async () => {
        running?.queue.wake();
        return (await failedRecords()).length;
      }, { timeout: 15_000, interval: 100 })
      .toBe(1);
    expect(seen.filter((s) => s.event.eventType === 'ACCOUNT_CHANGE' && s.plugin === 'broken')).toHaveLength(3);
    const [record] = await failedRecords();
    const payload = typeof record!.payload === 'string' ? (JSON.parse(record!.payload) as Record<string, unknown>) : record!.payload;
    expect(payload).toMatchObject({ plugin: 'broken', attempts: 3, lastError: 'PLUGIN_ERROR: onEvent exploded', event: { eventType: 'ACCOUNT_CHANGE' } });
  });
});

describe('SerialLanes', () => {
  it('runs the tasks of one key one at a time in call order, even after a failure, and other keys beside them', async () => {
    const lanes = new SerialLanes();
    const log: string[] = [];
    const task = (name: string, ms: number, fail = false) => async () => {
      log.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, ms));
      log.push(`end ${name}`);
      if (fail) throw new Error(name);
    };
    const runs = [lanes.run('a', task('a1', 30, true)), lanes.run('a', task('a2', 5)), lanes.run('b', task('b1', 5))];
    await Promise.allSettled(runs);
    expect(log.indexOf('end a1')).toBeLessThan(log.indexOf('start a2'));
    expect(log.indexOf('start b1')).toBeLessThan(log.indexOf('end a1'));
    await expect(runs[0]).rejects.toThrow('a1');
    await new Promise((r) => setTimeout(r, 0));
    expect(lanes.size).toBe(0);
  });
});
