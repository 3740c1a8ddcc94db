import { randomUUID } from 'node:crypto';
import type { TagDefinitionApplicableObjectTypesEnum as ObjectTypeEnum } from 'killbill';
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

const AUTO_PAY_OFF = '00000000-0000-0000-0000-000000000001';
const AUTO_INVOICING_OFF = '00000000-0000-0000-0000-000000000002';
const WRITTEN_OFF = '00000000-0000-0000-0000-000000000004';
const TEST = '00000000-0000-0000-0000-000000000006';
const PARTNER = '00000000-0000-0000-0000-000000000007';

/** The client types applicableObjectTypes as a Set (the spec says uniqueItems), which JSON.stringify sends as {}: pass an array. */
const types = (...t: ObjectTypeEnum[]) => t as unknown as Set<ObjectTypeEnum>;


const write = (creds: TenantCredentials) => writingHttp(server.url, creds);

describe('tag definitions', () => {
  it('lists Kill Bill control tags with their fixed ids beside the tenant own definitions', async () => {
    const { kb } = await newTenant(server.url);
    const { data } = await kb.tagDefinitions.getTagDefinitions();
    const control = data.filter((d) => d.isControlTag);
    expect(control.map((d) => [d.id, d.name])).toEqual([
      [AUTO_PAY_OFF, 'AUTO_PAY_OFF'],
      [AUTO_INVOICING_OFF, 'AUTO_INVOICING_OFF'],
      ['00000000-0000-0000-0000-000000000003', 'OVERDUE_ENFORCEMENT_OFF'],
      [WRITTEN_OFF, 'WRITTEN_OFF'],
      ['00000000-0000-0000-0000-000000000005', 'MANUAL_PAY'],
      [TEST, 'TEST'],
      [PARTNER, 'PARTNER'],
      ['00000000-0000-0000-0000-000000000008', 'AUTO_INVOICING_DRAFT'],
      ['00000000-0000-0000-0000-000000000009', 'AUTO_INVOICING_REUSE_DRAFT'],
    ]);
    expect(control.find((d) => d.name === 'WRITTEN_OFF')).toMatchObject({
      description: 'Indicates that an invoice is written off. No billing or payment effect.',
      applicableObjectTypes: ['INVOICE'],
      auditLogs: [],
    });
    expect((await kb.tagDefinitions.getTagDefinition(AUTO_PAY_OFF)).data).toMatchObject({ name: 'AUTO_PAY_OFF', isControlTag: true, applicableObjectTypes: ['ACCOUNT'] });
  });

  it('creates a definition with 201 and a Location, audits it with reason and comment, and deletes it', async () => {
    const { kb, credentials } = await newTenant(server.url);
    const res = await kb.tagDefinitions.createTagDefinition({ name: 'vip', description: 'Very important', applicableObjectTypes: types('ACCOUNT', 'INVOICE') }, 'alice', 'support ticket', 'asked by phone');
    expect(res.status).toBe(201);
    const id = res.data.id!;
    expect(res.headers['location']).toBe(`${server.url}/1.0/kb/tagDefinitions/${id}`);
    expect(res.data).toMatchObject({ name: 'vip', description: 'Very important', isControlTag: false, applicableObjectTypes: ['ACCOUNT', 'INVOICE'] });
    expect((await kb.tagDefinitions.getTagDefinitions()).data[0]!.name).toBe('vip');
    const full = (await kb.tagDefinitions.getTagDefinition(id, 'FULL')).data.auditLogs!;
    expect(full).toMatchObject([{ changeType: 'INSERT', objectType: 'TAG_DEFINITION', objectId: id, changedBy: 'alice', reasonCode: 'support ticket', comments: 'asked by phone', history: null }]);
    expect((await kb.tagDefinitions.getTagDefinition(id, 'NONE')).data.auditLogs).toEqual([]);

    expect((await kb.tagDefinitions.deleteTagDefinition(id, 'bob')).status).toBe(204);
    expect((await rawHttp(server.url, credentials).get(`/1.0/kb/tagDefinitions/${id}`)).status).toBe(404);
    const history = (await kb.tagDefinitions.getTagDefinitionAuditLogsWithHistory(id)).data;
    expect(history.map((h) => [h.changeType, h.changedBy])).toEqual([['INSERT', 'alice'], ['DELETE', 'bob']]);
    expect(history[1]!.history).toMatchObject({ name: 'vip', isActive: false });
    expect((await kb.tagDefinitions.getTagDefinitions('FULL')).data.map((d) => d.name)).not.toContain('vip');
  });

  it('answers Kill Bill error codes for duplicates, control tag names, uppercase names and bad input', async () => {
    const { kb, credentials } = await newTenant(server.url);
    const http = write(credentials);
    await kb.tagDefinitions.createTagDefinition({ name: 'dup', description: 'd', applicableObjectTypes: types('ACCOUNT') }, 'test');
    const cases: [unknown, number, number | undefined][] = [
      [{ name: 'dup', description: 'd', applicableObjectTypes: ['ACCOUNT'] }, 409, 3901],
      [{ name: 'AUTO_PAY_OFF', description: 'd', applicableObjectTypes: ['ACCOUNT'] }, 409, 3900],
      [{ name: 'Loud', description: 'd', applicableObjectTypes: ['ACCOUNT'] }, 400, 3904],
      [{ name: 'no-types', description: 'd' }, 400, undefined],
      [{ name: 'bad-type', description: 'd', applicableObjectTypes: ['FOO'] }, 400, undefined],
      [{ name: 'no-description', applicableObjectTypes: ['ACCOUNT'] }, 400, undefined],
      [{ name: 'x'.repeat(51), description: 'd', applicableObjectTypes: ['ACCOUNT'] }, 400, undefined],
      ['not json', 400, undefined],
    ];
    for (const [body, status, code] of cases) {
      const res = await http.post('/1.0/kb/tagDefinitions', body, { headers: { 'Content-Type': 'application/json' } });
      expect([body, res.status]).toEqual([body, status]);
      if (code) expect(res.data.code).toBe(code);
    }
    expect((await http.post('/1.0/kb/tagDefinitions', { name: 'anon', description: 'd', applicableObjectTypes: ['ACCOUNT'] }, { headers: { 'X-Killbill-CreatedBy': '' } })).status).toBe(400);
    expect((await http.get('/1.0/kb/tagDefinitions/not-a-uuid')).status).toBe(400);
    expect((await http.get(`/1.0/kb/tagDefinitions/${randomUUID()}`)).data.code).toBe(3902);
    expect((await http.delete(`/1.0/kb/tagDefinitions/${AUTO_PAY_OFF}`)).status).toBe(404);
  });

  it('refuses to delete a definition while an object carries it', async () => {
    const { kb, credentials } = await newTenant(server.url);
    const def = (await kb.tagDefinitions.createTagDefinition({ name: 'busy', description: 'd', applicableObjectTypes: types('ACCOUNT') }, 'test')).data;
    const accountId = await newAccount(kb, 'Tagged');
    await kb.accounts.createAccountTags([def.id!], accountId, 'test');
    const res = await write(credentials).delete(`/1.0/kb/tagDefinitions/${def.id}`);
    expect(res.status).toBe(400);
    expect(res.data).toMatchObject({ code: 3903, className: 'TagDefinitionApiException' });
    await kb.accounts.deleteAccountTags(accountId, 'test', [def.id!]);
    expect((await kb.tagDefinitions.deleteTagDefinition(def.id!, 'test')).status).toBe(204);
  });
});

describe('account tags', () => {
  it('adds tags with 201, the client following the Location, and adding one again changes nothing', async () => {
    const { kb, credentials } = await newTenant(server.url);
    const accountId = await newAccount(kb, 'Tagged');
    const vip = (await kb.tagDefinitions.createTagDefinition({ name: 'vip', description: 'd', applicableObjectTypes: types('ACCOUNT') }, 'test')).data;
    const res = await kb.accounts.createAccountTags([AUTO_INVOICING_OFF, vip.id!], accountId, 'test');
    expect(res.status).toBe(201);
    expect(res.headers['location']).toBe(`${server.url}/1.0/kb/accounts/${accountId}/tags`);
    expect(res.data.map((t) => [t.tagDefinitionId, t.tagDefinitionName, t.objectType, t.objectId])).toEqual([
      [AUTO_INVOICING_OFF, 'AUTO_INVOICING_OFF', 'ACCOUNT', accountId],
      [vip.id, 'vip', 'ACCOUNT', accountId],
    ]);
    await kb.accounts.createAccountTags([AUTO_INVOICING_OFF], accountId, 'test');
    const { data } = await kb.accounts.getAccountTags(accountId);
    expect(data).toHaveLength(2);
    expect(Object.keys(data[0]!)).toEqual(['tagId', 'objectType', 'objectId', 'tagDefinitionId', 'tagDefinitionName', 'auditLogs']);
    // What invoicing will ask: the engine sees the control tag the API put on.
    const tenant = await server.engine.tenants.getByApiKey(credentials.apiKey);
    const ctx = { subject: { username: 'admin', roles: ['root'], grants: ['*'] }, userToken: 't', tenant: { recordId: tenant.recordId, id: tenant.id } };
    expect(await server.engine.tags.hasControlTag(ctx, accountId, 'AUTO_INVOICING_OFF')).toBe(true);
    expect(await server.engine.tags.hasControlTag(ctx, accountId, 'AUTO_PAY_OFF')).toBe(false);
  });

  it('removes tags with 204, keeps them for includedDeleted, and shows their audit at every level', async () => {
    const { kb } = await newTenant(server.url);
    const accountId = await newAccount(kb, 'Tagged');
    await kb.accounts.createAccountTags([TEST, PARTNER], accountId, 'alice', 'support ticket', 'asked by phone');
    expect((await kb.accounts.deleteAccountTags(accountId, 'bob', [TEST], 'cleanup', 'no longer a test')).status).toBe(204);
    expect((await kb.accounts.getAccountTags(accountId)).data.map((t) => t.tagDefinitionName)).toEqual(['PARTNER']);
    const all = (await kb.accounts.getAccountTags(accountId, true, 'FULL')).data;
    expect(all.map((t) => t.tagDefinitionName)).toEqual(['TEST', 'PARTNER']);
    expect(all[0]!.auditLogs).toMatchObject([
      { changeType: 'INSERT', objectType: 'TAG', changedBy: 'alice', reasonCode: 'support ticket', comments: 'asked by phone' },
      { changeType: 'DELETE', objectType: 'TAG', changedBy: 'bob', reasonCode: 'cleanup', comments: 'no longer a test' },
    ]);
    expect((await kb.accounts.getAccountTags(accountId, true, 'MINIMAL')).data[0]!.auditLogs!.map((l) => l.changeType)).toEqual(['INSERT']);
    expect((await kb.accounts.getAccountTags(accountId, true, 'NONE')).data[0]!.auditLogs).toEqual([]);
    const history = (await kb.tags.getTagAuditLogsWithHistory(all[0]!.tagId!)).data;
    expect(history.map((h) => h.changeType)).toEqual(['INSERT', 'DELETE']);
    expect(history[0]!.history).toMatchObject({ tagDefinitionId: TEST, objectId: accountId, objectType: 'ACCOUNT', isActive: true });
    expect(history[1]!.history).toMatchObject({ isActive: false });
  });

  it('answers 400 for a definition that is unknown or not for accounts, 404 for a tag the account has not', async () => {
    const { kb, credentials } = await newTenant(server.url);
    const http = write(credentials);
    const accountId = await newAccount(kb, 'Tagged');
    const invoiceOnly = (await kb.tagDefinitions.createTagDefinition({ name: 'invoices', description: 'd', applicableObjectTypes: types('INVOICE') }, 'test')).data;
    const post = (body: unknown) => http.post(`/1.0/kb/accounts/${accountId}/tags`, body);
    expect((await post([WRITTEN_OFF])).status).toBe(400);
    expect((await post([invoiceOnly.id])).status).toBe(400);
    const unknown = await post([randomUUID()]);
    expect(unknown.status).toBe(400);
    expect(unknown.data).toMatchObject({ code: 3902, className: 'TagApiException' });
    expect((await post(['not-a-uuid'])).status).toBe(400);
    expect((await post({ not: 'an array' })).status).toBe(400);
    expect((await post(['00000000-0000-0001-0000-000000000001'])).data.code).toBe(3953);
    expect((await kb.accounts.getAccountTags(accountId)).data).toEqual([]);
    const missing = await http.delete(`/1.0/kb/accounts/${accountId}/tags`, { params: { tagDef: PARTNER } });
    expect(missing.status).toBe(404);
    expect(missing.data).toMatchObject({ code: 3950, className: 'TagApiException' });
    expect((await http.get(`/1.0/kb/accounts/${randomUUID()}/tags`)).status).toBe(404);
    expect((await http.get('/1.0/kb/accounts/nope/tags')).status).toBe(400);
  });

  it('keeps AUTO_PAY_OFF on an account that has no default payment method, as Kill Bill', async () => {
    const { kb, credentials } = await newTenant(server.url);
    const accountId = await newAccount(kb, 'Tagged');
    await kb.accounts.createAccountTags([AUTO_PAY_OFF], accountId, 'test');
    const res = await write(credentials).delete(`/1.0/kb/accounts/${accountId}/tags`, { params: { tagDef: AUTO_PAY_OFF } });
    expect(res.status).toBe(400);
    expect(res.data.code).toBe(3951);
    expect((await kb.accounts.getAccountTags(accountId)).data.map((t) => t.tagDefinitionName)).toEqual(['AUTO_PAY_OFF']);
  });

  it('lists all the tags of an account, by object type and with deleted ones on request', async () => {
    const { kb } = await newTenant(server.url);
    const accountId = await newAccount(kb, 'Tagged');
    const otherAccount = await newAccount(kb, 'Tagged');
    await kb.accounts.createAccountTags([TEST, PARTNER], accountId, 'test');
    await kb.accounts.createAccountTags([TEST], otherAccount, 'test');
    await kb.accounts.deleteAccountTags(accountId, 'test', [TEST]);
    expect((await kb.accounts.getAllTags(accountId)).data.map((t) => t.tagDefinitionName)).toEqual(['PARTNER']);
    expect((await kb.accounts.getAllTags(accountId, undefined, true)).data.map((t) => t.tagDefinitionName)).toEqual(['TEST', 'PARTNER']);
    expect((await kb.accounts.getAllTags(accountId, 'ACCOUNT', false, 'MINIMAL')).data[0]!.auditLogs).toHaveLength(1);
    expect((await kb.accounts.getAllTags(accountId, 'INVOICE')).data).toEqual([]);
  });
});

describe('tags of the whole tenant', () => {
  it('pages with Kill Bill pagination headers and searches by definition name and object type', async () => {
    const { kb } = await newTenant(server.url);
    const accounts = [await newAccount(kb, 'Tagged'), await newAccount(kb, 'Tagged'), await newAccount(kb, 'Tagged')];
    for (const a of accounts) await kb.accounts.createAccountTags([PARTNER], a, 'test');
    const first = await kb.tags.getTags(0, 2);
    expect(first.data.map((t) => t.objectId)).toEqual(accounts.slice(0, 2));
    expect(first.headers['x-killbill-pagination-currentoffset']).toBe('0');
    expect(first.headers['x-killbill-pagination-nextoffset']).toBe('2');
    expect(first.headers['x-killbill-pagination-totalnbrecords']).toBe('3');
    expect(first.headers['x-killbill-pagination-maxnbrecords']).toBe('3');
    expect(first.headers['x-killbill-pagination-nextpageuri']).toContain('/1.0/kb/tags/pagination?');
    const last = await kb.tags.getTags(2, 2, 'FULL');
    expect(last.data.map((t) => t.objectId)).toEqual([accounts[2]]);
    expect(last.data[0]!.auditLogs).toHaveLength(1);
    expect(last.headers['x-killbill-pagination-nextoffset']).toBeUndefined();

    expect((await kb.tags.searchTags('PARTNER')).data).toHaveLength(3);
    expect((await kb.tags.searchTags('partner account')).data).toHaveLength(3);
    expect((await kb.tags.searchTags('ACCOUNT')).headers['x-killbill-pagination-totalnbrecords']).toBe('3');
    const byId = await kb.tags.searchTags(first.data[0]!.tagId!);
    expect(byId.data.map((t) => t.tagId)).toEqual([first.data[0]!.tagId]);
    expect(byId.headers['x-killbill-pagination-maxnbrecords']).toBe('3');
    expect((await kb.tags.searchTags('nothing-like-this')).data).toEqual([]);
  });
});

describe('tenant isolation', () => {
  it('never lets tenant B see, tag or untag tenant A account, nor see A definitions and tags', async () => {
    const a = await newTenant(server.url);
    const b = await newTenant(server.url);
    const accountId = await newAccount(a.kb);
    const secret = (await a.kb.tagDefinitions.createTagDefinition({ name: 'secret-of-a', description: 'd', applicableObjectTypes: types('ACCOUNT') }, 'test')).data;
    await a.kb.accounts.createAccountTags([secret.id!, PARTNER], accountId, 'test');
    const tagId = (await a.kb.accounts.getAccountTags(accountId)).data[0]!.tagId!;
    const http = write(b.credentials);

    expect((await http.get(`/1.0/kb/accounts/${accountId}/tags`)).status).toBe(404);
    expect((await http.get(`/1.0/kb/accounts/${accountId}/allTags`)).status).toBe(404);
    expect((await http.post(`/1.0/kb/accounts/${accountId}/tags`, [TEST])).status).toBe(404);
    expect((await http.delete(`/1.0/kb/accounts/${accountId}/tags`, { params: { tagDef: PARTNER } })).status).toBe(404);
    expect((await http.get(`/1.0/kb/tagDefinitions/${secret.id}`)).status).toBe(404);
    expect((await http.delete(`/1.0/kb/tagDefinitions/${secret.id}`)).status).toBe(404);
    expect((await http.get(`/1.0/kb/tags/${tagId}/auditLogsWithHistory`)).status).toBe(404);
    expect((await b.kb.tagDefinitions.getTagDefinitions()).data.map((d) => d.name)).not.toContain('secret-of-a');
    expect((await b.kb.tags.searchTags('secret-of-a')).data).toEqual([]);
    expect((await b.kb.tags.getTags()).data).toEqual([]);
    expect((await a.kb.accounts.getAccountTags(accountId)).data).toHaveLength(2);
  });

  it('asks for tenant credentials on every tag resource', async () => {
    const http = rawHttp(server.url);
    for (const path of ['/1.0/kb/tagDefinitions', '/1.0/kb/tags/pagination', `/1.0/kb/accounts/${randomUUID()}/tags`]) {
      expect((await http.get(path)).status).toBe(401);
    }
  });
});
