import { BillingError, isUuid } from '@billwright/core';
import { Hono } from 'hono';
import type { AppEnv } from '../env.js';
import { tenantContext } from '../http/call-context.js';

/**
 * GET /1.0/kb/invoices/{invoiceId}/html (Kill Bill getInvoiceAsHTML): the invoice rendered with the
 * tenant's template (the manual-pay one for MANUAL_PAY accounts) and translations, as text/html.
 */
export const invoiceHtml = new Hono<AppEnv>();

invoiceHtml.get('/:invoiceId/html', async (c) => {
  const id = c.req.param('invoiceId');
  // Kill Bill's path only matches a UUID: anything else is no such resource.
  if (!isUuid(id)) throw new BillingError('NOT_FOUND', `No resource at GET ${c.req.path}`);
  const ctx = tenantContext(c);
  const engine = c.get('engine');
  const invoice = await engine.invoices.getById(ctx, id.toLowerCase());
  return c.html(await engine.invoiceHtml.render(ctx, invoice));
});
