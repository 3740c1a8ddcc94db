import { BillingError, parseId, type AccountId } from '@billwright/core';
import { Hono } from 'hono';
import type { AppEnv } from '../env.js';
import { callContext, tenantContext } from '../http/call-context.js';
import { decimalJsonObjects } from '../http/decimal-json.js';
import { kbJson } from '../http/kb-json.js';
import { auditLevel, queryBoolean } from '../http/query.js';
import { creditJson, newItemInput } from '../json/invoice-json.js';
import { ID, idParam, queryLocalDate } from './invoices-shared.js';

/**
 * `/1.0/kb/credits` (Kill Bill's CreditResource). POST takes InvoiceItemJson credits (the first names the
 * account) and answers 200 with the CREDIT_ADJ items shown with positive amounts, as Kill Bill does; each
 * call makes one credit invoice (CREDIT_ADJ −x, CBA_ADJ +x), DRAFT unless autoCommit=true.
 */
export const credits = new Hono<AppEnv>();

credits.post('/', async (c) => {
  const body = (await decimalJsonObjects(c, 'InvoiceItem')).map(newItemInput);
  const first = body[0];
  if (!first) throw new BillingError('INVALID_PARAMETER', 'CreditJson body should be specified');
  if (!first.accountId) throw new BillingError('INVALID_PARAMETER', 'CreditJson accountId needs to be set', { field: 'accountId' });
  if (first.amount === null) throw new BillingError('INVALID_PARAMETER', 'CreditJson creditAmount needs to be set', { field: 'amount' });
  const accountId = parseId<'Account'>(first.accountId, 'accountId') as AccountId;
  const options = { autoCommit: queryBoolean(c, 'autoCommit', false), requestedDate: queryLocalDate(c, 'requestedDate') };
  const written = await c.get('engine').invoices.createCredits(callContext(c), accountId, body, options);
  return kbJson(c, written.map((i) => creditJson(i)));
});

credits.get(`/:creditId${ID}`, async (c) => {
  const ctx = tenantContext(c);
  const engine = c.get('engine');
  const id = idParam(c, 'creditId');
  let item;
  try {
    item = await engine.invoices.getItem(ctx, id);
  } catch (e) {
    if (e instanceof BillingError && e.code === 'INVOICE_ITEM_NOT_FOUND') throw new BillingError('INVOICE_NO_SUCH_CREDIT', `Credit item for id ${id} does not exist`, { creditId: id });
    throw e;
  }
  const level = auditLevel(c);
  const logs = level === 'NONE' ? [] : await engine.audit.forObject(ctx, item.id, level);
  return kbJson(c, creditJson(item, logs));
});
