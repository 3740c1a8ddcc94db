import { BillingError, parseId, type CustomField, type Engine, type ObjectType, type TenantContext } from '@billwright/core';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env.js';
import { jsonArray } from '../http/body.js';
import { callContext, tenantContext } from '../http/call-context.js';
import { optionalString } from '../http/fields.js';
import { auditLevel, type AuditLevel } from '../http/query.js';
import { created, noContent } from '../http/responses.js';
import { customFieldJson } from '../json/custom-field.js';
import { objectTypeQuery, queryList } from './object-tags.js';

export interface ObjectCustomFieldsOptions {
  readonly objectType: ObjectType;
  /** The path parameter that holds the object id, e.g. `accountId`, `invoiceId`. */
  readonly param: string;
  /** Where the sub-app is mounted, e.g. `/1.0/kb/accounts`: the Location of a POST points back at it. */
  readonly base: string;
}

/**
 * `GET/POST/PUT/DELETE <base>/{id}/customFields` for one object type, as JaxRsResourceBase's
 * getCustomFields/createCustomFields/modifyCustomFields/deleteCustomFields serve them for every Kill
 * Bill resource. Mounting it for another type is one line in app.ts:
 * `app.route('/1.0/kb/invoices', objectCustomFields({ objectType: 'INVOICE', param: 'invoiceId', base: '/1.0/kb/invoices' }))`.
 */
export function objectCustomFields(options: ObjectCustomFieldsOptions): Hono<AppEnv> {
  const { objectType, param, base } = options;
  const app = new Hono<AppEnv>();
  const path = `/:${param}/customFields`;
  const idOf = (c: Context<AppEnv>) => parseId(c.req.param(param) ?? '', param) as string;

  app.get(path, async (c) => {
    const ctx = tenantContext(c);
    const fields = await c.get('engine').customFields.forObject(ctx, objectType, idOf(c));
    return c.json(await customFieldsJson(c.get('engine'), ctx, fields, auditLevel(c)));
  });

  app.post(path, async (c) => {
    const id = idOf(c);
    const input = (await objectsOf(c)).map((f) => ({ name: optionalString(f, 'name') ?? '', value: optionalString(f, 'value') ?? '' }));
    const ctx = callContext(c);
    const { customFields } = c.get('engine');
    await customFields.add(ctx, objectType, id, input);
    // Kill Bill answers 201 with the Location of the object's fields (clients follow it); the body saves a round trip.
    return created(c, `${base}/${id}/customFields`, await customFieldsJson(c.get('engine'), ctx, await customFields.forObject(ctx, objectType, id), 'NONE'));
  });

  app.put(path, async (c) => {
    const id = idOf(c);
    const updates = (await objectsOf(c)).map((f) => {
      const fieldId = optionalString(f, 'customFieldId');
      if (!fieldId) throw new BillingError('INVALID_PARAMETER', 'CustomFieldJson id needs to be set', { field: 'customFieldId' });
      return { id: parseId<'CustomField'>(fieldId, 'customFieldId'), name: optionalString(f, 'name'), value: optionalString(f, 'value') ?? '' };
    });
    await c.get('engine').customFields.update(callContext(c), objectType, id, updates);
    return noContent(c);
  });

  app.delete(path, async (c) => {
    const id = idOf(c);
    const ids = queryList(c, 'customField').map((v) => parseId<'CustomField'>(v, 'customField'));
    await c.get('engine').customFields.remove(callContext(c), objectType, id, ids);
    return noContent(c);
  });

  return app;
}

async function objectsOf(c: Context<AppEnv>): Promise<Record<string, unknown>[]> {
  return (await jsonArray(c)).map((v) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new BillingError('MALFORMED_REQUEST', 'The body must be an array of CustomField objects');
    return v as Record<string, unknown>;
  });
}

/** Fields as Kill Bill's CustomFieldJson, each with its audit logs at the asked level. */
export async function customFieldsJson(engine: Engine, ctx: TenantContext, fields: readonly CustomField[], level: AuditLevel) {
  const logs = await engine.audit.forObjects(ctx, fields.map((f) => f.id), level);
  return fields.map((f) => customFieldJson(f, logs.get(f.id) ?? []));
}

/** The account's custom fields, plus `allCustomFields` (the account's and its objects'). */
export const accountCustomFields = objectCustomFields({ objectType: 'ACCOUNT', param: 'accountId', base: '/1.0/kb/accounts' });

accountCustomFields.get('/:accountId/allCustomFields', async (c) => {
  const ctx = tenantContext(c);
  const accountId = parseId(c.req.param('accountId'), 'accountId') as string;
  const fields = await c.get('engine').customFields.forAccount(ctx, accountId, objectTypeQuery(c));
  return c.json(await customFieldsJson(c.get('engine'), ctx, fields, auditLevel(c)));
});
