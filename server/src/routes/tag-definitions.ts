import { parseId } from '@billwright/core';
import { Hono } from 'hono';
import type { AppEnv } from '../env.js';
import { jsonObject } from '../http/body.js';
import { callContext, tenantContext } from '../http/call-context.js';
import { optionalString, optionalStringArray } from '../http/fields.js';
import { auditLevel } from '../http/query.js';
import { created, noContent } from '../http/responses.js';
import { auditLogJson } from '../json/audit.js';
import { tagDefinitionJson } from '../json/tag.js';

const BASE = '/1.0/kb/tagDefinitions';

/** `/1.0/kb/tagDefinitions`: the tenant's tag definitions and Kill Bill's control tags (TagDefinitionResource). */
export const tagDefinitions = new Hono<AppEnv>();

const idParam = (v: string | undefined) => parseId<'TagDefinition'>(v ?? '', 'tagDefinitionId');

tagDefinitions.get('/', async (c) => {
  const ctx = tenantContext(c);
  const { tagDefinitions: service, audit } = c.get('engine');
  const defs = await service.list(ctx);
  const logs = await audit.forObjects(ctx, defs.filter((d) => !d.isControlTag).map((d) => d.id), auditLevel(c));
  return c.json(defs.map((d) => tagDefinitionJson(d, logs.get(d.id) ?? [])));
});

tagDefinitions.post('/', async (c) => {
  const body = await jsonObject(c);
  const def = await c.get('engine').tagDefinitions.create(callContext(c), {
    name: optionalString(body, 'name') ?? '',
    description: optionalString(body, 'description') ?? '',
    applicableObjectTypes: optionalStringArray(body, 'applicableObjectTypes') ?? [],
  });
  return created(c, `${BASE}/${def.id}`, tagDefinitionJson(def));
});

tagDefinitions.get('/:tagDefinitionId/auditLogsWithHistory', async (c) => {
  const ctx = tenantContext(c);
  const def = await c.get('engine').tagDefinitions.get(ctx, idParam(c.req.param('tagDefinitionId')), { includeDeleted: true });
  return c.json((await c.get('engine').audit.forTypedObject(ctx, 'TAG_DEFINITION', def.id, true)).map(auditLogJson));
});

tagDefinitions.get('/:tagDefinitionId', async (c) => {
  const ctx = tenantContext(c);
  const def = await c.get('engine').tagDefinitions.get(ctx, idParam(c.req.param('tagDefinitionId')));
  return c.json(tagDefinitionJson(def, await c.get('engine').audit.forObject(ctx, def.id, auditLevel(c))));
});

tagDefinitions.delete('/:tagDefinitionId', async (c) => {
  await c.get('engine').tagDefinitions.delete(callContext(c), idParam(c.req.param('tagDefinitionId')));
  return noContent(c);
});
