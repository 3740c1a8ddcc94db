import { Hono } from 'hono';
import type { AppEnv } from '../env.js';
import { tenantContext } from '../http/call-context.js';
import { auditLogJson } from '../json/audit.js';
import { ID, idParam } from './invoices-shared.js';
import { objectCustomFields } from './object-custom-fields.js';
import { objectTags } from './object-tags.js';

/**
 * `/1.0/kb/invoiceItems/{invoiceItemId}/tags|customFields|auditLogsWithHistory` (Kill Bill's InvoiceItemResource),
 * and the tags and custom fields of invoices (`/1.0/kb/invoices/{invoiceId}/tags|customFields`: WRITTEN_OFF lives there).
 */
export const invoiceItemTags = objectTags({ objectType: 'INVOICE_ITEM', param: 'invoiceItemId', base: '/1.0/kb/invoiceItems' });
export const invoiceItemCustomFields = objectCustomFields({ objectType: 'INVOICE_ITEM', param: 'invoiceItemId', base: '/1.0/kb/invoiceItems' });
export const invoiceTags = objectTags({ objectType: 'INVOICE', param: 'invoiceId', base: '/1.0/kb/invoices' });
export const invoiceCustomFields = objectCustomFields({ objectType: 'INVOICE', param: 'invoiceId', base: '/1.0/kb/invoices' });

export const invoiceItemAudit = new Hono<AppEnv>();

invoiceItemAudit.get(`/:invoiceItemId${ID}/auditLogsWithHistory`, async (c) => {
  const ctx = tenantContext(c);
  const engine = c.get('engine');
  const item = await engine.invoices.getItem(ctx, idParam(c, 'invoiceItemId'));
  return c.json((await engine.audit.forTypedObject(ctx, 'INVOICE_ITEM', item.id, true)).map(auditLogJson));
});
