import type { EntityManager } from '@mikro-orm/core';
import type { Account } from '../../account/account.js';
import type { CallContext } from '../../context.js';
import { BillingError } from '../../errors/index.js';
import { lockAccount } from '../../persistence/account-lock.js';
import { creationStamps } from '../../persistence/stamps.js';
import { writeTx } from '../../persistence/scope.js';
import { requirePermission } from '../../security/subject.js';
import { AccountTime, type LocalDate } from '../../subscription/account-time.js';
import { newId, type AccountId } from '../../values/ids.js';
import { accountCbaOf } from '../balance.js';
import type { InvoiceDeps } from '../deps.js';
import { InvoiceParentChildEntity } from '../model.js';
import { insertInvoice, loadAccountInvoices } from '../store.js';
import { applyCredit } from '../credit.js';
import { reloadInvoices } from './frame.js';
import { emitInvoiceCreation } from './events.js';

/**
 * PUT /1.0/kb/accounts/{childAccountId}/transferCredit (DefaultInvoiceUserApi.transferChildCreditToParent,
 * DefaultInvoiceDao.transferChildCreditToParent, §4.10): the child's whole credit moves to its parent. The
 * child gets a COMMITTED invoice with an EXTERNAL_CHARGE of that credit (which its credit then pays), the
 * parent a COMMITTED credit invoice (CREDIT_ADJ −x, CBA_ADJ +x), linked as parent/child invoices. Both
 * accounts are locked, in record-id order so two transfers never deadlock.
 */
export async function transferChildCredit(deps: InvoiceDeps, ctx: CallContext, childAccountId: AccountId): Promise<void> {
  requirePermission(ctx, 'invoice:delete_cba');
  const child = await deps.accounts.getById(ctx, childAccountId);
  if (child.parentAccountId === null) {
    throw new BillingError('ACCOUNT_DOES_NOT_HAVE_PARENT_ACCOUNT', `The Account ${child.id} does not have a Parent Account associated`, { accountId: child.id });
  }
  const parent = await deps.accounts.getById(ctx, child.parentAccountId);
  await writeTx(deps.db, ctx, async (em) => {
    for (const a of [child, parent].sort((x, y) => x.recordId - y.recordId)) await lockAccount(em, ctx.tenant.recordId, a.recordId);
    const credit = accountCbaOf(await loadAccountInvoices(em, child.recordId));
    if (!credit.gt(0)) throw new BillingError('CHILD_ACCOUNT_MISSING_CREDIT', `Child account ${child.id} does not have credit`, { accountId: child.id });
    const now = deps.clock.now();
    // Kill Bill dates these items with the UTC day of the call (childCreatedDate.toLocalDate()), the invoices with each account's today.
    const utcDay = now.toUTC().toISODate() as LocalDate;
    const currency = child.currency!;
    const childInvoice = await insertInvoice(em, ctx, deps.clock, {
      account: child,
      status: 'COMMITTED',
      invoiceDate: todayOf(child, deps),
      targetDate: utcDay,
      currency,
      items: [
        {
          type: 'EXTERNAL_CHARGE',
          description: 'Charge to move credit from child to parent account',
          startDate: utcDay,
          endDate: utcDay,
          amount: credit,
          explanation: { kind: 'API', operation: 'TRANSFER_CREDIT' },
        },
      ],
    });
    const parentInvoice = await insertInvoice(em, ctx, deps.clock, {
      account: parent,
      status: 'COMMITTED',
      invoiceDate: todayOf(parent, deps),
      targetDate: utcDay,
      currency,
      items: [
        {
          type: 'CREDIT_ADJ',
          description: `Credit migrated from child account ${child.id}`,
          startDate: utcDay,
          endDate: utcDay,
          amount: credit.negated(),
          explanation: { kind: 'API', operation: 'TRANSFER_CREDIT' },
        },
      ],
    });
    linkParentChild(em, ctx, deps, parent, parentInvoice.id, childInvoice.id, child.id);
    await em.flush();
    for (const [account, invoiceId] of [[child, childInvoice.id], [parent, parentInvoice.id]] as const) {
      await applyCredit(em, ctx, deps.clock, account, { invoiceIds: [invoiceId], created: new Set([invoiceId]) });
      emitInvoiceCreation(em, ctx, deps.clock, (await reloadInvoices(em, account.recordId, [invoiceId])).get(invoiceId)!);
    }
  });
}

function todayOf(account: Account, deps: InvoiceDeps): LocalDate {
  return new AccountTime(account.timeZone, account.referenceTime).toLocalDate(deps.clock.now());
}

function linkParentChild(em: EntityManager, ctx: CallContext, deps: InvoiceDeps, parent: Account, parentInvoiceId: string, childInvoiceId: string, childAccountId: string): void {
  em.create(InvoiceParentChildEntity, {
    id: newId(),
    tenantRecordId: ctx.tenant.recordId,
    accountRecordId: parent.recordId,
    parentInvoiceId,
    childInvoiceId,
    childAccountId,
    ...creationStamps(ctx, deps.clock.now().toJSDate()),
  });
}
