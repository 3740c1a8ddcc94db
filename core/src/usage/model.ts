import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { recordColumns, tenantColumns, tenantFilter } from '../persistence/columns.js';

/**
 * Recorded usage, as Kill Bill's rolled_up_usage (kb:usage ddl.sql): one row per subscription, unit type and
 * day, with the tracking id of the POST that brought it (unique per subscription and tenant). `recordDate` is
 * a calendar day in the account's zone (`YYYY-MM-DD`); `amount` a DECIMAL read and written as a string.
 */
export const RolledUpUsageEntity = defineEntity({
  name: 'RolledUpUsage',
  tableName: 'rolled_up_usage',
  filters: tenantFilter,
  properties: {
    ...recordColumns,
    ...tenantColumns,
    accountRecordId: p.bigint('number'),
    subscriptionId: p.string().length(36),
    unitType: p.string().length(255),
    recordDate: p.string().length(10),
    amount: p.decimal('string').precision(15).scale(9),
    trackingId: p.string().length(128),
  },
  indexes: [
    { properties: ['tenantRecordId', 'subscriptionId', 'recordDate'] },
    { properties: ['tenantRecordId', 'subscriptionId', 'trackingId'] },
    { properties: ['tenantRecordId', 'accountRecordId'] },
  ],
});
export type RolledUpUsageRow = InferEntity<typeof RolledUpUsageEntity>;
