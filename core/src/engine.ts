import { createUsageService, type UsageService } from './usage/index.js';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createAccountService, type AccountService } from './account/service.js';
import { AuditRecorder } from './audit/recorder.js';
import { createAuditService, type AuditService } from './audit/service.js';
import { OffsetClock, systemClock, type Clock } from './clock/clock.js';
import { TestClock } from './clock/test-clock.js';
import { Broadcast } from './cluster/broadcast.js';
import { Bus } from './bus/bus.js';
import { OutboxWaker } from './bus/outbox.js';
import { NotificationQueue } from './notification/queue.js';
import type { Config } from './config/config.js';
import { entities } from './entities.js';
import { migrations } from './persistence/migrations/index.js';
import { ObjectRegistry } from './object/registry.js';
import { openDatabase, type Database } from './persistence/database.js';
import { createSecurityService, type SecurityService } from './security/service.js';
import { createTenantService, type TenantService } from './tenant/service.js';
import { createTagDefinitionService, type TagDefinitionService } from './tag/definition-service.js';
import { createTagService, type TagService } from './tag/service.js';
import { createCustomFieldService, type CustomFieldService } from './customfield/service.js';
import { createCatalogService, type CatalogService } from './catalog/service.js';
import { createSubscriptionService, type SubscriptionService } from './subscription/service.js';
import { createPushNotificationService, type PushNotificationService } from './push/service.js';
import { createHostBackend } from './plugins/backend.js';
import { createPluginStorage } from './plugins/storage.js';
import { createPluginService, pluginVersionPinKey, workerPoolFactory, type PluginService } from './plugins/service.js';
import { createPluginNotificationService, type PluginNotificationService } from './plugins/notifications.js';
import { createInvoiceService } from './invoice/service.js';
import type { InvoiceService } from './invoice/invoice-service.js';
import { createInvoicePluginHook } from './plugins/invoice-plugins.js';
import { createInvoiceHtmlRenderer, type InvoiceHtmlRenderer } from './invoice/html/render.js';
import { createPaymentService } from './payment/service.js';
import type { PaymentService } from './payment/payment-service.js';
import type { InvoicePaymentService } from './payment/invoice-payment-service.js';
import { createPaymentGateway } from './payment/plugin-call.js';
import { createPaymentControl } from './payment/control-plugins.js';
import { createPaymentGatewayService, type PaymentGatewayService } from './payment/gateway.js';

/**
 * The composition root: builds every domain service once, in dependency order, and hands each only
 * what it needs. No global singletons: server/ and tests get everything from here.
 */
export interface Engine {
  readonly config: Config;
  readonly logger: Logger;
  readonly db: Database;
  readonly clock: Clock;
  /** Present only in test mode (KB_TEST_MODE=true). */
  readonly testClock: TestClock | null;
  /** The persistent bus: domains emit with `emitEvent` in their writeTx; consumers subscribe before start. */
  readonly bus: Bus;
  /** Future work: domains schedule with `scheduleNotification` in their writeTx; queues register handlers. */
  readonly notifications: NotificationQueue;
  readonly tenants: TenantService;
  readonly security: SecurityService;
  readonly audit: AuditService;
  /** Where tags and custom fields find the objects they are attached to; each domain registers its types. */
  readonly objects: ObjectRegistry;
  readonly tagDefinitions: TagDefinitionService;
  /** Tags on any registered object type; `hasControlTag` is how invoicing, payment and overdue read control tags. */
  readonly tags: TagService;
  readonly customFields: CustomFieldService;
  readonly accounts: AccountService;
  /** Tenants' versioned catalogs (`/1.0/kb/catalog`), cached per tenant and invalidated on every node. */
  readonly catalog: CatalogService;
  /** Bundles, subscriptions and their events; billing events for invoicing. */
  readonly subscriptions: SubscriptionService;
  /** Invoices: runs (bus, next-billing queue, API, dry run), reads, balances and credit, explicit writes. */
  readonly invoices: InvoiceService;
  /** Recorded usage (`/1.0/kb/usages`); invoice runs bill it in arrear (invoice/usage). */
  readonly usages: UsageService;
  /** Payment methods and payments through payment plugins (and the built-in __EXTERNAL_PAYMENT__). */
  readonly payments: PaymentService;
  /** Payments of invoices: pay one or all, refunds with item adjustments, chargebacks (payment/invoice-payment-api.ts). */
  readonly invoicePayments: InvoicePaymentService;
  /** Gateway notifications and hosted payment page forms through payment plugins (Kill Bill's PaymentGatewayApi). */
  readonly paymentGateways: PaymentGatewayService;
  /** Push notifications: per-tenant callbacks, signed POSTs of every external event, Kill Bill's retries. */
  readonly push: PushNotificationService;
  /** Plugin packages in KB_PLUGINS_DIR, the version running per plugin on this node, node commands. */
  readonly plugins: PluginService;
  /** The `notification` extension point: every external event of a tenant to each listening plugin, from a queue. */
  readonly pluginEvents: PluginNotificationService;
  /** Invoices as HTML with the tenant's template and translations (GET /1.0/kb/invoices/{id}/html). */
  readonly invoiceHtml: InvoiceHtmlRenderer;
  health(): Promise<{ database: boolean; redis: boolean }>;
  stop(): Promise<void>;
}

export async function startEngine(config: Config, logger: Logger): Promise<Engine> {
  const outboxWaker = new OutboxWaker();
  const db = await openDatabase({
    url: config.dbUrl,
    entities,
    migrations,
    subscribers: [new AuditRecorder(), outboxWaker],
    logger,
    poolSize: config.dbPoolSize,
  });
  const redis = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  redis.on('error', (err: Error) => logger.warn({ err: err.message }, 'redis connection error'));
  await redis.connect().catch((err: Error) => logger.error({ err: err.message }, 'redis is not reachable'));

  const broadcast = new Broadcast(config.redisUrl, db.coordinates.dbName, logger);
  await broadcast.start();

  let clock: Clock = systemClock;
  let testClock: TestClock | null = null;
  if (config.testMode) {
    const offsetClock = new OffsetClock();
    testClock = new TestClock(db, offsetClock, broadcast);
    await testClock.start();
    clock = offsetClock;
  }

  const tenants = createTenantService({ db, clock, broadcast });
  await tenants.start();
  const security = createSecurityService({ db, clock, config, broadcast });
  await security.start();
  const audit = createAuditService({ db });
  const objects = new ObjectRegistry();
  const tagDefinitions = createTagDefinitionService({ db, clock });
  const tags = createTagService({ db, clock, objects });
  const customFields = createCustomFieldService({ db, clock, objects });
  const accounts = createAccountService({ db, clock, objects });
  const catalog = createCatalogService({ db, clock, broadcast, logger });
  await catalog.start();

  // The spine. Domains register their bus consumers and notification queues on these (later issues).
  const bus = new Bus({ db, logger, redisUrl: config.redisUrl });
  const notifications = new NotificationQueue({ db, clock, logger, concurrency: config.notificationConcurrency });
  const subscriptions = createSubscriptionService({ db, clock, catalog, accounts, objects, notifications });
  outboxWaker.onCommit(
    (quietOnly) => bus.wake(quietOnly),
    (tenantRecordId, eventType) => bus.knownQuiet(tenantRecordId, eventType),
  );
  const push = createPushNotificationService({ db, clock, logger, tenants, bus, notifications });
  // Built before the bus and the queue start, so the plugin-event consumer and handler exist when they fire.
  const plugins = createPluginService({
    pluginsDir: config.pluginsDir,
    poolFactory: workerPoolFactory(logger, config.pluginTimeoutMs),
    broadcast,
    logger,
    hostBackend: createHostBackend({
      accounts, tenants, storage: createPluginStorage(db), logger,
      // ctx.killbill.notifyPendingTransaction reaches the payment service built below (it needs the plugins first).
      payments: { notifyPendingTransactionOfStateChanged: (...args) => payments.notifyPendingTransactionOfStateChanged(...args) },
    }),
    npmRegistry: config.pluginsNpmRegistry,
    // The last value wins: userKeyValue POST appends, so a re-pin without a DELETE still takes effect.
    pinnedVersion: async (ctx, name) => (await tenants.getValues(ctx, pluginVersionPinKey(name))).values.at(-1)?.trim() || null,
  });
  const pluginEvents = createPluginNotificationService({ db, clock, logger, tenants, bus, notifications, plugins });
  const invoices = createInvoiceService(
    // The `invoice` extension point: every invoice plugin (KB_INVOICE_PLUGINS order) before an invoice is written.
    { db, clock, logger, accounts, subscriptions, catalog, tags, tenants, objects, notifications, plugins: createInvoicePluginHook({ plugins, tenants, logger, order: config.invoicePlugins }) },
    { bus },
  );
  // Subscribed before the bus starts: INVOICE_CREATION → a notification that pays the invoice (payment/invoice-payments.ts).
  // Also the payment-control plugins around every payment, the retries (payment-retry) and the janitor (payment-janitor).
  const payments = createPaymentService({
    db, clock, logger, tags, objects, bus, notifications, gateway: createPaymentGateway({ plugins, tenants, logger, deadlineMs: config.pluginTimeoutMs }),
    control: createPaymentControl({ plugins, tenants, logger }), retryDays: config.paymentRetryDays, tenants, invoices,
  });
  if (testClock) {
    testClock.onChange(() => notifications.wake());
    testClock.addPendingCheck(({ tenantRecordId }) => bus.pending(tenantRecordId));
    testClock.addPendingCheck(({ tenantRecordId, now }) => notifications.due(tenantRecordId, now));
    testClock.addPendingCheck(async ({ tenantRecordId }) => push.pending(tenantRecordId));
    testClock.addPendingCheck(async ({ tenantRecordId }) => pluginEvents.pending(tenantRecordId));
    testClock.addPendingCheck(async () => payments.pendingInvoicePayments() > 0);
  }
  await bus.start();
  notifications.start();
  await plugins.startAll();

  return {
    config,
    logger,
    db,
    clock,
    testClock,
    tenants,
    security,
    audit,
    objects,
    tagDefinitions,
    tags,
    customFields,
    accounts,
    catalog,
    subscriptions,
    invoices,
    usages: createUsageService({ db, clock, accounts, subscriptions }),
    payments,
    invoicePayments: payments.invoicePayments,
    paymentGateways: createPaymentGatewayService({ plugins, tenants, accounts, payments, logger }),
    push,
    plugins,
    pluginEvents,
    invoiceHtml: createInvoiceHtmlRenderer({ tenants, accounts, tags, catalog }),
    bus,
    notifications,
    async health() {
      const database = await db.ping();
      const redisOk = await redis.ping().then(
        (r) => r === 'PONG',
        () => false,
      );
      return { database, redis: redisOk };
    },
    async stop() {
      await plugins.stopAll();
      await notifications.stop();
      await push.stop();
      await pluginEvents.stop();
      await bus.stop();
      await broadcast.stop();
      redis.disconnect();
      await db.close();
    },
  };
}
