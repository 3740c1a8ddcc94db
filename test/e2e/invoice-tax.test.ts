import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Account, Invoice, NodeCommand, Subscription } from 'killbill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVOICE_CATALOG, money } from '../support/invoice-scenarios.js';
import { killbill, newTenant, writingHttp } from '../support/killbill.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * plugins/simple-tax as an operator runs it: installed and started with node commands, named in
 * KB_INVOICE_PLUGINS, configured per tenant with uploadPluginConfig. Accounts in a taxed country get a TAX
 * item linked to each recurring item, every month, once; an untaxed country gets none; with the plugin
 * down the run fails (no invoice without its taxes), and the API run after it is back writes the taxes.
 */
const simpleTax = fileURLToPath(new URL('../../plugins/simple-tax', import.meta.url));
const TAX_CONFIG = JSON.stringify({ countries: { FR: { rate: '0.20', name: 'TVA', products: { Pistol: '0.10' } }, DE: { rate: '0.19', name: 'MwSt' } } });

let server: TestServer;
let work: string;

const command = (nodeCommandType: string, props: Record<string, string>): NodeCommand => ({
  nodeCommandType,
  isSystemCommandType: false,
  nodeCommandProperties: Object.entries(props).map(([key, value]) => ({ key, value: value as unknown as object })),
});

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'invoice-tax-e2e-'));
  server = await startTestServer(import.meta.filename, { testMode: true, pluginsDir: join(work, 'plugins'), invoicePlugins: ['simple-tax'] });
  const admin = killbill(server.url);
  await admin.nodesInfo.triggerNodeCommand(command('INSTALL_PLUGIN', { pluginUri: simpleTax }), 'test');
  await admin.nodesInfo.triggerNodeCommand(command('START_PLUGIN', { pluginName: 'simple-tax' }), 'test');
});

afterAll(async () => {
  await server?.close();
  await rm(work, { recursive: true, force: true });
});

async function taxedTenant() {
  const t = await newTenant(server.url);
  const http = writingHttp(server.url, t.credentials);
  const clock = async (query: string) => expect((await http.post(`/1.0/kb/test/clock?${query}&timeoutSec=20`)).status).toBe(200);
  await clock(`requestedDate=${encodeURIComponent('2026-12-01T08:00:00.000Z')}`);
  await t.kb.catalog.uploadCatalogXml(INVOICE_CATALOG, 'test');
  await t.kb.tenants.uploadPluginConfiguration(TAX_CONFIG, 'simple-tax', 'test');

  const settle = async () => expect((await http.get('/1.0/kb/test/queues?timeoutSec=20')).status).toBe(200);
  const account = async (country: string | null) => {
    const body = { name: `Taxed ${country}`, externalKey: `tax-${randomUUID()}`, currency: 'USD', ...(country ? { country } : {}) } as Account;
    return (await t.kb.accounts.createAccount(body, 'test')).data.accountId!;
  };
  const subscribe = async (accountId: string, planName: string) => {
    await t.kb.subscriptions.createSubscription({ accountId, planName } as Subscription, 'test');
    await settle();
  };
  const invoices = async (accountId: string): Promise<Invoice[]> => {
    const { data } = await t.kb.accounts.getInvoicesForAccount(accountId, undefined, undefined, false, false, false, true);
    return [...data].sort((a, b) => Number(a.invoiceNumber) - Number(b.invoiceNumber));
  };
  const days = async (n: number) => {
    expect((await http.put(`/1.0/kb/test/clock?days=${n}&timeoutSec=20`)).status).toBe(200);
  };
  return { ...t, http, account, subscribe, invoices, days, settle };
}

/** `TYPE amount linked-type` per item, in invoice order of types. */
function taxLines(invoice: Invoice | undefined): string[] {
  const items = invoice?.items ?? [];
  const byId = new Map(items.map((i) => [i.invoiceItemId, i]));
  return items
    .map((i) => `${i.itemType} ${money(i.amount)}${i.linkedInvoiceItemId ? ` -> ${byId.get(i.linkedInvoiceItemId)?.itemType ?? '?'}` : ''}${i.itemType === 'TAX' ? ` ${i.description}` : ''}`)
    .sort();
}

describe('simple-tax on invoice runs', () => {
  it('adds a TAX item linked to the recurring item of an account in a taxed country, the product rate winning', async () => {
    const t = await taxedTenant();
    const fr = await t.account('FR');
    await t.subscribe(fr, 'pistol-monthly-notrial');
    const [invoice] = await t.invoices(fr);
    // 19.95 × 0.10 = 1.995 → 2.00 (HALF_UP)
    expect(taxLines(invoice)).toEqual(['RECURRING 19.95', 'TAX 2.00 -> RECURRING TVA']);
    expect([money(invoice!.amount), money(invoice!.balance)]).toEqual(['21.95', '21.95']);
    // ?withExplanation=true names the plugin, with its version, on the item it added.
    const explained = await t.http.get(`/1.0/kb/invoices/${invoice!.invoiceId}?withItems=true&withExplanation=true`);
    const tax = (explained.data as { items: { itemType: string; explanation?: unknown }[] }).items.find((i) => i.itemType === 'TAX');
    expect(tax?.explanation).toEqual({ kind: 'PLUGIN', plugin: 'simple-tax@1.0.0' });

    const de = await t.account('DE');
    await t.subscribe(de, 'pistol-monthly-notrial');
    expect(taxLines((await t.invoices(de))[0])).toEqual(['RECURRING 19.95', 'TAX 3.79 -> RECURRING MwSt']); // 3.7905

    const us = await t.account('US');
    await t.subscribe(us, 'pistol-monthly-notrial');
    expect(taxLines((await t.invoices(us))[0])).toEqual(['RECURRING 19.95']);
  });

  it('taxes each month\'s new recurring item once, leaving earlier invoices alone', async () => {
    const t = await taxedTenant();
    const fr = await t.account('FR');
    await t.subscribe(fr, 'pistol-monthly-notrial');
    await t.days(31);
    const invoices = await t.invoices(fr);
    expect(invoices).toHaveLength(2);
    expect(invoices.map(taxLines)).toEqual([
      ['RECURRING 19.95', 'TAX 2.00 -> RECURRING TVA'],
      ['RECURRING 19.95', 'TAX 2.00 -> RECURRING TVA'],
    ]);
    // A run with nothing new to bill adds no tax either.
    expect((await t.http.post(`/1.0/kb/invoices?accountId=${fr}`, null)).status).toBe(404);
  });

  it('writes no invoice while the plugin is down, and the taxes once it is back', async () => {
    const t = await taxedTenant();
    const admin = killbill(server.url);
    const fr = await t.account('FR');
    await admin.nodesInfo.triggerNodeCommand(command('STOP_PLUGIN', { pluginName: 'simple-tax' }), 'test');
    try {
      await t.subscribe(fr, 'pistol-monthly-notrial');
      expect(await t.invoices(fr)).toEqual([]);
      expect((await t.kb.accounts.getAccountTags(fr)).data.map((tag) => tag.tagDefinitionName)).toEqual(['__PARK__']);
    } finally {
      await admin.nodesInfo.triggerNodeCommand(command('START_PLUGIN', { pluginName: 'simple-tax' }), 'test');
    }
    // The failed run parked the account; an API run un-parks it and bills with its taxes.
    const res = await t.http.post(`/1.0/kb/invoices?accountId=${fr}`, null);
    expect(res.status).toBe(201);
    expect(taxLines((await t.invoices(fr))[0])).toEqual(['RECURRING 19.95', 'TAX 2.00 -> RECURRING TVA']);
  });
});
