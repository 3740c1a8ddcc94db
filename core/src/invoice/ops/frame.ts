import type { EntityManager } from '@mikro-orm/core';
import type { Account } from '../../account/account.js';
import type { CallContext } from '../../context.js';
import { BillingError } from '../../errors/index.js';
import { lockAccount } from '../../persistence/account-lock.js';
import { readEm, writeTx } from '../../persistence/scope.js';
import type { Permission } from '../../security/permission.js';
import { requirePermission } from '../../security/subject.js';
import { AccountTime, type LocalDate } from '../../subscription/account-time.js';
import { parseCurrency, type Currency } from '../../values/currency.js';
import type { AccountId } from '../../values/ids.js';
import type { InvoiceDeps } from '../deps.js';
import type { Invoice } from '../invoice.js';
import { InvoiceEntity, type InvoiceRow } from '../model.js';
import { loadAccountInvoices } from '../store.js';

/**
 * The frame every explicit invoice write shares (Kill Bill's InvoiceApiHelper.dispatchToInvoicePluginsAndInsertItems
 * with its ACCNT_INV_PAY lock): the permission checked first, the account read, then one writeTx holding the
 * account lock, with the account's "today" in its fixed-offset zone (§2).
 */
export interface OpFrame {
  readonly em: EntityManager;
  readonly ctx: CallContext;
  readonly deps: InvoiceDeps;
  readonly account: Account;
  readonly time: AccountTime;
  /** Today in the account's zone: the day CBA_ADJ items and default effective dates carry. */
  readonly today: LocalDate;
}


export async function inAccountTx<T>(deps: InvoiceDeps, ctx: CallContext, accountId: AccountId, permission: Permission, work: (f: OpFrame) => Promise<T>): Promise<T> {
  requirePermission(ctx, permission);
  const account = await deps.accounts.getById(ctx, accountId);
  return writeTx(deps.db, ctx, async (em) => {
    await lockAccount(em, ctx.tenant.recordId, account.recordId);
    const time = new AccountTime(account.timeZone, account.referenceTime);
    return work({ em, ctx, deps, account, time, today: time.toLocalDate(deps.clock.now()) });
  });
}

/** The account owning an invoice, read before the lock is taken (INVOICE_NOT_FOUND when unknown in the tenant). */
export async function accountOfInvoice(deps: InvoiceDeps, ctx: CallContext, invoiceId: string): Promise<AccountId> {
  const row = await readEm(deps.db, ctx).findOne(InvoiceEntity, { id: invoiceId });
  if (!row) throw invoiceNotFound(invoiceId);
  return row.accountId as AccountId;
}

/** The invoice row inside the frame (re-read under the lock). */
export async function lockedInvoiceRow(f: OpFrame, invoiceId: string): Promise<InvoiceRow> {
  const row = await f.em.findOne(InvoiceEntity, { id: invoiceId });
  if (!row || row.accountRecordId !== f.account.recordId) throw invoiceNotFound(invoiceId);
  return row;
}

export function invoiceNotFound(invoiceId: string): BillingError {
  return new BillingError('INVOICE_NOT_FOUND', `No invoice could be found for id ${invoiceId}.`, { invoiceId });
}

/**
 * The currency of items for the account (JaxRsResourceBase.validateSanitizeAndTranformInputItems): an item
 * in another currency is refused with Kill Bill's CURRENCY_INVALID message; an account without a currency
 * takes the item's.
 */
export function itemCurrency(account: Account, given: string | null | undefined): Currency {
  if (given !== null && given !== undefined && given !== '') {
    const currency = parseCurrency(given);
    if (account.currency !== null && currency !== account.currency) {
      throw new BillingError('CURRENCY_INVALID', `Invalid currency ${currency}, expected ${account.currency}`, { currency, expected: account.currency });
    }
    return currency;
  }
  if (account.currency === null) throw new BillingError('CURRENCY_INVALID', `Invalid currency null, expected a currency: account ${account.id} has none`, { accountId: account.id });
  return account.currency;
}

/** The account's invoices as they are now (after writes in this transaction), by id, for answers and events. */
export async function reloadInvoices(em: EntityManager, accountRecordId: number, ids: Iterable<string>): Promise<Map<string, Invoice>> {
  const wanted = new Set(ids);
  const all = await loadAccountInvoices(em, accountRecordId);
  return new Map(all.filter((i) => wanted.has(i.id)).map((i) => [i.id, i]));
}
