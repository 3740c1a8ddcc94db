import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { tenantColumns, tenantFilter } from '../persistence/columns.js';
import { JsonColumn } from '../persistence/json-type.js';

const notificationColumns = {
  id: p.string().length(36).unique(),
  ...tenantColumns,
  accountRecordId: p.bigint('number').nullable(),
  queueName: p.string().length(64),
  effectiveDate: p.datetime(3),
  payload: p.json<Record<string, unknown>>().type(JsonColumn),
  userToken: p.string().length(64).nullable(),
  createdDate: p.datetime(3),
};

/**
 * Future work (a phase change at trial end, the next billing date, a retry): a row with an effective
 * instant, written in the business transaction. It fires when the Clock reaches it (notification/queue.ts).
 * `attempts`/`lastError` record failed handlings; a row that keeps failing moves to history as DEAD.
 */
export const NotificationEntity = defineEntity({
  name: 'Notification',
  tableName: 'notifications',
  filters: tenantFilter,
  properties: {
    recordId: p.bigint('number').primary().autoincrement(),
    ...notificationColumns,
    attempts: p.integer(),
    lastError: p.string().length(1024).nullable(),
  },
  indexes: [
    { properties: ['effectiveDate', 'recordId'] },
    { properties: ['tenantRecordId', 'accountRecordId', 'queueName'] },
  ],
});
export type NotificationRow = InferEntity<typeof NotificationEntity>;

/** Fired (HANDLED), removed before firing (REMOVED) and DEAD notifications. */
export const NotificationHistoryEntity = defineEntity({
  name: 'NotificationHistory',
  tableName: 'notifications_history',
  filters: tenantFilter,
  properties: {
    recordId: p.bigint('number').primary(),
    ...notificationColumns,
    state: p.string().length(10),
    attempts: p.integer(),
    lastError: p.string().length(1024).nullable(),
    handledDate: p.datetime(3),
  },
  indexes: [{ properties: ['tenantRecordId', 'accountRecordId', 'queueName'] }, { properties: ['tenantRecordId', 'state'] }],
});
export type NotificationHistoryRow = InferEntity<typeof NotificationHistoryEntity>;
