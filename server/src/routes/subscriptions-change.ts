import { BILLING_ACTION_POLICIES, BillingError, parseId, parseLocalDate, type BillingActionPolicy, type DateInput, type EntitlementActionPolicy } from '@billwright/core';
import { Hono, type Context } from 'hono';
import { DateTime } from 'luxon';
import type { AppEnv } from '../env.js';
import { jsonObject } from '../http/body.js';
import { callContext } from '../http/call-context.js';
import { queryBoolean, queryInteger } from '../http/query.js';
import { noContent } from '../http/responses.js';
import { subscriptionRequest } from '../json/subscription.js';

/**
 * Change plan, undo change, cancel and uncancel (Kill Bill's SubscriptionResource.changeSubscriptionPlan,
 * undoChangeSubscriptionPlan, cancelSubscriptionPlan, uncancelSubscriptionPlan): each answers 204.
 * callCompletion waits for invoicing and payment in Kill Bill; nothing follows these here yet, so the
 * parameters are checked and there is nothing to wait for.
 */
export const subscriptionChanges = new Hono<AppEnv>();

const idOf = (c: Context<AppEnv>) => parseId<'Subscription'>(c.req.param('subscriptionId') ?? '', 'subscriptionId');

/** requestedDate: a day in the account's zone, or an instant (SubscriptionResource.isDateTime / toLocalDate). */
function requestedDate(c: Context<AppEnv>): DateInput | null {
  const v = c.req.query('requestedDate');
  if (v === undefined || v === '') return null;
  if (!v.includes('T')) return { kind: 'local', date: parseLocalDate(v, 'requestedDate') };
  const at = DateTime.fromISO(v, { zone: 'utc' });
  if (!at.isValid) throw new BillingError('INVALID_PARAMETER', 'Query parameter requestedDate must be a date or an ISO date-time', { parameter: 'requestedDate' });
  return { kind: 'instant', at };
}

function optionalEnum<T extends string>(c: Context<AppEnv>, name: string, allowed: readonly T[]): T | null {
  const v = c.req.query(name);
  if (v === undefined || v === '') return null;
  if (!(allowed as readonly string[]).includes(v)) {
    throw new BillingError('INVALID_PARAMETER', `Query parameter ${name} must be one of ${allowed.join(', ')}`, { parameter: name });
  }
  return v as T;
}

function completion(c: Context<AppEnv>): void {
  queryBoolean(c, 'callCompletion', false);
  queryInteger(c, 'callTimeoutSec', 3);
}

const ENTITLEMENT_POLICIES: readonly EntitlementActionPolicy[] = ['IMMEDIATE', 'END_OF_TERM'];

subscriptionChanges.put('/:subscriptionId/uncancel', async (c) => {
  await c.get('engine').subscriptions.uncancel(callContext(c), idOf(c));
  return noContent(c);
});

subscriptionChanges.put('/:subscriptionId/undoChangePlan', async (c) => {
  await c.get('engine').subscriptions.undoChangePlan(callContext(c), idOf(c));
  return noContent(c);
});

subscriptionChanges.put('/:subscriptionId', async (c) => {
  const id = idOf(c);
  const body = await jsonObject(c);
  const { entitlement } = subscriptionRequest(body);
  completion(c);
  await c.get('engine').subscriptions.changePlan(callContext(c), {
    subscriptionId: id,
    spec: entitlement,
    requestedDate: requestedDate(c),
    billingPolicy: optionalEnum<BillingActionPolicy>(c, 'billingPolicy', BILLING_ACTION_POLICIES),
  });
  return noContent(c);
});

subscriptionChanges.delete('/:subscriptionId', async (c) => {
  const id = idOf(c);
  completion(c);
  await c.get('engine').subscriptions.cancel(callContext(c), {
    subscriptionId: id,
    requestedDate: requestedDate(c),
    entitlementPolicy: optionalEnum(c, 'entitlementPolicy', ENTITLEMENT_POLICIES),
    billingPolicy: optionalEnum<BillingActionPolicy>(c, 'billingPolicy', BILLING_ACTION_POLICIES),
    useRequestedDateForBilling: queryBoolean(c, 'useRequestedDateForBilling', false),
  });
  return noContent(c);
});
