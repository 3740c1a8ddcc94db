import { BillingError, isObjectType, parseId, type CustomFieldPage } from '@billwright/core';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env.js';
import { tenantContext } from '../http/call-context.js';
import { pageRequest, paginated } from '../http/pagination.js';
import { auditLevel } from '../http/query.js';
import { auditLogJson } from '../json/audit.js';
import { customFieldJson } from '../json/custom-field.js';

/** `/1.0/kb/customFields`: every custom field of the tenant, whatever it is on (CustomFieldResource). */
export const customFields = new Hono<AppEnv>();

customFields.get('/pagination', async (c) => {
  const ctx = tenantContext(c);
  const req = pageRequest(c);
  const page = await c.get('engine').customFields.list(ctx, req);
  return render(c, page, req.limit);
});

/** Exact search: `?objectType=&fieldName=` and, when given, `&fieldValue=` (searchCustomFieldsByTypeName). */
customFields.get('/search', async (c) => {
  const objectType = c.req.query('objectType');
  const name = c.req.query('fieldName');
  // Kill Bill's Preconditions.checkNotNull on both.
  if (!objectType || !isObjectType(objectType)) throw new BillingError('INVALID_PARAMETER', 'Query parameter objectType must be a Kill Bill ObjectType', { parameter: 'objectType' });
  if (!name) throw new BillingError('INVALID_PARAMETER', 'Query parameter fieldName is required', { parameter: 'fieldName' });
  const ctx = tenantContext(c);
  const req = pageRequest(c);
  const page = await c.get('engine').customFields.searchByTypeName(ctx, { objectType, name, value: c.req.query('fieldValue') ?? null }, req);
  return render(c, page, req.limit);
});

customFields.get('/search/:searchKey{.+}', async (c) => {
  const ctx = tenantContext(c);
  const req = pageRequest(c);
  const page = await c.get('engine').customFields.search(ctx, c.req.param('searchKey'), req);
  return render(c, page, req.limit);
});

customFields.get('/:customFieldId/auditLogsWithHistory', async (c) => {
  const ctx = tenantContext(c);
  const field = await c.get('engine').customFields.getById(ctx, parseId<'CustomField'>(c.req.param('customFieldId'), 'customFieldId'));
  return c.json((await c.get('engine').audit.forTypedObject(ctx, 'CUSTOM_FIELD', field.id, true)).map(auditLogJson));
});

/** A page as Kill Bill renders it: pagination headers, each item with its audit logs at the asked level. */
async function render(c: Context<AppEnv>, page: CustomFieldPage, limit: number): Promise<Response> {
  const logs = await c.get('engine').audit.forObjects(tenantContext(c), page.items.map((f) => f.id), auditLevel(c));
  return paginated(c, page, limit, (f) => customFieldJson(f, logs.get(f.id) ?? []));
}
