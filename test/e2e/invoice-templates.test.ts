import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, type TenantContext } from '@billwright/core';
import { testInvoice, testItem } from '../support/invoice-values.js';
import { newTenant, rawHttp, writingHttp } from '../support/killbill.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(import.meta.filename);
});
afterAll(async () => {
  await server?.close();
});

const TEMPLATE = [
  '<html><body>',
  '<h1>{{text.invoiceTitle}} #{{invoice.invoiceNumber}}</h1>',
  '{{#invoice.invoiceItems}}<p>{{prettyPlanName}} {{formattedAmount}}</p>{{/invoice.invoiceItems}}',
  '<p>{{text.invoiceBalance}} {{invoice.formattedBalance}}</p>',
  '</body></html>',
].join('\n');

const FRENCH = ['invoiceTitle=Facture', 'invoiceDate=Date de facture :', 'invoiceBalance=Solde :', 'companyName=Soci\\u00e9t\\u00e9 Acme', ''].join('\n');

const html = { headers: { 'Content-Type': 'text/html' } };
const plain = { headers: { 'Content-Type': 'text/plain' } };

describe('invoice templates through the official Kill Bill client', () => {
  it('uploads a template with 201 and a Location, and reads it back as text/html', async () => {
    const { kb } = await newTenant(server.url);
    const res = await kb.invoices.uploadInvoiceTemplate(TEMPLATE, 'test');
    expect(res.status).toBe(201);
    expect(res.headers['location']).toBe(`${server.url}/1.0/kb/invoices/template`);
    const got = await kb.invoices.getInvoiceTemplate();
    expect(got.status).toBe(200);
    expect(got.headers['content-type']).toMatch(/^text\/html/);
    expect(got.data).toBe(TEMPLATE);
  });

  it('answers 404 while the tenant has no template, and keeps each tenant template to itself', async () => {
    const a = await newTenant(server.url);
    const b = await newTenant(server.url);
    await a.kb.invoices.uploadInvoiceTemplate(TEMPLATE, 'test');
    expect((await rawHttp(server.url, b.credentials).get('/1.0/kb/invoices/template')).status).toBe(404);
    expect((await rawHttp(server.url, b.credentials).get('/1.0/kb/invoices/manualPayTemplate/en_US')).status).toBe(404);
  });

  it('refuses to overwrite without deleteIfExists, and replaces with it', async () => {
    const { kb, credentials } = await newTenant(server.url);
    await kb.invoices.uploadInvoiceTemplate('<p>one</p>', 'test');
    const http = writingHttp(server.url, credentials);
    expect((await http.post('/1.0/kb/invoices/template', '<p>two</p>', html)).status).toBe(400);
    expect((await kb.invoices.getInvoiceTemplate()).data).toBe('<p>one</p>');
    await kb.invoices.uploadInvoiceTemplate('<p>two</p>', 'test', true);
    expect((await kb.invoices.getInvoiceTemplate()).data).toBe('<p>two</p>');
  });

  it('refuses a template that does not parse with a 400 naming the line, and stores nothing', async () => {
    const { credentials } = await newTenant(server.url);
    const http = writingHttp(server.url, credentials);
    const res = await http.post('/1.0/kb/invoices/template', '<table>\n  {{#invoice.invoiceItems}}<tr>\n</table>', html);
    expect(res.status).toBe(400);
    expect(res.data).toMatchObject({ code: ErrorCode.INVOICE_TEMPLATE_INVALID.code });
    expect(res.data.message).toContain('Unclosed section "invoice.invoiceItems" at line 2, column 3');
    expect((await http.get('/1.0/kb/invoices/template')).status).toBe(404);
    expect((await http.post('/1.0/kb/invoices/manualPayTemplate', '{{#a}}{{/b}}', html)).status).toBe(400);
    expect((await http.post('/1.0/kb/invoices/template', '', html)).status).toBe(400);
  });

  it('uploads the manual-pay template apart from the regular one; Kill Bill reads it at any locale', async () => {
    const { kb } = await newTenant(server.url);
    const res = await kb.invoices.uploadInvoiceMPTemplate('<p>pay by hand {{invoice.formattedBalance}}</p>', 'test');
    expect(res.status).toBe(201);
    expect(res.headers['location']).toBe(`${server.url}/1.0/kb/invoices/manualPayTemplate/en_US`);
    expect((await kb.invoices.getInvoiceMPTemplate('fr_FR')).data).toBe('<p>pay by hand {{invoice.formattedBalance}}</p>');
    expect((await kb.invoices.getInvoiceTemplate().catch((e: { response: { status: number } }) => e.response)).status).toBe(404);
  });

  it('stores templates under Kill Bill tenant keys INVOICE_TEMPLATE and INVOICE_MP_TEMPLATE', async () => {
    const { kb, credentials } = await newTenant(server.url);
    await kb.invoices.uploadInvoiceTemplate('<p>regular</p>', 'test');
    await kb.invoices.uploadInvoiceMPTemplate('<p>manual</p>', 'test');
    const http = rawHttp(server.url, credentials);
    expect((await http.get('/1.0/kb/tenants/userKeyValue/INVOICE_TEMPLATE')).data).toMatchObject({ key: 'INVOICE_TEMPLATE', values: ['<p>regular</p>'] });
    expect((await http.get('/1.0/kb/tenants/userKeyValue/INVOICE_MP_TEMPLATE')).data.values).toEqual(['<p>manual</p>']);
  });
});

describe('invoice translations through the official Kill Bill client', () => {
  it('uploads a translation with 201 and reads it back as text/plain', async () => {
    const { kb } = await newTenant(server.url);
    const res = await kb.invoices.uploadInvoiceTranslation(FRENCH, 'fr_FR', 'test');
    expect(res.status).toBe(201);
    expect(res.headers['location']).toBe(`${server.url}/1.0/kb/invoices/translation/fr_FR`);
    const got = await kb.invoices.getInvoiceTranslation('fr_FR');
    expect(got.headers['content-type']).toMatch(/^text\/plain/);
    expect(got.data).toBe(FRENCH);
  });

  it('stores it under INVOICE_TRANSLATION_<language>_<country>, the country possibly empty', async () => {
    const { kb, credentials } = await newTenant(server.url);
    await kb.invoices.uploadInvoiceTranslation('invoiceTitle=Facture', 'fr', 'test');
    await kb.invoices.uploadInvoiceTranslation('invoiceTitle=Fatura', 'pt_BR', 'test');
    const http = rawHttp(server.url, credentials);
    expect((await http.get('/1.0/kb/tenants/userKeyValue/INVOICE_TRANSLATION_fr_')).data.values).toEqual(['invoiceTitle=Facture']);
    expect((await http.get('/1.0/kb/tenants/userKeyValue/INVOICE_TRANSLATION_pt_BR')).data.values).toEqual(['invoiceTitle=Fatura']);
    expect((await http.get('/1.0/kb/invoices/translation/de_DE')).status).toBe(404);
  });

  it('refuses a malformed translation, an invalid locale and an overwrite without deleteIfExists', async () => {
    const { kb, credentials } = await newTenant(server.url);
    const http = writingHttp(server.url, credentials);
    expect((await http.post('/1.0/kb/invoices/translation/fr_FR', 'invoiceTitle=\\u12', plain)).status).toBe(400);
    expect((await http.post('/1.0/kb/invoices/translation/fr_FR', '', plain)).status).toBe(400);
    expect((await http.post('/1.0/kb/invoices/translation/FR', 'a=b', plain)).status).toBe(400);
    expect((await http.get('/1.0/kb/invoices/translation/f')).status).toBe(400);
    await kb.invoices.uploadInvoiceTranslation('invoiceTitle=Facture', 'fr_FR', 'test');
    expect((await http.post('/1.0/kb/invoices/translation/fr_FR', 'invoiceTitle=Autre', plain)).status).toBe(400);
    await kb.invoices.uploadInvoiceTranslation('invoiceTitle=Autre', 'fr_FR', 'test', true);
    expect((await kb.invoices.getInvoiceTranslation('fr_FR')).data).toBe('invoiceTitle=Autre');
  });

  it('needs tenant_kvs:add to upload', async () => {
    const { credentials } = await newTenant(server.url);
    const admin = rawHttp(server.url);
    const user = `reader-${Date.now()}`;
    await admin.post('/1.0/kb/security/roles', { role: user, permissions: ['invoice:credit'] }, { headers: { 'X-Killbill-CreatedBy': 'test' } });
    await admin.post('/1.0/kb/security/users', { username: user, password: 'pw', roles: [user] }, { headers: { 'X-Killbill-CreatedBy': 'test' } });
    const reader = rawHttp(server.url, credentials, { username: user, password: 'pw' });
    const res = await reader.post('/1.0/kb/invoices/template', '<p>x</p>', { headers: { 'Content-Type': 'text/html', 'X-Killbill-CreatedBy': 'test' } });
    expect(res.status).toBe(403);
    expect((await reader.get('/1.0/kb/invoices/template')).status).toBe(404);
  });
});

describe('GET /1.0/kb/invoices/{invoiceId}/html', () => {
  it('renders an invoice made over HTTP with the default template, escaping its description', async () => {
    const { kb, credentials } = await newTenant(server.url);
    const { data: account } = await kb.accounts.createAccount({ name: 'Ada Lovelace', externalKey: `ext-${Date.now()}`, currency: 'USD', locale: 'en_US' }, 'test');
    const charge = await writingHttp(server.url, credentials).post(
      `/1.0/kb/invoices/charges/${account.accountId}?autoCommit=true`,
      [{ accountId: account.accountId, amount: 150, currency: 'USD', description: 'Setup <b>fee</b>' }],
    );
    expect(charge.status).toBeLessThan(300);
    const invoiceId = charge.data[0].invoiceId as string;
    const res = await kb.invoices.getInvoiceAsHTML(invoiceId);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const page = res.data;
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('Ada Lovelace');
    expect(page).toContain('Setup &lt;b&gt;fee&lt;&#x2F;b&gt;');
    expect(page).not.toContain('<b>fee</b>');
    expect(page).toMatch(/Total:<\/td><td class="amount">\$150\.00/);
    expect(page).toMatch(/Balance:<\/td><td class="amount">\$150\.00/);
  });

  it('renders it with the tenant template once uploaded', async () => {
    const { kb, credentials } = await newTenant(server.url);
    const { data: account } = await kb.accounts.createAccount({ name: 'Ada', externalKey: `ext-${Date.now()}`, currency: 'EUR', locale: 'fr_FR' }, 'test');
    const charge = await writingHttp(server.url, credentials).post(
      `/1.0/kb/invoices/charges/${account.accountId}?autoCommit=true`,
      [{ accountId: account.accountId, amount: 12.5, currency: 'EUR', description: 'Atelier' }],
    );
    await kb.invoices.uploadInvoiceTemplate('{{#invoice.invoiceItems}}{{description}} {{formattedAmount}}{{/invoice.invoiceItems}}', 'test');
    const res = await kb.invoices.getInvoiceAsHTML(charge.data[0].invoiceId as string);
    expect(res.data.replace(/[\u00a0\u202f]/g, ' ')).toBe('Atelier 12,50 €');
  });

  it('answers 404 for an unknown invoice and for a path that is not an invoice id', async () => {
    const { credentials } = await newTenant(server.url);
    const http = rawHttp(server.url, credentials);
    expect((await http.get('/1.0/kb/invoices/00000000-0000-4000-8000-000000000000/html')).status).toBe(404);
    expect((await http.get('/1.0/kb/invoices/not-an-id/html')).status).toBe(404);
  });
});

describe('rendering with what the tenant uploaded over HTTP (engine level, on a hand-built invoice)', () => {
  it('uses the account locale, MANUAL_PAY tag, uploaded template, invoice and catalog translations, and escapes account data', async () => {
    const { kb, credentials } = await newTenant(server.url);
    await kb.catalog.uploadCatalogXml(readFileSync(new URL('../../examples/catalogs/saas.xml', import.meta.url), 'utf8'), 'test');
    const { data: account } = await kb.accounts.createAccount(
      { name: '<script>alert(1)</script>', externalKey: `ext-${Date.now()}`, currency: 'EUR', locale: 'fr_FR' },
      'test',
    );
    await kb.invoices.uploadInvoiceTemplate('<p>regular</p>', 'test');
    await kb.invoices.uploadInvoiceMPTemplate(
      '<h1>{{text.invoiceTitle}} {{account.name}}</h1>{{#invoice.invoiceItems}}<p>{{prettyPlanName}}: {{formattedStartDate}} {{formattedAmount}}</p>{{/invoice.invoiceItems}}<p>{{text.invoiceBalance}} {{invoice.formattedBalance}}</p>',
      'test',
    );
    await kb.invoices.uploadInvoiceTranslation('invoiceTitle=Facture\ninvoiceBalance=Solde :', 'fr', 'test');
    await kb.invoices.uploadCatalogTranslation('team-monthly=\u00c9quipe mensuelle', 'fr_FR', 'test');
    await kb.accounts.createAccountTags(['00000000-0000-0000-0000-000000000005'], account.accountId!, 'test');

    const tenant = await server.engine.tenants.authenticate(credentials.apiKey, credentials.apiSecret);
    const ctx = { subject: { kind: 'system' }, userToken: 'test', tenant: tenant! } as unknown as TenantContext;
    const invoice = testInvoice({
      accountId: account.accountId!,
      currency: 'EUR',
      items: (id) => [testItem(id, { type: 'RECURRING', amount: '1249.5', productName: 'Team', planName: 'team-monthly' })],
    });
    const html = (await server.engine.invoiceHtml.render(ctx, invoice)).replace(/[\u00a0\u202f]/g, ' ');
    expect(html).toBe('<h1>Facture &lt;script&gt;alert(1)&lt;&#x2F;script&gt;</h1><p>Équipe mensuelle: 1 déc. 2026 1 249,50 €</p><p>Solde : 1 249,50 €</p>');
  });
});
