import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant, rawHttp, type TenantCredentials, newAccount, writingHttp } from '../support/killbill.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(import.meta.filename);
});
afterAll(async () => {
  await server?.close();
});



const write = (creds: TenantCredentials) => writingHttp(server.url, creds);

describe('account custom fields', () => {
  it('adds fields with 201, the client following the Location, and audits them with reason and comment', async () => {
    const { kb } = await newTenant(server.url);
    const accountId = await newAccount(kb, 'Fielded');
    const res = await kb.accounts.createAccountCustomFields([{ name: 'MyName', value: 'InitialValue' }, { name: 'other', value: 'x' }], accountId, 'alice', 'support ticket', 'asked by phone');
    expect(res.status).toBe(201);
    expect(res.headers['location']).toBe(`${server.url}/1.0/kb/accounts/${accountId}/customFields`);
    expect(res.data.map((f) => [f.name, f.value, f.objectType, f.objectId])).toEqual([['MyName', 'InitialValue', 'ACCOUNT', accountId], ['other', 'x', 'ACCOUNT', accountId]]);
    expect(Object.keys(res.data[0]!)).toEqual(['customFieldId', 'objectId', 'objectType', 'name', 'value', 'auditLogs']);

    const full = (await kb.accounts.getAccountCustomFields(accountId, 'FULL')).data[0]!.auditLogs!;
    expect(full).toMatchObject([{ changeType: 'INSERT', objectType: 'CUSTOM_FIELD', changedBy: 'alice', reasonCode: 'support ticket', comments: 'asked by phone' }]);
    expect((await kb.accounts.getAccountCustomFields(accountId)).data[0]!.auditLogs).toEqual([]);
    const history = (await kb.customFields.getCustomFieldAuditLogsWithHistory(res.data[0]!.customFieldId!)).data;
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ changeType: 'INSERT', objectType: 'CUSTOM_FIELD', objectId: res.data[0]!.customFieldId });
    expect(history[0]!.history).toMatchObject({ fieldName: 'MyName', fieldValue: 'InitialValue' });
  });

  it('modifies a value with 204 and deletes fields with 204, as Kill Bill TestCustomField', async () => {
    const { kb, credentials } = await newTenant(server.url);
    const accountId = await newAccount(kb, 'Fielded');
    await kb.accounts.createAccountCustomFields([{ name: 'MyName', value: 'InitialValue' }], accountId, 'test');
    let all = (await kb.accounts.getAccountCustomFields(accountId)).data;
    const id = all[0]!.customFieldId!;
    // Kill Bill's own client sends only the id and the new value; the name, when sent, must be the field's.
    const bare = await write(credentials).put(`/1.0/kb/accounts/${accountId}/customFields`, [{ customFieldId: id, value: 'Interim' }]);
    expect(bare.status).toBe(204);
    expect((await kb.accounts.modifyAccountCustomFields([{ customFieldId: id, name: 'MyName', value: 'NewValue' }], accountId, 'bob', 'typo')).status).toBe(204);
    all = (await kb.accounts.getAccountCustomFields(accountId, 'FULL')).data;
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ name: 'MyName', value: 'NewValue' });
    expect(all[0]!.auditLogs!.map((l) => [l.changeType, l.changedBy, l.reasonCode])).toEqual([['INSERT', 'test', null], ['UPDATE', 'test', null], ['UPDATE', 'bob', 'typo']]);
    expect((await kb.accounts.getAccountCustomFields(accountId, 'MINIMAL')).data[0]!.auditLogs!.map((l) => l.changeType)).toEqual(['INSERT']);

    expect((await kb.accounts.deleteAccountCustomFields(accountId, 'test', [id])).status).toBe(204);
    expect((await kb.accounts.getAccountCustomFields(accountId)).data).toEqual([]);
    const history = (await kb.customFields.getCustomFieldAuditLogsWithHistory(id)).data;
    expect(history.map((h) => h.changeType)).toEqual(['INSERT', 'UPDATE', 'UPDATE', 'DELETE']);
    expect(history[2]!.history).toMatchObject({ fieldValue: 'NewValue' });
  });

  it('deletes every field of the account when no id is given, and ignores ids it does not have', async () => {
    const { kb } = await newTenant(server.url);
    const accountId = await newAccount(kb, 'Fielded');
    await kb.accounts.createAccountCustomFields([{ name: 'a', value: '1' }, { name: 'b', value: '2' }], accountId, 'test');
    await kb.accounts.deleteAccountCustomFields(accountId, 'test', [randomUUID()]);
    expect((await kb.accounts.getAccountCustomFields(accountId)).data).toHaveLength(2);
    await kb.accounts.deleteAccountCustomFields(accountId, 'test');
    expect((await kb.accounts.getAccountCustomFields(accountId)).data).toEqual([]);
  });

  it('answers 409 for a field the account already has and 400 for bad fields', async () => {
    const { kb, credentials } = await newTenant(server.url);
    const http = write(credentials);
    const accountId = await newAccount(kb, 'Fielded');
    const path = `/1.0/kb/accounts/${accountId}/customFields`;
    await kb.accounts.createAccountCustomFields([{ name: 'k', value: 'v' }], accountId, 'test');
    const dup = await http.post(path, [{ name: 'k', value: 'v' }]);
    expect(dup.status).toBe(409);
    expect(dup.data).toMatchObject({ code: 9000, className: 'CustomFieldApiException' });
    for (const body of [[{ name: '', value: 'v' }], [{ name: 'n' }], [{ name: 'n'.repeat(65), value: 'v' }], [{ name: 'n', value: 'v'.repeat(256) }], [{ name: 1, value: 'v' }], ['x'], { name: 'n', value: 'v' }]) {
      expect([body, (await http.post(path, body)).status]).toEqual([body, 400]);
    }
    expect((await kb.accounts.getAccountCustomFields(accountId)).data.map((f) => f.name)).toEqual(['k']);
    const [field] = (await kb.accounts.getAccountCustomFields(accountId)).data;
    expect((await http.put(path, [{ customFieldId: field!.customFieldId, name: 'renamed', value: 'w' }])).data.code).toBe(9002);
    expect((await http.put(path, [{ value: 'w' }])).status).toBe(400);
    const unknown = await http.put(path, [{ customFieldId: randomUUID(), value: 'w' }]);
    expect(unknown.status).toBe(404);
    expect(unknown.data.code).toBe(9001);
    const otherAccount = await newAccount(kb, 'Fielded');
    expect((await http.put(`/1.0/kb/accounts/${otherAccount}/customFields`, [{ customFieldId: field!.customFieldId, value: 'w' }])).data.code).toBe(9002);
    expect((await http.get(`/1.0/kb/accounts/${randomUUID()}/customFields`)).status).toBe(404);
    expect((await http.get(`/1.0/kb/customFields/${randomUUID()}/auditLogsWithHistory`)).status).toBe(404);
  });

  it('lists all the custom fields of an account, by object type', async () => {
    const { kb } = await newTenant(server.url);
    const accountId = await newAccount(kb, 'Fielded');
    await kb.accounts.createAccountCustomFields([{ name: 'a', value: '1' }, { name: 'b', value: '2' }], accountId, 'test');
    await kb.accounts.createAccountCustomFields([{ name: 'elsewhere', value: '3' }], await newAccount(kb, 'Fielded'), 'test');
    expect((await kb.accounts.getAllCustomFields(accountId)).data.map((f) => f.name)).toEqual(['a', 'b']);
    expect((await kb.accounts.getAllCustomFields(accountId, 'ACCOUNT', 'FULL')).data[0]!.auditLogs).toHaveLength(1);
    expect((await kb.accounts.getAllCustomFields(accountId, 'PAYMENT')).data).toEqual([]);
  });
});

describe('custom fields of the whole tenant', () => {
  it('pages and searches as Kill Bill TestCustomField.testCustomFieldsPagination', async () => {
    const { kb } = await newTenant(server.url);
    const accountId = await newAccount(kb, 'Fielded');
    const input = Array.from({ length: 5 }, () => ({ name: randomUUID().slice(0, 5), value: randomUUID().slice(0, 5) }));
    await kb.accounts.createAccountCustomFields(input, accountId, 'test');
    const all = (await kb.accounts.getAccountCustomFields(accountId)).data;

    let offset = 0;
    for (const expected of all) {
      const page = await kb.customFields.getCustomFields(offset, 1, 'NONE');
      expect(page.data).toEqual([expected]);
      expect(page.headers['x-killbill-pagination-currentoffset']).toBe(String(offset));
      expect(page.headers['x-killbill-pagination-totalnbrecords']).toBe('5');
      offset += 1;
      expect(page.headers['x-killbill-pagination-nextoffset']).toBe(offset < 5 ? String(offset) : undefined);
    }
    expect((await kb.customFields.getCustomFields(0, 2)).headers['x-killbill-pagination-nextpageuri']).toMatch(/^\/1\.0\/kb\/customFields\/pagination\?.*offset=2/);

    for (const f of all) {
      for (const key of [f.name!, f.value!]) {
        const found = await kb.customFields.searchCustomFields(key);
        expect(found.data).toEqual([f]);
        expect(found.headers['x-killbill-pagination-totalnbrecords']).toBe('1');
        expect(found.headers['x-killbill-pagination-maxnbrecords']).toBe('5');
      }
    }
    const none = await kb.customFields.searchCustomFields(randomUUID());
    expect(none.data).toEqual([]);
    expect(none.headers['x-killbill-pagination-maxnbrecords']).toBe('5');
    expect((await kb.customFields.searchCustomFields('ACCOUNT')).data).toHaveLength(5);

    const byName = await kb.customFields.searchCustomFieldsByTypeName('ACCOUNT', input[0]!.name);
    expect(byName.data.map((f) => f.name)).toEqual([input[0]!.name]);
    expect(byName.headers['x-killbill-pagination-maxnbrecords']).toBe('5');
    expect((await kb.customFields.searchCustomFieldsByTypeName('ACCOUNT', input[0]!.name, input[0]!.value)).data).toHaveLength(1);
    expect((await kb.customFields.searchCustomFieldsByTypeName('ACCOUNT', input[0]!.name, 'other value')).data).toEqual([]);
    expect((await kb.customFields.searchCustomFieldsByTypeName('INVOICE', input[0]!.name)).data).toEqual([]);
  });

  it('refuses a search by type and name without both', async () => {
    const { credentials } = await newTenant(server.url);
    const http = rawHttp(server.url, credentials);
    expect((await http.get('/1.0/kb/customFields/search', { params: { fieldName: 'x' } })).status).toBe(400);
    expect((await http.get('/1.0/kb/customFields/search', { params: { objectType: 'NOPE', fieldName: 'x' } })).status).toBe(400);
    expect((await http.get('/1.0/kb/customFields/search', { params: { objectType: 'ACCOUNT' } })).status).toBe(400);
  });
});

describe('tenant isolation', () => {
  it('never lets tenant B read, add, change, delete or find the custom fields of tenant A', async () => {
    const a = await newTenant(server.url);
    const b = await newTenant(server.url);
    const accountId = await newAccount(a.kb);
    await a.kb.accounts.createAccountCustomFields([{ name: 'secret', value: 'only-for-a' }], accountId, 'test');
    const [field] = (await a.kb.accounts.getAccountCustomFields(accountId)).data;
    const http = write(b.credentials);
    const path = `/1.0/kb/accounts/${accountId}/customFields`;

    expect((await http.get(path)).status).toBe(404);
    expect((await http.get(`/1.0/kb/accounts/${accountId}/allCustomFields`)).status).toBe(404);
    expect((await http.post(path, [{ name: 'x', value: 'y' }])).status).toBe(404);
    expect((await http.put(path, [{ customFieldId: field!.customFieldId, value: 'hijacked' }])).status).toBe(404);
    expect((await http.delete(path)).status).toBe(404);
    expect((await http.get(`/1.0/kb/customFields/${field!.customFieldId}/auditLogsWithHistory`)).status).toBe(404);
    expect((await b.kb.customFields.searchCustomFields('only-for-a')).data).toEqual([]);
    expect((await b.kb.customFields.searchCustomFieldsByTypeName('ACCOUNT', 'secret')).data).toEqual([]);
    expect((await b.kb.customFields.getCustomFields()).data).toEqual([]);
    expect((await a.kb.accounts.getAccountCustomFields(accountId)).data.map((f) => f.value)).toEqual(['only-for-a']);
  });
});
