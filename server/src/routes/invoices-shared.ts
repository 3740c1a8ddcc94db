import { BillingError, isBillingError, parseId, parseLocalDate, prettyNamesFrom, type Engine, type Invoice, type LocalDate, type PrettyNamesOf, type TenantContext } from '@billwright/core';
import type { Context } from 'hono';
import type { AppEnv } from '../env.js';
import { queryBoolean, type AuditLevel } from '../http/query.js';
import { invoiceJson } from '../json/invoice-json.js';

export const INVOICES = '/1.0/kb/invoices';

/**
 * Path parameter pattern for invoice and item ids. Kill Bill matches `{invoiceId:UUID_PATTERN}`, so the
 * resource's fixed words (template, translation, pagination, dryRun, charges...) never read as ids; an
 * id-like value (it has a dash) that is not a UUID is a 400 from parseId, not a 404.
 */
export const ID = '{[^/]*-[^/]*}';

export function idParam(c: Context<AppEnv>, name: string): string {
  return parseId(c.req.param(name) ?? '', name) as string;
}

/** A `YYYY-MM-DD` query parameter (Kill Bill's toLocalDate; an instant's date part is accepted too). */
export function queryLocalDate(c: Context<AppEnv>, name: string): LocalDate | null {
  const v = c.req.query(name);
  if (v === undefined || v === '') return null;
  return parseLocalDate(v.includes('T') ? v.slice(0, 10) : v, name);
}

export function requiredQueryId(c: Context<AppEnv>, name: string): string {
  const v = c.req.query(name);
  if (v === undefined || v === '') throw new BillingError('INVALID_PARAMETER', `Query parameter ${name} is required`, { parameter: name });
  return parseId(v, name) as string;
}

/**
 * The catalog pretty names for the items of one response: the tenant's catalog is read once (it is cached
 * per tenant), and a catalog that no longer loads only costs the pretty names (null), as for HTML invoices.
 */
export async function prettyNamesFor(engine: Engine, ctx: TenantContext): Promise<PrettyNamesOf> {
  const catalog = await engine.catalog.get(ctx).catch((e: unknown) => {
    if (isBillingError(e)) return null;
    throw e;
  });
  return prettyNamesFrom(catalog);
}

/** Invoices as InvoiceJson with their (and their items') audit logs at `level`, items' pretty names, and items' explanations when asked. */
export async function renderInvoices(
  c: Context<AppEnv>,
  engine: Engine,
  ctx: TenantContext,
  invoices: readonly Invoice[],
  level: AuditLevel,
  options: { withItems?: boolean; withChildrenItems?: boolean } = {},
) {
  const ids = level === 'NONE' ? [] : invoices.flatMap((i) => [i.id, ...i.items.map((it) => it.id)]);
  const logs = ids.length > 0 ? await engine.audit.forObjects(ctx, ids, level) : new Map();
  const withExplanation = queryBoolean(c, 'withExplanation', false);
  const withItems = options.withItems ?? true;
  const prettyNames = withItems && invoices.some((i) => i.items.length > 0) ? await prettyNamesFor(engine, ctx) : undefined;
  // The usage records each invoice billed first (invoice_tracking_ids), loaded with the items as Kill Bill's populateChildren.
  const trackingIds = withItems && invoices.length > 0 ? await engine.invoices.trackingIds(ctx, invoices.map((i) => i.id)) : new Map<string, string[]>();
  const out = [];
  for (const invoice of invoices) {
    const childItems = options.withChildrenItems && invoice.parentInvoice ? await engine.invoices.parentInvoiceChildItems(ctx, invoice.id) : null;
    out.push(invoiceJson(invoice, { auditLogs: logs, withExplanation, childItems, withItems, trackingIds: trackingIds.get(invoice.id) ?? [], ...(prettyNames ? { prettyNames } : {}) }));
  }
  return out;
}
