import { BillingError, parseId, parseLocalDate, type AccountId, type DryRunRequest } from '@billwright/core';
import { Hono } from 'hono';
import type { AppEnv } from '../env.js';
import { callContext, tenantContext } from '../http/call-context.js';
import { optionalDecimalJsonObject, stringField, type DecimalObject } from '../http/decimal-json.js';
import { kbJson } from '../http/kb-json.js';
import { pageRequest, paginated } from '../http/pagination.js';
import { auditLevel, queryBoolean } from '../http/query.js';
import { created, noContent } from '../http/responses.js';
import { auditLogJson } from '../json/audit.js';
import { ID, idParam, INVOICES, queryLocalDate, renderInvoices, requiredQueryId } from './invoices-shared.js';

/**
 * `/1.0/kb/invoices` reads and runs (Kill Bill's InvoiceResource): an invoice by id, number or item, lists and
 * search (shallow, with pagination headers), the audit history, POST (run now: 201, or 404 when there is
 * nothing to invoice) and POST /dryRun (200, or 204 when there is nothing). The explicit writes are in
 * invoices-writes.ts; templates, translations and HTML are elsewhere.
 */
export const invoices = new Hono<AppEnv>();

invoices.get('/pagination', async (c) => {
  const req = pageRequest(c);
  const ctx = tenantContext(c);
  const engine = c.get('engine');
  const page = await engine.invoices.list(ctx, req);
  const items = await renderInvoices(c, engine, ctx, page.items, auditLevel(c), { withItems: false });
  return paginated(c, { items, total: page.total, offset: page.offset, max: page.max ?? page.total }, req.limit, (json) => json);
});

invoices.get('/search/:searchKey{.+}', async (c) => {
  const req = pageRequest(c);
  const ctx = tenantContext(c);
  const engine = c.get('engine');
  const page = await engine.invoices.search(ctx, c.req.param('searchKey'), req);
  const items = await renderInvoices(c, engine, ctx, page.items, auditLevel(c), { withItems: false });
  return paginated(c, { items, total: page.total, offset: page.offset, max: page.max ?? page.total }, req.limit, (json) => json);
});

invoices.get('/byNumber/:invoiceNumber', async (c) => {
  const raw = c.req.param('invoiceNumber');
  if (!/^\d{1,15}$/.test(raw)) throw new BillingError('INVOICE_INVALID_NUMBER', `Invalid invoice number ${raw.slice(0, 32)}.`, { invoiceNumber: raw.slice(0, 32) });
  const ctx = tenantContext(c);
  const engine = c.get('engine');
  const invoice = await engine.invoices.getByNumber(ctx, Number(raw));
  const [json] = await renderInvoices(c, engine, ctx, [invoice], auditLevel(c), { withChildrenItems: queryBoolean(c, 'withChildrenItems', false) });
  return kbJson(c, json);
});

invoices.get(`/byItemId/:itemId${ID}`, async (c) => {
  const ctx = tenantContext(c);
  const engine = c.get('engine');
  const invoice = await engine.invoices.getByItemId(ctx, idParam(c, 'itemId'));
  const [json] = await renderInvoices(c, engine, ctx, [invoice], auditLevel(c), { withChildrenItems: queryBoolean(c, 'withChildrenItems', false) });
  return kbJson(c, json);
});

/** POST /invoices?accountId=&targetDate=: generate now (Kill Bill answers 404 when there is nothing to invoice). */
invoices.post('/', async (c) => {
  const accountId = requiredQueryId(c, 'accountId') as AccountId;
  const ctx = callContext(c);
  const engine = c.get('engine');
  const invoice = await engine.invoices.runInvoice(ctx, accountId, queryLocalDate(c, 'targetDate'));
  const [json] = await renderInvoices(c, engine, ctx, [invoice], 'NONE');
  return created(c, `${INVOICES}/${invoice.id}`, json);
});

/** POST /invoices/dryRun?accountId=&targetDate= with an optional InvoiceDryRunJson: 200 with the invoice, 204 when nothing. */
invoices.post('/dryRun', async (c) => {
  const accountId = requiredQueryId(c, 'accountId') as AccountId;
  const ctx = callContext(c);
  const request = dryRunRequest(await optionalDecimalJsonObject(c), queryLocalDate(c, 'targetDate'));
  const engine = c.get('engine');
  const invoice = await engine.invoices.dryRun(ctx, accountId, request);
  if (invoice === null) return noContent(c);
  const [json] = await renderInvoices(c, engine, ctx, [invoice], 'NONE');
  return kbJson(c, json);
});

invoices.get(`/:invoiceId${ID}/auditLogsWithHistory`, async (c) => {
  const ctx = tenantContext(c);
  const engine = c.get('engine');
  const invoice = await engine.invoices.getById(ctx, idParam(c, 'invoiceId'));
  return c.json((await engine.audit.forTypedObject(ctx, 'INVOICE', invoice.id, true)).map(auditLogJson));
});

invoices.get(`/:invoiceId${ID}`, async (c) => {
  const ctx = tenantContext(c);
  const engine = c.get('engine');
  const invoice = await engine.invoices.getById(ctx, idParam(c, 'invoiceId'));
  const [json] = await renderInvoices(c, engine, ctx, [invoice], auditLevel(c), { withChildrenItems: queryBoolean(c, 'withChildrenItems', false) });
  return kbJson(c, json);
});

const DRY_RUN_TYPES = ['TARGET_DATE', 'UPCOMING_INVOICE', 'SUBSCRIPTION_ACTION'] as const;
const DRY_RUN_ACTIONS = ['START_BILLING', 'CHANGE', 'STOP_BILLING'] as const;

function oneOf<T extends string>(body: DecimalObject, field: string, allowed: readonly T[]): T | null {
  const v = stringField(body, field);
  if (v === undefined || v === null) return null;
  if (!(allowed as readonly string[]).includes(v)) throw new BillingError('INVALID_PARAMETER', `Field ${field} must be one of ${allowed.join(', ')}`, { field });
  return v as T;
}

/**
 * Kill Bill's InvoiceDryRunJson with InvoiceResource's checks: no body is a TARGET_DATE dry run; with a plan
 * name, product/billing period/category must be absent; without one, they are required; CHANGE and
 * STOP_BILLING need the subscription and bundle ids.
 */
function dryRunRequest(body: DecimalObject | null, targetDate: DryRunRequest['targetDate']): DryRunRequest {
  if (body === null) return { dryRunType: 'TARGET_DATE', targetDate };
  const dryRunType = oneOf(body, 'dryRunType', DRY_RUN_TYPES) ?? 'TARGET_DATE';
  const dryRunAction = oneOf(body, 'dryRunAction', DRY_RUN_ACTIONS);
  const s = (f: string) => stringField(body, f) ?? null;
  const require = (value: string | null, message: string) => {
    if (value === null || value === '') throw new BillingError('INVALID_PARAMETER', message);
  };
  const planName = s('planName');
  if (dryRunAction === 'START_BILLING' || dryRunAction === 'CHANGE') {
    if (planName === null) {
      require(s('productName'), 'DryRun subscription product category should be specified when no planName is specified');
      require(s('billingPeriod'), 'DryRun subscription billingPeriod should be specified when no planName is specified');
      require(s('productCategory'), 'DryRun subscription product category should be specified when no planName is specified');
      if (s('productCategory') === 'ADD_ON') require(s('bundleId'), 'DryRun bundleID should be specified when product category is ADD_ON');
    } else {
      if (s('productName') !== null) throw new BillingError('INVALID_PARAMETER', 'DryRun subscription productName should not be set when planName is specified');
      if (s('billingPeriod') !== null) throw new BillingError('INVALID_PARAMETER', 'DryRun subscription billing period should not be set when planName is specified');
      if (s('productCategory') !== null) throw new BillingError('INVALID_PARAMETER', 'DryRun subscription product category should not be set when planName is specified');
    }
  }
  if (dryRunAction === 'CHANGE' || dryRunAction === 'STOP_BILLING') {
    require(s('subscriptionId'), 'DryRun subscriptionID should be specified');
    require(s('bundleId'), 'DryRun bundleID should be specified');
  }
  const id = (f: string) => {
    const v = s(f);
    return v === null || v === '' ? null : (parseId(v, f) as string);
  };
  const effective = s('effectiveDate');
  return {
    dryRunType,
    // UPCOMING_INVOICE ignores the query's target date (the system picks the next notification date).
    targetDate: dryRunType === 'UPCOMING_INVOICE' ? null : targetDate,
    ...(dryRunAction
      ? {
          action: {
            dryRunAction,
            planName,
            phaseType: s('phaseType'),
            productName: s('productName'),
            productCategory: s('productCategory'),
            billingPeriod: s('billingPeriod'),
            priceListName: s('priceListName'),
            subscriptionId: id('subscriptionId'),
            bundleId: id('bundleId'),
            effectiveDate: effective === null || effective === '' ? null : parseLocalDate(effective.slice(0, 10), 'effectiveDate'),
            billingPolicy: s('billingPolicy'),
          },
        }
      : {}),
  };
}
