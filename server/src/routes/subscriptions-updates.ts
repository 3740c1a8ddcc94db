import { BillingError, parseId, parseLocalDate, type SettingUpdate } from '@billwright/core';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env.js';
import { jsonObject } from '../http/body.js';
import { callContext } from '../http/call-context.js';
import { optionalInteger } from '../http/fields.js';
import { queryBoolean } from '../http/query.js';
import { noContent } from '../http/responses.js';

/** `PUT /1.0/kb/subscriptions/{id}/bcd` and `/quantity` (SubscriptionResource.updateSubscriptionBCD / updateSubscriptionQuantity): 204. */
export const subscriptionUpdates = new Hono<AppEnv>();

function update(c: Context<AppEnv>, forceFlag: string): SettingUpdate {
  const from = c.req.query('effectiveFromDate');
  return {
    subscriptionId: parseId<'Subscription'>(c.req.param('subscriptionId') ?? '', 'subscriptionId'),
    effectiveFromDate: from === undefined || from === '' ? null : parseLocalDate(from, 'effectiveFromDate'),
    forcePastEffectiveDate: queryBoolean(c, forceFlag, false),
  };
}

async function requiredInteger(c: Context<AppEnv>, field: string, what: string): Promise<number> {
  const value = optionalInteger(await jsonObject(c), field);
  if (value === undefined || value === null) throw new BillingError('INVALID_PARAMETER', `SubscriptionJson ${what} should be specified`, { field });
  return value;
}

subscriptionUpdates.put('/:subscriptionId/bcd', async (c) => {
  const u = update(c, 'forceNewBcdWithPastEffectiveDate');
  const bcd = await requiredInteger(c, 'billCycleDayLocal', 'new BCD');
  await c.get('engine').subscriptions.updateBcd(callContext(c), u, bcd);
  return noContent(c);
});

subscriptionUpdates.put('/:subscriptionId/quantity', async (c) => {
  const u = update(c, 'forceNewQuantityWithPastEffectiveDate');
  const quantity = await requiredInteger(c, 'quantity', 'new quantity');
  await c.get('engine').subscriptions.updateQuantity(callContext(c), u, quantity);
  return noContent(c);
});
