import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AccountDto } from '@billwright/plugin-api';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testInvoice, testItem, TEST_ACCOUNT_ID } from '../../../test/support/invoice-values.js';
import type { CallContext } from '../context.js';
import { SYSTEM_SUBJECT } from '../security/subject.js';
import type { TenantId } from '../values/ids.js';
import type { HostBackend } from './host-api.js';
import { createInvoicePluginHook } from './invoice-plugins.js';
import { createPluginService, workerPoolFactory, type PluginService } from './service.js';

/**
 * plugins/simple-tax installed into a temporary KB_PLUGINS_DIR and started in its own worker pool, as a
 * server runs it: the hook turns a hand-built Invoice into TAX items through a real worker thread, with
 * the tenant's uploaded config and ctx.killbill.getAccount answered by the host.
 */
const logger = pino({ level: 'silent' });
const simpleTax = fileURLToPath(new URL('../../../plugins/simple-tax', import.meta.url));
const ctx: CallContext = { subject: SYSTEM_SUBJECT, userToken: 'token-1', tenant: { recordId: 3, id: 'te000000-0000-4000-8000-000000000003' as TenantId }, createdBy: 'InvoiceRun', reasonCode: null, comment: null };
const CONFIG = JSON.stringify({ countries: { FR: { rate: '0.20', name: 'TVA', products: { Books: '0.055' } } } });

let work: string;
let plugins: PluginService;
const accountsRead: string[] = [];

const backend: HostBackend = {
  async getAccount(_ctx, accountId): Promise<AccountDto> {
    accountsRead.push(accountId);
    return { accountId, externalKey: accountId, name: null, email: null, currency: 'EUR', timeZone: 'UTC', locale: null, billCycleDayLocal: 1, country: 'FR', parentAccountId: null };
  },
  getTenantValues: async () => [],
  getPluginValue: async () => null,
  putPluginValue: async () => undefined,
  log: () => undefined,
};
const tenants = {
  getById: async (id: TenantId) => ({ recordId: 3, id, externalKey: null, apiKey: 'bob', createdDate: new Date() }),
  getValues: async (_ctx: unknown, key: string) => ({ key, values: key === 'PLUGIN_CONFIG_simple-tax' ? [CONFIG] : [] }),
};

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'invoice-plugins-'));
  plugins = createPluginService({ pluginsDir: work, poolFactory: workerPoolFactory(logger), broadcast: null, logger, hostBackend: backend });
  await plugins.install(simpleTax);
  await plugins.start('simple-tax');
});

afterAll(async () => {
  await plugins?.stopAll();
  await rm(work, { recursive: true, force: true });
});

describe('simple-tax through the invoice plugin hook and a worker pool', () => {
  it('adds TAX items for a hand-built invoice of an account in a taxed country', async () => {
    const hook = createInvoicePluginHook({ plugins, tenants, logger, order: ['simple-tax'] });
    const invoice = testInvoice({
      items: (id) => [testItem(id, { type: 'RECURRING', amount: '29.95' }), testItem(id, { type: 'RECURRING', amount: '12.00', productName: 'Books' })],
    });
    const result = await hook.additionalItems(ctx, invoice, [], false);
    expect(result.map((r) => r.plugin)).toEqual(['simple-tax@1.0.0']);
    expect(result[0]!.items.map((i) => [i.type, i.amount.toFixed(2), i.linkedItemId, i.description, i.replaces])).toEqual([
      ['TAX', '5.99', invoice.items[0]!.id, 'TVA', false],
      ['TAX', '0.66', invoice.items[1]!.id, 'TVA', false],
    ]);
    expect(accountsRead).toEqual([TEST_ACCOUNT_ID]);
  });

  it('adds nothing for items an earlier invoice already taxed', async () => {
    const hook = createInvoicePluginHook({ plugins, tenants, logger, order: [] });
    const invoice = testInvoice({ items: (id) => [testItem(id, { type: 'RECURRING', amount: '29.95' })] });
    const [first] = await hook.additionalItems(ctx, invoice, [], false);
    const tax = first!.items[0]!;
    const written = testInvoice({ id: invoice.id, items: (id) => [invoice.items[0]!, testItem(id, { type: 'TAX', amount: tax.amount.toFixed(), linkedItemId: tax.linkedItemId, id: tax.id })] });
    expect(await hook.additionalItems(ctx, testInvoice({ items: () => [] }), [written], false)).toEqual([{ plugin: 'simple-tax@1.0.0', items: [] }]);
    expect(await hook.additionalItems(ctx, written, [], false)).toEqual([{ plugin: 'simple-tax@1.0.0', items: [] }]);
  });

  it('fails the run with INVOICE_PLUGIN_FAILED when the plugin throws on a bad tenant config', async () => {
    const badTenants = { ...tenants, getValues: async (_ctx: unknown, key: string) => ({ key, values: ['{"countries": {"FR": {"rate": "lots"}}}'] }) };
    const hook = createInvoicePluginHook({ plugins, tenants: badTenants, logger, order: [] });
    const invoice = testInvoice({ items: (id) => [testItem(id, { type: 'RECURRING', amount: '29.95' })] });
    await expect(hook.additionalItems(ctx, invoice, [], false)).rejects.toMatchObject({ code: 'INVOICE_PLUGIN_FAILED', details: { plugin: 'simple-tax@1.0.0', pluginCode: 'PLUGIN_ERROR' } });
  });
});
