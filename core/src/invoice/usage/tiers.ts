import { Decimal } from 'decimal.js';
import type { Usage } from '../../catalog/index.js';
import { priceIn } from '../../subscription/billing-events.js';
import type { Currency } from '../../values/currency.js';

/**
 * What one usage section costs for one period's rolled-up units (Kill Bill's ContiguousIntervalConsumableUsageInArrear
 * and ContiguousIntervalCapacityUsageInArrear, killbill-semantics.md §6). Unrounded: the caller rounds the total.
 */

export interface TierDetail {
  /** 1-based, in catalog order. */
  readonly tier: number;
  readonly tierUnit: string;
  readonly tierPrice: Decimal;
  /** CONSUMABLE: the block size; CAPACITY: null. */
  readonly tierBlockSize: Decimal | null;
  /** CONSUMABLE: blocks billed; CAPACITY: the unit's rolled-up value. */
  readonly quantity: Decimal;
  readonly amount: Decimal;
}

export interface UsagePrice {
  readonly amount: Decimal;
  readonly tierDetails: readonly TierDetail[];
  /** CAPACITY: the tier billed (1-based). */
  readonly tier: number | null;
}

const ZERO = new Decimal(0);
const blocksFor = (units: Decimal, size: Decimal): Decimal => units.div(size).ceil();

/** The blocks of one unit, tier by tier (a tier without a block of the unit is skipped). */
function blocksOfUnit(usage: Usage, unit: string) {
  const out: { tier: number; block: Usage['tiers'][number]['blocks'][number] }[] = [];
  usage.tiers.forEach((t, i) => t.blocks.filter((b) => b.unit === unit).forEach((block) => out.push({ tier: i + 1, block })));
  return out;
}

/** Every unit the usage's tiers name, in catalog order. */
export function unitsOf(usage: Usage): string[] {
  const names = usage.tiers.flatMap((t) => (usage.usageType === 'CAPACITY' ? t.limits.map((l) => l.unit) : t.blocks.map((b) => b.unit)));
  return [...new Set(names)];
}

function consumableAllTiers(blocks: ReturnType<typeof blocksOfUnit>, units: Decimal, currency: Currency): TierDetail[] {
  const out: TierDetail[] = [];
  let remaining = units;
  for (const { tier, block } of blocks) {
    if (remaining.lte(0)) break;
    const needed = blocksFor(remaining, block.size);
    // A tier's `max` caps the blocks billed at its price; the units beyond overflow to the next tier.
    const used = block.max !== null && needed.gt(block.max) ? block.max : needed;
    remaining = block.max !== null && needed.gt(block.max) ? remaining.minus(block.max.times(block.size)) : ZERO;
    const price = priceIn(block.prices, currency) ?? ZERO;
    if (used.gt(0)) out.push({ tier, tierUnit: block.unit, tierPrice: price, tierBlockSize: block.size, quantity: used, amount: price.times(used) });
  }
  return out;
}

function consumableTopTier(blocks: ReturnType<typeof blocksOfUnit>, units: Decimal, currency: Currency): TierDetail[] {
  // The first tier whose cumulative capacity (Σ max × size) covers the usage bills all of it at its own price.
  let covered = ZERO;
  const top = blocks.find(({ block }) => {
    if (block.max === null) return true;
    covered = covered.plus(block.max.times(block.size));
    return covered.gte(units);
  }) ?? blocks.at(-1);
  if (!top) return [];
  const price = priceIn(top.block.prices, currency) ?? ZERO;
  const used = blocksFor(units, top.block.size);
  return [{ tier: top.tier, tierUnit: top.block.unit, tierPrice: price, tierBlockSize: top.block.size, quantity: used, amount: price.times(used) }];
}

function zeroDetail(blocks: ReturnType<typeof blocksOfUnit>, currency: Currency): TierDetail[] {
  const first = blocks[0];
  if (!first) return [];
  return [{ tier: first.tier, tierUnit: first.block.unit, tierPrice: priceIn(first.block.prices, currency) ?? ZERO, tierBlockSize: first.block.size, quantity: ZERO, amount: ZERO }];
}

/** CONSUMABLE: per unit, the period's sum billed by blocks (ALL_TIERS or TOP_TIER). */
export function consumablePrice(usage: Usage, units: ReadonlyMap<string, Decimal>, currency: Currency): UsagePrice {
  const details: TierDetail[] = [];
  for (const unit of unitsOf(usage)) {
    const blocks = blocksOfUnit(usage, unit);
    const used = units.get(unit) ?? ZERO;
    const d = used.lte(0) ? [] : usage.tierBlockPolicy === 'TOP_TIER' ? consumableTopTier(blocks, used, currency) : consumableAllTiers(blocks, used, currency);
    details.push(...d);
  }
  // Nothing used: a $0 item all the same, described by the first tier (Kill Bill's zero-amount usage item).
  if (details.length === 0) details.push(...zeroDetail(blocksOfUnit(usage, unitsOf(usage)[0] ?? ''), currency));
  return { amount: details.reduce((s, d) => s.plus(d.amount), ZERO), tierDetails: details, tier: null };
}

/** CAPACITY: the first tier whose every limit holds the period's max of its unit; its recurring price (0 when nothing was used). */
export function capacityPrice(usage: Usage, units: ReadonlyMap<string, Decimal>, currency: Currency): UsagePrice {
  const index = usage.tiers.findIndex((t) => t.limits.every((l) => l.max === null || (units.get(l.unit) ?? ZERO).lte(l.max)));
  // Beyond the last tier's max Kill Bill refuses to bill; here the last tier bills it (documented in ARCHITECTURE.md).
  const at = index >= 0 ? index : usage.tiers.length - 1;
  const tier = usage.tiers[at];
  if (!tier) return { amount: ZERO, tierDetails: [], tier: null };
  const nothing = [...units.values()].every((v) => v.isZero());
  const price = nothing ? ZERO : (priceIn(tier.recurringPrice, currency) ?? ZERO);
  const details = tier.limits.map((l) => ({ tier: at + 1, tierUnit: l.unit, tierPrice: price, tierBlockSize: null, quantity: units.get(l.unit) ?? ZERO, amount: price }));
  return { amount: price, tierDetails: details, tier: at + 1 };
}
