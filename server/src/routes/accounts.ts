import { BillingError, type Account } from '@billwright/core';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env.js';
import { jsonObject } from '../http/body.js';
import { callContext, tenantContext } from '../http/call-context.js';
import { pageRequest, paginated } from '../http/pagination.js';
import { auditLevel, queryBoolean } from '../http/query.js';
import { kbJson } from '../http/kb-json.js';
import { created, noContent } from '../http/responses.js';
import { auditLogJson } from '../json/audit.js';
import { accountInput, accountJson, NO_BALANCES, type AccountBalances } from '../json/account.js';
import { accountEmails } from './accounts-emails.js';
import { ACCOUNTS, accountIdParam } from './accounts-shared.js';

/**
 * `/1.0/kb/accounts` (Kill Bill's AccountResource): accounts, their emails, children and audit logs.
 * Tags and custom fields of accounts are served by the generic tag/custom-field routes.
 */
export const accounts = new Hono<AppEnv>();

/**
 * accountWithBalance / accountWithBalanceAndCBA (Kill Bill's InvoiceUserApi.getAccountBalance /
 * getAccountCBA, killbill-semantics.md §4.8), computed by the invoice domain; null when not asked for.
 */
async function balances(c: Context<AppEnv>, account: Account): Promise<AccountBalances> {
  const withCba = queryBoolean(c, 'accountWithBalanceAndCBA', false);
  if (!withCba && !queryBoolean(c, 'accountWithBalance', false)) return NO_BALANCES;
  const { accountBalance, accountCBA } = await c.get('engine').invoices.accountBalance(tenantContext(c), account.id);
  return { accountBalance, accountCBA: withCba ? accountCBA : null };
}

/** Accounts as Kill Bill's AccountJson, each with its own audit logs at the requested `audit` level. */
async function renderMany(c: Context<AppEnv>, list: readonly Account[]) {
  const level = auditLevel(c);
  const logs = await c.get('engine').audit.forObjects(tenantContext(c), list.map((a) => a.id), level);
  const out = [];
  for (const a of list) out.push(accountJson(a, logs.get(a.id) ?? [], await balances(c, a)));
  return out;
}

async function renderOne(c: Context<AppEnv>, account: Account) {
  const level = auditLevel(c);
  return accountJson(account, await c.get('engine').audit.forObject(tenantContext(c), account.id, level), await balances(c, account));
}

accounts.post('/', async (c) => {
  const account = await c.get('engine').accounts.create(callContext(c), accountInput(await jsonObject(c)));
  return created(c, `${ACCOUNTS}/${account.id}`, accountJson(account));
});

accounts.get('/', async (c) => {
  const externalKey = c.req.query('externalKey');
  if (externalKey === undefined) throw new BillingError('INVALID_PARAMETER', 'Query parameter externalKey is required');
  return kbJson(c, await renderOne(c, await c.get('engine').accounts.getByExternalKey(tenantContext(c), externalKey)));
});

accounts.get('/pagination', async (c) => {
  const req = pageRequest(c);
  const page = await c.get('engine').accounts.list(tenantContext(c), req);
  const items = await renderMany(c, page.items);
  return paginated(c, { ...page, items }, req.limit, (json) => json);
});

accounts.get('/search/:searchKey{.+}', async (c) => {
  const req = pageRequest(c);
  const page = await c.get('engine').accounts.search(tenantContext(c), c.req.param('searchKey'), req);
  const items = await renderMany(c, page.items);
  return paginated(c, { ...page, items }, req.limit, (json) => json);
});

accounts.route('/', accountEmails);

accounts.get('/:accountId/children', async (c) => {
  const children = await c.get('engine').accounts.children(tenantContext(c), accountIdParam(c));
  return kbJson(c, await renderMany(c, children));
});

/** Every audit log of the account and of the objects it owns (emails, tags, custom fields...). */
accounts.get('/:accountId/auditLogs', async (c) => {
  const ctx = tenantContext(c);
  const { accounts: service, audit } = c.get('engine');
  const account = await service.getById(ctx, accountIdParam(c));
  return c.json((await audit.forAccount(ctx, account)).map(auditLogJson));
});

/** The account row's own changes, each with the row as it became. */
accounts.get('/:accountId/auditLogsWithHistory', async (c) => {
  const ctx = tenantContext(c);
  const account = await c.get('engine').accounts.getById(ctx, accountIdParam(c));
  return c.json((await c.get('engine').audit.forTypedObject(ctx, 'ACCOUNT', account.id, true)).map(auditLogJson));
});

accounts.get('/:accountId', async (c) => {
  return kbJson(c, await renderOne(c, await c.get('engine').accounts.getById(tenantContext(c), accountIdParam(c))));
});

accounts.put('/:accountId', async (c) => {
  const id = accountIdParam(c);
  const treatNullAsReset = queryBoolean(c, 'treatNullAsReset', false);
  const input = accountInput(await jsonObject(c));
  await c.get('engine').accounts.update(callContext(c), id, input, { treatNullAsReset });
  return noContent(c);
});

accounts.delete('/:accountId', async (c) => {
  const id = accountIdParam(c);
  const options = {
    cancelAllSubscriptions: queryBoolean(c, 'cancelAllSubscriptions', false),
    writeOffUnpaidInvoices: queryBoolean(c, 'writeOffUnpaidInvoices', false),
    itemAdjustUnpaidInvoices: queryBoolean(c, 'itemAdjustUnpaidInvoices', false),
    removeFutureNotifications: queryBoolean(c, 'removeFutureNotifications', true),
  };
  await c.get('engine').accounts.close(callContext(c), id, options);
  return noContent(c);
});
