import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { block, capacity, consumable, topTier } from './test-usages.js';
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
