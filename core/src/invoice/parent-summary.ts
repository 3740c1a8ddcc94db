import type { EntityManager } from '@mikro-orm/core';
import type { Decimal } from 'decimal.js';
import type { Logger } from 'pino';
import type { Account } from '../account/account.js';
import type { Clock } from '../clock/clock.js';
import type { CallContext } from '../context.js';
import { creationStamps } from '../persistence/stamps.js';
import { AccountTime, type LocalDate } from '../subscription/account-time.js';
import { newId } from '../values/ids.js';
import { invoiceAmounts } from './balance.js';
import { applyCredit } from './credit.js';
import type { Invoice, InvoiceItem, ItemExplanation } from './invoice.js';
import { InvoiceParentChildEntity } from './model.js';
import { emitInvoiceAdjustment } from './ops/events.js';
import { childInvoiceAmount, ignoredWithoutDraft } from './parent-amounts.js';
import { scheduleParentCommit } from './parent-commit.js';
import { insertInvoice, insertItems, loadAccountInvoices, loadInvoice, loadInvoiceRow, updateItemAmount } from './store.js';

/**
 * The parent's side of a child's invoice (Kill Bill's InvoiceDispatcher.processParentInvoiceForInvoiceGeneration
 * and processParentInvoiceForAdjustments, §4.10), always in a transaction holding the *parent's* account
 * lock (parent-invoicing.ts hands the work over from the child's transaction).
 *
 * - A child invoice adds its amount (parent-amounts.ts `childInvoiceAmount`) to the child's one
 *   PARENT_SUMMARY item on the parent's DRAFT parent invoice, creating the item (description
 *   "<child external key> summary") or the invoice (DRAFT, parentInvoice, invoice date = today in the
 *   child's zone, commit scheduled at the end of the day) when missing, and links the child invoice to it.
 * - A child item adjustment follows onto the summary: on a DRAFT parent invoice the summary's amount moves;
 *   on a COMMITTED one an ITEM_ADJ of the same amount is linked to the summary ("Adjustment for account
 *   <key>"), with credit if the parent invoice goes negative; a parent invoice whose balance is already 0
 *   (paid) ignores it.
 * Beyond Kill Bill, both are idempotent: a child invoice already linked to a parent is not counted again,
 * and each child ITEM_ADJ is applied once (the summary's explanation lists what it counts), where Kill
 * Bill re-applies the child's last ITEM_ADJ on every adjustment event of the child invoice.
 */

export interface ParentSummaryDeps {
  readonly clock: Clock;
  readonly logger: Logger;
}

type SummaryExplanation = Extract<ItemExplanation, { kind: 'PARENT_SUMMARY' }>;

const summaryOf = (invoice: Invoice, childAccountId: string) => invoice.items.find((i) => i.type === 'PARENT_SUMMARY' && i.childAccountId === childAccountId) ?? null;

function summaryExplanation(item: InvoiceItem | null, childAccountId: string): SummaryExplanation {
  const e = item?.explanation;
  return e?.kind === 'PARENT_SUMMARY' ? e : { kind: 'PARENT_SUMMARY', childAccountId, childInvoiceIds: [], childAdjustmentIds: [] };
}

const itemAdjustments = (invoice: Invoice) => invoice.items.filter((i) => i.type === 'ITEM_ADJ');

/** processParentInvoiceForInvoiceGeneration: the child invoice onto the parent's DRAFT parent invoice. */
export async function summariseChildInvoice(em: EntityManager, ctx: CallContext, deps: ParentSummaryDeps, parent: Account, child: Account, childInvoiceId: string): Promise<void> {
  const childInvoice = await loadInvoice(em, childInvoiceId);
  if (!childInvoice || childInvoice.accountId !== child.id || childInvoice.status !== 'COMMITTED') return;
  // Already summarised (a duplicate), or a credit-transfer invoice linked when it was made.
  if (childInvoice.parentInvoiceId !== null) return;

  const amount = childInvoiceAmount(childInvoice.items, childInvoice.currency);
  const adjustments = itemAdjustments(childInvoice).map((i) => i.id);
  const draft = (await loadAccountInvoices(em, parent.recordId, { statuses: ['DRAFT'] })).find((i) => i.parentInvoice) ?? null;
  let parentInvoiceId: string;
  if (draft) {
    parentInvoiceId = draft.id;
    const row = (await loadInvoiceRow(em, draft.id))!;
    const existing = summaryOf(draft, child.id);
    const before = summaryExplanation(existing, child.id);
    const explanation: SummaryExplanation = {
      ...before,
      childInvoiceIds: [...before.childInvoiceIds, childInvoice.id],
      childAdjustmentIds: [...before.childAdjustmentIds, ...adjustments],
    };
    if (existing) {
      await updateItemAmount(em, ctx, deps.clock, row, existing.id, existing.amount.plus(amount), explanation);
    } else {
      await insertItems(em, ctx, deps.clock, row, [summaryItem(child, amount, explanation)]);
    }
  } else {
    if (ignoredWithoutDraft(childInvoice.items, amount)) return;
    const explanation: SummaryExplanation = { kind: 'PARENT_SUMMARY', childAccountId: child.id, childInvoiceIds: [childInvoice.id], childAdjustmentIds: adjustments };
    const created = await insertInvoice(em, ctx, deps.clock, {
      account: parent,
      status: 'DRAFT',
      parentInvoice: true,
      // Kill Bill dates it with the child's context: today in the child's zone; no target date.
      invoiceDate: new AccountTime(child.timeZone, child.referenceTime).toLocalDate(deps.clock.now()),
      targetDate: null,
      currency: childInvoice.currency,
      items: [summaryItem(child, amount, explanation)],
    });
    parentInvoiceId = created.id;
    scheduleParentCommit(em, ctx, deps.clock, parent, created.id);
  }
  em.create(InvoiceParentChildEntity, {
    id: newId(),
    tenantRecordId: ctx.tenant.recordId,
    accountRecordId: parent.recordId,
    parentInvoiceId,
    childInvoiceId: childInvoice.id,
    childAccountId: child.id,
    ...creationStamps(ctx, deps.clock.now().toJSDate()),
  });
  await em.flush();
  deps.logger.info({ parentAccountId: parent.id, childInvoiceId, parentInvoiceId, amount: amount.toFixed() }, 'child invoice summarised on the parent invoice');
}

function summaryItem(child: Account, amount: Decimal, explanation: SummaryExplanation) {
  return {
    type: 'PARENT_SUMMARY' as const,
    childAccountId: child.id,
    description: `${child.externalKey} summary`,
    amount,
    explanation,
  };
}

/** processParentInvoiceForAdjustments: the child invoice's item adjustments onto its parent's summary. */
export async function mirrorChildAdjustments(em: EntityManager, ctx: CallContext, deps: ParentSummaryDeps, parent: Account, child: Account, childInvoiceId: string): Promise<void> {
  const childInvoice = await loadInvoice(em, childInvoiceId);
  if (!childInvoice || childInvoice.accountId !== child.id) return;
  if (childInvoice.parentInvoiceId === null) {
    // Kill Bill's INVOICE_MISSING_PARENT_INVOICE, which its listener logs: e.g. a child invoice made before the account had a parent.
    deps.logger.warn({ childInvoiceId, parentAccountId: parent.id }, 'child invoice adjusted but it has no parent invoice: nothing to follow');
    return;
  }
  const parentInvoice = await loadInvoice(em, childInvoice.parentInvoiceId);
  if (!parentInvoice || parentInvoice.accountId !== parent.id) return;
  const raw = invoiceAmounts(parentInvoice.items, parentInvoice.payments, { currency: parentInvoice.currency, status: 'COMMITTED', writtenOff: false, migrated: false }).balance;
  // A paid parent invoice ignores later adjustments of its children (Kill Bill: raw balance 0).
  if (raw.isZero()) return;
  const summary = summaryOf(parentInvoice, child.id);
  if (!summary) return;

  const explanation = summaryExplanation(summary, child.id);
  const applied = new Set(explanation.childAdjustmentIds);
  for (const i of parentInvoice.items) if (i.explanation?.kind === 'CHILD_ITEM_ADJ') applied.add(i.explanation.childItemId);
  // Credit-only adjustment events (a CBA_ADJ) leave nothing to follow.
  const pending = itemAdjustments(childInvoice).filter((i) => !applied.has(i.id));
  if (pending.length === 0) return;

  const row = (await loadInvoiceRow(em, parentInvoice.id))!;
  if (parentInvoice.status === 'COMMITTED') {
    await insertItems(
      em,
      ctx,
      deps.clock,
      row,
      pending.map((adj) => ({
        type: 'ITEM_ADJ' as const,
        description: `Adjustment for account ${child.externalKey}`,
        startDate: adj.startDate as LocalDate | null,
        endDate: adj.startDate as LocalDate | null,
        amount: adj.amount,
        linkedItemId: summary.id,
        explanation: { kind: 'CHILD_ITEM_ADJ' as const, childInvoiceId: childInvoice.id, childItemId: adj.id },
      })),
    );
    const touched = await applyCredit(em, ctx, deps.clock, parent, { invoiceIds: [parentInvoice.id] });
    if (!touched.has(parentInvoice.id)) emitInvoiceAdjustment(em, ctx, deps.clock, parentInvoice);
  } else if (parentInvoice.status === 'DRAFT') {
    const total = pending.reduce((sum, adj) => sum.plus(adj.amount), summary.amount);
    await updateItemAmount(em, ctx, deps.clock, row, summary.id, total, { ...explanation, childAdjustmentIds: [...explanation.childAdjustmentIds, ...pending.map((i) => i.id)] });
  }
}
