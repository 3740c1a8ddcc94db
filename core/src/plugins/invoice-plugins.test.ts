import type { CallContextDto, InvoiceContextDto, InvoiceDto, InvoiceHookResultDto, PluginProperty } from '@billwright/plugin-api';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { testInvoice, testItem } from '../../../test/support/invoice-values.js';
import type { CallContext } from '../context.js';
import { BillingError, isBillingError } from '../errors/index.js';
import { SYSTEM_SUBJECT } from '../security/subject.js';
import type { TenantId } from '../values/ids.js';
import { PluginCallError, type PluginOutcome } from './errors.js';
import { createInvoicePluginHook } from './invoice-plugins.js';
import type { ExtensionPoint } from '@billwright/plugin-api';
import type { CallablePool } from './service.js';
import type { InstalledPlugin } from './store.js';

const logger = pino({ level: 'silent' });
const ctx: CallContext = { subject: SYSTEM_SUBJECT, userToken: 'token-1', tenant: { recordId: 7, id: 'te000000-0000-4000-8000-000000000007' as TenantId }, createdBy: 'InvoiceRun', reasonCode: null, comment: null };

interface Seen {
  readonly plugin: string;
  readonly method: string;
  readonly args: readonly unknown[];
  readonly ctx: Omit<CallContextDto, 'deadlineMs'>;
}
type Behaviour = (method: string, args: readonly unknown[]) => unknown;

/** A plugin service with made-up plugins: each answers with its behaviour, or fails with a PluginCallError it throws. */
function fakePlugins(plugins: Record<string, { points?: ExtensionPoint[]; running?: boolean; behave: Behaviour }>) {
  const seen: Seen[] = [];
  const installed = (name: string): InstalledPlugin => ({
    manifest: { name, version: '1.2.0', apiVersion: '^0.1.0', extensionPoints: plugins[name]!.points ?? ['invoice'], permissions: [], entry: 'index.js' },
    dir: `/plugins/${name}`,
    entryPath: `/plugins/${name}/index.js`,
  });
  const running = Object.keys(plugins).filter((n) => plugins[n]!.running !== false);
  return {
    seen,
    service: {
      runningPlugins: () => running.map(installed),
      async use<T>(name: string, fn: (pool: CallablePool, plugin: InstalledPlugin) => Promise<T>): Promise<T> {
        if (!running.includes(name)) throw new BillingError('PLUGIN_UNAVAILABLE', `Plugin ${name} is not running`);
        const pool: CallablePool = {
          call: async (method, args, options) => {
            seen.push({ plugin: name, method, args: structuredClone(args), ctx: options.ctx });
            try {
              return { kind: 'ok', value: structuredClone(plugins[name]!.behave(method, args)) } as PluginOutcome<never>;
            } catch (e) {
              if (e instanceof PluginCallError) return { kind: 'failed', error: e };
              throw e;
            }
          },
          close: async () => undefined,
          info: () => {
            throw new Error('unused');
          },
        };
        return fn(pool, installed(name));
      },
      hostFor: () => null,
    },
  };
}

const tenants = {
  getById: async (id: TenantId) => ({ recordId: 7, id, externalKey: null, apiKey: 'bob', createdDate: new Date() }),
  getValues: async (_ctx: unknown, key: string) => ({ key, values: key === 'PLUGIN_CONFIG_tax' ? ['{"rate":"0.20"}'] : [] }),
};

const proposed = testInvoice({ items: (id) => [testItem(id, { type: 'RECURRING', amount: '29.95' })] });
const earlier = testInvoice({ items: (id) => [testItem(id, { type: 'RECURRING', amount: '29.95', startDate: '2026-11-01' as never })] });
const recurringId = proposed.items[0]!.id;

/** A tax plugin: 20 % of every RECURRING item of the invoice it sees. */
const taxBehaviour: Behaviour = (method, args) => {
  if (method !== '$getAdditionalInvoiceItems') return {};
  const invoice = args[0] as InvoiceDto;
  const additionalItems = invoice.items
    .filter((i) => i.itemType === 'RECURRING' || i.itemType === 'EXTERNAL_CHARGE')
    .map((i) => ({ itemType: 'TAX', amount: (Number(i.amount) * 0.2).toFixed(2), linkedInvoiceItemId: i.invoiceItemId, currency: invoice.currency }));
  return { additionalItems };
};

function hook(plugins: ReturnType<typeof fakePlugins>, order: string[] = []) {
  return createInvoicePluginHook({ plugins: plugins.service, tenants, logger, order });
}

async function failure(run: Promise<unknown>): Promise<string> {
  try {
    await run;
    return 'ok';
  } catch (e) {
    return isBillingError(e) ? `${e.code}: ${e.message}` : String(e);
  }
}

describe('the invoice plugin hook', () => {
  it('calls every running invoice plugin by name when KB_INVOICE_PLUGINS is empty, and no other plugin', async () => {
    const plugins = fakePlugins({ tax: { behave: taxBehaviour }, audit: { behave: () => ({ additionalItems: [] }) }, gateway: { points: ['payment'], behave: () => ({}) } });
    const result = await hook(plugins).additionalItems(ctx, proposed, [earlier], false);
    expect(result.map((r) => [r.plugin, r.items.length])).toEqual([['audit@1.2.0', 0], ['tax@1.2.0', 1]]);
    expect(result[1]!.items[0]).toMatchObject({ type: 'TAX', linkedItemId: recurringId, replaces: false });
    expect(result[1]!.items[0]!.amount.toFixed()).toBe('5.99');
  });

  it('gives a plugin the invoice with money as decimal strings, the other invoices, its tenant config and the caller', async () => {
    const plugins = fakePlugins({ tax: { behave: taxBehaviour } });
    await hook(plugins).additionalItems(ctx, proposed, [earlier, proposed], true);
    const [call] = plugins.seen;
    const [invoice, isDryRun, properties, context] = call!.args as [InvoiceDto, boolean, PluginProperty[], InvoiceContextDto];
    expect(call!.method).toBe('$getAdditionalInvoiceItems');
    expect(invoice).toMatchObject({ invoiceId: proposed.id, invoiceNumber: null, currency: 'EUR', balance: '29.95', invoiceDate: '2026-12-01' });
    expect(invoice.items[0]).toMatchObject({ invoiceItemId: recurringId, itemType: 'RECURRING', amount: '29.95', productName: 'Standard', startDate: '2026-12-01' });
    expect([isDryRun, properties]).toEqual([true, []]);
    // The proposed invoice is not its own context, even when the caller lists it among the existing ones.
    expect(context.existingInvoices.map((i) => i.invoiceId)).toEqual([earlier.id]);
    expect(context).toMatchObject({ isDryRun: true, isRescheduled: false, targetDate: '2026-12-01' });
    expect(call!.ctx).toEqual({ tenant: { tenantId: ctx.tenant.id, apiKey: 'bob' }, pluginConfig: '{"rate":"0.20"}', userName: 'InvoiceRun', userToken: 'token-1' });
  });

  it('calls only the plugins KB_INVOICE_PLUGINS lists, in its order, each seeing what the earlier ones added', async () => {
    const discount: Behaviour = () => ({
      additionalItems: [{ itemType: 'EXTERNAL_CHARGE', amount: '-5.00', description: 'loyalty' }],
      adjustedPluginProperties: [{ key: 'discounted', value: true }],
    });
    const plugins = fakePlugins({ tax: { behave: taxBehaviour }, discount: { behave: discount }, ignored: { behave: taxBehaviour } });
    const result = await hook(plugins, ['discount', 'tax']).additionalItems(ctx, proposed, [], false);
    expect(plugins.seen.map((s) => s.plugin)).toEqual(['discount', 'tax']);
    const seenByTax = plugins.seen[1]!.args[0] as InvoiceDto;
    const charge = result[0]!.items[0]!;
    expect(seenByTax.items.map((i) => [i.itemType, i.amount, i.invoiceItemId])).toEqual([['RECURRING', '29.95', recurringId], ['EXTERNAL_CHARGE', '-5', charge.id]]);
    expect(plugins.seen[1]!.args[2]).toEqual([{ key: 'discounted', value: true }]);
    // The tax plugin taxed the discount too, linking to the id the hook gave it.
    expect(result[1]!.items.map((i) => [i.linkedItemId, i.amount.toFixed()])).toEqual([[recurringId, '5.99'], [charge.id, '-1']]);
  });

  it('fails the run when a listed plugin is not running, rather than writing the invoice without it', async () => {
    const plugins = fakePlugins({ tax: { running: false, behave: taxBehaviour } });
    expect(await failure(hook(plugins, ['tax']).additionalItems(ctx, proposed, [], false))).toBe(
      'INVOICE_PLUGIN_FAILED: Invoice plugin tax failed in $getAdditionalInvoiceItems: Plugin tax is not running',
    );
  });

  it('turns a plugin error, timeout or open circuit into INVOICE_PLUGIN_FAILED naming the plugin and its version', async () => {
    for (const code of ['PLUGIN_ERROR', 'PLUGIN_TIMEOUT', 'PLUGIN_UNAVAILABLE'] as const) {
      const plugins = fakePlugins({
        tax: {
          behave: () => {
            throw new PluginCallError(code, 'tax service down');
          },
        },
      });
      const run = hook(plugins).additionalItems(ctx, proposed, [], false);
      await expect(run).rejects.toMatchObject({ code: 'INVOICE_PLUGIN_FAILED', message: 'Invoice plugin tax@1.2.0 failed in $getAdditionalInvoiceItems: tax service down', details: { plugin: 'tax@1.2.0', pluginCode: code } });
    }
  });

  it('refuses what it cannot write, and skips a null answer as Kill Bill does', async () => {
    const answering = (value: unknown) => hook(fakePlugins({ tax: { behave: () => value } })).additionalItems(ctx, proposed, [], false);
    expect(await failure(answering({ additionalItems: [{ itemType: 'RECURRING', amount: '1' }] }))).toBe('INVOICE_ITEM_TYPE_INVALID: Invalid invoice item type RECURRING');
    expect(await failure(answering({ additionalItems: 'TAX' }))).toMatch(/^INVOICE_PLUGIN_INVALID_ITEM: Invoice plugin tax@1.2.0 answered additionalItems that is not an array/);
    expect(await answering(null)).toEqual([{ plugin: 'tax@1.2.0', items: [] }]);
  });

  it('lets a later plugin replace an earlier plugin\'s item, which then belongs to the later one only', async () => {
    const fixedId = '44444444-0000-4000-8000-000000000004';
    const plugins = fakePlugins({
      a: { behave: () => ({ additionalItems: [{ invoiceItemId: fixedId, itemType: 'TAX', amount: '6.00', linkedInvoiceItemId: recurringId }] }) },
      b: { behave: () => ({ additionalItems: [{ invoiceItemId: fixedId, itemType: 'TAX', amount: '5.99', description: 'corrected' }] }) },
    });
    const result = await hook(plugins).additionalItems(ctx, proposed, [], false);
    expect(result.map((r) => r.items.map((i) => [i.id, i.amount.toFixed(), i.linkedItemId, i.description, i.replaces]))).toEqual([[], [[fixedId, '5.99', recurringId, 'corrected', false]]]);
  });

  it('asks nothing of anyone when no invoice plugin runs', async () => {
    const plugins = fakePlugins({ gateway: { points: ['payment'], behave: () => ({}) } });
    const h = createInvoicePluginHook({ plugins: plugins.service, tenants: { getById: () => Promise.reject(new Error('unused')), getValues: () => Promise.reject(new Error('unused')) }, logger, order: [] });
    expect(await h.additionalItems(ctx, proposed, [], false)).toEqual([]);
    expect(await h.priorCall(ctx, { targetDate: null, invoice: null, existingInvoices: [], dryRun: false, rescheduled: false })).toEqual({ rescheduleDate: null });
  });

  describe('invoice-run hooks', () => {
    const run = { targetDate: proposed.targetDate, invoice: null, existingInvoices: [earlier], dryRun: false, rescheduled: false };
    const answering = (answers: Record<string, InvoiceHookResultDto | Error>) =>
      fakePlugins(
        Object.fromEntries(
          Object.entries(answers).map(([name, answer]) => [
            name,
            {
              behave: () => {
                if (answer instanceof Error) throw new PluginCallError('PLUGIN_ERROR', answer.message);
                return answer;
              },
            },
          ]),
        ),
      );

    it('priorCall answers the earliest reschedule date any plugin asked for', async () => {
      const plugins = answering({ a: { rescheduleDate: '2026-12-03T00:00:00.000Z' }, b: { rescheduleDate: '2026-12-02T00:00:00.000Z' }, c: {} });
      expect(await hook(plugins).priorCall(ctx, run)).toEqual({ rescheduleDate: '2026-12-02T00:00:00.000Z' });
      expect(plugins.seen.map((s) => s.method)).toEqual(['$invoicePriorCall', '$invoicePriorCall', '$invoicePriorCall']);
      expect((plugins.seen[0]!.args[0] as InvoiceContextDto).existingInvoices.map((i) => i.invoiceId)).toEqual([earlier.id]);
    });

    it('priorCall stops the run with INVOICE_PLUGIN_API_ABORTED (Kill Bill 4029) when a plugin aborts', async () => {
      const plugins = answering({ a: { isAborted: true }, b: {} });
      expect(await failure(hook(plugins).priorCall(ctx, run))).toBe('INVOICE_PLUGIN_API_ABORTED: Invoice plugin aborted call: a@1.2.0');
      expect(plugins.seen.map((s) => s.plugin)).toEqual(['a']);
    });

    it('onSuccessCall and onFailureCall reach every plugin and never throw', async () => {
      const plugins = answering({ a: new Error('listener broke'), b: {} });
      await hook(plugins).onSuccessCall(ctx, { ...run, invoice: proposed });
      await hook(plugins).onFailureCall(ctx, run);
      expect(plugins.seen.map((s) => `${s.plugin} ${s.method}`)).toEqual(['a $invoiceOnSuccessCall', 'b $invoiceOnSuccessCall', 'a $invoiceOnFailureCall', 'b $invoiceOnFailureCall']);
      expect((plugins.seen[1]!.args[0] as InvoiceContextDto).invoice?.invoiceId).toBe(proposed.id);
    });
  });
});
