import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { auditedEntity } from '../audit/audited.js';
import { recordColumns, tenantColumns, tenantFilter } from '../persistence/columns.js';

/**
 * The subscription domain's tables, as Kill Bill's subscription and entitlement modules keep them
 * (kb:subscription ddl.sql, kb:entitlement ddl.sql). A subscription's state is never stored: it is derived
 * from its append-only events (timeline.ts) and its blocking states. Change, cancel, uncancel and undo add
 * events or deactivate future ones (`isActive=false`, audited as a DELETE); nothing is rewritten in place.
 */

/** A bundle: a base subscription with its add-ons (or standalone subscriptions), owned by one account. */
export const BundleEntity = auditedEntity(
  defineEntity({
    name: 'SubscriptionBundle',
    tableName: 'bundles',
    filters: tenantFilter,
    properties: {
      ...recordColumns,
      ...tenantColumns,
      accountRecordId: p.bigint('number'),
      accountId: p.string().length(36),
      /**
       * Unique in the tenant (Kill Bill's bundles_external_key index). A bundle whose base is cancelled is
       * renamed `kbcncl-<recordId>:<key>` when a new bundle takes the key (renameKeyIfExistsAndUnused).
       */
      externalKey: p.string().length(255),
      /** The first bundle's creation date when the key was reused (SubscriptionBundleModelDao.originalCreatedDate). */
      originalCreatedDate: p.datetime(3),
      lastSysUpdateDate: p.datetime(3).nullable(),
    },
    uniques: [{ properties: ['tenantRecordId', 'externalKey'] }],
    indexes: [{ properties: ['tenantRecordId', 'accountRecordId'] }, { properties: ['tenantRecordId', 'recordId'] }],
  }),
  { objectType: 'BUNDLE', tableName: 'BUNDLES' },
);
export type BundleRow = InferEntity<typeof BundleEntity>;

export const SubscriptionEntity = auditedEntity(
  defineEntity({
    name: 'Subscription',
    tableName: 'subscriptions',
    filters: tenantFilter,
    properties: {
      ...recordColumns,
      ...tenantColumns,
      accountRecordId: p.bigint('number'),
      bundleId: p.string().length(36).index(),
      /** Unique in the tenant; defaults to the subscription id (SubscriptionModelDao). */
      externalKey: p.string().length(255),
      /** BASE, ADD_ON or STANDALONE: the category of the product it was created with. */
      category: p.string().length(32),
      /** The billing start, where START_OF_SUBSCRIPTION alignments lay phases from (Kill Bill's start_date / alignStartDate). */
      startDate: p.datetime(3),
      /** The base subscription's start, where START_OF_BUNDLE alignments lay phases from. */
      bundleStartDate: p.datetime(3),
      /** Set by invoicing: the date the subscription is billed up to. */
      chargedThroughDate: p.datetime(3).nullable(),
      migrated: p.boolean(),
    },
    uniques: [{ properties: ['tenantRecordId', 'externalKey'] }],
    indexes: [{ properties: ['tenantRecordId', 'accountRecordId'] }],
  }),
  { objectType: 'SUBSCRIPTION', tableName: 'SUBSCRIPTIONS' },
);
export type SubscriptionRow = InferEntity<typeof SubscriptionEntity>;

/**
 * Kill Bill's subscription_events: `eventType` is its EventType (API_USER, PHASE, BCD_UPDATE,
 * QUANTITY_UPDATE, EXPIRED) and `userType` its ApiEventType for API_USER events (CREATE, TRANSFER, CHANGE,
 * CANCEL, UNCANCEL, UNDO_CHANGE). Plan, phase and price list are what the event leads to.
 */
export const SubscriptionEventEntity = auditedEntity(
  defineEntity({
    name: 'SubscriptionEvent',
    tableName: 'subscription_events',
    filters: tenantFilter,
    properties: {
      ...recordColumns,
      ...tenantColumns,
      accountRecordId: p.bigint('number'),
      subscriptionId: p.string().length(36),
      eventType: p.string().length(15),
      userType: p.string().length(25).nullable(),
      effectiveDate: p.datetime(3),
      /** The date the caller asked for (before policies and alignments moved it). */
      requestedDate: p.datetime(3),
      planName: p.string().length(255).nullable(),
      phaseName: p.string().length(255).nullable(),
      priceListName: p.string().length(64).nullable(),
      billingCycleDayLocal: p.integer().nullable(),
      quantity: p.integer().nullable(),
      isActive: p.boolean(),
    },
    indexes: [
      { properties: ['tenantRecordId', 'subscriptionId', 'isActive', 'effectiveDate'] },
      { properties: ['tenantRecordId', 'accountRecordId'] },
    ],
  }),
  { objectType: 'SUBSCRIPTION_EVENT', tableName: 'SUBSCRIPTION_EVENTS' },
);
export type SubscriptionEventRow = InferEntity<typeof SubscriptionEventEntity>;

/**
 * Kill Bill's blocking_states: a state a service puts an account, bundle or subscription in from an
 * effective date (ENT_STARTED / ENT_CANCELLED / ENT_BLOCKED / ENT_CLEAR of `entitlement-service`, overdue
 * states of `overdue-service`, any state a plugin sets). The latest active state per (blockable, service)
 * at a date is in force; the block flags of all services in force are OR-ed (BlockingAggregator).
 */
export const BlockingStateEntity = auditedEntity(
  defineEntity({
    name: 'BlockingState',
    tableName: 'blocking_states',
    filters: tenantFilter,
    properties: {
      ...recordColumns,
      ...tenantColumns,
      accountRecordId: p.bigint('number'),
      blockableId: p.string().length(36),
      /** SUBSCRIPTION, SUBSCRIPTION_BUNDLE or ACCOUNT (Kill Bill's BlockingStateType). */
      type: p.string().length(20),
      state: p.string().length(50),
      service: p.string().length(50),
      blockChange: p.boolean(),
      blockEntitlement: p.boolean(),
      blockBilling: p.boolean(),
      effectiveDate: p.datetime(3),
      isActive: p.boolean(),
    },
    indexes: [{ properties: ['tenantRecordId', 'blockableId'] }, { properties: ['tenantRecordId', 'accountRecordId'] }],
  }),
  { objectType: 'BLOCKING_STATES', tableName: 'BLOCKING_STATES' },
);
export type BlockingStateRow = InferEntity<typeof BlockingStateEntity>;

export const subscriptionEntities = [BundleEntity, SubscriptionEntity, SubscriptionEventEntity, BlockingStateEntity];
