import { parseId, type AccountId } from '@billwright/core';
import type { Context } from 'hono';
import type { AppEnv } from '../env.js';

export const ACCOUNTS = '/1.0/kb/accounts';

/** The `{accountId}` of a path; a malformed one is a 400 before any lookup. */
export function accountIdParam(c: Context<AppEnv>): AccountId {
  return parseId<'Account'>(c.req.param('accountId') ?? '', 'accountId');
}
