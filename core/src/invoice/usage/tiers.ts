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
  /** ALL_TIERS priced against earlier items: the tiers that now hold fewer blocks than were billed. */
  readonly shortfalls: readonly Shortfall[];
}

/** What the period's earlier USAGE items billed of one unit, per tier (1-based). */
export type BilledTiers = ReadonlyMap<number, { readonly quantity: Decimal; readonly amount: Decimal }>;

/**
 * A tier of a re-priced period whose blocks no longer cover what was billed (Kill Bill's "Expected usage ...
 * to be full" for a tier below the last one billed, "... to contain at least as much as current usage" from it on).
 */
export interface Shortfall {
  readonly tier: number;
  readonly unit: string;
  readonly found: Decimal;
  readonly billed: Decimal;
  /** Below the last tier billed: the tier must still be full, i.e. hold exactly what was billed. */
  readonly mustBeFull: boolean;
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

/**
 * ALL_TIERS, as ContiguousIntervalConsumableUsageInArrear: with `billed` (the period was billed before, with
 * item details) each tier bills only its blocks beyond those billed, so a re-run bills the difference tier by
 * tier. The first tier is always listed (a $0 line when nothing is left to bill there); a tier whose blocks fell
 * below what was billed is reported as a shortfall and listed only when it is the first.
 */
function consumableAllTiers(blocks: ReturnType<typeof blocksOfUnit>, units: Decimal, currency: Currency, billed: BilledTiers | undefined): { details: TierDetail[]; shortfalls: Shortfall[] } {
  const details: TierDetail[] = [];
  const shortfalls: Shortfall[] = [];
  const lastBilled = billed && billed.size > 0 ? Math.max(...billed.keys()) : 0;
  let remaining = units;
  blocks.forEach(({ tier, block }, i) => {
    const needed = blocksFor(remaining, block.size);
    // A tier's `max` caps the blocks billed at its price; the units beyond overflow to the next tier.
    const max = block.max;
    const capped = max !== null && needed.gt(max);
    let used = capped ? max : needed;
    remaining = capped ? remaining.minus(max.times(block.size)) : ZERO;
    if (lastBilled > 0) {
      const before = billed?.get(tier)?.quantity ?? ZERO;
      const mustBeFull = tier < lastBilled;
      if (mustBeFull ? !used.eq(before) : used.lt(before)) shortfalls.push({ tier, unit: block.unit, found: used, billed: before, mustBeFull });
      used = used.minus(before);
    }
    const price = priceIn(block.prices, currency) ?? ZERO;
    if (i === 0 || used.gt(0)) details.push({ tier, tierUnit: block.unit, tierPrice: price, tierBlockSize: block.size, quantity: used, amount: price.times(used) });
  });
  return { details, shortfalls };
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

/**
 * CONSUMABLE: per unit, the period's sum billed by blocks (ALL_TIERS or TOP_TIER). Every unit gets at least
 * one line, $0 at its first tier when unused (Kill Bill's zero-amount usage item). `billed` (per unit) makes
 * ALL_TIERS price only what is beyond the earlier items; TOP_TIER always prices the whole period.
 */
export function consumablePrice(usage: Usage, units: ReadonlyMap<string, Decimal>, currency: Currency, billed?: ReadonlyMap<string, BilledTiers>): UsagePrice {
  const details: TierDetail[] = [];
  const shortfalls: Shortfall[] = [];
  for (const unit of unitsOf(usage)) {
    const blocks = blocksOfUnit(usage, unit);
    const used = Decimal.max(units.get(unit) ?? ZERO, ZERO);
    if (usage.tierBlockPolicy === 'TOP_TIER') {
      details.push(...consumableTopTier(blocks, used, currency));
      continue;
    }
    const all = consumableAllTiers(blocks, used, currency, billed?.get(unit));
    details.push(...all.details);
    shortfalls.push(...all.shortfalls);
  }
  return { amount: details.reduce((s, d) => s.plus(d.amount), ZERO), tierDetails: details, tier: null, shortfalls };
}

/** CAPACITY: the first tier whose every limit holds the period's max of its unit; its recurring price (0 when nothing was used). */
export function capacityPrice(usage: Usage, units: ReadonlyMap<string, Decimal>, currency: Currency): UsagePrice {
  const index = usage.tiers.findIndex((t) => t.limits.every((l) => l.max === null || (units.get(l.unit) ?? ZERO).lte(l.max)));
  // Beyond the last tier's max Kill Bill refuses to bill; here the last tier bills it (documented in ARCHITECTURE.md).
  const at = index >= 0 ? index : usage.tiers.length - 1;
  const tier = usage.tiers[at];
  if (!tier) return { amount: ZERO, tierDetails: [], tier: null, shortfalls: [] };
  const nothing = [...units.values()].every((v) => v.isZero());
  const price = nothing ? ZERO : (priceIn(tier.recurringPrice, currency) ?? ZERO);
  const details = tier.limits.map((l) => ({ tier: at + 1, tierUnit: l.unit, tierPrice: price, tierBlockSize: null, quantity: units.get(l.unit) ?? ZERO, amount: price }));
  return { amount: price, tierDetails: details, tier: at + 1, shortfalls: [] };
}
