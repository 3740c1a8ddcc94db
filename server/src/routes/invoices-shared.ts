import { BillingError, parseId, parseLocalDate, type Engine, type Invoice, type LocalDate, type TenantContext } from '@billwright/core';
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

/** Invoices as InvoiceJson with their (and their items') audit logs at `level`, and items' explanations when asked. */
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
  const out = [];
  for (const invoice of invoices) {
    const childItems = options.withChildrenItems && invoice.parentInvoice ? await engine.invoices.parentInvoiceChildItems(ctx, invoice.id) : null;
    out.push(invoiceJson(invoice, { auditLogs: logs, withExplanation, childItems, withItems: options.withItems ?? true }));
  }
  return out;
}
