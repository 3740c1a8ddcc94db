import { Decimal } from 'decimal.js';
import { minorDigits, type Currency } from '../../values/currency.js';
import type { InvoiceItem } from '../invoice.js';
import type { BilledTiers, TierDetail, UsagePrice } from './tiers.js';

/**
 * USAGE items' `itemDetails`, written as Kill Bill writes them and read back on the next run. AGGREGATE mode:
 * `{"tierDetails":[{tier,tierUnit,tierPrice,tierBlockSize,quantity,amount}...],"amount":...}`
 * (UsageConsumableInArrearAggregate; CAPACITY adds the `tier` billed); DETAIL mode: one tier line per item,
 * `{"tier":1,"tierUnit":"XYZ","tierPrice":100.00,"tierBlockSize":10,"quantity":2,"amount":200}`
 * (UsageConsumableInArrearTierUnitAggregate). Decimals are written exactly, prices at the currency's minor unit.
 */

const plain = (d: Decimal): string => d.toFixed();

export function tierJson(t: TierDetail, currency: Currency): string {
  const block = t.tierBlockSize === null ? '' : `,"tierBlockSize":${plain(t.tierBlockSize)}`;
  return `{"tier":${t.tier},"tierUnit":${JSON.stringify(t.tierUnit)},"tierPrice":${t.tierPrice.toFixed(minorDigits(currency))}${block},"quantity":${plain(t.quantity)},"amount":${plain(t.amount)}}`;
}

export function aggregateJson(price: UsagePrice, currency: Currency): string {
  const tier = price.tier === null ? '' : `"tier":${price.tier},`;
  return `{${tier}"tierDetails":[${price.tierDetails.map((t) => tierJson(t, currency)).join(',')}],"amount":${plain(price.amount)}}`;
}

export type BilledItem = Pick<InvoiceItem, 'amount' | 'quantity' | 'itemDetails'>;

interface TierLine {
  readonly tier?: unknown;
  readonly tierUnit?: unknown;
  readonly quantity?: unknown;
  readonly amount?: unknown;
}

const decimalOf = (v: unknown): Decimal | null => (typeof v === 'number' || (typeof v === 'string' && v.trim() !== '') ? new Decimal(v) : null);

/** The tier lines of one item: its aggregate's `tierDetails`, or the DETAIL item itself (quantity and amount from the item's columns). */
function linesOf(item: BilledItem): TierLine[] {
  if (!item.itemDetails) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(item.itemDetails);
  } catch {
    return [];
  }
  if (parsed === null || typeof parsed !== 'object') return [];
  const tierDetails = (parsed as { tierDetails?: unknown }).tierDetails;
  // Read by shape, not by today's mode, so a tenant that switched modes between two runs still gets its delta.
  if (Array.isArray(tierDetails)) return tierDetails.filter((t): t is TierLine => t !== null && typeof t === 'object');
  // Kill Bill takes a DETAIL item's quantity from its column, not from its details (killbill#1325).
  return [{ ...(parsed as TierLine), quantity: item.quantity?.toString() ?? (parsed as TierLine).quantity, amount: item.amount.toString() }];
}

/**
 * What a period's earlier items billed, per unit and tier (Kill Bill's getBilledDetailsForUnitType): the
 * quantities and amounts of every item's tier lines, summed per tier.
 */
export function billedTiers(items: readonly BilledItem[]): Map<string, BilledTiers> {
  const out = new Map<string, Map<number, { quantity: Decimal; amount: Decimal }>>();
  for (const line of items.flatMap(linesOf)) {
    const quantity = decimalOf(line.quantity);
    if (typeof line.tier !== 'number' || typeof line.tierUnit !== 'string' || quantity === null) continue;
    const tiers = out.get(line.tierUnit) ?? new Map<number, { quantity: Decimal; amount: Decimal }>();
    const cur = tiers.get(line.tier);
    const amount = decimalOf(line.amount) ?? new Decimal(0);
    tiers.set(line.tier, { quantity: quantity.plus(cur?.quantity ?? 0), amount: amount.plus(cur?.amount ?? 0) });
    out.set(line.tierUnit, tiers);
  }
  return out;
}
