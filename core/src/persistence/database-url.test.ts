import { describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from './database-url.js';

describe('parseDatabaseUrl', () => {
  it('reads host, port, user, password and database from KB_DB_URL', () => {
    expect(parseDatabaseUrl('mysql://bill:p%40ss@db.local:3307/billing')).toEqual({ host: 'db.local', port: 3307, user: 'bill', password: 'p@ss', dbName: 'billing' });
  });

  it('defaults to root with no password on 3306', () => {
    expect(parseDatabaseUrl('mysql://127.0.0.1/killbill')).toEqual({ host: '127.0.0.1', port: 3306, user: 'root', password: '', dbName: 'killbill' });
  });

  it('refuses other schemes and database names that could escape quoting', () => {
    expect(() => parseDatabaseUrl('postgres://x/y')).toThrow(/mysql/);
    expect(() => parseDatabaseUrl('mysql://x/evil`name')).toThrow(/database/);
  });
});
