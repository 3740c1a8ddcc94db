import { BillingError, parseId, parseLocalDate, type BlockingStateType, type DateInput } from '@billwright/core';
import { Hono, type Context } from 'hono';
import { DateTime } from 'luxon';
import type { AppEnv } from '../env.js';
import { jsonObject } from '../http/body.js';
import { callContext, tenantContext } from '../http/call-context.js';
import { optionalBoolean, optionalString } from '../http/fields.js';
import { kbJson } from '../http/kb-json.js';
import { auditLevel } from '../http/query.js';
import { created } from '../http/responses.js';
import { blockingStateJson } from '../json/blocking-state.js';

/**
 * Blocking states (Kill Bill's JaxRsResourceBase.addBlockingState and AccountResource.getBlockingStates):
 * `POST /accounts|bundles|subscriptions/{id}/block` and `GET /accounts/{id}/block`. The state takes effect
 * at the `requestedDate` query parameter (Kill Bill 0.24 ignores the body's effectiveDate), and the answer
 * is 201 with the account's states of that type (Location is the matching GET).
 */

const TYPES: readonly BlockingStateType[] = ['SUBSCRIPTION', 'SUBSCRIPTION_BUNDLE', 'ACCOUNT'];

/** A `requestedDate`-style query parameter: a day in the account's zone, or an ISO instant. */
export function dateQuery(c: Context<AppEnv>, name: string): DateInput | null {
  const v = c.req.query(name);
  if (v === undefined || v === '') return null;
  if (!v.includes('T')) return { kind: 'local', date: parseLocalDate(v, name) };
  const at = DateTime.fromISO(v, { zone: 'utc' });
  if (!at.isValid) throw new BillingError('INVALID_PARAMETER', `Query parameter ${name} must be a date or an ISO date-time`, { parameter: name });
  return { kind: 'instant', at };
}

/** A multi-valued query parameter (`?a=x&a=y`, or `a=x,y`). */
function listQuery(c: Context<AppEnv>, name: string): string[] {
  return (c.req.queries(name) ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

async function addState(c: Context<AppEnv>, type: BlockingStateType, blockableId: string) {
  const body = await jsonObject(c);
  const engine = c.get('engine');
  const { accountId } = await engine.subscriptions.addBlockingState(callContext(c), {
    type,
    blockableId,
    state: optionalString(body, 'stateName') ?? '',
    service: optionalString(body, 'service') ?? '',
    blockChange: optionalBoolean(body, 'isBlockChange') ?? false,
    blockEntitlement: optionalBoolean(body, 'isBlockEntitlement') ?? false,
    blockBilling: optionalBoolean(body, 'isBlockBilling') ?? false,
    requestedDate: dateQuery(c, 'requestedDate'),
  });
  const states = await engine.subscriptions.blockingStates(tenantContext(c), accountId, { types: [type] });
  return created(
    c,
    `/1.0/kb/accounts/${accountId}/block?blockingStateTypes=${type}`,
    states.map((s) => blockingStateJson(s, [])),
  );
}

export const accountBlocking = new Hono<AppEnv>();

accountBlocking.post('/:accountId/block', (c) => addState(c, 'ACCOUNT', parseId<'Account'>(c.req.param('accountId'), 'accountId')));

accountBlocking.get('/:accountId/block', async (c) => {
  const accountId = parseId<'Account'>(c.req.param('accountId'), 'accountId');
  const types = listQuery(c, 'blockingStateTypes');
  for (const t of types) {
    if (!(TYPES as readonly string[]).includes(t)) {
      throw new BillingError('INVALID_PARAMETER', `Query parameter blockingStateTypes must be among ${TYPES.join(', ')}`, { parameter: 'blockingStateTypes' });
    }
  }
  const engine = c.get('engine');
  const ctx = tenantContext(c);
  const states = await engine.subscriptions.blockingStates(ctx, accountId, { types: types as BlockingStateType[], services: listQuery(c, 'blockingStateSvcs') });
  const level = auditLevel(c);
  const logs = level === 'NONE' ? new Map() : await engine.audit.forObjects(ctx, states.map((s) => s.id), level);
  return kbJson(c, states.map((s) => blockingStateJson(s, logs.get(s.id) ?? [])));
});

export const bundleBlocking = new Hono<AppEnv>();

bundleBlocking.post('/:bundleId/block', (c) => addState(c, 'SUBSCRIPTION_BUNDLE', parseId<'Bundle'>(c.req.param('bundleId'), 'bundleId')));

export const subscriptionBlocking = new Hono<AppEnv>();

subscriptionBlocking.post('/:subscriptionId/block', (c) => addState(c, 'SUBSCRIPTION', parseId<'Subscription'>(c.req.param('subscriptionId'), 'subscriptionId')));
