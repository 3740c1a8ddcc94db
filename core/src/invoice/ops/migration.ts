import type { CallContext } from '../../context.js';
import { BillingError } from '../../errors/index.js';
import type { LocalDate } from '../../subscription/account-time.js';
import type { AccountId } from '../../values/ids.js';
import type { InvoiceDeps } from '../deps.js';
import type { NewItemRequest } from '../invoice-service.js';
import type { Invoice, InvoiceItemType } from '../invoice.js';
import { roundMoney } from '../money.js';
import { insertInvoice } from '../store.js';
import { emitInvoiceCreation } from './events.js';
import { inAccountTx, itemCurrency } from './frame.js';

/**
 * POST /1.0/kb/invoices/migration/{accountId} (DefaultInvoiceUserApi.createMigrationInvoice): one COMMITTED
 * invoice flagged migrated holding the items as given (their own types), dated today, targetDate as asked
 * (today by default). A migration invoice's balance is 0 (§4.8): it records history, it is never paid and
 * takes no part in credit. The run later sees its RECURRING items as already billed.
 */
export async function createMigrationInvoice(
  deps: InvoiceDeps,
  ctx: CallContext,
  accountId: AccountId,
  items: readonly (NewItemRequest & { itemType: InvoiceItemType })[],
  targetDate: LocalDate | null,
): Promise<Invoice> {
  return inAccountTx(deps, ctx, accountId, 'invoice:trigger', async (f) => {
    if (items.length === 0) throw new BillingError('INVALID_PARAMETER', 'A migration invoice needs at least one item', {});
    const currency = itemCurrency(f.account, items[0]!.currency);
    const invoice = await insertInvoice(f.em, ctx, deps.clock, {
      account: f.account,
      status: 'COMMITTED',
      invoiceDate: f.today,
      targetDate: targetDate ?? f.today,
      currency,
      migrated: true,
      items: items.map((r) => {
        if (!r.itemType) throw new BillingError('INVOICE_ITEM_TYPE_INVALID', 'Invalid invoice item type null', { field: 'itemType' });
        if (r.amount === null) throw new BillingError('INVALID_PARAMETER', 'Field amount is required for a migration item', { field: 'amount' });
        itemCurrency(f.account, r.currency);
        return {
          type: r.itemType,
          bundleId: r.bundleId ?? null,
          subscriptionId: r.subscriptionId ?? null,
          description: r.description ?? null,
          productName: r.productName ?? null,
          planName: r.planName ?? null,
          phaseName: r.phaseName ?? null,
          startDate: r.startDate ?? null,
          endDate: r.endDate ?? null,
          amount: roundMoney(r.amount, currency),
          rate: r.rate ? roundMoney(r.rate, currency) : null,
          linkedItemId: r.linkedInvoiceItemId ?? null,
          explanation: { kind: 'API', operation: 'MIGRATION' },
        };
      }),
    });
    emitInvoiceCreation(f.em, ctx, deps.clock, invoice);
    return invoice;
  });
}
