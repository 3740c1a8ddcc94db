import { describe, expect, it } from 'vitest';
import { entities } from './entities.js';

describe('the entity list', () => {
  it('gives every table that holds tenant data the tenant filter', () => {
    const unscoped = entities
      .filter((e) => 'tenantRecordId' in e.meta.properties)
      .filter((e) => !e.meta.filters?.['tenant']?.default)
      .map((e) => e.meta.className);
    expect(unscoped).toEqual([]);
  });

  it('keeps the tables without a tenant to the global ones', () => {
    const global = entities.filter((e) => !('tenantRecordId' in e.meta.properties)).map((e) => e.meta.tableName);
    expect(global.sort()).toEqual(['security_roles', 'security_users', 'tenants', 'test_clock']);
  });
});
