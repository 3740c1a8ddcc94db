import { p } from '@mikro-orm/core';

/**
 * The columns every table starts with, as Kill Bill's: an internal auto-increment `record_id` for
 * ordering and scoping, the public UUID `id`, and who/when for creation and last update.
 */
export const recordColumns = {
  recordId: p.bigint('number').primary().autoincrement(),
  id: p.string().length(36).unique(),
  createdDate: p.datetime(3),
  createdBy: p.string().length(100),
  updatedDate: p.datetime(3),
  updatedBy: p.string().length(100),
};

/**
 * Tenant-owned rows carry the tenant's record id; the `tenant` filter below adds it to every query.
 * Each table declares a composite index that starts with it.
 */
export const tenantColumns = {
  tenantRecordId: p.bigint('number'),
};

/**
 * Every tenant-owned entity declares this filter. It is on by default and needs its argument, so a read
 * through an entity manager that was not scoped with `scopedEm()` fails loudly instead of leaking rows.
 */
export const tenantFilter = {
  tenant: {
    name: 'tenant',
    cond: (args: Record<string, unknown>) => ({ tenantRecordId: args['tenantRecordId'] }),
    default: true,
  },
};
