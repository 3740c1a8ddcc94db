import { describe, expect, it } from 'vitest';
import { expandGrants, isValidGrant, PERMISSIONS, sanitizeGrants } from './permission.js';

describe('role grants', () => {
  it('normalises a bare group and an empty action to the group wildcard, as Kill Bill', () => {
    expect(sanitizeGrants(['account', 'invoice:', 'tag:add'])).toEqual({ grants: ['account:*', 'invoice:*', 'tag:add'], invalid: null });
  });

  it('lets a group wildcard absorb the single permissions of that group', () => {
    expect(sanitizeGrants(['account:create', 'account:*', 'account:update']).grants).toEqual(['account:*']);
  });

  it('reduces everything to * when * is among the grants, and drops blanks', () => {
    expect(sanitizeGrants(['', 'account:create', '*']).grants).toEqual(['*']);
    expect(sanitizeGrants(['  ', 'tag:add']).grants).toEqual(['tag:add']);
  });

  it('reports the first grant that names no Kill Bill permission', () => {
    expect(sanitizeGrants(['account:create', 'account:fly']).invalid).toBe('account:fly');
    expect(sanitizeGrants(['nothing:*']).invalid).toBe('nothing:*');
    expect(sanitizeGrants(['a:b:c']).invalid).toBe('a:b:c');
  });

  it('accepts every Kill Bill permission name and the full wildcards', () => {
    for (const p of PERMISSIONS) expect(isValidGrant(p)).toBe(true);
    expect(isValidGrant('*:*')).toBe(true);
    expect(sanitizeGrants(['*:*']).grants).toEqual(['*:*']);
  });

  it('expands grants into the concrete permission names they cover', () => {
    expect(expandGrants(['account:*'])).toEqual(PERMISSIONS.filter((p) => p.startsWith('account:')));
    expect(expandGrants(['*'])).toEqual([...PERMISSIONS]);
    expect(expandGrants(['tenant_kvs:add', 'tag:add'])).toEqual(['tag:add', 'tenant_kvs:add']);
  });
});
