import { BillingError, parseId, type AccountId, type InvoiceItemType, type NewItemRequest } from '@billwright/core';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env.js';
import { callContext } from '../http/call-context.js';
import { decimalField, decimalJsonObject, decimalJsonObjects, stringField } from '../http/decimal-json.js';
import { kbJson } from '../http/kb-json.js';
import { queryBoolean } from '../http/query.js';
import { created, noContent } from '../http/responses.js';
import { invoiceItemJson, newItemInput } from '../json/invoice-json.js';
import { ID, idParam, INVOICES, prettyNamesFor, queryLocalDate, renderInvoices, requiredQueryId } from './invoices-shared.js';

/**
 * The explicit invoice writes of Kill Bill's InvoiceResource: item adjustment (201 + Location of the
 * invoice), external charges and taxes (200 with the items, as Kill Bill answers despite its 201 doc),
 * commit and void (204), credit deletion (204) and the migration invoice (201 + Location).
 */
export const invoiceWrites = new Hono<AppEnv>();

const accountParam = (c: Context<AppEnv>) => parseId<'Account'>(c.req.param('accountId') ?? '', 'accountId') as AccountId;

/** POST /invoices/{invoiceId}: body InvoiceItemJson {accountId, invoiceItemId, amount?, currency?, description?, itemDetails?}. */
invoiceWrites.post(`/:invoiceId${ID}`, async (c) => {
  const invoiceId = idParam(c, 'invoiceId');
  const body = await decimalJsonObject(c);
  if (!stringField(body, 'accountId')) throw new BillingError('INVALID_PARAMETER', 'InvoiceItemJson accountId needs to be set', { field: 'accountId' });
  const itemId = stringField(body, 'invoiceItemId');
  if (!itemId) throw new BillingError('INVALID_PARAMETER', 'InvoiceItemJson invoiceItemId needs to be set', { field: 'invoiceItemId' });
  parseId(stringField(body, 'accountId')!, 'accountId');
  const ctx = callContext(c);
  const engine = c.get('engine');
  const invoice = await engine.invoices.adjustItem(ctx, invoiceId, {
    invoiceItemId: parseId(itemId, 'invoiceItemId') as string,
    amount: decimalField(body, 'amount') ?? null,
    currency: stringField(body, 'currency') ?? null,
    description: stringField(body, 'description', 255) ?? null,
    itemDetails: stringField(body, 'itemDetails') ?? null,
    requestedDate: queryLocalDate(c, 'requestedDate'),
  });
  const [json] = await renderInvoices(c, engine, ctx, [invoice], 'NONE');
  return created(c, `${INVOICES}/${invoice.id}`, json);
});

async function itemsBody(c: Context<AppEnv>): Promise<NewItemRequest[]> {
  return (await decimalJsonObjects(c, 'InvoiceItem')).map(newItemInput);
}

invoiceWrites.post(`/charges/:accountId${ID}`, async (c) => {
  const accountId = accountParam(c);
  const items = await itemsBody(c);
  const options = { autoCommit: queryBoolean(c, 'autoCommit', false), requestedDate: queryLocalDate(c, 'requestedDate') };
  const ctx = callContext(c);
  const written = await c.get('engine').invoices.addExternalCharges(ctx, accountId, items, options);
  const prettyNames = await prettyNamesFor(c.get('engine'), ctx);
  return kbJson(c, written.map((i) => invoiceItemJson(i, { prettyNames })));
});

invoiceWrites.post(`/taxes/:accountId${ID}`, async (c) => {
  const accountId = accountParam(c);
  const items = await itemsBody(c);
  const options = { autoCommit: queryBoolean(c, 'autoCommit', false), requestedDate: queryLocalDate(c, 'requestedDate') };
  const ctx = callContext(c);
  const written = await c.get('engine').invoices.addTaxItems(ctx, accountId, items, options);
  const prettyNames = await prettyNamesFor(c.get('engine'), ctx);
  return kbJson(c, written.map((i) => invoiceItemJson(i, { prettyNames })));
});

invoiceWrites.put(`/:invoiceId${ID}/commitInvoice`, async (c) => {
  await c.get('engine').invoices.commit(callContext(c), idParam(c, 'invoiceId'));
  return noContent(c);
});

invoiceWrites.put(`/:invoiceId${ID}/voidInvoice`, async (c) => {
  await c.get('engine').invoices.void(callContext(c), idParam(c, 'invoiceId'));
  return noContent(c);
});

/** DELETE /invoices/{invoiceId}/{invoiceItemId}/cba?accountId=: the invoice must belong to that account (else 404). */
invoiceWrites.delete(`/:invoiceId${ID}/:invoiceItemId${ID}/cba`, async (c) => {
  const invoiceId = idParam(c, 'invoiceId');
  const itemId = idParam(c, 'invoiceItemId');
  const accountId = requiredQueryId(c, 'accountId') as AccountId;
  const ctx = callContext(c);
  const engine = c.get('engine');
  await engine.accounts.getById(ctx, accountId);
  const invoice = await engine.invoices.getById(ctx, invoiceId);
  if (invoice.accountId !== accountId) throw new BillingError('INVOICE_NOT_FOUND', `No invoice could be found for id ${invoiceId}.`, { invoiceId });
  await engine.invoices.deleteCba(ctx, invoiceId, itemId);
  return noContent(c);
});

/** POST /invoices/migration/{accountId}?targetDate=: items with their own itemType; 201 + Location of the invoice. */
invoiceWrites.post(`/migration/:accountId${ID}`, async (c) => {
  const accountId = accountParam(c);
  const items = (await decimalJsonObjects(c, 'InvoiceItem')).map(newItemInput).map((i) => {
    if (i.itemType === null) throw new BillingError('INVOICE_ITEM_TYPE_INVALID', 'Invalid invoice item type null', { field: 'itemType' });
    return { ...i, itemType: i.itemType as InvoiceItemType };
  });
  const ctx = callContext(c);
  const engine = c.get('engine');
  const invoice = await engine.invoices.createMigrationInvoice(ctx, accountId, items, queryLocalDate(c, 'targetDate'));
  const [json] = await renderInvoices(c, engine, ctx, [invoice], 'NONE');
  return created(c, `${INVOICES}/${invoice.id}`, json);
});
