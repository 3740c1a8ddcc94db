import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { daysWithFixedMonth, prorate, proratedAmount, ratioOf } from './proration.js';
import { d } from './test-events.js';

describe('pro-ration', () => {
  it('gives every figure of the numeric quick reference (ratio at scale 9, then HALF_UP to cents)', () => {
    const figures: [number, number, string, string][] = [
      [1, 29, '599.95', '20.69'],
      [29, 31, '599.95', '561.24'],
      [29, 31, '249.95', '233.82'],
      [27, 30, '249.95', '224.96'],
      [9, 30, '249.95', '74.99'],
      [10, 31, '249.95', '80.63'],
      [14, 28, '29.95', '14.98'],
      [30, 31, '9.95', '9.63'],
      [25, 31, '599.95', '483.83'],
      [25, 31, '9.95', '8.02'],
      [24, 31, '29.95', '23.19'],
      [20, 31, '249.95', '161.26'],
      [20, 30, '500', '333.33'],
      [14, 31, '100', '45.16'],
      [12, 31, '100', '38.71'],
      [14, 30, '249.95', '116.64'],
      [354, 365, '2399.95', '2327.62'],
      [9, 31, '249.95', '72.57'],
      [29, 31, '7.95', '7.44'],
      [15, 31, '8.00', '3.87'],
      [16, 30, '8.00', '4.27'],
      [1, 30, '4.00', '0.13'],
      [24, 25, '8.02', '7.70'],
    ];
    for (const [days, periodDays, price, expected] of figures) {
      expect(`${days}/${periodDays} of ${price} = ${proratedAmount(ratioOf(days, periodDays), new Decimal(price), 'USD').toFixed(2)}`).toBe(
        `${days}/${periodDays} of ${price} = ${expected}`,
      );
    }
  });

  it('keeps the ratio at 9 decimals rounded half up', () => {
    expect(ratioOf(29, 31).toString()).toBe('0.935483871');
    expect(ratioOf(1, 3).toString()).toBe('0.333333333');
    expect(ratioOf(2, 3).toString()).toBe('0.666666667');
    expect(ratioOf(5, 0).toString()).toBe('0');
  });

  it('rounds to the currency minor unit: none for JPY, 8 digits for BTC', () => {
    expect(proratedAmount(ratioOf(29, 31), new Decimal('1000'), 'JPY').toFixed()).toBe('935');
    expect(proratedAmount(ratioOf(29, 31), new Decimal('0.01'), 'BTC').toFixed()).toBe('0.00935484');
  });

  it('counts a fixed number of days per month when fixed proration days are set', () => {
    expect(daysWithFixedMonth(d('2012-01-20'), d('2012-01-30'), 30)).toBe(10);
    // 2012-01-20 → 2012-02-10 is 21 days; January counts as 30 days, so one day less.
    expect(daysWithFixedMonth(d('2012-01-20'), d('2012-02-10'), 30)).toBe(20);
    expect(prorate(d('2012-02-01'), d('2012-02-15'), d('2012-02-01'), d('2012-03-01'), 30)).toEqual({ days: 14, periodDays: 30, ratio: new Decimal('0.466666667') });
  });
});
