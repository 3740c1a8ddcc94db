import type { CallContext } from '../../context.js';
import type { AccountId } from '../../values/ids.js';
import type { InvoiceDeps } from '../deps.js';
import { applyCredit } from '../credit.js';
import { inAccountTx } from './frame.js';

/**
 * PUT /1.0/kb/accounts/{accountId}/cbaRebalancing (InvoiceUserApi.consumeExistingCBAOnAccountWithUnpaidInvoices):
 * the credit the account holds pays its unpaid COMMITTED invoices, oldest first (each paid one posts INVOICE_ADJUSTMENT).
 */
export async function rebalanceCba(deps: InvoiceDeps, ctx: CallContext, accountId: AccountId): Promise<void> {
  await inAccountTx(deps, ctx, accountId, 'invoice:delete_cba', async (f) => {
    await applyCredit(f.em, ctx, deps.clock, f.account);
  });
}
