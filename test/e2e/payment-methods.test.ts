import { randomUUID } from 'node:crypto';
import type { PaymentMethod } from 'killbill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawHttp } from '../support/killbill.js';
import { EXTERNAL_PAYMENT, paymentTenant, startPaymentServer, TEST_PAYMENT, type PaymentServer } from '../support/payments.js';

/**
 * Payment methods through the official client (Kill Bill's AccountResource / PaymentMethodResource):
 * each backed by the plugin named on it, the account's default kept on the account, the default refused
 * deletion unless forced, and Kill Bill's lookups by id, external key, page and search.
 */
let ps: PaymentServer;
let url: string;

beforeAll(async () => {
  ps = await startPaymentServer(import.meta.filename);
  url = ps.server.url;
});

afterAll(async () => {
  await ps?.close();
});

const AUTO_PAY_OFF = '00000000-0000-0000-0000-000000000001';
const card = (last4: string): Partial<PaymentMethod> => ({
  pluginInfo: { externalPaymentMethodId: `card-${last4}`, isDefaultPaymentMethod: false, properties: [{ key: 'last4', value: last4, isUpdatable: false }] },
});

describe('adding payment methods', () => {
  it('adds one on __EXTERNAL_PAYMENT__ (201 + Location), its external key defaulting to its id, not the default', async () => {
    const t = await paymentTenant(url);
    const res = await t.http.post(`/1.0/kb/accounts/${t.accountId}/paymentMethods`, { pluginName: EXTERNAL_PAYMENT });
    expect(res.status).toBe(201);
    expect(res.headers['location']).toMatch(new RegExp(`/1\\.0/kb/paymentMethods/${res.data.paymentMethodId}$`));
    const pm = (await t.kb.paymentMethods.getPaymentMethod(res.data.paymentMethodId)).data;
    expect(Object.keys(pm)).toEqual(['paymentMethodId', 'externalKey', 'accountId', 'isDefault', 'pluginName', 'pluginInfo', 'auditLogs']);
    expect(pm).toMatchObject({ accountId: t.accountId, pluginName: EXTERNAL_PAYMENT, isDefault: false, externalKey: pm.paymentMethodId });
    expect((await t.kb.accounts.getAccount(t.accountId)).data.paymentMethodId).toBeNull();
  });

  it('adds one on test-payment with isDefault: the account points at it, the plugin keeps its details', async () => {
    const t = await paymentTenant(url);
    const pm = await t.addMethod(TEST_PAYMENT, true, { externalKey: `visa-${randomUUID()}`, ...card('4242') });
    expect(pm).toMatchObject({ accountId: t.accountId, pluginName: TEST_PAYMENT, isDefault: true });
    expect((await t.kb.accounts.getAccount(t.accountId)).data.paymentMethodId).toBe(pm.paymentMethodId);

    const withInfo = (await t.kb.paymentMethods.getPaymentMethod(pm.paymentMethodId!, false, true)).data;
    expect(withInfo.pluginInfo).toMatchObject({ externalPaymentMethodId: 'card-4242' });
    expect(withInfo.pluginInfo?.properties).toContainEqual(expect.objectContaining({ key: 'last4', value: '4242' }));
    // Without withPluginInfo, Kill Bill never asks the plugin: no details.
    expect((await t.kb.paymentMethods.getPaymentMethod(pm.paymentMethodId!)).data.pluginInfo ?? null).toBeNull();
  });

  it('refuses a second __EXTERNAL_PAYMENT__ method on one account, a missing pluginName and an unknown plugin', async () => {
    const t = await paymentTenant(url);
    await t.addMethod(EXTERNAL_PAYMENT, false);
    const again = await t.http.post(`/1.0/kb/accounts/${t.accountId}/paymentMethods`, { pluginName: EXTERNAL_PAYMENT });
    expect(again.status).toBe(400);
    expect(again.data.code).toBe(7023);

    expect((await t.http.post(`/1.0/kb/accounts/${t.accountId}/paymentMethods`, {})).status).toBe(400);
    const unknown = await t.http.post(`/1.0/kb/accounts/${t.accountId}/paymentMethods`, { pluginName: 'no-such-gateway' });
    expect(unknown.status).toBeGreaterThanOrEqual(400);
    expect(unknown.status).toBeLessThan(500);
    expect((await t.kb.accounts.getPaymentMethodsForAccount(t.accountId)).data).toHaveLength(1);
  });

  it('answers 404 for an unknown account', async () => {
    const t = await paymentTenant(url);
    expect((await t.http.post(`/1.0/kb/accounts/${randomUUID()}/paymentMethods`, { pluginName: EXTERNAL_PAYMENT })).status).toBe(404);
  });
});

describe('listing and finding payment methods', () => {
  it('lists the account methods with isDefault from the account, plugin info only when asked', async () => {
    const t = await paymentTenant(url);
    const external = await t.addMethod(EXTERNAL_PAYMENT, false);
    const visa = await t.addMethod(TEST_PAYMENT, true, card('4242'));
    const list = (await t.kb.accounts.getPaymentMethodsForAccount(t.accountId)).data;
    expect(list.map((m) => [m.paymentMethodId, m.pluginName, m.isDefault]).sort()).toEqual(
      [
        [external.paymentMethodId, EXTERNAL_PAYMENT, false],
        [visa.paymentMethodId, TEST_PAYMENT, true],
      ].sort(),
    );
    expect(list.every((m) => (m.pluginInfo ?? null) === null)).toBe(true);
    const withInfo = (await t.kb.accounts.getPaymentMethodsForAccount(t.accountId, true)).data;
    expect(withInfo.find((m) => m.paymentMethodId === visa.paymentMethodId)?.pluginInfo?.externalPaymentMethodId).toBe('card-4242');
  });

  it('finds one by external key, 404 for an unknown key or id', async () => {
    const t = await paymentTenant(url);
    const externalKey = `pm-${randomUUID()}`;
    const pm = await t.addMethod(TEST_PAYMENT, false, { externalKey });
    expect((await t.kb.paymentMethods.getPaymentMethodByKey(externalKey)).data.paymentMethodId).toBe(pm.paymentMethodId);
    const missingKey = await t.http.get(`/1.0/kb/paymentMethods?externalKey=nope-${randomUUID()}`);
    expect(missingKey.status).toBe(404);
    const missingId = await t.http.get(`/1.0/kb/paymentMethods/${randomUUID()}`);
    expect(missingId.status).toBe(404);
    expect(missingId.data.code).toBe(7000);
  });

  it('pages through the tenant methods with Kill Bill pagination headers, and searches them', async () => {
    const t = await paymentTenant(url);
    const other = (await t.newAccount()).accountId!;
    const externalKey = `searchable-${randomUUID()}`;
    await t.addMethod(TEST_PAYMENT, false, { externalKey });
    await t.addMethod(EXTERNAL_PAYMENT, false);
    await t.addMethod(TEST_PAYMENT, false, {}, other);

    const first = await t.http.get('/1.0/kb/paymentMethods/pagination?offset=0&limit=2');
    expect(first.status).toBe(200);
    expect(first.data).toHaveLength(2);
    expect(first.headers['x-killbill-pagination-totalnbrecords']).toBe('3');
    expect(first.headers['x-killbill-pagination-nextoffset']).toBe('2');
    const all = (await t.kb.paymentMethods.getPaymentMethods(0, 100)).data;
    expect(all).toHaveLength(3);

    const found = (await t.kb.paymentMethods.searchPaymentMethods(externalKey)).data;
    expect(found.map((m) => m.externalKey)).toEqual([externalKey]);
    const byPlugin = (await t.kb.paymentMethods.getPaymentMethods(0, 100, TEST_PAYMENT)).data;
    expect(byPlugin.every((m) => m.pluginName === TEST_PAYMENT)).toBe(true);
  });
});

describe('default payment method and deletion', () => {
  it('sets another method as default (204) and the account follows', async () => {
    const t = await paymentTenant(url);
    const first = await t.addMethod(TEST_PAYMENT, true);
    const second = await t.addMethod(EXTERNAL_PAYMENT, false);
    const res = await t.kb.accounts.setDefaultPaymentMethod(t.accountId, second.paymentMethodId!, 'test');
    expect(res.status).toBe(204);
    expect((await t.kb.accounts.getAccount(t.accountId)).data.paymentMethodId).toBe(second.paymentMethodId);
    const list = (await t.kb.accounts.getPaymentMethodsForAccount(t.accountId)).data;
    expect(list.find((m) => m.paymentMethodId === first.paymentMethodId)?.isDefault).toBe(false);
    expect(list.find((m) => m.paymentMethodId === second.paymentMethodId)?.isDefault).toBe(true);
  });

  it('refuses to make another account’s method the default', async () => {
    const t = await paymentTenant(url);
    const other = (await t.newAccount()).accountId!;
    const theirs = await t.addMethod(TEST_PAYMENT, false, {}, other);
    const res = await t.http.put(`/1.0/kb/accounts/${t.accountId}/paymentMethods/${theirs.paymentMethodId}/setDefault`);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect((await t.kb.accounts.getAccount(t.accountId)).data.paymentMethodId).toBeNull();
  });

  it('deletes a method that is not the default (204); it is then gone unless includedDeleted', async () => {
    const t = await paymentTenant(url);
    await t.addMethod(TEST_PAYMENT, true);
    const spare = await t.addMethod(EXTERNAL_PAYMENT, false);
    expect((await t.kb.paymentMethods.deletePaymentMethod(spare.paymentMethodId!, 'test')).status).toBe(204);
    expect((await t.kb.accounts.getPaymentMethodsForAccount(t.accountId)).data.map((m) => m.paymentMethodId)).not.toContain(spare.paymentMethodId);
    expect((await t.kb.accounts.getPaymentMethodsForAccount(t.accountId, false, true)).data.map((m) => m.paymentMethodId)).toContain(spare.paymentMethodId);
    expect((await t.http.get(`/1.0/kb/paymentMethods/${spare.paymentMethodId}`)).status).toBe(404);
    expect((await t.kb.paymentMethods.getPaymentMethod(spare.paymentMethodId!, true)).data.paymentMethodId).toBe(spare.paymentMethodId);
  });

  it('refuses to delete the default method (400, PAYMENT_DEL_DEFAULT_PAYMENT_METHOD) unless forced', async () => {
    const t = await paymentTenant(url);
    const pm = await t.addMethod(TEST_PAYMENT, true);
    const refused = await t.http.delete(`/1.0/kb/paymentMethods/${pm.paymentMethodId}`);
    expect(refused.status).toBe(400);
    expect(refused.data.code).toBe(7022);
    expect((await t.kb.accounts.getAccount(t.accountId)).data.paymentMethodId).toBe(pm.paymentMethodId);

    expect((await t.kb.paymentMethods.deletePaymentMethod(pm.paymentMethodId!, 'test', false, true)).status).toBe(204);
    expect((await t.kb.accounts.getAccount(t.accountId)).data.paymentMethodId).toBeNull();
    expect((await t.kb.accounts.getAccountTags(t.accountId)).data.map((tag) => tag.tagDefinitionId)).not.toContain(AUTO_PAY_OFF);
  });

  it('deletes the default with deleteDefaultPmWithAutoPayOff, tagging the account AUTO_PAY_OFF', async () => {
    const t = await paymentTenant(url);
    const pm = await t.addMethod(TEST_PAYMENT, true);
    expect((await t.kb.paymentMethods.deletePaymentMethod(pm.paymentMethodId!, 'test', true)).status).toBe(204);
    expect((await t.kb.accounts.getAccount(t.accountId)).data.paymentMethodId).toBeNull();
    expect((await t.kb.accounts.getAccountTags(t.accountId)).data.map((tag) => tag.tagDefinitionId)).toContain(AUTO_PAY_OFF);
  });

  it('refreshes the account methods from the gateway (204)', async () => {
    const t = await paymentTenant(url);
    const pm = await t.addMethod(TEST_PAYMENT, true, card('1111'));
    expect((await t.kb.accounts.refreshPaymentMethods(t.accountId, 'test', TEST_PAYMENT)).status).toBe(204);
    expect((await t.kb.accounts.refreshPaymentMethods(t.accountId, 'test')).status).toBe(204);
    const list = (await t.kb.accounts.getPaymentMethodsForAccount(t.accountId)).data;
    expect(list.map((m) => m.paymentMethodId)).toContain(pm.paymentMethodId);
  });
});

describe('tenant isolation of payment methods', () => {
  it('answers 404 for another tenant’s method, and lists none of them', async () => {
    const mine = await paymentTenant(url);
    const theirs = await paymentTenant(url);
    const pm = await theirs.addMethod(TEST_PAYMENT, true);
    expect((await mine.http.get(`/1.0/kb/paymentMethods/${pm.paymentMethodId}`)).status).toBe(404);
    expect((await mine.http.delete(`/1.0/kb/paymentMethods/${pm.paymentMethodId}`)).status).toBe(404);
    expect((await mine.kb.paymentMethods.getPaymentMethods()).data).toEqual([]);
    expect((await rawHttp(url, mine.credentials).get(`/1.0/kb/accounts/${theirs.accountId}/paymentMethods`)).status).toBe(404);
  });
});
