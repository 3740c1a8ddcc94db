import type { ExistingItem } from './types.js';

/** What the generator reads of an item already written, whether it comes from a row, a proposal or a test. */
export type ItemFields = Pick<ExistingItem, 'type' | 'subscriptionId' | 'planName' | 'phaseName' | 'startDate' | 'endDate' | 'amount' | 'rate' | 'linkedItemId'>;

/** An item as the generator's `existing` input: its fields, where it was written, and (for the daily bound) the day it was. */
export function existingItem(item: ItemFields, where: { readonly id: string; readonly invoiceId: string; readonly createdDay?: ExistingItem['createdDay'] }): ExistingItem {
  return {
    id: where.id,
    invoiceId: where.invoiceId,
    type: item.type,
    subscriptionId: item.subscriptionId,
    planName: item.planName,
    phaseName: item.phaseName,
    startDate: item.startDate,
    endDate: item.endDate,
    amount: item.amount,
    rate: item.rate,
    linkedItemId: item.linkedItemId,
    ...(where.createdDay === undefined ? {} : { createdDay: where.createdDay }),
  };
}
