import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { tenantColumns, tenantFilter } from '../persistence/columns.js';

/**
 * A plugin's own key/value storage (`ctx.killbill.getPluginValue/putPluginValue`), one row per tenant,
 * plugin and key, overwritten in place. Kill Bill plugins keep such state in their own tables, outside
 * Kill Bill's audit; so does this one (a put is one upsert, not the versioned, audited tenant_kvs write it
 * used to be: four statements and a transaction for every gateway call a plugin recorded).
 */
export const PluginKvEntity = defineEntity({
  name: 'PluginKv',
  tableName: 'plugin_kvs',
  // storage.ts reads and writes by raw statements naming the tenant; the filter guards any ORM read too.
  filters: tenantFilter,
  properties: {
    recordId: p.bigint('number').primary().autoincrement(),
    ...tenantColumns,
    pluginName: p.string().length(255),
    storageKey: p.string().length(255),
    storageValue: p.text().columnType('mediumtext'),
    createdDate: p.datetime(3),
    updatedDate: p.datetime(3),
  },
  uniques: [{ properties: ['tenantRecordId', 'pluginName', 'storageKey'] }],
});
export type PluginKvRow = InferEntity<typeof PluginKvEntity>;
