import { parseId } from '@billwright/core';
import { Hono } from 'hono';
import type { AppEnv } from '../env.js';
import { jsonObject } from '../http/body.js';
import { callContext, tenantContext } from '../http/call-context.js';
import { optionalString, requiredString } from '../http/fields.js';
import { created, noContent } from '../http/responses.js';
import { auditLogJson } from '../json/audit.js';
import { accountEmailJson } from '../json/account.js';
import { ACCOUNTS, accountIdParam } from './accounts-shared.js';

/** `/1.0/kb/accounts/{accountId}/emails`: the extra addresses invoices and notifications go to. */
export const accountEmails = new Hono<AppEnv>();

accountEmails.get('/:accountId/emails', async (c) => {
  const emails = await c.get('engine').accounts.getEmails(tenantContext(c), accountIdParam(c));
  return c.json(emails.map(accountEmailJson));
});

/**
 * Adding an address the account already has changes nothing and still answers 201 with the list, as
 * Kill Bill's AccountResource.addEmail (it filters the existing ones before calling the API, whose
 * ACCOUNT_EMAIL_ALREADY_EXISTS only guards a race).
 */
accountEmails.post('/:accountId/emails', async (c) => {
  const accountId = accountIdParam(c);
  const body = await jsonObject(c);
  const email = requiredString(body, 'email');
  const bodyAccountId = optionalString(body, 'accountId');
  if (bodyAccountId) parseId(bodyAccountId, 'accountId');
  const { accounts } = c.get('engine');
  const ctx = callContext(c);
  const existing = await accounts.getEmails(ctx, accountId);
  if (!existing.some((e) => e.email === email)) await accounts.addEmail(ctx, accountId, email);
  const emails = await accounts.getEmails(ctx, accountId);
  return created(c, `${ACCOUNTS}/${accountId}/emails`, emails.map(accountEmailJson));
});

accountEmails.delete('/:accountId/emails/:email', async (c) => {
  await c.get('engine').accounts.removeEmail(callContext(c), accountIdParam(c), c.req.param('email'));
  return noContent(c);
});

accountEmails.get('/:accountId/emails/:accountEmailId/auditLogsWithHistory', async (c) => {
  const ctx = tenantContext(c);
  const emailId = parseId<'AccountEmail'>(c.req.param('accountEmailId'), 'accountEmailId');
  const email = await c.get('engine').accounts.getEmailById(ctx, accountIdParam(c), emailId);
  return c.json((await c.get('engine').audit.forTypedObject(ctx, 'ACCOUNT_EMAIL', email.id, true)).map(auditLogJson));
});
