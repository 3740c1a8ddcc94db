import type { EntityManager } from '@mikro-orm/core';
import type { Clock } from '../../clock/clock.js';
import type { CallContext } from '../../context.js';
import { emitEvent } from '../../bus/outbox.js';
import type { Invoice } from '../invoice.js';
import { invoiceAmounts } from '../balance.js';

/**
 * The invoice bus events the explicit writes post (Kill Bill's DefaultInvoiceCreationEvent and
 * DefaultInvoiceAdjustmentEvent), in the write's transaction.
 */

/** INVOICE_CREATION: a COMMITTED invoice came to be (created committed, or a DRAFT committed). `amountOwed` is the raw balance, as Kill Bill posts it. */
export function emitInvoiceCreation(em: EntityManager, ctx: CallContext, clock: Clock, invoice: Invoice): void {
  const owed = invoiceAmounts(invoice.items, invoice.payments, { currency: invoice.currency, status: 'COMMITTED', writtenOff: false, migrated: false }).balance;
  emitEvent(em, ctx, clock, {
    eventType: 'INVOICE_CREATION',
    objectType: 'INVOICE',
    objectId: invoice.id,
    accountRecordId: invoice.accountRecordId,
    payload: { accountId: invoice.accountId, metaData: null, amountOwed: owed.toFixed(), currency: invoice.currency },
  });
}

/** INVOICE_ADJUSTMENT: an existing invoice changed (item adjusted, credit used or deleted, voided). */
export function emitInvoiceAdjustment(em: EntityManager, ctx: CallContext, clock: Clock, invoice: { readonly id: string; readonly accountId: string; readonly accountRecordId: number }): void {
  emitEvent(em, ctx, clock, {
    eventType: 'INVOICE_ADJUSTMENT',
    objectType: 'INVOICE',
    objectId: invoice.id,
    accountRecordId: invoice.accountRecordId,
    payload: { accountId: invoice.accountId, metaData: null },
  });
}
