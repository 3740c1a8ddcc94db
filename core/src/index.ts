export * from './errors/index.js';
export * from './values/index.js';
export type * from './context.js';
export { isTenantCall } from './context.js';
export * from './config/config.js';
export { entities } from './entities.js';
export { migrations } from './persistence/migrations/index.js';
export { openDatabase, dropDatabase, type Database } from './persistence/database.js';
export { parseDatabaseUrl } from './persistence/database-url.js';
export { systemClock, OffsetClock, type Clock } from './clock/clock.js';
export { TestClock } from './clock/test-clock.js';
export type { PendingCheck } from './clock/drain.js';
export { AuditRecorder } from './audit/recorder.js';
export * from './audit/index.js';
export { startEngine, type Engine } from './engine.js';
export * from './tenant/index.js';
export * from './tag/index.js';
export * from './customfield/index.js';
export * from './account/index.js';
export * from './security/index.js';
export * from './catalog/translation.js';
export * from './catalog/simple-plan.js';
export * from './catalog/index.js';
export * from './subscription/index.js';
export { ObjectRegistry, type ObjectLookup, type OwnedObject } from './object/registry.js';
export { Bus, MAX_EVENT_ATTEMPTS, type BusHandler } from './bus/bus.js';
export { emitEvent } from './bus/outbox.js';
export { EXT_BUS_EVENT_TYPES, type BusEvent, type BusEventInput, type ExtBusEventType } from './bus/event.js';
export { NotificationQueue, scheduleNotification, type Notification, type NotificationHandler, type ScheduleInput } from './notification/queue.js';
export { lockAccount } from './persistence/account-lock.js';
export { queueEntries, type QueueEntry, type QueueEntriesQuery, type ProcessingState } from './bus/queue-entries.js';
export { readEm, writeTx } from './persistence/scope.js';
export * from './push/index.js';
export { parseManifest, type PluginManifest, type PluginPermission } from './plugins/manifest.js';
export { PluginStore, type InstalledPlugin, type PluginSelection } from './plugins/store.js';
export { PluginRegistry, type PluginPoolFactory, type PluginPoolLike, type RunningPlugin } from './plugins/registry.js';
export {
  createPluginService,
  workerPoolFactory,
  PLUGIN_NODE_COMMANDS,
  type CallablePool,
  type PluginCommand,
  type PluginNodeCommand,
  type PluginService,
  type PluginState,
  type PluginStatus,
} from './plugins/service.js';
export {
  createPluginNotificationService,
  PLUGIN_EVENT_QUEUE,
  PLUGIN_EVENT_FAILED_QUEUE,
  type PluginNotificationService,
} from './plugins/notifications.js';
export { PLUGIN_API_VERSION as PLUGIN_API_VERSION_OF_HOST } from '@billwright/plugin-api';
export { PluginPool, type PluginCallOptions, type PluginPoolInfo, type PluginPoolOptions } from './plugins/pool.js';
export { PluginCallError, isPluginCallError, type PluginFailureCode, type PluginOutcome } from './plugins/errors.js';
export { createHostApi, serveHostPort, type HostApiBinding, type HostBackend } from './plugins/host-api.js';
export { CircuitBreaker, type CircuitBreakerOptions, type CircuitSnapshot, type CircuitState } from './plugins/circuit-breaker.js';
export { createHostBackend, PLUGIN_STORAGE_PREFIX } from './plugins/backend.js';
