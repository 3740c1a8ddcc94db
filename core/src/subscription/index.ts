export { createSubscriptionService, type SubscriptionService, type SubscriptionServiceDeps, type AccountBundlesFilter } from './service.js';
export type * from './subscription.js';
export { AccountTime, parseLocalDate, type DateInput, type LocalDate } from './account-time.js';
export type { BillingEvent, BillingEvents } from './billing-events.js';
export { SUBSCRIPTION_EVENT_TYPES, type EntitlementEventType, type EntitlementState } from './entitlement-events.js';
export { SUBSCRIPTION_EVENTS_QUEUE } from './events.js';
