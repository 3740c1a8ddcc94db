/** Test support for invoice/usage: catalog usage sections with §6's figures, and usage records. */
import { Decimal } from 'decimal.js';
import type { Tier, TieredBlock, Usage } from '../../catalog/index.js';
import type { LocalDate } from '../../subscription/account-time.js';
import type { UsageRecord } from '../../usage/usage.js';

const usd = (v: string) => [{ currency: 'USD' as const, value: new Decimal(v) }];

export function block(unit: string, size: string, price: string, max: string | null): TieredBlock {
  return { unit, size: new Decimal(size), prices: usd(price), max: max === null ? null : new Decimal(max), type: 'VANILLA', minTopUpCredit: null };
}

const tier = (blocks: TieredBlock[], limits: Tier['limits'] = [], recurring: string | null = null): Tier => ({
  blocks,
  limits,
  fixedPrice: null,
  recurringPrice: recurring === null ? null : usd(recurring),
});

export function consumable(name: string, policy: Usage['tierBlockPolicy'], blocks: TieredBlock[]): Usage {
  return {
    name,
    prettyName: null,
    billingMode: 'IN_ARREAR',
    usageType: 'CONSUMABLE',
    tierBlockPolicy: policy,
    billingPeriod: 'MONTHLY',
    tiers: blocks.map((b) => tier([b])),
    limits: [],
    blocks: [],
    fixedPrice: null,
    recurringPrice: null,
  };
}

/**
 * Kill Bill's TestContiguousIntervalConsumableInArrear catalog (produceInvoiceItems): blocks of 1 unit in three
 * tiers, FOO at 1 / 10 / 100 up to 10 / 50 / 75 blocks, BAR at 2 / 20 / 200 up to 100 / 500 / 750 blocks.
 */
export function fooBar(policy: Usage['tierBlockPolicy']): Usage {
  const rows: [string, string, string, string][][] = [
    [['FOO', '1', '1', '10'], ['BAR', '1', '2', '100']],
    [['FOO', '1', '10', '50'], ['BAR', '1', '20', '500']],
    [['FOO', '1', '100', '75'], ['BAR', '1', '200', '750']],
  ];
  return { ...consumable('foo-bar-usage', policy, []), tiers: rows.map((r) => tier(r.map(([u, size, price, max]) => block(u, size, price, max)))) };
}

/** kbit ConsumableTopTierPolicy's shape: tier 1 blocks of 10 at 100 (up to 100 blocks), tier 2 blocks of 10 at 10. */
export const topTier = consumable('xyz-usage', 'TOP_TIER', [block('XYZ', '10', '100', '100'), block('XYZ', '10', '10', null)]);

/** kbit Capacity.xml's shape: members up to 10 → 1.00, up to 50 → 5.00, beyond → 10.00. */
export const capacity: Usage = {
  ...consumable('members-usage', 'ALL_TIERS', []),
  usageType: 'CAPACITY',
  tiers: [
    tier([], [{ unit: 'members', min: null, max: new Decimal(10) }], '1.00'),
    tier([], [{ unit: 'members', min: null, max: new Decimal(50) }], '5.00'),
    tier([], [{ unit: 'members', min: null, max: null }], '10.00'),
  ],
};

let n = 0;
export function rec(date: string, unitType: string, amount: string, subscriptionId = 'sub-1'): UsageRecord {
  return { subscriptionId, unitType, recordDate: date as LocalDate, amount: new Decimal(amount), trackingId: `t-${++n}` };
}
