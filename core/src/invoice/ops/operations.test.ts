import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantOnClock } from '../../../../test/support/entitlement-setup.js';
import { testCallContext } from '../../../../test/support/engine.js';
import { startTestServer, type TestServer } from '../../../../test/support/server.js';
import type { CallContext } from '../../context.js';
import { BillingError } from '../../errors/index.js';
import type { AccountId, TenantId } from '../../values/ids.js';
import type { InvoiceDeps } from '../deps.js';
import { createInvoiceOperations } from '../operations.js';
import type { InvoicePluginHook } from '../plugin-hook.js';

/**
 * The explicit writes through core with invoice plugins in the loop (the HTTP side is test/e2e/invoices.test.ts):
 * plugin items land on the charge's invoice before credit is computed, a failing plugin undoes the whole
 * write, and each write checks its Kill Bill permission.
 */

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(import.meta.filename, { testMode: true });
});
afterAll(async () => {
  await server?.close();
});

async function setup(plugins: InvoicePluginHook) {
  const t = await tenantOnClock(server.url, null);
  const e = server.engine;
  const tenant = await e.tenants.getById(t.tenantId as TenantId);
  const ctx: CallContext = { ...testCallContext(tenant.recordId), tenant: { recordId: tenant.recordId, id: tenant.id } };
  const deps: InvoiceDeps = {
    db: e.db, clock: e.clock, logger: e.logger, accounts: e.accounts, subscriptions: e.subscriptions, catalog: e.catalog,
    tags: e.tags, tenants: e.tenants, objects: e.objects, notifications: e.notifications, plugins,
  };
  const ops = createInvoiceOperations(deps);
  const accountId = t.accountId as AccountId;
  const invoices = () => e.invoices.accountInvoices(ctx, accountId, { includeVoidedInvoices: true });
  return { ctx, ops, accountId, invoices };
}

/** A 10% tax on every EXTERNAL_CHARGE of the proposed invoice, linked to it. */
const tenPercentTax: InvoicePluginHook = {
  async additionalItems(_ctx, invoice) {
    const items = invoice.items
      .filter((i) => i.type === 'EXTERNAL_CHARGE')
      .map((i) => ({
        type: 'TAX' as const, amount: i.amount.times('0.1'), linkedItemId: i.id, subscriptionId: null, bundleId: null, description: 'VAT 10%',
        startDate: i.startDate, endDate: null, itemDetails: null, id: `00000000-0000-4000-8000-${i.id.slice(-12)}`, replaces: false,
      }));
    return [{ plugin: 'tax@1.0.0', items }];
  },
};

const charge = (amount: string) => ({ amount: new Decimal(amount), description: 'Setup' });

describe('explicit invoice writes with invoice plugins', () => {
  it('puts the plugin’s tax on the charge’s invoice, rounded to the cent, explained by the plugin', async () => {
    const t = await setup(tenPercentTax);
    await t.ops.addExternalCharges(t.ctx, t.accountId, [charge('19.99')], { autoCommit: true, requestedDate: null });
    const [invoice] = await t.invoices();
    // 10% of 19.99 = 1.999 → 2.00 HALF_UP; owed 21.99.
    expect(invoice!.items.map((i) => [i.type, i.amount.toFixed(2)])).toEqual([
      ['EXTERNAL_CHARGE', '19.99'],
      ['TAX', '2.00'],
    ]);
    expect(invoice!.items[1]!.explanation).toEqual({ kind: 'PLUGIN', plugin: 'tax@1.0.0' });
    expect(invoice!.balance.toFixed(2)).toBe('21.99');
  });

  it('writes nothing when a plugin fails', async () => {
    const failing: InvoicePluginHook = {
      additionalItems: async () => {
        throw new BillingError('INVOICE_PLUGIN_FAILED', 'tax service down', {});
      },
    };
    const t = await setup(failing);
    await expect(t.ops.addExternalCharges(t.ctx, t.accountId, [charge('5')], { autoCommit: true, requestedDate: null })).rejects.toMatchObject({ code: 'INVOICE_PLUGIN_FAILED' });
    expect(await t.invoices()).toEqual([]);
  });

  it('refuses an API write that a plugin asks to reschedule (Kill Bill cannot delay API calls)', async () => {
    const rescheduling: InvoicePluginHook = { additionalItems: async () => [], priorCall: async () => ({ rescheduleDate: '2012-05-01' }) };
    const t = await setup(rescheduling);
    await expect(t.ops.createCredits(t.ctx, t.accountId, [charge('5')], { autoCommit: true })).rejects.toMatchObject({ code: 'INVOICE_PLUGIN_API_ABORTED' });
  });

  it('checks Kill Bill’s permission of each write', async () => {
    const t = await setup({ additionalItems: async () => [] });
    const reader: CallContext = { ...t.ctx, subject: { username: 'ro', roles: ['ro'], grants: ['invoice:item_adjust'] } };
    await expect(t.ops.addExternalCharges(reader, t.accountId, [charge('5')], { autoCommit: true, requestedDate: null })).rejects.toMatchObject({
      code: 'SECURITY_NOT_ENOUGH_PERMISSIONS',
      details: { permission: 'account:charge' },
    });
    await expect(t.ops.createCredits(reader, t.accountId, [charge('5')], { autoCommit: true })).rejects.toMatchObject({ details: { permission: 'account:credit' } });
    await expect(t.ops.rebalanceCba(reader, t.accountId)).rejects.toMatchObject({ details: { permission: 'invoice:delete_cba' } });
  });
});
