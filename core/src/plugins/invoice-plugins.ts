import type { AdditionalItemsResultDto, CallContextDto, InvoiceContextDto, InvoiceDto, InvoiceHookResultDto, InvoiceItemDto, PluginProperty } from '@billwright/plugin-api';
import type { Logger } from 'pino';
import type { CallContext } from '../context.js';
import { BillingError, isBillingError } from '../errors/index.js';
import type { Invoice } from '../invoice/invoice.js';
import type { AdditionalItem, InvoicePluginHook, InvoiceRunContext, PluginItems } from '../invoice/plugin-hook.js';
import type { TenantService } from '../tenant/service.js';
import { TenantKey } from '../tenant/tenant.js';
import { newId } from '../values/ids.js';
import { invoiceDto } from './invoice-dto.js';
import { toAdditionalItem, type ItemOnInvoice } from './invoice-plugin-items.js';
import type { InstalledPlugin } from './store.js';
import type { PluginService } from './service.js';

/**
 * The `invoice` extension point, host side (Kill Bill's InvoicePluginDispatcher): the engine hands this to
 * the invoice service as its InvoicePluginHook.
 *
 * Which plugins, in which order: KB_INVOICE_PLUGINS when set (Kill Bill's `org.killbill.invoice.plugin`:
 * only the plugins listed, in that order), else every running plugin whose manifest lists `invoice`, by
 * name. A listed plugin that is not running fails the run rather than being skipped as Kill Bill skips an
 * unregistered one: an invoice written while the tax plugin restarts would lack its taxes for good, while
 * a failed run parks the account and is retried.
 *
 * Each plugin sees the invoice as the earlier ones left it (their items added or replaced, as Kill Bill
 * updates the original invoice after each plugin), the account's other invoices as its InvoiceContext,
 * the tenant's uploadPluginConfig text and the properties the previous plugin adjusted. What it returns
 * is checked by invoice-plugin-items.ts. A throw, a timeout, a crash or an open circuit fails the whole
 * run with INVOICE_PLUGIN_FAILED.
 */
export interface InvoicePluginDeps {
  readonly plugins: Pick<PluginService, 'runningPlugins' | 'use' | 'hostFor'>;
  readonly tenants: Pick<TenantService, 'getById' | 'getValues'>;
  readonly logger: Logger;
  /** KB_INVOICE_PLUGINS (config.invoicePlugins). */
  readonly order: readonly string[];
  readonly deadlineMs?: number;
}

/** An invoice run holds its account: a plugin gets less than a gateway's 30 s. */
export const INVOICE_PLUGIN_DEADLINE_MS = 10_000;

type RequiredHook = Required<InvoicePluginHook>;

export function createInvoicePluginHook(deps: InvoicePluginDeps): RequiredHook {
  const { plugins, tenants } = deps;
  const deadlineMs = deps.deadlineMs ?? INVOICE_PLUGIN_DEADLINE_MS;
  const logger = deps.logger.child({ component: 'invoice-plugins' });

  /** The plugin names to call, in order. */
  function invoicePlugins(): string[] {
    const running = new Map(plugins.runningPlugins().map((p) => [p.manifest.name, p]));
    if (deps.order.length === 0) {
      return [...running.values()].filter((p) => p.manifest.extensionPoints.includes('invoice')).map((p) => p.manifest.name).sort();
    }
    return deps.order.filter((name) => {
      const plugin = running.get(name);
      if (plugin && !plugin.manifest.extensionPoints.includes('invoice')) {
        logger.warn({ plugin: name }, 'KB_INVOICE_PLUGINS lists a plugin without the invoice extension point; skipped');
        return false;
      }
      return true; // not running: use() refuses it and the run fails (see above)
    });
  }

  async function callContext(ctx: CallContext, name: string): Promise<Omit<CallContextDto, 'deadlineMs'>> {
    const tenant = await tenants.getById(ctx.tenant.id);
    const pluginConfig = (await tenants.getValues(ctx, TenantKey.pluginConfig(name))).values[0] ?? null;
    return { tenant: { tenantId: tenant.id, apiKey: tenant.apiKey }, pluginConfig, userName: ctx.createdBy, userToken: ctx.userToken };
  }

  /** One protocol call of one plugin; every failure becomes INVOICE_PLUGIN_FAILED naming it. */
  async function call<T>(ctx: CallContext, name: string, method: string, args: readonly unknown[]): Promise<{ value: T; label: string }> {
    const callCtx = await callContext(ctx, name);
    let label = name;
    try {
      const outcome = await plugins.use(name, (pool, plugin: InstalledPlugin) => {
        label = `${plugin.manifest.name}@${plugin.manifest.version}`;
        return pool.call<T>(method, args, { ctx: callCtx, deadlineMs, host: plugins.hostFor(plugin, ctx) });
      }, ctx);
      if (outcome.kind === 'failed') throw outcome.error;
      return { value: outcome.value, label };
    } catch (err) {
      if (!isBillingError(err)) throw err;
      throw new BillingError('INVOICE_PLUGIN_FAILED', `Invoice plugin ${label} failed in ${method}: ${err.message}`, { plugin: label, method, pluginCode: err.code });
    }
  }

  function contextDto(run: InvoiceRunContext, invoice: InvoiceDto | null, existing: readonly InvoiceDto[]): InvoiceContextDto {
    return { targetDate: run.targetDate, invoice, existingInvoices: existing, isDryRun: run.dryRun, isRescheduled: run.rescheduled };
  }

  async function additionalItems(ctx: CallContext, invoice: Invoice, existingInvoices: readonly Invoice[], dryRun: boolean): Promise<readonly PluginItems[]> {
    const names = invoicePlugins();
    if (names.length === 0) return [];

    const existing = existingInvoices.filter((i) => i.id !== invoice.id);
    const existingDtos = existing.map(invoiceDto);
    const elsewhere = new Set(existing.flatMap((i) => i.items.map((item) => item.id)));
    const dto = invoiceDto(invoice);
    /** The invoice as the next plugin sees it: the proposed items with earlier plugins' additions and replacements. */
    const dtoItems = new Map<string, InvoiceItemDto>(dto.items.map((i) => [i.invoiceItemId ?? newId(), i]));
    const onInvoice = new Map<string, ItemOnInvoice>(
      invoice.items.map((i) => [
        i.id,
        {
          origin: 'invoice',
          item: {
            id: i.id, type: i.type, amount: i.amount, linkedItemId: i.linkedItemId, subscriptionId: i.subscriptionId, bundleId: i.bundleId,
            description: i.description, startDate: i.startDate, endDate: i.endDate, itemDetails: i.itemDetails,
          },
        },
      ]),
    );
    const results: { plugin: string; items: AdditionalItem[] }[] = [];
    let properties: readonly PluginProperty[] = [];

    for (const name of names) {
      const current: InvoiceDto = { ...dto, items: [...dtoItems.values()] };
      const run: InvoiceRunContext = { targetDate: invoice.targetDate, invoice, existingInvoices: existing, dryRun, rescheduled: false };
      const { value, label } = await call<AdditionalItemsResultDto | null>(ctx, name, '$getAdditionalInvoiceItems', [current, dryRun, properties, contextDto(run, current, existingDtos)]);
      const answer = readResult(value, label);
      if (answer.properties !== null) properties = answer.properties;

      const added: AdditionalItem[] = [];
      results.push({ plugin: label, items: added });
      const scope = { plugin: label, invoiceId: invoice.id, accountId: invoice.accountId, currency: invoice.currency, onInvoice, elsewhere, newId: () => newId() };
      for (const raw of answer.items) {
        const item = toAdditionalItem(raw, scope);
        // A second item with the same id (a later plugin's, or this one's) supersedes the first, as in Kill Bill.
        for (const r of results) {
          const at = r.items.findIndex((i) => i.id === item.id);
          if (at >= 0) r.items.splice(at, 1);
        }
        added.push(item);
        const { replaces: _replaces, ...base } = item;
        onInvoice.set(item.id, { item: base, origin: onInvoice.get(item.id)?.origin ?? 'plugin' });
        dtoItems.set(item.id, itemDto(item, dtoItems.get(item.id), invoice));
      }
      logger.debug({ plugin: label, accountId: invoice.accountId, items: added.length }, 'invoice plugin answered');
    }
    return results;
  }

  async function priorCall(ctx: CallContext, run: InvoiceRunContext): Promise<{ rescheduleDate: string | null }> {
    let rescheduleDate: string | null = null;
    const names = invoicePlugins();
    if (names.length === 0) return { rescheduleDate };
    const context = contextDto(run, null, run.existingInvoices.map(invoiceDto));
    for (const name of names) {
      const { value, label } = await call<InvoiceHookResultDto | null>(ctx, name, '$invoicePriorCall', [context, []]);
      const date = typeof value?.rescheduleDate === 'string' ? value.rescheduleDate : null;
      if (date !== null && (rescheduleDate === null || Date.parse(date) < Date.parse(rescheduleDate))) rescheduleDate = date;
      if (value?.isAborted === true) {
        throw new BillingError('INVOICE_PLUGIN_API_ABORTED', `Invoice plugin aborted call: ${label}`, { plugin: label });
      }
    }
    return { rescheduleDate };
  }

  async function completion(ctx: CallContext, run: InvoiceRunContext, method: '$invoiceOnSuccessCall' | '$invoiceOnFailureCall'): Promise<void> {
    const names = invoicePlugins();
    if (names.length === 0) return;
    const context = contextDto(run, run.invoice === null ? null : invoiceDto(run.invoice), run.existingInvoices.map(invoiceDto));
    for (const name of names) {
      // Kill Bill logs a plugin failing here and goes on: the run's outcome is already decided.
      await call(ctx, name, method, [context, []]).catch((err: unknown) => logger.warn({ err, plugin: name, method }, 'invoice plugin hook failed'));
    }
  }

  return {
    additionalItems,
    priorCall,
    onSuccessCall: (ctx, run) => completion(ctx, run, '$invoiceOnSuccessCall'),
    onFailureCall: (ctx, run) => completion(ctx, run, '$invoiceOnFailureCall'),
  };
}

function readResult(value: unknown, label: string): { items: readonly unknown[]; properties: readonly PluginProperty[] | null } {
  // Kill Bill skips a null result ("naughty plugin").
  if (value === null || value === undefined) return { items: [], properties: null };
  const refuse = (why: string): never => {
    throw new BillingError('INVOICE_PLUGIN_INVALID_ITEM', `Invoice plugin ${label} answered ${why}`, { plugin: label });
  };
  if (typeof value !== 'object') return refuse('something that is not an AdditionalItemsResult');
  const r = value as Record<string, unknown>;
  const items = r['additionalItems'] ?? [];
  if (!Array.isArray(items)) return refuse('additionalItems that is not an array');
  const props = r['adjustedPluginProperties'];
  if (props === undefined || props === null) return { items, properties: null };
  if (!Array.isArray(props) || !props.every((p) => typeof p === 'object' && p !== null && typeof (p as { key?: unknown }).key === 'string')) {
    return refuse('adjustedPluginProperties that are not a list of { key, value }');
  }
  return { items, properties: props as PluginProperty[] };
}

/** How an added item looks to the next plugin; a replaced one keeps its catalog fields. */
function itemDto(item: AdditionalItem, before: InvoiceItemDto | undefined, invoice: Invoice): InvoiceItemDto {
  return {
    invoiceItemId: item.id,
    invoiceId: invoice.id,
    linkedInvoiceItemId: item.linkedItemId,
    accountId: invoice.accountId,
    bundleId: item.bundleId,
    subscriptionId: item.subscriptionId,
    itemType: item.type,
    productName: before?.productName ?? null,
    planName: before?.planName ?? null,
    phaseName: before?.phaseName ?? null,
    usageName: before?.usageName ?? null,
    description: item.description,
    startDate: item.startDate,
    endDate: item.endDate,
    amount: item.amount.toFixed(),
    rate: before?.rate ?? null,
    currency: invoice.currency,
    quantity: before?.quantity ?? null,
    itemDetails: item.itemDetails,
  };
}
