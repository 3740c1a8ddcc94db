import { Decimal } from 'decimal.js';
import { BillingError } from '../../errors/index.js';
import type { ExistingItem, ProposedItem } from './types.js';

/**
 * Kill Bill's "ILLEGAL INVOICING STATE": existing items that no correct run can have written, or a diff that
 * cannot be one subscription's items. Kill Bill checks them in InvoicePruner (wrapped as "ILLEGAL INVOICING
 * STATE"), in the interval tree (ItemsNodeInterval / Item preconditions, wrapped as "ILLEGAL INVOICING STATE
 * accountItemTree=..." by FixedAndRecurringInvoiceItemGenerator.generateItems) and in SubscriptionItemTree's
 * view of the result. Each is a bug or a bad manual write to stop at, never something to build a repair on:
 * UNEXPECTED_ERROR, so the run fails and the account is parked (run-guard.ts).
 */
export function illegalInvoicingState(what: string, details: Record<string, unknown>): BillingError {
  return new BillingError('UNEXPECTED_ERROR', `ILLEGAL INVOICING STATE ${what}`, details);
}

const span = (i: { startDate: string | null; endDate: string | null }) => `[${i.startDate}, ${i.endDate})`;

/**
 * The links of the existing items (every item the run counts, all subscriptions), as InvoicePruner and the
 * tree's adjustments check them:
 * - a REPAIR_ADJ must repair an existing RECURRING item ("Missing cancelledItem for cancelItem"),
 * - within that item's dates ("Invalid cancelledItem ... for cancelItem"),
 * - and an item's repairs and adjustments together never exceed its amount ("Too many repairs ... fully
 *   repaired and adjusted", "... partially repaired, partially adjusted", "Item ... overly repaired");
 *   adjusting an item by more than its amount with no repair is let through, as Kill Bill does for
 *   adjustments a plugin adds (TestIntegrationInvoiceWithRepairLogic#testAdjustmentsToolarge);
 * - an ITEM_ADJ of a RECURRING item takes an amount off it ("Invalid adjustment increment").
 * $0 RECURRING items are left out: Kill Bill neither prunes nor repairs them (#783).
 */
export function checkExistingLinks(existing: readonly ExistingItem[]): void {
  const recurring = new Map<string, ExistingItem>();
  for (const i of existing) if (i.type === 'RECURRING') recurring.set(i.id, i);
  const repairs = new Map<string, ExistingItem[]>();
  const adjustments = new Map<string, ExistingItem[]>();
  for (const i of existing) {
    if (i.linkedItemId === null || (i.type !== 'REPAIR_ADJ' && i.type !== 'ITEM_ADJ')) continue;
    const target = recurring.get(i.linkedItemId);
    if (i.type === 'REPAIR_ADJ' && !target) {
      throw illegalInvoicingState(`invoiceItemId='${i.id}': REPAIR_ADJ ${span(i)} repairs ${i.linkedItemId}, which is no RECURRING item of the account`, {
        invoiceItemId: i.id,
        linkedItemId: i.linkedItemId,
      });
    }
    if (!target || target.amount.isZero()) continue;
    const byTarget = i.type === 'REPAIR_ADJ' ? repairs : adjustments;
    const list = byTarget.get(target.id);
    if (list) list.push(i);
    else byTarget.set(target.id, [i]);
  }

  for (const [id, list] of repairs) {
    const item = recurring.get(id)!;
    for (const r of list) {
      const fits = r.startDate !== null && r.endDate !== null && r.startDate >= item.startDate! && r.endDate <= item.endDate!;
      if (!fits) {
        throw illegalInvoicingState(`subscriptionId='${item.subscriptionId}': REPAIR_ADJ ${r.id} ${span(r)} does not fit the item ${item.id} ${span(item)} it repairs`, {
          subscriptionId: item.subscriptionId,
          itemIds: [item.id, r.id],
        });
      }
    }
    const repaired = list.reduce((s, r) => s.minus(r.amount), new Decimal(0));
    const adjusted = (adjustments.get(id) ?? []).reduce((s, a) => s.minus(a.amount), new Decimal(0));
    if (repaired.plus(adjusted).greaterThan(item.amount)) {
      throw illegalInvoicingState(
        `subscriptionId='${item.subscriptionId}': item ${item.id} ${span(item)} of ${item.amount.toFixed()} is repaired ${repaired.toFixed()} and adjusted ${adjusted.toFixed()}, more than its amount`,
        { subscriptionId: item.subscriptionId, invoiceItemId: item.id, repaired: repaired.toFixed(), adjusted: adjusted.toFixed() },
      );
    }
  }
  for (const [id, list] of adjustments) {
    const bad = list.find((a) => !a.amount.isNegative());
    if (bad) {
      const item = recurring.get(id)!;
      throw illegalInvoicingState(`subscriptionId='${item.subscriptionId}': ITEM_ADJ ${bad.id} of ${bad.amount.toFixed()} on item ${item.id} takes nothing off it`, {
        subscriptionId: item.subscriptionId,
        itemIds: [item.id, bad.id],
      });
    }
  }
}

/**
 * SubscriptionItemTree.getView / checkItemsListState on one subscription's new items: two items of one type
 * may not start on the same day (its view order, by start date then type, cannot place them: "Unexpected list
 * of items for subscription"), and neither RECURRING nor REPAIR_ADJ items may overlap each other (a day
 * billed, or repaired, twice).
 */
export function checkMergedView(subscriptionId: string, items: readonly ProposedItem[]): void {
  const starts = new Map<string, ProposedItem>();
  for (const i of items) {
    const key = `${i.type}/${i.startDate}`;
    const other = starts.get(key);
    if (other) {
      throw illegalInvoicingState(`subscriptionId='${subscriptionId}': two ${i.type} items start on ${i.startDate}, ${span(other)} and ${span(i)}, and cannot be merged`, {
        subscriptionId,
        type: i.type,
        startDate: i.startDate,
      });
    }
    starts.set(key, i);
  }
  for (const type of ['RECURRING', 'REPAIR_ADJ'] as const) {
    const ofType = items.filter((i) => i.type === type).sort((a, b) => (a.startDate < b.startDate ? -1 : 1));
    for (let k = 1; k < ofType.length; k++) {
      const prev = ofType[k - 1]!;
      const cur = ofType[k]!;
      if (prev.endDate !== null && prev.endDate > cur.startDate) {
        throw illegalInvoicingState(`subscriptionId='${subscriptionId}': new ${type} items ${span(prev)} and ${span(cur)} overlap`, {
          subscriptionId,
          type,
          startDate: cur.startDate,
        });
      }
    }
  }
}
