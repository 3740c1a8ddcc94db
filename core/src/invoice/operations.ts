import { BillingError } from '../errors/index.js';
import type { InvoiceDeps } from './deps.js';
import type { InvoiceService } from './invoice-service.js';

/** The explicit invoice writes (adjustments, charges, taxes, credits, commit/void, migration, credit transfer). */
export type InvoiceOperations = Pick<
  InvoiceService,
  'adjustItem' | 'addExternalCharges' | 'addTaxItems' | 'createCredits' | 'deleteCba' | 'commit' | 'void' | 'createMigrationInvoice' | 'transferChildCredit' | 'rebalanceCba'
>;

const notYet = (what: string) => async (): Promise<never> => {
  throw new BillingError('NOT_IMPLEMENTED', `${what} is not implemented yet`, {});
};

/** Placeholder until the operations land (each replaced by its own module). */
export function createInvoiceOperations(_deps: InvoiceDeps): InvoiceOperations {
  return {
    adjustItem: notYet('adjustItem'),
    addExternalCharges: notYet('addExternalCharges'),
    addTaxItems: notYet('addTaxItems'),
    createCredits: notYet('createCredits'),
    deleteCba: notYet('deleteCba'),
    commit: notYet('commit'),
    void: notYet('void'),
    createMigrationInvoice: notYet('createMigrationInvoice'),
    transferChildCredit: notYet('transferChildCredit'),
    rebalanceCba: notYet('rebalanceCba'),
  };
}
