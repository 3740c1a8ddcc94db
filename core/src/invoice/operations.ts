import type { InvoiceDeps } from './deps.js';
import type { InvoiceService } from './invoice-service.js';
import { addItems } from './ops/add-items.js';
import { adjustItem } from './ops/adjust-item.js';
import { parentInvoiceChildItems } from './ops/child-items.js';
import { commitInvoice, voidInvoice, type OnCommitted } from './ops/commit-void.js';
import { deleteCba } from './ops/delete-cba.js';
import { createMigrationInvoice } from './ops/migration.js';
import { rebalanceCba } from './ops/rebalance-cba.js';
import { transferChildCredit } from './ops/transfer-credit.js';

/** The explicit invoice writes (adjustments, charges, taxes, credits, commit/void, migration, credit transfer), one module each under ops/. */
export type InvoiceOperations = Pick<
  InvoiceService,
  | 'adjustItem'
  | 'addExternalCharges'
  | 'addTaxItems'
  | 'createCredits'
  | 'deleteCba'
  | 'commit'
  | 'void'
  | 'createMigrationInvoice'
  | 'transferChildCredit'
  | 'rebalanceCba'
  | 'parentInvoiceChildItems'
>;

export interface InvoiceOperationHooks {
  /**
   * Run inside the commit's transaction once a DRAFT is COMMITTED: the run's charged-through-date update
   * (Kill Bill's InvoiceDispatcher.setChargedThroughDates on commitInvoice). service.ts passes the dispatcher's.
   */
  readonly onCommitted?: OnCommitted;
}

export function createInvoiceOperations(deps: InvoiceDeps, hooks: InvoiceOperationHooks = {}): InvoiceOperations {
  return {
    adjustItem: (ctx, invoiceId, request) => adjustItem(deps, ctx, invoiceId, request),
    addExternalCharges: (ctx, accountId, items, options) => addItems(deps, ctx, accountId, 'EXTERNAL_CHARGE', items, options),
    addTaxItems: (ctx, accountId, items, options) => addItems(deps, ctx, accountId, 'TAX', items, options),
    createCredits: (ctx, accountId, credits, options) => addItems(deps, ctx, accountId, 'CREDIT_ADJ', credits, options),
    deleteCba: (ctx, invoiceId, itemId) => deleteCba(deps, ctx, invoiceId, itemId),
    commit: (ctx, invoiceId) => commitInvoice(deps, ctx, invoiceId, hooks.onCommitted),
    void: (ctx, invoiceId) => voidInvoice(deps, ctx, invoiceId),
    createMigrationInvoice: (ctx, accountId, items, targetDate) => createMigrationInvoice(deps, ctx, accountId, items, targetDate),
    transferChildCredit: (ctx, childAccountId) => transferChildCredit(deps, ctx, childAccountId),
    rebalanceCba: (ctx, accountId) => rebalanceCba(deps, ctx, accountId),
    parentInvoiceChildItems: (ctx, parentInvoiceId) => parentInvoiceChildItems(deps, ctx, parentInvoiceId),
  };
}
