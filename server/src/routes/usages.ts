import { BillingError, parseId, type SubscriptionId, type UsageSubmission } from '@billwright/core';
import { Decimal } from 'decimal.js';
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { AppEnv } from '../env.js';
import { callContext, tenantContext } from '../http/call-context.js';
import { decimalJsonObject, isDecimalObject, stringField, type DecimalJson } from '../http/decimal-json.js';
import { kbJson } from '../http/kb-json.js';
import { ID } from './invoices-shared.js';

/**
 * `/1.0/kb/usages` (Kill Bill's UsageResource, killbill-semantics.md §6): POST records a subscription's usage
 * (201, no body); GET answers RolledUpUsage for [startDate, endDate), all units or one (`/{unitType}`).
 */
export const usages = new Hono<AppEnv>();

const list = (v: DecimalJson | undefined, what: string): DecimalJson[] => {
  if (v === undefined || v === null) throw new BillingError('INVALID_PARAMETER', `${what} needs to be set`, { field: what });
  if (!Array.isArray(v)) throw new BillingError('INVALID_PARAMETER', `${what} must be an array`, { field: what });
  return v;
};

usages.post('/', async (c) => {
  const body = await decimalJsonObject(c);
  const subscriptionId = stringField(body, 'subscriptionId');
  if (!subscriptionId) throw new BillingError('INVALID_PARAMETER', 'SubscriptionUsageRecordJson subscriptionId needs to be set', { field: 'subscriptionId' });
  const units = list(body['unitUsageRecords'], 'unitUsageRecords').map((u) => {
    if (!isDecimalObject(u)) throw new BillingError('INVALID_PARAMETER', 'UnitUsageRecordJson must be an object');
    const records = list(u['usageRecords'], 'usageRecords').map((r) => {
      if (!isDecimalObject(r)) throw new BillingError('INVALID_PARAMETER', 'UsageRecordJson must be an object');
      const recordDate = stringField(r, 'recordDate');
      const amount = r['amount'];
      if (!recordDate) throw new BillingError('INVALID_PARAMETER', 'UsageRecordJson recordDate needs to be set', { field: 'recordDate' });
      if (!(amount instanceof Decimal)) throw new BillingError('INVALID_PARAMETER', 'UsageRecordJson amount needs to be set', { field: 'amount' });
      return { recordDate, amount };
    });
    return { unitType: stringField(u, 'unitType') ?? '', records };
  });
  const submission: UsageSubmission = { subscriptionId: parseId(subscriptionId, 'subscriptionId') as string, trackingId: stringField(body, 'trackingId') ?? null, units };
  await c.get('engine').usages.record(callContext(c), submission);
  return c.body(null, 201);
});

async function rolledUp(c: Context<AppEnv>, unitType: string | null) {
  const startDate = c.req.query('startDate');
  const endDate = c.req.query('endDate');
  if (!startDate || !endDate) throw new BillingError('INVALID_PARAMETER', 'Missing start date or end date', { parameter: startDate ? 'endDate' : 'startDate' });
  const subscriptionId = parseId(c.req.param('subscriptionId') ?? '', 'subscriptionId') as SubscriptionId;
  const usage = await c.get('engine').usages.rolledUp(tenantContext(c), subscriptionId, { unitType, startDate, endDate });
  return kbJson(c, usage);
}

usages.get(`/:subscriptionId${ID}`, (c) => rolledUp(c, null));
usages.get(`/:subscriptionId${ID}/:unitType`, (c) => rolledUp(c, c.req.param('unitType')));
