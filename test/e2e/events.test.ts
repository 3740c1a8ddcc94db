import { readFileSync } from 'node:fs';
import type { TagDefinitionApplicableObjectTypesEnum as ObjectTypeEnum } from 'killbill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPushReceiver } from '../support/push-receiver.js';
import { newTenant, rawHttp } from '../support/killbill.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * The external events of the existing domains, as a push notification receiver sees them: Kill Bill's
 * eventType, objectType, objectId, accountId and metaData (BeatrixListener), committed with the change.
 */
let server: TestServer;
let receiver: Awaited<ReturnType<typeof startPushReceiver>>;
let tenant: Awaited<ReturnType<typeof newTenant>>;
const PATH = '/events';
const UUID = /^[0-9a-f-]{36}$/;

const types = (...t: ObjectTypeEnum[]) => t as unknown as Set<ObjectTypeEnum>;
const catalogXml = readFileSync(new URL('../../examples/catalogs/saas.xml', import.meta.url), 'utf8');

/** The one notification of this type (and object, when given) that reached the receiver. */
async function pushed(eventType: string, objectId?: string | null) {
  const match = () => receiver.at(PATH, eventType).filter((r) => objectId === undefined || r.json.objectId === objectId);
  await expect.poll(() => match().length, { timeout: 10_000, interval: 50 }).toBeGreaterThan(0);
  expect(match()).toHaveLength(1);
  return match()[0]!.json;
}

beforeAll(async () => {
  server = await startTestServer(import.meta.filename);
  receiver = await startPushReceiver();
  tenant = await newTenant(server.url);
  await tenant.kb.tenants.registerPushNotificationCallback('test', receiver.url(PATH));
});
afterAll(async () => {
  await server?.close();
  await receiver?.close();
});

describe('external events', () => {
  it('raise ACCOUNT_CREATION and ACCOUNT_CHANGE for the account, with no metadata', async () => {
    const { kb } = tenant;
    const id = (await kb.accounts.createAccount({ name: 'Ada', externalKey: 'ada', currency: 'EUR' }, 'test')).data.accountId!;
    expect(await pushed('ACCOUNT_CREATION', id)).toEqual({ eventType: 'ACCOUNT_CREATION', accountId: id, objectType: 'ACCOUNT', objectId: id, metaData: null });

    await kb.accounts.updateAccount({ name: 'Ada L.' }, id, 'test');
    expect(await pushed('ACCOUNT_CHANGE', id)).toEqual({ eventType: 'ACCOUNT_CHANGE', accountId: id, objectType: 'ACCOUNT', objectId: id, metaData: null });
  });

  it('raise nothing for a change that did not happen, nor for account emails', async () => {
    const { kb, credentials } = tenant;
    const id = (await kb.accounts.createAccount({ externalKey: 'once' }, 'test')).data.accountId!;
    const duplicate = await rawHttp(server.url, credentials).post('/1.0/kb/accounts', { externalKey: 'once' }, { headers: { 'X-Killbill-CreatedBy': 't' } });
    expect(duplicate.status).toBe(409);
    await kb.accounts.addEmail({ accountId: id, email: 'ada@example.com' }, id, 'test');
    // A later event of the same account arrives after anything the email could have raised (per-account order).
    await kb.accounts.updateAccount({ notes: 'after the email' }, id, 'test');
    await pushed('ACCOUNT_CHANGE', id);
    // Only the account that was created raised ACCOUNT_CREATION: the refused duplicate rolled its event back.
    expect(receiver.at(PATH, 'ACCOUNT_CREATION').map((r) => r.json.objectId)).not.toContain(null);
    expect((await rawHttp(server.url, credentials).get('/1.0/kb/admin/queues')).data.busEvents.filter((e: { name: string }) => e.name === 'ACCOUNT_CREATION')).toHaveLength(2);
    expect(receiver.at(PATH).filter((r) => r.json.accountId === id).map((r) => r.json.eventType)).toEqual(['ACCOUNT_CREATION', 'ACCOUNT_CHANGE']);
  });

  it('raise TAG_CREATION and TAG_DELETION for the tag, with the tag definition name as metadata', async () => {
    const { kb } = tenant;
    const id = (await kb.accounts.createAccount({ externalKey: 'tagged' }, 'test')).data.accountId!;
    const def = (await kb.tagDefinitions.createTagDefinition({ name: 'vip', description: 'Very important', applicableObjectTypes: types('ACCOUNT') }, 'test')).data;
    const tag = (await kb.accounts.createAccountTags([def.id!], id, 'test')).data[0]!;
    const metaData = JSON.stringify({ tagDefinitionName: 'vip' });
    expect(await pushed('TAG_CREATION', tag.tagId!)).toEqual({ eventType: 'TAG_CREATION', accountId: id, objectType: 'TAG', objectId: tag.tagId, metaData });

    await kb.accounts.deleteAccountTags(id, 'test', [def.id!]);
    expect(await pushed('TAG_DELETION', tag.tagId!)).toEqual({ eventType: 'TAG_DELETION', accountId: id, objectType: 'TAG', objectId: tag.tagId, metaData });
  });

  it('raise CUSTOM_FIELD_CREATION and CUSTOM_FIELD_DELETION for the field, and nothing for an update', async () => {
    const { kb } = tenant;
    const id = (await kb.accounts.createAccount({ externalKey: 'fields' }, 'test')).data.accountId!;
    const field = (await kb.accounts.createAccountCustomFields([{ name: 'color', value: 'blue' }], id, 'test')).data[0]!;
    expect(await pushed('CUSTOM_FIELD_CREATION', field.customFieldId!)).toEqual({
      eventType: 'CUSTOM_FIELD_CREATION', accountId: id, objectType: 'CUSTOM_FIELD', objectId: field.customFieldId, metaData: null,
    });

    await kb.accounts.modifyAccountCustomFields([{ customFieldId: field.customFieldId!, name: 'color', value: 'red' }], id, 'test');
    await kb.accounts.deleteAccountCustomFields(id, 'test', [field.customFieldId!]);
    expect(await pushed('CUSTOM_FIELD_DELETION', field.customFieldId!)).toMatchObject({ accountId: id, objectType: 'CUSTOM_FIELD', metaData: null });
    expect(receiver.at(PATH).filter((r) => r.json.objectId === field.customFieldId).map((r) => r.json.eventType)).toEqual(['CUSTOM_FIELD_CREATION', 'CUSTOM_FIELD_DELETION']);
  });

  it('raise TENANT_CONFIG_CHANGE and TENANT_CONFIG_DELETION for per-tenant config and catalogs, keyed by the tenant key', async () => {
    const { kb } = tenant;
    await kb.tenants.uploadPerTenantConfiguration(JSON.stringify({ 'org.killbill.invoice.sanitySafetyBoundEnabled': 'false' }), 'test');
    const change = (key: string) => receiver.at(PATH, 'TENANT_CONFIG_CHANGE').filter((r) => r.json.metaData === JSON.stringify({ key }));
    await expect.poll(() => change('PER_TENANT_CONFIG').length, { timeout: 10_000 }).toBe(1);
    expect(change('PER_TENANT_CONFIG')[0]!.json).toEqual({
      eventType: 'TENANT_CONFIG_CHANGE', accountId: null, objectType: 'TENANT_KVS', objectId: expect.stringMatching(UUID), metaData: '{"key":"PER_TENANT_CONFIG"}',
    });

    await kb.tenants.deletePerTenantConfiguration('test');
    expect(await pushed('TENANT_CONFIG_DELETION', null)).toEqual({ eventType: 'TENANT_CONFIG_DELETION', accountId: null, objectType: 'TENANT_KVS', objectId: null, metaData: '{"key":"PER_TENANT_CONFIG"}' });

    await kb.catalog.uploadCatalogXml(catalogXml, 'test');
    await expect.poll(() => change('CATALOG').length, { timeout: 10_000 }).toBe(1);
    expect(change('CATALOG')[0]!.json).toMatchObject({ accountId: null, objectType: 'TENANT_KVS', objectId: expect.stringMatching(UUID) });
    // Registering the callback is itself a change of the system key PUSH_NOTIFICATION_CB.
    expect(change('PUSH_NOTIFICATION_CB')).toHaveLength(1);
  });

  it('raise nothing for user key values, which are not Kill Bill system keys', async () => {
    const { kb } = tenant;
    await kb.tenants.insertUserKeyValue('v1', 'my-own-key', 'test');
    await kb.tenants.uploadPluginConfiguration('k=v', 'my-plugin', 'test');
    const pluginKey = JSON.stringify({ key: 'PLUGIN_CONFIG_my-plugin' });
    await expect.poll(() => receiver.at(PATH, 'TENANT_CONFIG_CHANGE').filter((r) => r.json.metaData === pluginKey).length, { timeout: 10_000 }).toBe(1);
    expect(receiver.received.filter((r) => r.body.includes('my-own-key'))).toEqual([]);
  });

  it('are listed, handled, in the tenant queues history', async () => {
    const queues = await rawHttp(server.url, tenant.credentials).get('/1.0/kb/admin/queues');
    const names = new Set((queues.data.busEvents as { name: string; processingState: string }[]).filter((e) => e.processingState === 'PROCESSED').map((e) => e.name));
    for (const name of ['ACCOUNT_CREATION', 'ACCOUNT_CHANGE', 'TAG_CREATION', 'TAG_DELETION', 'CUSTOM_FIELD_CREATION', 'CUSTOM_FIELD_DELETION', 'TENANT_CONFIG_CHANGE', 'TENANT_CONFIG_DELETION']) {
      expect(names).toContain(name);
    }
  });
});
