import { describe, expect, it } from 'vitest';
import { plusMonths } from './dates.js';
import { asExisting, d, ev, run, stop, type History } from './test-events.js';
import type { ExistingItem } from './types.js';

/**
 * The daily bound as Kill Bill counts it (FixedAndRecurringInvoiceItemGenerator.safetyBounds): per
 * subscription, the items created on one day (the account's day of each item's creation) — those already
 * written plus the run's own. The SAFETY BOUND errors the e2e invoice-life files log come from a clock move
 * of years: each test sets the one test clock of its server to its own start, so the accounts of the tests
 * before (BCD 1, billed through 2012-06-01, say) see 2015-05-15 arrive, and their next-billing run has three
 * years to catch up on one day. Kill Bill trips too (its beatrix suite raises the bound to 30 for that).
 */
describe('the daily safety bound on a catch-up of years', () => {
  const monthly = [ev('2012-04-01', { recurringPrice: '249.95', billCycleDayLocal: 1 })];
  const billedTo = (target: string, createdDay: string): ExistingItem[] => run(monthly, target).items.flatMap((i) => asExisting([i])).map((i) => ({ ...i, createdDay: d(createdDay) }));

  it('trips when one run bills three years on one day (a run targets today)', () => {
    const existing = billedTo('2012-05-02', '2012-05-02');
    expect(() => run(monthly, '2015-05-15', { existing, today: '2015-05-15' })).toThrow(/SAFETY BOUND TRIGGERED subscriptionId='sub-1', more than 15 items in one day/);
  });

  it('trips as well when each run bills one period (Kill Bill runs at each next-billing date): the 16th item written that day', () => {
    const history: History = { existing: billedTo('2012-05-02', '2012-05-02'), runs: [] };
    let target = '2012-06-01';
    let written = 0;
    const catchUp = () => {
      for (;;) {
        const { items } = run(monthly, target, { existing: history.existing, today: '2015-05-15' });
        history.existing.push(...asExisting(items).map((i) => ({ ...i, createdDay: d('2015-05-15') })));
        written += items.length;
        target = plusMonths(d(target), 1);
      }
    };
    expect(catchUp).toThrow(/SAFETY BOUND TRIGGERED/);
    expect(written).toBe(15);
  });

  it('does not count what was written on other days, nor REPAIR_ADJ items (they carry no subscription)', () => {
    const existing = billedTo('2013-01-02', '2013-01-02'); // 10 items written on 2013-01-02
    expect(existing).toHaveLength(10);
    expect(run(monthly, '2014-01-02', { existing, today: '2014-01-02' }).items).toHaveLength(12);
    // A cancel repairing 10 periods writes 10 REPAIR_ADJ: no subscription id, not counted.
    const cancelled = [...monthly, stop('2012-05-15', 'CANCEL')];
    const repairs = run(cancelled, '2013-01-02', { existing, today: '2013-01-02' }).items;
    expect(repairs.every((i) => i.type === 'REPAIR_ADJ' && i.subscriptionId === null)).toBe(true);
    expect(repairs).toHaveLength(9);
  });
});
