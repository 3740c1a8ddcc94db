import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { auditedEntity } from '../audit/audited.js';
import { recordColumns, tenantColumns, tenantFilter } from '../persistence/columns.js';

/**
 * The invoice domain's tables, as Kill Bill's invoice module keeps them (kb:invoice ddl.sql). Amounts are
 * DECIMAL(15,9) read and written as strings (never a JS number); dates of items are calendar days in the
 * account's fixed-offset zone (`YYYY-MM-DD`, killbill-semantics.md §2). An invoice's `recordId` is its
 * `invoiceNumber`, as in Kill Bill.
 */

const amount = () => p.decimal('string').precision(15).scale(9);

export const InvoiceEntity = auditedEntity(
  defineEntity({
    name: 'Invoice',
    tableName: 'invoices',
    filters: tenantFilter,
    properties: {
      ...recordColumns,
      ...tenantColumns,
      accountRecordId: p.bigint('number'),
      accountId: p.string().length(36),
      /** The day the invoice was made, in the account's zone. */
      invoiceDate: p.string().length(10),
      /** The run's target date: items are generated up to it. */
      targetDate: p.string().length(10).nullable(),
      currency: p.string().length(3),
      /** DRAFT, COMMITTED or VOID (Kill Bill's InvoiceStatus). */
      status: p.string().length(15),
      migrated: p.boolean(),
      /** A parent account's daily summary invoice (PARENT_SUMMARY items, one per child). */
      parentInvoice: p.boolean(),
      /** Bumped on every change to the invoice or its items, so concurrent writers can be detected. */
      grpVersion: p.integer().default(0),
    },
    indexes: [{ properties: ['tenantRecordId', 'accountRecordId'] }, { properties: ['tenantRecordId', 'recordId'] }],
  }),
  { objectType: 'INVOICE', tableName: 'INVOICES' },
);
export type InvoiceRow = InferEntity<typeof InvoiceEntity>;

export const InvoiceItemEntity = auditedEntity(
  defineEntity({
    name: 'InvoiceItem',
    tableName: 'invoice_items',
    filters: tenantFilter,
    properties: {
      ...recordColumns,
      ...tenantColumns,
      accountRecordId: p.bigint('number'),
      accountId: p.string().length(36),
      invoiceId: p.string().length(36).index(),
      /** Kill Bill's InvoiceItemType. */
      type: p.string().length(24),
      childAccountId: p.string().length(36).nullable(),
      bundleId: p.string().length(36).nullable(),
      subscriptionId: p.string().length(36).nullable(),
      description: p.string().length(255).nullable(),
      productName: p.string().length(255).nullable(),
      planName: p.string().length(255).nullable(),
      phaseName: p.string().length(255).nullable(),
      usageName: p.string().length(255).nullable(),
      catalogEffectiveDate: p.datetime(3).nullable(),
      startDate: p.string().length(10).nullable(),
      endDate: p.string().length(10).nullable(),
      amount: amount(),
      /** rate × quantity for RECURRING / USAGE items (Kill Bill's item `rate`). */
      rate: amount().nullable(),
      currency: p.string().length(3),
      /** The item this one adjusts, repairs or taxes (REPAIR_ADJ, ITEM_ADJ, TAX, CBA_ADJ of a deleted credit...). */
      linkedItemId: p.string().length(36).nullable(),
      quantity: amount().nullable(),
      /** Free text (JSON by convention) given by the API or a plugin; Kill Bill's item_details. */
      itemDetails: p.text().nullable(),
      /**
       * Beyond Kill Bill: why the item exists (billing event, catalog version, plan/phase, pro-ration ratio
       * and its day counts, the item it repairs, the plugin name@version that added it), as JSON. Shown with
       * `?withExplanation=true`.
       */
      explanation: p.text().nullable(),
    },
    indexes: [
      { properties: ['tenantRecordId', 'accountRecordId'] },
      { properties: ['tenantRecordId', 'subscriptionId'] },
      { properties: ['tenantRecordId', 'linkedItemId'] },
    ],
  }),
  { objectType: 'INVOICE_ITEM', tableName: 'INVOICE_ITEMS' },
);
export type InvoiceItemRow = InferEntity<typeof InvoiceItemEntity>;

/**
 * Kill Bill's invoice_payments: what the payment domain records against an invoice. ATTEMPT rows are
 * payments (positive), REFUND and CHARGED_BACK rows are negative (so `paid` is a plain sum, §4.8).
 * The payment issue writes them; invoicing reads them for balances.
 */
export const InvoicePaymentEntity = auditedEntity(
  defineEntity({
    name: 'InvoicePayment',
    tableName: 'invoice_payments',
    filters: tenantFilter,
    properties: {
      ...recordColumns,
      ...tenantColumns,
      accountRecordId: p.bigint('number'),
      /** ATTEMPT, REFUND or CHARGED_BACK (Kill Bill's InvoicePaymentType). */
      type: p.string().length(24),
      invoiceId: p.string().length(36).index(),
      paymentId: p.string().length(36).nullable(),
      paymentDate: p.datetime(3),
      amount: amount(),
      currency: p.string().length(3),
      processedCurrency: p.string().length(3),
      paymentCookieId: p.string().length(255).nullable(),
      /** The ATTEMPT a REFUND or CHARGED_BACK row reverses. */
      linkedInvoicePaymentId: p.string().length(36).nullable(),
      /** SUCCESS when the payment went through; only those count in balances. */
      success: p.boolean(),
      status: p.string().length(50),
    },
    indexes: [{ properties: ['tenantRecordId', 'accountRecordId'] }, { properties: ['tenantRecordId', 'paymentId'] }],
  }),
  { objectType: 'INVOICE_PAYMENT', tableName: 'INVOICE_PAYMENTS' },
);
export type InvoicePaymentRow = InferEntity<typeof InvoicePaymentEntity>;

/** Kill Bill's invoice_parent_children: which child invoice a parent's PARENT_SUMMARY item summarises. */
export const InvoiceParentChildEntity = defineEntity({
  name: 'InvoiceParentChild',
  tableName: 'invoice_parent_children',
  filters: tenantFilter,
  properties: {
    ...recordColumns,
    ...tenantColumns,
    accountRecordId: p.bigint('number'),
    parentInvoiceId: p.string().length(36).index(),
    childInvoiceId: p.string().length(36).index(),
    childAccountId: p.string().length(36),
  },
  indexes: [{ properties: ['tenantRecordId', 'accountRecordId'] }],
});
export type InvoiceParentChildRow = InferEntity<typeof InvoiceParentChildEntity>;

/**
 * Kill Bill's invoice_tracking_ids (kb:invoice ddl.sql, InvoiceTrackingSqlDao): per invoice, the usage records
 * (tracking id, subscription, unit type, day) its run billed for the first time, written with the invoice.
 * Voiding the invoice deactivates them (`isActive` false), so the next run takes them up again; only active
 * rows are read (the invoice's `trackingIds`, and which records earlier runs have billed).
 */
export const InvoiceTrackingIdEntity = defineEntity({
  name: 'InvoiceTrackingId',
  tableName: 'invoice_tracking_ids',
  filters: tenantFilter,
  properties: {
    ...recordColumns,
    ...tenantColumns,
    accountRecordId: p.bigint('number'),
    trackingId: p.string().length(128),
    invoiceId: p.string().length(36).index(),
    subscriptionId: p.string().length(36).nullable(),
    unitType: p.string().length(255),
    /** The record's day, in the account's zone. */
    recordDate: p.string().length(10),
    isActive: p.boolean().default(true),
  },
  indexes: [{ properties: ['tenantRecordId', 'accountRecordId', 'recordDate'] }],
});
export type InvoiceTrackingIdRow = InferEntity<typeof InvoiceTrackingIdEntity>;

export const invoiceEntities = [InvoiceEntity, InvoiceItemEntity, InvoicePaymentEntity, InvoiceParentChildEntity, InvoiceTrackingIdEntity];
