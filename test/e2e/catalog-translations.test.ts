import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogTranslations, type TenantContext } from '@billwright/core';
import { newTenant, rawHttp } from '../support/killbill.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(import.meta.filename);
});
afterAll(async () => {
  await server?.close();
});

const FRENCH = [
  '# Traductions du catalogue',
  'gold-monthly = Or mensuel',
  'gold-monthly-trial: Essai Or',
  'Gold=Formule \\u00c9l\\u00e9gante',
  'long-usage = premi\\u00e8re partie, \\',
  '             seconde partie',
  '',
].join('\n');

describe('catalog translations through the official Kill Bill client', () => {
  it('uploads a translation with 201 and reads it back as text', async () => {
    const { kb } = await newTenant(server.url);
    const res = await kb.invoices.uploadCatalogTranslation(FRENCH, 'fr_FR', 'test');
    expect(res.status).toBe(201);
    expect(res.headers['location']).toBe(`${server.url}/1.0/kb/invoices/catalogTranslation/fr_FR`);
    expect(res.data).toBe(FRENCH);
    const got = await kb.invoices.getCatalogTranslation('fr_FR');
    expect(got.status).toBe(200);
    expect(got.headers['content-type']).toMatch(/^text\/plain/);
    expect(got.data).toBe(FRENCH);
  });

  it('stores it under Kill Bill tenant key CATALOG_TRANSLATION_<language>_<country>', async () => {
    const { kb, credentials } = await newTenant(server.url);
    await kb.invoices.uploadCatalogTranslation('Gold=Gold', 'en', 'test');
    await kb.invoices.uploadCatalogTranslation('Gold=Ouro', 'pt_BR', 'test');
    const http = rawHttp(server.url, credentials);
    const en = await http.get('/1.0/kb/tenants/userKeyValue/CATALOG_TRANSLATION_en_');
    expect(en.data).toMatchObject({ key: 'CATALOG_TRANSLATION_en_', values: ['Gold=Gold'] });
    const pt = await http.get('/1.0/kb/tenants/userKeyValue/CATALOG_TRANSLATION_pt_BR');
    expect(pt.data.values).toEqual(['Gold=Ouro']);
  });

  it('refuses to overwrite without deleteIfExists, and replaces with it', async () => {
    const { kb, credentials } = await newTenant(server.url);
    await kb.invoices.uploadCatalogTranslation('Gold=Or', 'fr', 'test');
    const again = await rawHttp(server.url, credentials).post('/1.0/kb/invoices/catalogTranslation/fr', 'Gold=Or 2', {
      headers: { 'Content-Type': 'text/plain', 'X-Killbill-CreatedBy': 'test' },
    });
    expect(again.status).toBe(400);
    expect((await kb.invoices.getCatalogTranslation('fr')).data).toBe('Gold=Or');
    await kb.invoices.uploadCatalogTranslation('Gold=Or 2', 'fr', 'test', true);
    expect((await kb.invoices.getCatalogTranslation('fr')).data).toBe('Gold=Or 2');
  });

  it('keeps each tenant translations to itself', async () => {
    const a = await newTenant(server.url);
    const b = await newTenant(server.url);
    await a.kb.invoices.uploadCatalogTranslation('Gold=Or', 'fr_FR', 'test');
    const other = await rawHttp(server.url, b.credentials).get('/1.0/kb/invoices/catalogTranslation/fr_FR');
    expect(other.status).toBe(404);
  });

  it('gives the invoice code translations with the fr_FR → fr → pretty name → name fallback', async () => {
    const { kb, credentials } = await newTenant(server.url);
    await kb.invoices.uploadCatalogTranslation(FRENCH, 'fr', 'test');
    await kb.invoices.uploadCatalogTranslation('gold-monthly=Or mensuel (France)', 'fr_FR', 'test');
    const tenant = await server.engine.tenants.authenticate(credentials.apiKey, credentials.apiSecret);
    const ctx = { subject: { kind: 'system' }, userToken: 'test', tenant: tenant! } as unknown as TenantContext;
    const t = await loadCatalogTranslations(server.engine.tenants, ctx, 'fr_FR');
    expect(t.translate('gold-monthly', 'fr_FR')).toBe('Or mensuel (France)');
    expect(t.translate('gold-monthly-trial', 'fr_FR')).toBe('Essai Or');
    expect(t.translate('Gold', 'fr_FR')).toBe('Formule Élégante');
    expect(t.translate('long-usage', 'fr_FR')).toBe('première partie, seconde partie');
    expect(t.translate('silver-monthly', 'fr_FR', 'Silver Monthly')).toBe('Silver Monthly');
    expect(t.translate('silver-monthly', 'fr_FR')).toBe('silver-monthly');
  });
});

describe('catalog translations refuse bad input', () => {
  it('answers 400 to an invalid locale, on upload and on read', async () => {
    const { credentials } = await newTenant(server.url);
    const http = rawHttp(server.url, credentials);
    for (const locale of ['french', 'FR', 'fr-FR', 'fr_fr', 'f']) {
      const up = await http.post(`/1.0/kb/invoices/catalogTranslation/${locale}`, 'a=b', {
        headers: { 'Content-Type': 'text/plain', 'X-Killbill-CreatedBy': 'test' },
      });
      expect(up.status, locale).toBe(400);
      expect(up.data.message).toContain('Invalid locale format');
      expect((await http.get(`/1.0/kb/invoices/catalogTranslation/${locale}`)).status, locale).toBe(400);
    }
  });

  it('answers 404 when the locale has no translation', async () => {
    const { credentials } = await newTenant(server.url);
    expect((await rawHttp(server.url, credentials).get('/1.0/kb/invoices/catalogTranslation/de_DE')).status).toBe(404);
  });

  it('answers 400 to binary, empty or malformed bodies and 413 to oversized ones', async () => {
    const { credentials } = await newTenant(server.url);
    const http = rawHttp(server.url, credentials);
    const post = (data: string | Buffer) =>
      http.post('/1.0/kb/invoices/catalogTranslation/fr', data, { headers: { 'Content-Type': 'text/plain', 'X-Killbill-CreatedBy': 'test' } });
    expect((await post(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0xfe]))).status).toBe(400);
    expect((await post('a=\u0000\u0001')).status).toBe(400);
    expect((await post('')).status).toBe(400);
    expect((await post('a=\\u00zz')).status).toBe(400);
    const big = await post(`a=${'x'.repeat(2 * 1024 * 1024)}`);
    expect(big.status).toBe(413);
    expect((await http.get('/1.0/kb/invoices/catalogTranslation/fr')).status).toBe(404);
  });

  it('requires X-Killbill-CreatedBy and the tenant headers', async () => {
    const { credentials } = await newTenant(server.url);
    const noCreatedBy = await rawHttp(server.url, credentials).post('/1.0/kb/invoices/catalogTranslation/fr', 'a=b', { headers: { 'Content-Type': 'text/plain' } });
    expect(noCreatedBy.status).toBe(400);
    const noTenant = await rawHttp(server.url).get('/1.0/kb/invoices/catalogTranslation/fr');
    expect(noTenant.status).toBe(401);
  });
});
