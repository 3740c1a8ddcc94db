import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testCallContext } from '../../../test/support/engine.js';
import { systemClock } from '../clock/clock.js';
import { isBillingError } from '../errors/index.js';
import { ObjectRegistry } from '../object/registry.js';
import type { Database } from '../persistence/database.js';
import { createAccountService, type AccountService } from './service.js';

let db: Database & { drop(): Promise<void> };
let accounts: AccountService;
const objects = new ObjectRegistry();
const tenantA = testCallContext(11);
const tenantB = testCallContext(12);

beforeAll(async () => {
  db = await openTestDatabase(import.meta.filename);
  accounts = createAccountService({ db, clock: systemClock, objects });
});
afterAll(async () => {
  await db?.drop();
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (e) {
    if (isBillingError(e)) return e.code;
    throw e;
  }
  throw new Error('expected a BillingError');
}

describe('the account object lookup', () => {
  it('resolves an account of the caller\'s tenant to its record id', async () => {
    const account = await accounts.create(tenantA, { name: 'Lookup' });
    expect(await objects.resolve(tenantA, 'ACCOUNT', account.id)).toEqual({ objectType: 'ACCOUNT', objectId: account.id, accountRecordId: account.recordId });
  });

  it('answers ACCOUNT_DOES_NOT_EXIST_FOR_ID for another tenant\'s account and 400 for a non-UUID', async () => {
    const account = await accounts.create(tenantA, {});
    expect(await codeOf(objects.resolve(tenantB, 'ACCOUNT', account.id))).toBe('ACCOUNT_DOES_NOT_EXIST_FOR_ID');
    expect(await codeOf(objects.resolve(tenantA, 'ACCOUNT', 'nope'))).toBe('INVALID_PARAMETER');
  });

  it('resolves an account email to the account that owns it', async () => {
    const account = await accounts.create(tenantA, {});
    const email = await accounts.addEmail(tenantA, account.id, 'owner@example.com');
    expect(await objects.resolve(tenantA, 'ACCOUNT_EMAIL', email.id)).toMatchObject({ accountRecordId: account.recordId });
  });
});

describe('the account service', () => {
  it('refuses the same email twice on one account', async () => {
    const account = await accounts.create(tenantA, {});
    await accounts.addEmail(tenantA, account.id, 'twice@example.com');
    expect(await codeOf(accounts.addEmail(tenantA, account.id, 'twice@example.com'))).toBe('ACCOUNT_EMAIL_ALREADY_EXISTS');
  });

  it('applies concurrent partial updates one after the other, losing none', async () => {
    const account = await accounts.create(tenantA, {});
    await Promise.all([
      accounts.update(tenantA, account.id, { notes: 'n' }, { treatNullAsReset: false }),
      accounts.update(tenantA, account.id, { city: 'c' }, { treatNullAsReset: false }),
      accounts.update(tenantA, account.id, { phone: 'p' }, { treatNullAsReset: false }),
    ]);
    expect(await accounts.getById(tenantA, account.id)).toMatchObject({ notes: 'n', city: 'c', phone: 'p' });
  });

  it('refuses writes without the permission', async () => {
    const reader = testCallContext(11, { subject: { username: 'reader', roles: [], grants: [] } });
    expect(await codeOf(accounts.create(reader, {}))).toBe('SECURITY_NOT_ENOUGH_PERMISSIONS');
  });
});
