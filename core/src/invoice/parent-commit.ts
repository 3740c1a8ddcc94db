import type { EntityManager } from '@mikro-orm/core';
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { CallContext } from '../context.js';
import { scheduleNotification } from '../notification/queue.js';
import { applyCredit } from './credit.js';
import { emitInvoiceCreation } from './ops/events.js';
import { parentCommitInstant } from './parent-amounts.js';
import { loadInvoice, loadInvoiceRow, setInvoiceStatus } from './store.js';

/**
 * The parent invoice's end of day (Kill Bill's ParentInvoiceCommitmentNotifier / -Poster): a DRAFT parent
 * invoice, once created, is committed by a notification on its own queue at
 * `org.killbill.invoice.parent.commit.local.utc.time` (parent-amounts.ts `parentCommitInstant`). The
 * commit is Kill Bill's commitInvoice: COMMITTED, INVOICE_CREATION posted (so payment pays it), the
 * parent's credit used on it. A parent invoice committed earlier (or voided) is left as it is.
 *
 * No invoice plugin is called here, neither priorCall / onSuccessCall / onFailureCall nor additional items:
 * Kill Bill's InvoiceListener.handleParentInvoiceCommitmentEvent commits through InvoiceInternalApi
 * .commitInvoice, which is DefaultInvoiceDao.changeInvoiceStatus alone, unlike the API's commit
 * (DefaultInvoiceUserApi.commitInvoice → InvoiceApiHelper.dispatchToInvoicePluginsAndInsertItems, ops/commit-void.ts).
 * The child invoices the parent invoice sums up went through the plugins when they were generated.
 */
export const PARENT_COMMIT_QUEUE = 'invoice-parent-commit';

export interface ParentAccountRef {
  readonly id: string;
  readonly recordId: number;
}

/** Inside the transaction that created the DRAFT parent invoice. */
export function scheduleParentCommit(em: EntityManager, ctx: CallContext, clock: Clock, parent: ParentAccountRef, invoiceId: string): void {
  scheduleNotification(em, ctx, clock, {
    queueName: PARENT_COMMIT_QUEUE,
    effectiveDate: parentCommitInstant(clock.now()),
    accountRecordId: parent.recordId,
    payload: { invoiceId },
  });
}

/** The queue's handler body, under the parent's account lock. */
export async function commitParentInvoice(em: EntityManager, ctx: CallContext, deps: { clock: Clock; logger: Logger }, parent: ParentAccountRef, invoiceId: string): Promise<void> {
  const row = await loadInvoiceRow(em, invoiceId);
  if (!row || row.accountRecordId !== parent.recordId) {
    deps.logger.warn({ invoiceId, parentAccountId: parent.id }, 'parent invoice commit: no such invoice on the parent account');
    return;
  }
  // Kill Bill ignores INVOICE_INVALID_STATUS here: the invoice was committed (or voided) before its end of day.
  if (row.status !== 'DRAFT') return;
  await setInvoiceStatus(em, ctx, deps.clock, row, 'COMMITTED');
  const committed = (await loadInvoice(em, row.id))!;
  emitInvoiceCreation(em, ctx, deps.clock, committed);
  await applyCredit(em, ctx, deps.clock, parent, { invoiceIds: [row.id], created: new Set([row.id]) });
}
