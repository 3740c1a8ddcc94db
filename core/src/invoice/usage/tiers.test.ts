import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { block, capacity, consumable, fooBar, topTier } from './test-usages.js';
import { capacityPrice, consumablePrice } from './tiers.js';

const units = (unit: string, v: string) => new Map([[unit, new Decimal(v)]]);

describe('consumable usage pricing', () => {
  it('bills 15 units of a TOP_TIER usage as 2 blocks of the first tier: 200', () => {
    const p = consumablePrice(topTier, units('XYZ', '15'), 'USD');
    expect(p.amount.toString()).toBe('200');
    expect(p.tierDetails.map((t) => [t.tier, t.quantity.toString()])).toEqual([[1, '2']]);
  });

  it('bills 1100 units of a TOP_TIER usage all at the second tier: 110 blocks × 10 = 1100', () => {
    const p = consumablePrice(topTier, units('XYZ', '1100'), 'USD');
    expect(p.amount.toString()).toBe('1100');
    expect(p.tierDetails.map((t) => [t.tier, t.quantity.toString()])).toEqual([[2, '110']]);
  });

  it('overflows ALL_TIERS usage to the next tier once a tier has billed its max blocks', () => {
    // Tier 1: up to 10 blocks of 10 at 1.50; tier 2: blocks of 10 at 1.00. 135 units = 10 blocks + 4 blocks (35 units).
    const allTiers = consumable('u', 'ALL_TIERS', [block('XYZ', '10', '1.50', '10'), block('XYZ', '10', '1.00', null)]);
    const p = consumablePrice(allTiers, units('XYZ', '135'), 'USD');
    expect(p.tierDetails.map((t) => [t.tier, t.quantity.toString(), t.amount.toString()])).toEqual([
      [1, '10', '15'],
      [2, '4', '4'],
    ]);
    expect(p.amount.toString()).toBe('19');
  });

  it('prices no usage at 0, described by the first tier', () => {
    const p = consumablePrice(topTier, units('XYZ', '0'), 'USD');
    expect(p.amount.toString()).toBe('0');
    expect(p.tierDetails).toHaveLength(1);
  });
});

describe('consumable usage re-priced against what was billed', () => {
  const billedFoo = new Map([['FOO', new Map([[1, { quantity: new Decimal(10), amount: new Decimal(10) }], [2, { quantity: new Decimal(40), amount: new Decimal(400) }]])]]);

  it('prices ALL_TIERS only beyond the blocks billed, tier by tier, listing the first tier at $0', () => {
    // Kill Bill's computeToBeBilledConsumableInArrearWith_ALL_TIERS: FOO 70 with 10 + 40 blocks billed → 0 + 10 + 10.
    const p = consumablePrice(fooBar('ALL_TIERS'), units('FOO', '70'), 'USD', billedFoo);
    expect(p.tierDetails.filter((t) => t.tierUnit === 'FOO').map((t) => [t.tier, t.quantity.toString(), t.amount.toString()])).toEqual([
      [1, '0', '0'],
      [2, '10', '100'],
      [3, '10', '1000'],
    ]);
    expect(p.shortfalls).toEqual([]);
  });

  it('reports a tier that holds fewer blocks than billed, and a lower tier no longer full', () => {
    const p = consumablePrice(fooBar('ALL_TIERS'), units('FOO', '5'), 'USD', billedFoo);
    expect(p.shortfalls.map((s) => [s.tier, s.found.toString(), s.billed.toString(), s.mustBeFull])).toEqual([
      [1, '5', '10', true],
      [2, '0', '40', false],
    ]);
  });

  it('prices TOP_TIER on the whole period whatever was billed: 25 XYZ → 3 blocks, 300', () => {
    const p = consumablePrice(topTier, units('XYZ', '25'), 'USD', new Map([['XYZ', new Map([[1, { quantity: new Decimal(2), amount: new Decimal(200) }]])]]));
    expect([p.amount.toString(), p.tierDetails[0]!.quantity.toString()]).toEqual(['300', '3']);
  });
});

describe('capacity usage pricing', () => {
  it.each([
    ['10', '1'],
    ['50', '5'],
    ['51', '10'],
    ['0', '0'],
  ])('bills a max of %s members at %s', (max, amount) => {
    expect(capacityPrice(capacity, units('members', max), 'USD').amount.toString()).toBe(amount);
  });
});
