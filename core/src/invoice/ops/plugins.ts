import { Decimal } from 'decimal.js';
import { BillingError } from '../../errors/index.js';
import { touch } from '../../persistence/stamps.js';
import type { LocalDate } from '../../subscription/account-time.js';
import { InvoiceEntity, InvoiceItemEntity } from '../model.js';
import { roundMoney } from '../money.js';
import { insertItems, loadAccountInvoices, loadInvoice } from '../store.js';
import type { OpFrame } from './frame.js';

/**
 * Invoice plugins on the explicit writes, as Kill Bill's InvoiceApiHelper.dispatchToInvoicePluginsAndInsertItems
 * calls them for charges, taxes, credits and item adjustments: `priorCall` first (an abort, or a reschedule,
 * which API calls cannot honour, fails the write), then each changed invoice is offered to the plugins as it
 * now stands in the transaction and their items are written (or replace an item's amount, description and
 * details), before credit is computed. A plugin failure rolls the whole write back.
 */
export async function pluginsBefore(f: OpFrame, targetDate: LocalDate | null): Promise<void> {
  const { plugins } = f.deps;
  if (!plugins.priorCall) return;
  const prior = await plugins.priorCall(f.ctx, { targetDate, invoice: null, existingInvoices: await loadAccountInvoices(f.em, f.account.recordId), dryRun: false, rescheduled: false });
  if (prior.rescheduleDate !== null) {
    throw new BillingError('INVOICE_PLUGIN_API_ABORTED', 'Invoice plugin aborted call: delayed scheduling is unsupported for API calls', {});
  }
}

export async function pluginItemsFor(f: OpFrame, invoiceId: string): Promise<void> {
  const invoice = await loadInvoice(f.em, invoiceId);
  if (!invoice) return;
  const others = (await loadAccountInvoices(f.em, f.account.recordId)).filter((i) => i.id !== invoiceId);
  const batches = await f.deps.plugins.additionalItems(f.ctx, invoice, others, false);
  if (batches.every((b) => b.items.length === 0)) return;
  const row = await f.em.findOneOrFail(InvoiceEntity, { id: invoiceId });
  const at = f.deps.clock.now().toJSDate();
  for (const batch of batches) {
    for (const item of batch.items) {
      const amount = roundMoney(new Decimal(item.amount), invoice.currency);
      if (item.replaces) {
        const existing = await f.em.findOne(InvoiceItemEntity, { id: item.id, invoiceId });
        if (!existing) continue;
        existing.amount = amount.toFixed();
        if (item.description !== null) existing.description = item.description;
        if (item.itemDetails !== null) existing.itemDetails = item.itemDetails;
        touch(existing, f.ctx, at);
        continue;
      }
      await insertItems(f.em, f.ctx, f.deps.clock, row, [
        {
          id: item.id,
          type: item.type,
          amount,
          linkedItemId: item.linkedItemId,
          subscriptionId: item.subscriptionId,
          bundleId: item.bundleId,
          description: item.description,
          startDate: item.startDate,
          endDate: item.endDate,
          itemDetails: item.itemDetails,
          explanation: { kind: 'PLUGIN', plugin: batch.plugin },
        },
      ]);
    }
  }
  await f.em.flush();
}

/** onSuccessCall for each invoice the write changed (a plugin failing there is only logged, by the hook). */
export async function pluginsAfter(f: OpFrame, targetDate: LocalDate | null, invoiceIds: Iterable<string>): Promise<void> {
  const { plugins } = f.deps;
  if (!plugins.onSuccessCall) return;
  const existing = await loadAccountInvoices(f.em, f.account.recordId);
  for (const id of invoiceIds) {
    const invoice = existing.find((i) => i.id === id) ?? null;
    await plugins.onSuccessCall(f.ctx, { targetDate, invoice, existingInvoices: existing, dryRun: false, rescheduled: false });
  }
}
