import { BillingError, parseId } from '@billwright/core';
import { Hono } from 'hono';
import type { AppEnv } from '../env.js';
import { jsonObject } from '../http/body.js';
import { callContext } from '../http/call-context.js';
import { optionalString } from '../http/fields.js';
import { queryEnum } from '../http/query.js';
import { created, noContent } from '../http/responses.js';
import { dateQuery } from './blocking.js';
import { renderBundles } from './subscriptions-render.js';

/**
 * Bundle writes of Kill Bill's BundleResource: pause, resume (204), renameKey (204) and transferBundle
 * (201 with the Location of the new bundle on the destination account; see core's transfer.ts).
 */
export const bundleActions = new Hono<AppEnv>();

const bundleIdOf = (raw: string) => parseId<'Bundle'>(raw, 'bundleId');

bundleActions.put('/:bundleId/pause', async (c) => {
  await c.get('engine').subscriptions.pauseBundle(callContext(c), bundleIdOf(c.req.param('bundleId')), dateQuery(c, 'requestedDate'));
  return noContent(c);
});

bundleActions.put('/:bundleId/resume', async (c) => {
  await c.get('engine').subscriptions.resumeBundle(callContext(c), bundleIdOf(c.req.param('bundleId')), dateQuery(c, 'requestedDate'));
  return noContent(c);
});

bundleActions.put('/:bundleId/renameKey', async (c) => {
  const bundleId = bundleIdOf(c.req.param('bundleId'));
  const body = await jsonObject(c);
  const externalKey = optionalString(body, 'externalKey');
  if (!externalKey) throw new BillingError('INVALID_PARAMETER', 'BundleJson externalKey needs to be set', { field: 'externalKey' });
  await c.get('engine').subscriptions.renameBundleKey(callContext(c), bundleId, externalKey);
  return noContent(c);
});

bundleActions.post('/:bundleId', async (c) => {
  const bundleId = bundleIdOf(c.req.param('bundleId'));
  const body = await jsonObject(c);
  const accountId = optionalString(body, 'accountId');
  if (!accountId) throw new BillingError('INVALID_PARAMETER', 'BundleJson accountId needs to be set', { field: 'accountId' });
  const toAccountId = parseId<'Account'>(accountId, 'accountId');
  const requestedDate = dateQuery(c, 'requestedDate');
  const billingPolicy = queryEnum(c, 'billingPolicy', ['START_OF_TERM', 'END_OF_TERM', 'IMMEDIATE', 'ILLEGAL'] as const, 'END_OF_TERM');
  // Kill Bill 0.24 validates bcdTransfer but the transfer keeps the subscriptions' own BCD events either way.
  queryEnum(c, 'bcdTransfer', ['NONE', 'USE_EXISTING', 'ALIGN_WITH_EFF_DT'] as const, 'USE_EXISTING');
  const ctx = callContext(c);
  const subscriptions = c.get('engine').subscriptions;
  const newBundleId = await subscriptions.transferBundle(ctx, { bundleId, toAccountId, requestedDate, billingPolicy });
  const [json] = await renderBundles(c, [await subscriptions.getBundle(ctx, newBundleId)]);
  return created(c, `/1.0/kb/bundles/${newBundleId}`, json);
});
