import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from 'killbill';
import { newTenant, rawHttp } from '../support/killbill.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let a: Awaited<ReturnType<typeof newTenant>>;
let b: Awaited<ReturnType<typeof newTenant>>;
let accountOfA: Account;
let childOfA: Account;

const headers = { 'X-Killbill-CreatedBy': 'intruder' };

beforeAll(async () => {
  server = await startTestServer(import.meta.filename);
  a = await newTenant(server.url);
  b = await newTenant(server.url);
  accountOfA = (await a.kb.accounts.createAccount({ name: 'Secret Customer', externalKey: 'shared-key', email: 'secret@a.example', currency: 'USD' }, 'a')).data;
  childOfA = (await a.kb.accounts.createAccount({ parentAccountId: accountOfA.accountId }, 'a')).data;
  await a.kb.accounts.addEmail({ email: 'billing@a.example' }, accountOfA.accountId!, 'a');
});
afterAll(async () => {
  await server?.close();
});

describe('one tenant never reaches another tenant\'s accounts', () => {
  it('cannot read the account by id or by external key', async () => {
    const http = rawHttp(server.url, b.credentials);
    expect((await http.get(`/1.0/kb/accounts/${accountOfA.accountId}`)).status).toBe(404);
    expect((await http.get('/1.0/kb/accounts', { params: { externalKey: 'shared-key' } })).status).toBe(404);
  });

  it('finds nothing of it when listing or searching', async () => {
    const list = await b.kb.accounts.getAccounts();
    expect(list.data).toEqual([]);
    expect(list.headers['x-killbill-pagination-maxnbrecords']).toBe('0');
    for (const key of ['Secret', 'secret@a.example', accountOfA.accountId!, 'shared-key']) {
      expect((await b.kb.accounts.searchAccounts(key)).data).toEqual([]);
    }
  });

  it('cannot update or close it, and the account stays as it was', async () => {
    const http = rawHttp(server.url, b.credentials);
    expect((await http.put(`/1.0/kb/accounts/${accountOfA.accountId}`, { name: 'Hacked' }, { headers })).status).toBe(404);
    expect((await http.delete(`/1.0/kb/accounts/${accountOfA.accountId}`, { headers })).status).toBe(404);
    const after = (await a.kb.accounts.getAccount(accountOfA.accountId!)).data;
    expect(after.name).toBe('Secret Customer');
    const rows = await server.engine.db.fork().getConnection().execute('select is_closed from accounts where id = ?', [accountOfA.accountId]);
    expect(Boolean((rows as { is_closed: number }[])[0]!.is_closed)).toBe(false);
  });

  it('cannot read, add or remove its emails', async () => {
    const http = rawHttp(server.url, b.credentials);
    const id = accountOfA.accountId;
    expect((await http.get(`/1.0/kb/accounts/${id}/emails`)).status).toBe(404);
    expect((await http.post(`/1.0/kb/accounts/${id}/emails`, { email: 'evil@b.example' }, { headers })).status).toBe(404);
    expect((await http.delete(`/1.0/kb/accounts/${id}/emails/billing@a.example`, { headers })).status).toBe(404);
    expect((await a.kb.accounts.getEmails(id!)).data.map((e) => e.email)).toEqual(['billing@a.example']);
  });

  it('sees no children and no audit logs of it', async () => {
    const http = rawHttp(server.url, b.credentials);
    const id = accountOfA.accountId;
    expect((await b.kb.accounts.getChildrenAccounts(id!)).data).toEqual([]);
    expect((await a.kb.accounts.getChildrenAccounts(id!)).data.map((x) => x.accountId)).toEqual([childOfA.accountId]);
    expect((await http.get(`/1.0/kb/accounts/${id}/auditLogs`)).status).toBe(404);
    expect((await http.get(`/1.0/kb/accounts/${id}/auditLogsWithHistory`)).status).toBe(404);
    const emailLog = (await a.kb.accounts.getAccountAuditLogs(id!)).data.find((l) => l.objectType === 'ACCOUNT_EMAIL')!;
    expect((await http.get(`/1.0/kb/accounts/${id}/emails/${emailLog.objectId}/auditLogsWithHistory`)).status).toBe(404);
  });

  it('cannot make its own account a child of it', async () => {
    const res = await rawHttp(server.url, b.credentials).post('/1.0/kb/accounts', { parentAccountId: accountOfA.accountId }, { headers });
    expect(res.status).toBe(404);
  });

  it('may use the same external key for an account of its own', async () => {
    const mine = (await b.kb.accounts.createAccount({ name: 'Other Customer', externalKey: 'shared-key' }, 'b')).data;
    expect(mine.accountId).not.toBe(accountOfA.accountId);
    expect((await b.kb.accounts.getAccountByKey('shared-key')).data.name).toBe('Other Customer');
    expect((await a.kb.accounts.getAccountByKey('shared-key')).data.name).toBe('Secret Customer');
  });
});
