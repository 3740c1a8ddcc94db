export { createUsageService, type UsageService, type UsageServiceDeps } from './service.js';
export { accountUsageUpTo } from './store.js';
export type { RolledUpUsage, UsageRecord, UsageSubmission } from './usage.js';
