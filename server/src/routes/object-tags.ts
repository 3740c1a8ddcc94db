import { BillingError, controlTag, isObjectType, parseId, type Engine, type ObjectType, type Tag, type TagDefinitionId, type TenantContext } from '@billwright/core';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env.js';
import { jsonArray } from '../http/body.js';
import { callContext, tenantContext } from '../http/call-context.js';
import { auditLevel, queryBoolean, type AuditLevel } from '../http/query.js';
import { created, noContent } from '../http/responses.js';
import { tagJson } from '../json/tag.js';

export interface ObjectTagsOptions {
  readonly objectType: ObjectType;
  /** The path parameter that holds the object id, e.g. `accountId`, `invoiceId`. */
  readonly param: string;
  /** Where the sub-app is mounted, e.g. `/1.0/kb/accounts`: the Location of a POST points back at it. */
  readonly base: string;
  /** A check before tags are removed (Kill Bill's AccountResource refuses some removals). */
  readonly beforeRemove?: (c: Context<AppEnv>, objectId: string, tagDefinitionIds: readonly TagDefinitionId[]) => Promise<void>;
}

/**
 * `GET/POST/DELETE <base>/{id}/tags` for one object type, as JaxRsResourceBase.getTags/createTags/
 * deleteTags serve them for every Kill Bill resource. Mounting it for another type is one line in app.ts:
 * `app.route('/1.0/kb/invoices', objectTags({ objectType: 'INVOICE', param: 'invoiceId', base: '/1.0/kb/invoices' }))`.
 */
export function objectTags(options: ObjectTagsOptions): Hono<AppEnv> {
  const { objectType, param, base } = options;
  const app = new Hono<AppEnv>();
  const path = `/:${param}/tags`;
  const idOf = (c: Context<AppEnv>) => parseId(c.req.param(param) ?? '', param) as string;

  app.get(path, async (c) => {
    const ctx = tenantContext(c);
    const tags = await c.get('engine').tags.forObject(ctx, objectType, idOf(c), queryBoolean(c, 'includedDeleted', false));
    return c.json(await tagsJson(c.get('engine'), ctx, tags, auditLevel(c)));
  });

  app.post(path, async (c) => {
    const id = idOf(c);
    const body = await jsonArray(c);
    const defs = body.map((v) => {
      if (typeof v !== 'string') throw new BillingError('INVALID_PARAMETER', 'The body must be an array of tag definition ids');
      return parseId<'TagDefinition'>(v, 'tagDefinitionId');
    });
    const ctx = callContext(c);
    const { tags } = c.get('engine');
    await tags.add(ctx, objectType, id, defs);
    // Kill Bill answers 201 with the Location of the object's tags (clients follow it); the body saves a round trip.
    return created(c, `${base}/${id}/tags`, await tagsJson(c.get('engine'), ctx, await tags.forObject(ctx, objectType, id), 'NONE'));
  });

  app.delete(path, async (c) => {
    const id = idOf(c);
    const defs = queryList(c, 'tagDef').map((v) => parseId<'TagDefinition'>(v, 'tagDef'));
    const ctx = callContext(c);
    await options.beforeRemove?.(c, id, defs);
    await c.get('engine').tags.remove(ctx, objectType, id, defs);
    return noContent(c);
  });

  return app;
}

/** Tags as Kill Bill's TagJson, each with its audit logs at the asked level. */
export async function tagsJson(engine: Engine, ctx: TenantContext, tags: readonly Tag[], level: AuditLevel) {
  const logs = await engine.audit.forObjects(ctx, tags.map((t) => t.id), level);
  return tags.map((t) => tagJson(t, logs.get(t.id) ?? []));
}

/** A repeated query parameter (`?tagDef=a&tagDef=b`, as the official client sends lists); commas also separate. */
export function queryList(c: Context<AppEnv>, name: string): string[] {
  return (c.req.queries(name) ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

/** `?objectType=` of the allTags/allCustomFields reads, checked against Kill Bill's ObjectType. */
export function objectTypeQuery(c: Context<AppEnv>): ObjectType | undefined {
  const v = c.req.query('objectType');
  if (v === undefined || v === '') return undefined;
  if (!isObjectType(v)) throw new BillingError('INVALID_PARAMETER', `Invalid objectType '${v.slice(0, 64)}'`, { parameter: 'objectType' });
  return v;
}

const ACCOUNTS = '/1.0/kb/accounts';

/**
 * The account's tags, plus `allTags` (the account's and its objects'). Kill Bill's AccountResource also
 * refuses to remove AUTO_PAY_OFF from an account without a default payment method (TAG_CANNOT_BE_REMOVED).
 */
export const accountTags = objectTags({
  objectType: 'ACCOUNT',
  param: 'accountId',
  base: ACCOUNTS,
  async beforeRemove(c, accountId, defs) {
    const autoPayOff = controlTag('AUTO_PAY_OFF').id;
    if (!defs.includes(autoPayOff)) return;
    const account = await c.get('engine').accounts.getById(tenantContext(c), parseId<'Account'>(accountId, 'accountId'));
    if (account.paymentMethodId === null) {
      throw new BillingError('TAG_CANNOT_BE_REMOVED', 'The tag AUTO_PAY_OFF cannot be removed because the account does not have a default payment method', { accountId });
    }
  },
});

accountTags.get('/:accountId/allTags', async (c) => {
  const ctx = tenantContext(c);
  const accountId = parseId(c.req.param('accountId'), 'accountId') as string;
  const tags = await c.get('engine').tags.forAccount(ctx, accountId, {
    objectType: objectTypeQuery(c),
    includeDeleted: queryBoolean(c, 'includedDeleted', false),
  });
  return c.json(await tagsJson(c.get('engine'), ctx, tags, auditLevel(c)));
});
