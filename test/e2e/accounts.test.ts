import { randomUUID } from 'node:crypto';
import type { Account } from 'killbill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killbill, newTenant, rawHttp } from '../support/killbill.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(import.meta.filename);
});
afterAll(async () => {
  await server?.close();
});

/** Kill Bill's AccountJson keys, in the spec's order. */
const ACCOUNT_KEYS = [
  'accountId', 'name', 'firstNameLength', 'externalKey', 'email', 'billCycleDayLocal', 'currency', 'parentAccountId',
  'isPaymentDelegatedToParent', 'paymentMethodId', 'referenceTime', 'timeZone', 'address1', 'address2', 'postalCode',
  'company', 'city', 'state', 'country', 'locale', 'phone', 'notes', 'isMigrated', 'accountBalance', 'accountCBA', 'auditLogs',
];

/** As Kill Bill's own TestJaxrsBase.getAccount: a French customer with every field filled. */
function frenchAccount(overrides: Account = {}): Account {
  const key = randomUUID();
  return {
    name: `Jean ${key}`,
    firstNameLength: 4,
    externalKey: `ext-${key}`,
    email: `${key}@example.com`,
    currency: 'USD',
    timeZone: 'UTC',
    address1: '12 rue des ecoles',
    address2: 'Poitier',
    postalCode: '44 567',
    company: 'Renault',
    city: 'Quelque part',
    state: 'Poitou',
    country: 'France',
    locale: 'fr',
    phone: '81 53 26 56',
    notes: 'notes',
    ...overrides,
  };
}

describe('creating and reading accounts', () => {
  it('creates an empty account with Kill Bill defaults and answers 201 with its Location', async () => {
    const { kb } = await newTenant(server.url);
    const res = await kb.accounts.createAccount({}, 'test');
    expect(res.status).toBe(201);
    expect(res.headers['location']).toMatch(new RegExp(`^${server.url}/1.0/kb/accounts/[0-9a-f-]{36}$`));
    const account = res.data;
    expect(Object.keys(account)).toEqual(ACCOUNT_KEYS);
    expect(account.externalKey).toBe(account.accountId);
    expect(account).toMatchObject({ name: null, email: null, currency: null, billCycleDayLocal: 0, timeZone: 'UTC', isMigrated: false });
    expect(account.isPaymentDelegatedToParent).toBe(false);
    expect(account.accountBalance).toBeNull();
    expect(account.accountCBA).toBeNull();
    expect(Date.parse(account.referenceTime!)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('reads a full account back by id and by external key exactly as it was given', async () => {
    const { kb } = await newTenant(server.url);
    const input = frenchAccount({ billCycleDayLocal: 18, timeZone: 'Europe/Paris', referenceTime: '2024-02-01T10:00:00.000Z' });
    const { data: created } = await kb.accounts.createAccount(input, 'test');
    expect(created).toMatchObject({ ...input, auditLogs: [] });
    expect((await kb.accounts.getAccount(created.accountId!)).data).toEqual(created);
    expect((await kb.accounts.getAccountByKey(input.externalKey!)).data).toEqual(created);
  });

  it('refuses a second account with the same external key with 409 ACCOUNT_ALREADY_EXISTS', async () => {
    const { kb, credentials } = await newTenant(server.url);
    const { data } = await kb.accounts.createAccount({}, 'test');
    const res = await rawHttp(server.url, credentials).post('/1.0/kb/accounts', { externalKey: data.externalKey }, { headers: { 'X-Killbill-CreatedBy': 't' } });
    expect(res.status).toBe(409);
    expect(res.data).toMatchObject({ className: 'AccountApiException', code: 3000 });
  });

  it('answers 404 for an unknown id or external key', async () => {
    const { credentials } = await newTenant(server.url);
    const http = rawHttp(server.url, credentials);
    expect((await http.get(`/1.0/kb/accounts/${randomUUID()}`)).data).toMatchObject({ code: 3002 });
    const byKey = await http.get('/1.0/kb/accounts', { params: { externalKey: 'nobody' } });
    expect(byKey.status).toBe(404);
    expect(byKey.data).toMatchObject({ code: 3003 });
  });

  it('shows a zero balance and credit when asked, and none otherwise', async () => {
    const { kb } = await newTenant(server.url);
    const { data } = await kb.accounts.createAccount(frenchAccount(), 'test');
    const withBalance = (await kb.accounts.getAccount(data.accountId!, true)).data;
    expect([withBalance.accountBalance, withBalance.accountCBA]).toEqual([0, null]);
    const withCba = (await kb.accounts.getAccountByKey(data.externalKey!, false, true)).data;
    expect([withCba.accountBalance, withCba.accountCBA]).toEqual([0, 0]);
  });

  it('refuses a parent that does not exist and a delegation without a parent', async () => {
    const { credentials } = await newTenant(server.url);
    const http = rawHttp(server.url, credentials);
    const headers = { 'X-Killbill-CreatedBy': 't' };
    expect((await http.post('/1.0/kb/accounts', { parentAccountId: randomUUID() }, { headers })).status).toBe(404);
    expect((await http.post('/1.0/kb/accounts', { isPaymentDelegatedToParent: true }, { headers })).status).toBe(400);
  });
});

describe('updating accounts', () => {
  it('changes only the fields it is given', async () => {
    const { kb } = await newTenant(server.url);
    const { data: before } = await kb.accounts.createAccount(frenchAccount(), 'test');
    await kb.accounts.updateAccount({ notes: 'notes2', city: 'Tours' }, before.accountId!, 'test');
    const after = (await kb.accounts.getAccount(before.accountId!)).data;
    expect(after).toEqual({ ...before, notes: 'notes2', city: 'Tours' });
  });

  it('resets the fields sent as null only with treatNullAsReset', async () => {
    const { kb } = await newTenant(server.url);
    const { data: before } = await kb.accounts.createAccount(frenchAccount(), 'test');
    const id = before.accountId!;
    const withNullNotes = { ...before, notes: null } as unknown as Account;
    await kb.accounts.updateAccount(withNullNotes, id, 'test');
    expect((await kb.accounts.getAccount(id)).data.notes).toBe('notes');
    await kb.accounts.updateAccount(withNullNotes, id, 'test', true);
    expect((await kb.accounts.getAccount(id)).data).toEqual({ ...before, notes: null });
  });

  it('sets a currency and a BCD that were not set, then refuses to change them', async () => {
    const { kb, credentials } = await newTenant(server.url);
    const { data } = await kb.accounts.createAccount({}, 'test');
    const id = data.accountId!;
    await kb.accounts.updateAccount({ currency: 'EUR', billCycleDayLocal: 15 }, id, 'test');
    expect((await kb.accounts.getAccount(id)).data).toMatchObject({ currency: 'EUR', billCycleDayLocal: 15 });

    const http = rawHttp(server.url, credentials);
    const headers = { 'X-Killbill-CreatedBy': 't' };
    const currency = await http.put(`/1.0/kb/accounts/${id}`, { currency: 'USD' }, { headers });
    expect(currency.status).toBe(400);
    expect(currency.data.message).toContain('currency');
    expect((await http.put(`/1.0/kb/accounts/${id}`, { billCycleDayLocal: 16 }, { headers })).status).toBe(400);
    expect((await http.put(`/1.0/kb/accounts/${id}`, { timeZone: 'Europe/Paris' }, { headers })).status).toBe(400);
    expect((await kb.accounts.getAccount(id)).data).toMatchObject({ currency: 'EUR', billCycleDayLocal: 15, timeZone: 'UTC' });
  });

  it('refuses another external key with ACCOUNT_CANNOT_CHANGE_EXTERNAL_KEY', async () => {
    const { kb, credentials } = await newTenant(server.url);
    const { data } = await kb.accounts.createAccount(frenchAccount(), 'test');
    const res = await rawHttp(server.url, credentials).put(`/1.0/kb/accounts/${data.accountId}`, { externalKey: 'other' }, { headers: { 'X-Killbill-CreatedBy': 't' } });
    expect(res.status).toBe(400);
    expect(res.data).toMatchObject({ code: 3005, className: 'AccountApiException' });
  });

  it('answers 404 when the account does not exist', async () => {
    const { credentials } = await newTenant(server.url);
    const res = await rawHttp(server.url, credentials).put(`/1.0/kb/accounts/${randomUUID()}`, { notes: 'x' }, { headers: { 'X-Killbill-CreatedBy': 't' } });
    expect(res.status).toBe(404);
  });
});

describe('closing accounts', () => {
  it('marks the account closed with 204 and keeps it readable', async () => {
    const { kb } = await newTenant(server.url);
    const { data } = await kb.accounts.createAccount(frenchAccount(), 'test');
    const res = await kb.accounts.closeAccount(data.accountId!, 'test', true, false, true, true, 'closing', 'customer left');
    expect(res.status).toBe(204);
    const rows = await server.engine.db.fork().getConnection().execute('select is_closed from accounts where id = ?', [data.accountId]);
    expect(Boolean((rows as { is_closed: number }[])[0]!.is_closed)).toBe(true);
    expect((await kb.accounts.getAccount(data.accountId!)).data.accountId).toBe(data.accountId);
    const logs = (await kb.accounts.getAccountAuditLogsWithHistory(data.accountId!)).data;
    expect(logs.at(-1)).toMatchObject({ changeType: 'UPDATE', reasonCode: 'closing', comments: 'customer left' });
  });

  it('checks its flags and answers 404 for an unknown account', async () => {
    const { kb, credentials } = await newTenant(server.url);
    const { data } = await kb.accounts.createAccount({}, 'test');
    const http = rawHttp(server.url, credentials);
    const headers = { 'X-Killbill-CreatedBy': 't' };
    expect((await http.delete(`/1.0/kb/accounts/${data.accountId}?cancelAllSubscriptions=maybe`, { headers })).status).toBe(400);
    expect((await http.delete(`/1.0/kb/accounts/${randomUUID()}`, { headers })).status).toBe(404);
  });
});

describe('listing and searching accounts', () => {
  it('pages through all accounts in creation order with Kill Bill pagination headers', async () => {
    const { kb } = await newTenant(server.url);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await kb.accounts.createAccount(frenchAccount(), 'test')).data.accountId!);

    const first = await kb.accounts.getAccounts(0, 2);
    expect(first.data.map((a) => a.accountId)).toEqual(ids.slice(0, 2));
    expect(first.headers['x-killbill-pagination-currentoffset']).toBe('0');
    expect(first.headers['x-killbill-pagination-nextoffset']).toBe('2');
    expect(first.headers['x-killbill-pagination-totalnbrecords']).toBe('3');
    expect(first.headers['x-killbill-pagination-maxnbrecords']).toBe('3');
    expect(first.headers['x-killbill-pagination-nextpageuri']).toBe('/1.0/kb/accounts/pagination?offset=2&limit=2');

    const last = await kb.accounts.getAccounts(2, 2);
    expect(last.data.map((a) => a.accountId)).toEqual(ids.slice(2));
    expect(last.headers['x-killbill-pagination-nextoffset']).toBeUndefined();
    expect((await kb.accounts.getAccounts()).data).toHaveLength(3);
  });

  it('finds accounts by id, part of the name, email, external key or company, ignoring case', async () => {
    const { kb } = await newTenant(server.url);
    const a = (await kb.accounts.createAccount(frenchAccount({ name: 'Alice Martin', company: 'Acme_Corp' }), 'test')).data;
    const b = (await kb.accounts.createAccount(frenchAccount({ name: 'Bob Martin', company: 'Globex' }), 'test')).data;
    const found = async (key: string) => (await kb.accounts.searchAccounts(key)).data.map((x) => x.accountId);

    expect(await found(a.accountId!)).toEqual([a.accountId]);
    expect(await found('martin')).toEqual([a.accountId, b.accountId]);
    expect(await found(b.email!.toUpperCase())).toEqual([b.accountId]);
    expect(await found(a.externalKey!)).toEqual([a.accountId]);
    expect(await found('globex')).toEqual([b.accountId]);
    expect(await found('Acme_')).toEqual([a.accountId]);
    expect(await found('%')).toEqual([]);
  });

  it('answers Kill Bill advanced queries over named columns', async () => {
    const { kb } = await newTenant(server.url);
    const input = (await kb.accounts.createAccount(frenchAccount(), 'test')).data;
    await kb.accounts.createAccount(frenchAccount({ address2: 'Tours', currency: 'EUR' }), 'test');
    const found = async (key: string) => (await kb.accounts.searchAccounts(key)).data.map((x) => x.accountId);

    expect(await found('_q=1&address2=Poitier&currency=USD')).toEqual([input.accountId]);
    expect(await found('_q=1&address2=Poitier&currency[neq]=MXN')).toEqual([input.accountId]);
    expect(await found('_q=1&address2=Poitier&currency=MXN')).toEqual([]);
    expect(await found('_q=1&address2=Tours&currency=USD')).toEqual([]);
  });

  it('pages search results with the matching count and the tenant count', async () => {
    const { kb } = await newTenant(server.url);
    await kb.accounts.createAccount(frenchAccount({ company: 'Initech' }), 'test');
    const second = (await kb.accounts.createAccount(frenchAccount({ company: 'Initech' }), 'test')).data;
    await kb.accounts.createAccount(frenchAccount({ company: 'Hooli' }), 'test');

    const page = await kb.accounts.searchAccounts('Initech', 1, 1);
    expect(page.data.map((a) => a.accountId)).toEqual([second.accountId]);
    expect(page.headers['x-killbill-pagination-currentoffset']).toBe('1');
    expect(page.headers['x-killbill-pagination-totalnbrecords']).toBe('2');
    expect(page.headers['x-killbill-pagination-maxnbrecords']).toBe('3');
    expect(page.headers['x-killbill-pagination-nextoffset']).toBeUndefined();
  });
});

describe('parent and children accounts', () => {
  it('lists the children of a parent in creation order, and none for an unknown account', async () => {
    const { kb } = await newTenant(server.url);
    const parent = (await kb.accounts.createAccount(frenchAccount(), 'test')).data;
    const child1 = (await kb.accounts.createAccount(frenchAccount({ parentAccountId: parent.accountId, isPaymentDelegatedToParent: true }), 'test')).data;
    const child2 = (await kb.accounts.createAccount(frenchAccount({ parentAccountId: parent.accountId }), 'test')).data;
    expect(child1).toMatchObject({ parentAccountId: parent.accountId, isPaymentDelegatedToParent: true });

    const children = (await kb.accounts.getChildrenAccounts(parent.accountId!, true, true)).data;
    expect(children).toEqual([
      { ...child1, accountBalance: 0, accountCBA: 0 },
      { ...child2, accountBalance: 0, accountCBA: 0 },
    ]);
    expect((await kb.accounts.getChildrenAccounts(child1.accountId!)).data).toEqual([]);
    expect((await kb.accounts.getChildrenAccounts(randomUUID())).data).toEqual([]);
  });
});

describe('account emails', () => {
  it('adds, lists and removes emails; adding one twice changes nothing', async () => {
    const { kb } = await newTenant(server.url);
    const { accountId } = (await kb.accounts.createAccount({}, 'test')).data;
    const id = accountId!;
    expect((await kb.accounts.getEmails(id)).data).toEqual([]);

    const added = await kb.accounts.addEmail({ accountId: id, email: 'a@example.com' }, id, 'test');
    expect(added.status).toBe(201);
    expect(added.headers['location']).toBe(`${server.url}/1.0/kb/accounts/${id}/emails`);
    await kb.accounts.addEmail({ email: 'b@example.com' }, id, 'test');
    const again = await kb.accounts.addEmail({ email: 'b@example.com' }, id, 'test');
    expect(again.status).toBe(201);
    expect((await kb.accounts.getEmails(id)).data).toEqual([
      { accountId: id, email: 'a@example.com', auditLogs: [] },
      { accountId: id, email: 'b@example.com', auditLogs: [] },
    ]);

    await kb.accounts.removeEmail(id, 'a@example.com', 'test');
    expect((await kb.accounts.getEmails(id)).data.map((e) => e.email)).toEqual(['b@example.com']);
  });

  it('answers 404 for the emails of an unknown account and 400 for a missing email', async () => {
    const { kb, credentials } = await newTenant(server.url);
    const http = rawHttp(server.url, credentials);
    const headers = { 'X-Killbill-CreatedBy': 't' };
    expect((await http.get(`/1.0/kb/accounts/${randomUUID()}/emails`)).status).toBe(404);
    expect((await http.post(`/1.0/kb/accounts/${randomUUID()}/emails`, { email: 'x@example.com' }, { headers })).status).toBe(404);
    const { accountId } = (await kb.accounts.createAccount({}, 'test')).data;
    expect((await http.post(`/1.0/kb/accounts/${accountId}/emails`, {}, { headers })).status).toBe(400);
  });

  it('keeps the audit history of an email, its removal included', async () => {
    const { kb } = await newTenant(server.url);
    const id = (await kb.accounts.createAccount({}, 'test')).data.accountId!;
    await kb.accounts.addEmail({ email: 'audited@example.com' }, id, 'test');
    await kb.accounts.removeEmail(id, 'audited@example.com', 'test');
    const emailLog = (await kb.accounts.getAccountAuditLogs(id)).data.find((l) => l.objectType === 'ACCOUNT_EMAIL')!;
    const history = (await kb.accounts.getAccountEmailAuditLogsWithHistory(id, emailLog.objectId!)).data;
    expect(history.map((l) => l.changeType)).toEqual(['INSERT', 'DELETE']);
    expect(history[0]!.history).toMatchObject({ email: 'audited@example.com', isActive: true });
    expect(history[1]!.history).toMatchObject({ isActive: false });
  });
});

describe('account audit logs', () => {
  it('records who, why and the comment of each change, at the requested audit level', async () => {
    const { kb } = await newTenant(server.url);
    const id = (await kb.accounts.createAccount(frenchAccount(), 'alice', 'signup', 'from the web')).data.accountId!;
    await kb.accounts.updateAccount({ name: 'zozo', firstNameLength: 2 }, id, 'bob', false, 'rename', 'asked by phone');

    const full = (await kb.accounts.getAccount(id, false, false, 'FULL')).data.auditLogs!;
    expect(full.map((l) => [l.changeType, l.changedBy, l.reasonCode, l.comments])).toEqual([
      ['INSERT', 'alice', 'signup', 'from the web'],
      ['UPDATE', 'bob', 'rename', 'asked by phone'],
    ]);
    expect(full[0]).toMatchObject({ objectType: 'ACCOUNT', objectId: id, history: null });
    expect((await kb.accounts.getAccount(id, false, false, 'MINIMAL')).data.auditLogs!.map((l) => l.changeType)).toEqual(['INSERT']);
    expect((await kb.accounts.getAccount(id)).data.auditLogs).toEqual([]);
    expect((await kb.accounts.getAccounts(0, 10, false, false, 'FULL')).data[0]!.auditLogs).toHaveLength(2);
  });

  it('gives the account row as each change left it', async () => {
    const { kb } = await newTenant(server.url);
    const created = (await kb.accounts.createAccount(frenchAccount(), 'test')).data;
    await kb.accounts.updateAccount({ name: 'zozo', firstNameLength: 2 }, created.accountId!, 'test');
    const logs = (await kb.accounts.getAccountAuditLogsWithHistory(created.accountId!)).data;
    expect(logs.map((l) => l.changeType)).toEqual(['INSERT', 'UPDATE']);
    expect(logs[0]!.history).toMatchObject({ externalKey: created.externalKey, name: created.name });
    expect(logs[1]!.history).toMatchObject({ externalKey: created.externalKey, name: 'zozo' });
  });

  it('lists the logs of the account and of the objects it owns', async () => {
    const { kb, credentials } = await newTenant(server.url);
    const id = (await kb.accounts.createAccount({}, 'test')).data.accountId!;
    await kb.accounts.addEmail({ email: 'owned@example.com' }, id, 'test');
    const logs = (await kb.accounts.getAccountAuditLogs(id)).data;
    expect(logs.map((l) => [l.objectType, l.changeType])).toEqual([
      ['ACCOUNT', 'INSERT'],
      ['ACCOUNT_EMAIL', 'INSERT'],
    ]);
    expect((await rawHttp(server.url, credentials).get(`/1.0/kb/accounts/${randomUUID()}/auditLogs`)).status).toBe(404);
  });
});

describe('account permissions', () => {
  it('lets a user do only what its role grants', async () => {
    const { kb, credentials } = await newTenant(server.url);
    const admin = killbill(server.url);
    const role = `creator-${randomUUID()}`;
    const username = `clerk-${randomUUID()}`;
    await admin.security.addRoleDefinition({ role, permissions: ['account:create'] }, 'test');
    await admin.security.addUserRoles({ username, password: 'pw', roles: [role] }, 'test');
    const clerk = killbill(server.url, credentials, { username, password: 'pw' });

    const id = (await clerk.accounts.createAccount({}, 'clerk')).data.accountId!;
    const http = rawHttp(server.url, credentials);
    const as = { auth: { username, password: 'pw' }, headers: { 'X-Killbill-CreatedBy': 'clerk' } };
    const denied = [
      await http.put(`/1.0/kb/accounts/${id}`, { notes: 'x' }, as),
      await http.delete(`/1.0/kb/accounts/${id}`, as),
      await http.post(`/1.0/kb/accounts/${id}/emails`, { email: 'x@example.com' }, as),
    ];
    expect(denied.map((r) => r.status)).toEqual([403, 403, 403]);
    expect(denied[0]!.data).toMatchObject({ code: 40000 });

    await kb.accounts.addEmail({ email: 'x@example.com' }, id, 'test');
    expect((await http.delete(`/1.0/kb/accounts/${id}/emails/x@example.com`, as)).status).toBe(403);
    expect((await kb.accounts.getEmails(id)).data).toHaveLength(1);
  });
});
