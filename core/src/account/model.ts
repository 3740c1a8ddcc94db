import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { auditedEntity } from '../audit/audited.js';
import { recordColumns, tenantColumns, tenantFilter } from '../persistence/columns.js';

/** A customer of a tenant, with Kill Bill's account fields. Its record id is every child row's accountRecordId. */
export const AccountEntity = auditedEntity(
  defineEntity({
    name: 'Account',
    tableName: 'accounts',
    filters: tenantFilter,
    properties: {
      ...recordColumns,
      ...tenantColumns,
      externalKey: p.string().length(255),
      email: p.string().length(128).nullable(),
      name: p.string().length(100).nullable(),
      firstNameLength: p.integer().nullable(),
      currency: p.string().length(3).nullable(),
      billingCycleDayLocal: p.integer(),
      parentAccountId: p.string().length(36).nullable().index(),
      isPaymentDelegatedToParent: p.boolean(),
      paymentMethodId: p.string().length(36).nullable(),
      referenceTime: p.datetime(3),
      timeZone: p.string().length(50),
      locale: p.string().length(5).nullable(),
      address1: p.string().length(100).nullable(),
      address2: p.string().length(100).nullable(),
      companyName: p.string().length(50).nullable(),
      city: p.string().length(50).nullable(),
      stateOrProvince: p.string().length(50).nullable(),
      country: p.string().length(50).nullable(),
      postalCode: p.string().length(16).nullable(),
      phone: p.string().length(25).nullable(),
      notes: p.string().length(4096).nullable(),
      migrated: p.boolean(),
      isClosed: p.boolean(),
    },
    uniques: [{ properties: ['tenantRecordId', 'externalKey'] }],
    indexes: [{ properties: ['tenantRecordId', 'recordId'] }],
  }),
  { objectType: 'ACCOUNT', tableName: 'ACCOUNT' },
);
export type AccountRow = InferEntity<typeof AccountEntity>;

export const AccountEmailEntity = auditedEntity(
  defineEntity({
    name: 'AccountEmail',
    tableName: 'account_emails',
    filters: tenantFilter,
    properties: {
      ...recordColumns,
      ...tenantColumns,
      accountRecordId: p.bigint('number'),
      accountId: p.string().length(36),
      email: p.string().length(128),
      isActive: p.boolean(),
    },
    indexes: [{ properties: ['tenantRecordId', 'accountId'] }],
  }),
  { objectType: 'ACCOUNT_EMAIL', tableName: 'ACCOUNT_EMAIL' },
);
export type AccountEmailRow = InferEntity<typeof AccountEmailEntity>;
