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
export * from './invoice/html/index.js';
// The invoice domain's values and service contract (server/ renders and calls only these).
export { INVOICE_ITEM_TYPES, ADJUSTABLE_ITEM_TYPES } from './invoice/invoice.js';
export type { Invoice, InvoiceItem, InvoiceItemType, InvoiceStatus, ItemExplanation, AccountBalance, InvoicePaymentRecord } from './invoice/invoice.js';
export type { InvoiceService, NewItemRequest, ItemAdjustmentRequest, DryRunRequest, AccountInvoicesFilter, InvoicePage, PageRequest as InvoicePageRequest } from './invoice/invoice-service.js';
// The invoice engine side: runs, storage, balances, credit (for the explicit writes and other domains).
export { createInvoiceService, invoiceNotFound, invoiceItemNotFound, type InvoiceServiceOptions } from './invoice/service.js';
export type { InvoiceDeps } from './invoice/deps.js';
export { invoiceAmounts, accountBalanceOf, accountCbaOf, isCreditInvoice, type InvoiceAmounts } from './invoice/balance.js';
export { cbaForInvoice, useExistingCredit, type CreditUse } from './invoice/cba.js';
export { applyCredit, creditDay, type CreditAccount } from './invoice/credit.js';
export { chargedThroughDatesOf } from './invoice/ctd.js';
export { prettyNamesFrom, type ItemPrettyNames, type PrettyNamesOf } from './invoice/pretty-names.js';
export { roundMoney, sumMoney } from './invoice/money.js';
export { loadAccountInvoices, loadInvoice, loadInvoiceRow, insertInvoice, insertItems, setInvoiceStatus, toInvoice, toItem, type NewItem, type NewInvoice } from './invoice/store.js';
export { NEXT_BILLING_QUEUE } from './invoice/next-billing.js';
export { INVOICE_TRIGGER_EVENTS } from './invoice/triggers.js';
// The payment domain's engine side (its values and contract are exported below).
export { createPaymentService } from './payment/service.js';
export {
  createPaymentGatewayService,
  type PaymentGatewayService,
  type GatewayNotification,
  type GatewayNotificationRequest,
  type HostedPaymentPageFormDescriptor,
  type FormDescriptorRequest,
} from './payment/gateway.js';
export { createPaymentGateway, PAYMENT_PLUGIN_DEADLINE_MS, statusOf as paymentStatusOfPlugin, type PaymentGateway, type GatewayResult } from './payment/plugin-call.js';
export { paymentEntities, PaymentEntity, PaymentMethodEntity, PaymentTransactionEntity, PaymentAttemptEntity } from './payment/model.js';
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
export { PluginStore, type InstalledPlugin, type PluginSelection, type PluginStoreOptions } from './plugins/store.js';
export { isNpmPackageSpec } from './plugins/npm-pack.js';
export { PluginRegistry, type PluginPoolFactory, type PluginPoolLike, type PluginRegistryOptions, type RegistryPool, type RunningPlugin } from './plugins/registry.js';
export {
  createPluginService,
  workerPoolFactory,
  PLUGIN_NODE_COMMANDS,
  pluginVersionPinKey,
  type PluginHealth,
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
export { createInvoicePluginHook, INVOICE_PLUGIN_DEADLINE_MS, type InvoicePluginDeps } from './plugins/invoice-plugins.js';
export { NO_INVOICE_PLUGINS, type AdditionalItem, type InvoicePluginHook, type InvoiceRunContext, type PluginItems } from './invoice/plugin-hook.js';
export { CircuitBreaker, type CircuitBreakerOptions, type CircuitSnapshot, type CircuitState } from './plugins/circuit-breaker.js';
export { createHostBackend, PLUGIN_STORAGE_PREFIX } from './plugins/backend.js';
export {
  EXTERNAL_PAYMENT_PLUGIN,
  TRANSACTION_STATUSES,
  TRANSACTION_TYPES,
  type AddPaymentMethodRequest,
  type ChargebackReversalRequest,
  type ComboPaymentRequest,
  type CompleteTransactionRequest,
  type DeletePaymentMethodOptions,
  type FollowUpRequest,
  type NewPaymentRequest,
  type Payment,
  type PaymentAttempt,
  type PaymentAttemptState,
  type PaymentMethod,
  type PaymentMethodPluginInfo,
  type PaymentMethodReadOptions,
  type PaymentPluginProperty,
  type PaymentReadOptions,
  type PaymentService,
  type PaymentTarget,
  type PaymentTransaction,
  type TransactionOutcome,
  type TransactionStatus,
  type TransactionType,
} from './payment/payment-service.js';
export type {
  InvoiceChargebackRequest,
  InvoicePayment,
  InvoicePaymentOutcome,
  InvoicePaymentService,
  InvoiceRefundRequest,
  PayAllInvoicesRequest,
  PayInvoiceRequest,
  RefundAdjustment,
} from './payment/invoice-payment-service.js';
export * from './usage/index.js';
