import { BillingError, parseId } from '@billwright/core';
import { Hono } from 'hono';
import type { AppEnv } from '../env.js';
import { callContext, tenantContext } from '../http/call-context.js';
import { kbJson } from '../http/kb-json.js';
import { pageRequest, paginated } from '../http/pagination.js';
import { auditLevel, queryBoolean } from '../http/query.js';
import { noContent } from '../http/responses.js';
import { accountIdParam } from './accounts-shared.js';
import { queryLocalDate, renderInvoices } from './invoices-shared.js';

/**
 * The invoice paths of Kill Bill's AccountResource: the account's invoices, their paginated list, the
 * child-to-parent credit transfer and the CBA rebalancing.
 */
export const accountInvoices = new Hono<AppEnv>();

/**
 * GET /accounts/{id}/invoices: startDate/endDate (target dates), withMigrationInvoices, unpaidInvoicesOnly,
 * includeVoidedInvoices, includeInvoiceComponents (items; Kill Bill's invoices are shallow without it) and
 * invoicesFilter (comma-separated ids), with Kill Bill's refusals of the combinations it does not support.
 */
accountInvoices.get('/:accountId/invoices', async (c) => {
  const accountId = accountIdParam(c);
  const withMigrationInvoices = queryBoolean(c, 'withMigrationInvoices', false);
  const unpaidInvoicesOnly = queryBoolean(c, 'unpaidInvoicesOnly', false);
  const includeInvoiceComponents = queryBoolean(c, 'includeInvoiceComponents', false);
  const startDate = queryLocalDate(c, 'startDate');
  const endDate = queryLocalDate(c, 'endDate');
  if (unpaidInvoicesOnly && withMigrationInvoices) throw new BillingError('INVALID_PARAMETER', "We don't support fetching unpaid invoices incl. migration");
  if (startDate !== null && withMigrationInvoices) throw new BillingError('INVALID_PARAMETER', "We don't support fetching migration invoices and specifying a start date");
  if (unpaidInvoicesOnly && includeInvoiceComponents) throw new BillingError('INVALID_PARAMETER', "We don't support fetching unpaid invoices with invoice components");
  const filter = (c.req.query('invoicesFilter') ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  const ctx = tenantContext(c);
  const engine = c.get('engine');
  const list = await engine.invoices.accountInvoices(ctx, accountId, {
    ...(startDate ? { startDate } : {}),
    ...(endDate ? { endDate } : {}),
    withMigrationInvoices,
    unpaidInvoicesOnly,
    includeVoidedInvoices: queryBoolean(c, 'includeVoidedInvoices', false),
    ...(filter.length > 0 ? { invoiceIds: filter.map((id) => parseId(id, 'invoicesFilter') as string) } : {}),
  });
  return kbJson(c, await renderInvoices(c, engine, ctx, list, auditLevel(c), { withItems: includeInvoiceComponents }));
});

/** GET /accounts/{id}/invoices/pagination: the account's invoices a page at a time (shallow, as Kill Bill). */
accountInvoices.get('/:accountId/invoices/pagination', async (c) => {
  const accountId = accountIdParam(c);
  const req = pageRequest(c);
  const ctx = tenantContext(c);
  const engine = c.get('engine');
  const all = await engine.invoices.accountInvoices(ctx, accountId, { withMigrationInvoices: true, includeVoidedInvoices: true });
  const slice = all.slice(req.offset, req.offset + req.limit);
  const items = await renderInvoices(c, engine, ctx, slice, auditLevel(c), { withItems: false });
  return paginated(c, { items, offset: req.offset, total: all.length, max: all.length }, req.limit, (json) => json);
});

accountInvoices.put('/:accountId/transferCredit', async (c) => {
  await c.get('engine').invoices.transferChildCredit(callContext(c), accountIdParam(c));
  return noContent(c);
});

accountInvoices.put('/:accountId/cbaRebalancing', async (c) => {
  await c.get('engine').invoices.rebalanceCba(callContext(c), accountIdParam(c));
  return noContent(c);
});
