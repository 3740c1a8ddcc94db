import { readFileSync } from 'node:fs';
import { createTestHost } from '@billwright/plugin-api/test-host';
import { describe, expect, it } from 'vitest';
import plugin from './index.js';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { billwright: { permissions: string[] } };
const ada = { accountId: '3f1c2d9e-0000-4000-8000-00000000a0a0', externalKey: 'ada', name: 'Ada Lovelace' };

function host(config?: string) {
  return createTestHost({ plugin, accounts: [ada], config, permissions: manifest.billwright.permissions });
}

describe('hello-world plugin', () => {
  it('greets the account by name with the events seen so far', async () => {
    const h = host();
    await h.onEvent({ eventType: 'ACCOUNT_CREATION', accountId: ada.accountId });
    await h.onEvent({ eventType: 'SUBSCRIPTION_CREATION', accountId: ada.accountId });

    const res = await h.request('GET', `/hello?accountId=${ada.accountId}`);

    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ greeting: 'Hello, Ada Lovelace!', eventsSeen: 2 });
  });

  it('takes the greeting word from the tenant plugin config', async () => {
    const res = await host('greeting=Bonjour\n').request('GET', '/hello', { query: { accountId: ada.accountId } });
    expect(res.json()).toEqual({ greeting: 'Bonjour, Ada Lovelace!', eventsSeen: 0 });
  });

  it('answers 400 without an accountId and 404 for an unknown account', async () => {
    const h = host();
    expect((await h.request('GET', '/hello')).status).toBe(400);
    expect((await createTestHost({ plugin, accounts: [ada], tenant: null }).request('GET', `/hello?accountId=${ada.accountId}`)).status).toBe(400);
    expect((await h.request('GET', '/hello?accountId=00000000-0000-4000-8000-0000000000ff')).status).toBe(404);
  });

  it('counts events per tenant in its own storage', async () => {
    const h = host();
    await h.onEvent({ eventType: 'INVOICE_CREATION' });
    h.setTenant({ tenantId: '00000000-0000-4000-8000-0000000000b2', apiKey: 'other' });
    await h.onEvent({ eventType: 'INVOICE_CREATION' });
    await h.onEvent({ eventType: 'PAYMENT_SUCCESS' });

    expect(h.storage().get('events-seen')).toBe('2');
    expect(h.logs.map((l) => l.fields?.['eventType'])).toEqual(['INVOICE_CREATION', 'INVOICE_CREATION', 'PAYMENT_SUCCESS']);
  });

  it('serves nothing else', async () => {
    expect((await host().request('GET', '/nope')).status).toBe(404);
    expect((await host().request('POST', '/hello')).status).toBe(405);
  });
});
