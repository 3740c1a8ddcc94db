import type { EntityManager } from '@mikro-orm/core';
import type { Account } from '../account/account.js';
import type { Bus } from '../bus/bus.js';
import type { BusEvent } from '../bus/event.js';
import { emitEvent } from '../bus/outbox.js';
import type { AccountId } from '../values/ids.js';
import type { InvoiceDeps } from './deps.js';
import { commitParentInvoice, PARENT_COMMIT_QUEUE } from './parent-commit.js';
import { mirrorChildAdjustments, summariseChildInvoice } from './parent-summary.js';

/**
 * Parent/child invoicing wired to the bus (Kill Bill's InvoiceListener on InvoiceCreationInternalEvent and
 * DefaultInvoiceAdjustmentEvent of a child whose payment is delegated to its parent, §4.10).
 *
 * Locks: the child's INVOICE_CREATION / INVOICE_ADJUSTMENT is handled in the child's transaction (its
 * account lock held). The parent's invoice belongs to another account, so the consumer here only posts an
 * internal event *for the parent account* (CHILD_INVOICE_CREATED / CHILD_INVOICE_ADJUSTED); the bus then
 * handles it in a transaction of its own holding the parent's lock. Each account's lock is taken alone,
 * so a parent and its children can never deadlock, and the parent's events stay in order. The DRAFT parent
 * invoice's end-of-day commit is the `invoice-parent-commit` queue (parent-commit.ts), also under the
 * parent's lock.
 */

/** Internal bus events, for the parent account: not Kill Bill ext events, so never pushed to callbacks. */
export const CHILD_INVOICE_CREATED = 'CHILD_INVOICE_CREATED';
export const CHILD_INVOICE_ADJUSTED = 'CHILD_INVOICE_ADJUSTED';

const delegatesToParent = (a: Account): a is Account & { parentAccountId: AccountId } => a.parentAccountId !== null && a.isPaymentDelegatedToParent;

export function registerParentInvoicing(bus: Bus, deps: InvoiceDeps): void {
  const { accounts, clock, logger, notifications } = deps;

  // In the child's transaction: hand the work to the parent account.
  bus.subscribe('invoice-parent-forward', ['INVOICE_CREATION', 'INVOICE_ADJUSTMENT'], async (em, event, ctx) => {
    const child = await eventAccount(em, event, accounts);
    if (!child || !delegatesToParent(child) || event.objectId === null) return;
    const parent = await accounts.getIn(em, child.parentAccountId);
    emitEvent(em, ctx, clock, {
      eventType: event.eventType === 'INVOICE_CREATION' ? CHILD_INVOICE_CREATED : CHILD_INVOICE_ADJUSTED,
      objectType: 'INVOICE',
      objectId: event.objectId,
      accountRecordId: parent.recordId,
      payload: { childAccountId: child.id, parentAccountId: parent.id },
    });
  });

  // In the parent's transaction.
  bus.subscribe('invoice-parent', [CHILD_INVOICE_CREATED, CHILD_INVOICE_ADJUSTED], async (em, event, ctx) => {
    const childAccountId = event.payload['childAccountId'];
    const parentAccountId = event.payload['parentAccountId'];
    if (typeof childAccountId !== 'string' || typeof parentAccountId !== 'string' || event.objectId === null) return;
    const [child, parent] = [await accounts.getIn(em, childAccountId as AccountId), await accounts.getIn(em, parentAccountId as AccountId)];
    if (event.eventType === CHILD_INVOICE_CREATED) await summariseChildInvoice(em, ctx, { clock, logger }, parent, child, event.objectId);
    else await mirrorChildAdjustments(em, ctx, { clock, logger }, parent, child, event.objectId);
  });

  notifications.register(PARENT_COMMIT_QUEUE, async (em, notification, ctx) => {
    const invoiceId = notification.payload['invoiceId'];
    if (notification.accountRecordId === null || typeof invoiceId !== 'string') return;
    const parent = await accounts.findByRecordIdIn(em, notification.accountRecordId);
    if (!parent) return;
    await commitParentInvoice(em, ctx, { clock, logger }, parent, invoiceId);
  });
}

/** The account of a child's invoice event (the event's account), read in the child's transaction. */
function eventAccount(em: EntityManager, event: BusEvent, accounts: InvoiceDeps['accounts']): Promise<Account | null> {
  return event.accountRecordId === null ? Promise.resolve(null) : accounts.findByRecordIdIn(em, event.accountRecordId);
}
