import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { tenantColumns, tenantFilter } from '../persistence/columns.js';
import { JsonColumn } from '../persistence/json-type.js';

/** Columns a bus event keeps from the outbox to its history row. */
const eventColumns = {
  id: p.string().length(36).unique(),
  ...tenantColumns,
  accountRecordId: p.bigint('number').nullable(),
  eventType: p.string().length(50),
  objectType: p.string().length(30).nullable(),
  objectId: p.string().length(36).nullable(),
  payload: p.json<Record<string, unknown>>().type(JsonColumn),
  userToken: p.string().length(64).nullable(),
  createdDate: p.datetime(3),
};

/**
 * The outbox: an event is a row written in the same transaction as the change that caused it. Its record
 * id is the bus sequence (events of one account are handled in that order). `dispatchedDate` says when it
 * was last handed to BullMQ; `attempts`/`lastError` what its consumers' failures were. A row moves to
 * bus_events_history in the same transaction as its consumers' effects — that move is the record that it
 * was handled — so this table holds only work in flight.
 */
export const BusEventEntity = defineEntity({
  name: 'BusEvent',
  tableName: 'bus_events',
  filters: tenantFilter,
  properties: {
    recordId: p.bigint('number').primary().autoincrement(),
    ...eventColumns,
    dispatchedDate: p.datetime(3).nullable(),
    attempts: p.integer(),
    lastError: p.string().length(1024).nullable(),
  },
  indexes: [
    { properties: ['tenantRecordId', 'accountRecordId', 'recordId'] },
    { properties: ['dispatchedDate'] },
  ],
});
export type BusEventRow = InferEntity<typeof BusEventEntity>;

/** Handled and dead events. `state` HANDLED or DEAD (every retry failed; listed by GET /1.0/kb/admin/queues). */
export const BusEventHistoryEntity = defineEntity({
  name: 'BusEventHistory',
  tableName: 'bus_events_history',
  filters: tenantFilter,
  properties: {
    recordId: p.bigint('number').primary(),
    ...eventColumns,
    state: p.string().length(10),
    attempts: p.integer(),
    lastError: p.string().length(1024).nullable(),
    handledDate: p.datetime(3),
  },
  indexes: [
    { properties: ['tenantRecordId', 'accountRecordId', 'recordId'] },
    { properties: ['tenantRecordId', 'state'] },
  ],
});
export type BusEventHistoryRow = InferEntity<typeof BusEventHistoryEntity>;
