import { BillingError, parseId, parseLocalDate, type BundleSpec, type CreateSubscriptionsInput, type DateInput } from '@billwright/core';
import { Hono, type Context } from 'hono';
import { DateTime } from 'luxon';
import type { AppEnv } from '../env.js';
import { jsonArray, jsonObject } from '../http/body.js';
import { callContext, tenantContext } from '../http/call-context.js';
import { kbJson } from '../http/kb-json.js';
import { queryBoolean, queryInteger } from '../http/query.js';
import { created } from '../http/responses.js';
import { subscriptionRequest, type SubscriptionRequest } from '../json/subscription.js';
import { renderBundles, renderSubscription } from './subscriptions-render.js';

/**
 * `/1.0/kb/subscriptions` (Kill Bill's SubscriptionResource): creation of one subscription, of a base with
 * add-ons, of several bundles at once, and reads. Change, cancel and blocking come with their own issue.
 */
export const subscriptions = new Hono<AppEnv>();

export const SUBSCRIPTIONS = '/1.0/kb/subscriptions';

/** entitlementDate / billingDate: a day in the account's zone, or an instant (SubscriptionResource.getDateTimeFromInput). */
function dateParam(c: Context<AppEnv>, name: string): DateInput | null {
  const v = c.req.query(name);
  if (v === undefined || v === '') return null;
  if (!v.includes('T')) return { kind: 'local', date: parseLocalDate(v, name) };
  const at = DateTime.fromISO(v, { zone: 'utc' });
  if (!at.isValid) throw new BillingError('INVALID_PARAMETER', `Query parameter ${name} must be a date or an ISO date-time`, { parameter: name });
  return { kind: 'instant', at };
}

function objects(list: unknown[], what: string): Record<string, unknown>[] {
  return list.map((item) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) throw new BillingError('MALFORMED_REQUEST', `Each ${what} must be a JSON object`);
    return item as Record<string, unknown>;
  });
}

/**
 * The bundles of a creation call, with SubscriptionResource's checks: one account for every element, one
 * bundle id per bundle, and a bundle external key that does not disagree between elements.
 */
function creation(c: Context<AppEnv>, groups: readonly SubscriptionRequest[][]): CreateSubscriptionsInput {
  const first = groups[0]?.[0];
  if (!first) throw new BillingError('INVALID_PARAMETER', 'No subscription specified to create');
  if (!first.accountId) throw new BillingError('INVALID_PARAMETER', 'SubscriptionJson accountId needs to be set', { field: 'accountId' });
  const bundles: BundleSpec[] = groups.map((group) => {
    let bundleId: string | null = null;
    let bundleExternalKey: string | null = null;
    for (const r of group) {
      if (r.accountId !== first.accountId) throw new BillingError('INVALID_PARAMETER', 'SubscriptionJson accountId should be the same for each element', { field: 'accountId' });
      if (bundleId !== null && bundleId !== r.bundleId) throw new BillingError('INVALID_PARAMETER', 'SubscriptionJson bundleId should be the same for each element', { field: 'bundleId' });
      bundleId ??= r.bundleId;
      if (bundleExternalKey !== null && r.bundleExternalKey !== null && bundleExternalKey !== r.bundleExternalKey) {
        throw new BillingError('INVALID_PARAMETER', 'SubscriptionJson externalKey should be the same for each element', { field: 'bundleExternalKey' });
      }
      bundleExternalKey ??= r.bundleExternalKey;
    }
    return { bundleId: bundleId as BundleSpec['bundleId'], bundleExternalKey, entitlements: group.map((r) => r.entitlement) };
  });
  // callCompletion waits for invoice and payment in Kill Bill; nothing follows a creation here yet, so there is nothing to wait for.
  queryBoolean(c, 'callCompletion', false);
  queryInteger(c, 'callTimeoutSec', 3, 0);
  return {
    accountId: parseId<'Account'>(first.accountId, 'accountId'),
    bundles,
    entitlementDate: dateParam(c, 'entitlementDate'),
    billingDate: dateParam(c, 'billingDate'),
    migrated: queryBoolean(c, 'migrated', false),
    renameKeyIfExistsAndUnused: queryBoolean(c, 'renameKeyIfExistsAndUnused', true),
  };
}

subscriptions.post('/createSubscriptionWithAddOns', async (c) => {
  const group = objects(await jsonArray(c), 'SubscriptionJson').map(subscriptionRequest);
  const engine = c.get('engine');
  const result = await engine.subscriptions.create(callContext(c), creation(c, [group]));
  const bundleId = result.bundleIds[0]!;
  const [json] = await renderBundles(c, [await engine.subscriptions.getBundle(tenantContext(c), bundleId)]);
  return created(c, `/1.0/kb/bundles/${bundleId}`, json);
});

subscriptions.post('/createSubscriptionsWithAddOns', async (c) => {
  const groups = objects(await jsonArray(c), 'BulkSubscriptionsBundleJson').map((bulk) => {
    const list = bulk['baseEntitlementAndAddOns'];
    if (!Array.isArray(list) || list.length === 0) throw new BillingError('INVALID_PARAMETER', 'BulkSubscriptionsBundleJson baseEntitlementAndAddOns needs to be set', { field: 'baseEntitlementAndAddOns' });
    return objects(list, 'SubscriptionJson').map(subscriptionRequest);
  });
  const engine = c.get('engine');
  const input = creation(c, groups);
  const result = await engine.subscriptions.create(callContext(c), input);
  const filter = [...new Set(result.bundleIds)];
  const bundles = await engine.subscriptions.accountBundles(tenantContext(c), input.accountId, { bundleIds: filter });
  return created(c, `/1.0/kb/accounts/${input.accountId}/bundles?bundlesFilter=${filter.join(',')}`, await renderBundles(c, bundles));
});

subscriptions.post('/', async (c) => {
  const request = subscriptionRequest(await jsonObject(c));
  const engine = c.get('engine');
  const result = await engine.subscriptions.create(callContext(c), creation(c, [[request]]));
  const id = result.subscriptionIds[0]!;
  return created(c, `${SUBSCRIPTIONS}/${id}`, await renderSubscription(c, await engine.subscriptions.getById(tenantContext(c), id)));
});

subscriptions.get('/', async (c) => {
  const externalKey = c.req.query('externalKey');
  if (externalKey === undefined) throw new BillingError('INVALID_PARAMETER', 'Query parameter externalKey is required');
  return kbJson(c, await renderSubscription(c, await c.get('engine').subscriptions.getByExternalKey(tenantContext(c), externalKey)));
});

subscriptions.get('/:subscriptionId', async (c) => {
  const id = parseId<'Subscription'>(c.req.param('subscriptionId'), 'subscriptionId');
  return kbJson(c, await renderSubscription(c, await c.get('engine').subscriptions.getById(tenantContext(c), id)));
});
