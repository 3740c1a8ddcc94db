import { describe, expect, it } from 'vitest';
import { isBillingError } from '../../errors/index.js';
import { d, ev, utc } from '../generator/test-events.js';
import type { UsageConfig } from './config.js';
import { usageItems, type ProposedUsageItem, type UsageItemsInput } from './items.js';
import { fooBar, rec, topTier } from './test-usages.js';

/**
 * The per-tenant usage settings (config.ts) on Kill Bill's own figures: TestContiguousIntervalConsumableInArrear
 * (three tiers of 1 FOO at 1 / 10 / 100 and 1 BAR at 2 / 20 / 200), kbit's TOP_TIER blocks of 10 XYZ at 100.
 */

const DETAIL: UsageConfig = { detailMode: 'DETAIL', missingLenient: false, zeroAmountDisabled: false };
const AGGREGATE: UsageConfig = { ...DETAIL, detailMode: 'AGGREGATE' };

const plan = (usage = fooBar('ALL_TIERS')) => [ev('2020-01-01', { planName: 'usage-monthly', recurringPrice: '0', usages: [usage], billCycleDayLocal: 1 })];

function run(input: Partial<UsageItemsInput>) {
  return usageItems({ time: utc, currency: 'USD', targetDate: d('2020-02-01'), events: plan(), records: [], existing: [], ...input });
}

/** What the dispatcher does with a run's items: they become the next run's existing items. */
const billed = (items: readonly ProposedUsageItem[]) => items.map(({ type, subscriptionId, usageName, startDate, endDate, amount, quantity, itemDetails }) => ({ type, subscriptionId, usageName, startDate, endDate, amount, quantity, itemDetails }));

/** [unit, tier, rate, quantity, amount] of DETAIL items, read from their columns and their details. */
const lines = (items: readonly ProposedUsageItem[]) =>
  items.map((i) => {
    const detail = JSON.parse(i.itemDetails) as { tier: number; tierUnit: string };
    return [detail.tierUnit, detail.tier, i.rate?.toFixed(2), i.quantity?.toString(), i.amount.toFixed(2)];
  });

const usage = (foo: string, bar: string, trackingId = 'a') => [rec('2020-01-20', 'FOO', foo, 'sub-1'), rec('2020-01-21', 'BAR', bar, 'sub-1')].map((r) => ({ ...r, trackingId }));

describe('usage items in DETAIL mode (org.killbill.invoice.item.result.behavior.mode)', () => {
  it('bills one item per unit and tier, at the tier price: FOO 75 and BAR 101 → 10 + 500 + 1500 + 200 + 20', () => {
    const out = run({ config: DETAIL, records: usage('75', '101') });
    expect(lines(out.items)).toEqual([
      ['FOO', 1, '1.00', '10', '10.00'],
      ['FOO', 2, '10.00', '50', '500.00'],
      ['FOO', 3, '100.00', '15', '1500.00'],
      ['BAR', 1, '2.00', '100', '200.00'],
      ['BAR', 2, '20.00', '1', '20.00'],
    ]);
    expect(out.items[4]!.itemDetails).toBe('{"tier":2,"tierUnit":"BAR","tierPrice":20.00,"tierBlockSize":1,"quantity":1,"amount":20}');
    expect(out.items.every((i) => i.startDate === '2020-01-01' && i.endDate === '2020-02-01')).toBe(true);
  });

  it('writes the TOP_TIER item of 15 XYZ as Kill Bill does: rate 100, quantity 2, amount 200', () => {
    const out = run({ config: DETAIL, events: plan(topTier), records: [rec('2020-01-05', 'XYZ', '15')] });
    expect(out.items.map((i) => [i.rate?.toFixed(2), i.quantity?.toString(), i.amount.toFixed(2)])).toEqual([['100.00', '2', '200.00']]);
    expect(out.items[0]!.itemDetails).toBe('{"tier":1,"tierUnit":"XYZ","tierPrice":100.00,"tierBlockSize":10,"quantity":2,"amount":200}');
  });

  it('bills only the blocks beyond those billed on a re-run: FOO 50→70, BAR 80→200 → 0 + 100 + 1000 + 40 + 2000', () => {
    // Kill Bill's testMultipleItemsAndTiersWithExistingItemsAllTiers_DETAIL: billed FOO 10 + 40 blocks, BAR 80 blocks.
    const first = run({ config: DETAIL, records: usage('50', '80') });
    expect(lines(first.items)).toEqual([
      ['FOO', 1, '1.00', '10', '10.00'],
      ['FOO', 2, '10.00', '40', '400.00'],
      ['BAR', 1, '2.00', '80', '160.00'],
    ]);
    const again = run({ config: DETAIL, records: [...usage('50', '80'), ...usage('20', '120', 'b')], existing: billed(first.items) });
    // The first tier is always listed, at $0 when nothing is left to bill there (ALL_TIERS tier 1, as Kill Bill).
    expect(lines(again.items)).toEqual([
      ['FOO', 1, '1.00', '0', '0.00'],
      ['FOO', 2, '10.00', '10', '100.00'],
      ['FOO', 3, '100.00', '10', '1000.00'],
      ['BAR', 1, '2.00', '20', '40.00'],
      ['BAR', 2, '20.00', '100', '2000.00'],
    ]);
    expect(run({ config: DETAIL, records: [...usage('50', '80'), ...usage('20', '120', 'b')], existing: billed([...first.items, ...again.items]) }).items).toEqual([]);
  });

  it('bills a TOP_TIER re-run as AGGREGATE does, the difference only: 15 → 25 XYZ bills 1 more block, 100', () => {
    const events = plan(topTier);
    const first = run({ config: DETAIL, events, records: [rec('2020-01-05', 'XYZ', '15')] });
    const again = run({ config: DETAIL, events, records: [rec('2020-01-05', 'XYZ', '15'), rec('2020-01-25', 'XYZ', '10')], existing: billed(first.items) });
    expect(again.items.map((i) => [i.rate?.toFixed(2), i.quantity?.toString(), i.amount.toFixed(2)])).toEqual([['100.00', '1', '100.00']]);
  });
});

describe('usage items in AGGREGATE mode on a re-run', () => {
  it('bills the ALL_TIERS difference in one item with the tiers it adds: 3140, as Kill Bill', () => {
    // Kill Bill's testMultipleItemsAndTiersWithExistingItemsAllTiers_AGGREGATE: billed 570 (FOO 10 + 40, BAR 80).
    const first = run({ config: AGGREGATE, records: usage('50', '80') });
    expect(first.items.map((i) => i.amount.toFixed(2))).toEqual(['570.00']);
    const again = run({ config: AGGREGATE, records: [...usage('50', '80'), ...usage('20', '120', 'b')], existing: billed(first.items) });
    expect(again.items.map((i) => [i.amount.toFixed(2), i.rate, i.quantity])).toEqual([['3140.00', null, null]]);
    const details = JSON.parse(again.items[0]!.itemDetails) as { tierDetails: { tierUnit: string; tier: number; quantity: number; amount: number }[] };
    expect(details.tierDetails.map((t) => [t.tierUnit, t.tier, t.quantity, t.amount])).toEqual([
      ['FOO', 1, 0, 0],
      ['FOO', 2, 10, 100],
      ['FOO', 3, 10, 1000],
      ['BAR', 1, 20, 40],
      ['BAR', 2, 100, 2000],
    ]);
  });
});

describe('less usage than billed (org.killbill.invoice.usage.missing.lenient)', () => {
  const events = plan(topTier);
  const first = run({ events, records: [rec('2020-01-05', 'XYZ', '25')] }); // 3 blocks: 300
  const fewer = { events, records: [rec('2020-01-05', 'XYZ', '15')], existing: billed(first.items) }; // now 2 blocks: 200

  it('fails the run by default with Kill Bill’s ILLEGAL INVOICING STATE', () => {
    expect(() => run(fewer)).toThrowError(
      "ILLEGAL INVOICING STATE: Usage period start='2020-01-01', end='2020-02-01', amountToBill='-100', (previously billed amount='300', new proposed amount='200')",
    );
    try {
      run(fewer);
    } catch (e) {
      expect(isBillingError(e, 'UNEXPECTED_ERROR')).toBe(true);
    }
  });

  it('fails an ALL_TIERS re-run whose tier holds fewer blocks than billed', () => {
    const all = run({ records: usage('50', '80') });
    expect(() => run({ records: usage('30', '80'), existing: billed(all.items) })).toThrowError(
      "Expected usage for subscription='sub-1', targetDate='2020-02-01', startDt='2020-01-01', endDt='2020-02-01', tier='2', unit='FOO' to contain at least as much as current usage, instead found units='[20/40]'",
    );
  });

  it('leaves the period as billed when lenient, and in a dry run whatever the setting', () => {
    expect(run({ ...fewer, config: { ...AGGREGATE, missingLenient: true } }).items).toEqual([]);
    expect(run({ ...fewer, dryRun: true }).items).toEqual([]);
    const all = run({ records: usage('50', '80') });
    expect(run({ records: usage('30', '80'), existing: billed(all.items), config: { ...DETAIL, missingLenient: true } }).items).toEqual([]);
  });
});

describe('$0 usage items (org.killbill.invoice.disable.usage.zero.amount)', () => {
  it('writes no $0 item for a period without usage, and still asks for the next period’s run', () => {
    const out = run({ events: plan(topTier), config: { ...AGGREGATE, zeroAmountDisabled: true } });
    expect(out.items).toEqual([]);
    expect(out.nextBillingDates.get('sub-1')).toBe('2020-03-01');
  });

  it('drops the $0 tier lines of a DETAIL re-run, keeping the 4 that bill (Kill Bill’s count)', () => {
    const config = { ...DETAIL, zeroAmountDisabled: true };
    const first = run({ config, records: usage('50', '80') });
    const again = run({ config, records: [...usage('50', '80'), ...usage('20', '120', 'b')], existing: billed(first.items) });
    expect(lines(again.items).map(([unit, tier, , , amount]) => [unit, tier, amount])).toEqual([
      ['FOO', 2, '100.00'],
      ['FOO', 3, '1000.00'],
      ['BAR', 1, '40.00'],
      ['BAR', 2, '2000.00'],
    ]);
  });
});
