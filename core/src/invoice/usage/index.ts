export { usageItems, type ProposedUsageItem, type UsageItemsInput, type UsageItemsResult } from './items.js';
