import { BillingError, parseId } from '@billwright/core';
import { Hono } from 'hono';
import type { AppEnv } from '../env.js';
import { jsonObject } from '../http/body.js';
import { callContext } from '../http/call-context.js';
import { optionalString } from '../http/fields.js';
import { queryEnum } from '../http/query.js';
import { noContent } from '../http/responses.js';
import { dateQuery } from './blocking.js';

/**
 * Bundle writes of Kill Bill's BundleResource: pause, resume (204), renameKey (204) and transferBundle
 * (validated, then refused as not implemented yet; see core's bundle-actions.ts).
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
  dateQuery(c, 'requestedDate');
  queryEnum(c, 'billingPolicy', ['START_OF_TERM', 'END_OF_TERM', 'IMMEDIATE', 'ILLEGAL'] as const, 'END_OF_TERM');
  queryEnum(c, 'bcdTransfer', ['NONE', 'USE_EXISTING', 'ALIGN_WITH_EFF_DT'] as const, 'USE_EXISTING');
  return c.get('engine').subscriptions.transferBundle(callContext(c), { bundleId, toAccountId: parseId<'Account'>(accountId, 'accountId') });
});
