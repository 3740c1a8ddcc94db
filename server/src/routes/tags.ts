import { parseId, type TagPage } from '@billwright/core';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env.js';
import { tenantContext } from '../http/call-context.js';
import { pageRequest, paginated } from '../http/pagination.js';
import { auditLevel } from '../http/query.js';
import { auditLogJson } from '../json/audit.js';
import { tagJson } from '../json/tag.js';

/** `/1.0/kb/tags`: every tag of the tenant, whatever it is on (TagResource). */
export const tags = new Hono<AppEnv>();

tags.get('/pagination', async (c) => {
  const ctx = tenantContext(c);
  const req = pageRequest(c);
  const page = await c.get('engine').tags.list(ctx, req);
  return render(c, page, req.limit);
});

tags.get('/search/:searchKey{.+}', async (c) => {
  const ctx = tenantContext(c);
  const req = pageRequest(c);
  const page = await c.get('engine').tags.search(ctx, c.req.param('searchKey'), req);
  return render(c, page, req.limit);
});

tags.get('/:tagId/auditLogsWithHistory', async (c) => {
  const ctx = tenantContext(c);
  const tag = await c.get('engine').tags.getById(ctx, parseId<'Tag'>(c.req.param('tagId'), 'tagId'));
  return c.json((await c.get('engine').audit.forTypedObject(ctx, 'TAG', tag.id, true)).map(auditLogJson));
});

/** A page as Kill Bill renders it: pagination headers, each item with its audit logs at the asked level. */
async function render(c: Context<AppEnv>, page: TagPage, limit: number): Promise<Response> {
  const logs = await c.get('engine').audit.forObjects(tenantContext(c), page.items.map((t) => t.id), auditLevel(c));
  return paginated(c, page, limit, (t) => tagJson(t, logs.get(t.id) ?? []));
}
