import { describe, expect, it } from 'vitest';
import type { BillingPeriod } from '../../catalog/index.js';
import { periodStep } from './billing-period.js';
import { BillingInterval } from './interval.js';
import { recurringPeriods } from './recurring-periods.js';
import { d } from './test-events.js';

const step = (p: BillingPeriod) => periodStep(p)!;

/** The BCDs of an open in-advance event from `start`, as [start, end) periods billed through `target`. */
function periods(start: string, bcd: number, target: string, period: BillingPeriod = 'MONTHLY'): string[] {
  return recurringPeriods({ start: d(start), end: null, target: d(target), billCycleDay: bcd, step: step(period), mode: 'IN_ADVANCE', fixedProrationDays: 0 }).periods.map(
    (p) => `${p.start}/${p.end}`,
  );
}

describe('billing interval', () => {
  it('recomputes every BCD from the first one, so BCD 31 gives 03-31, 04-30, 05-31, 06-30, 07-31', () => {
    const i = new BillingInterval(d('2012-03-31'), null, d('2012-07-31'), 31, step('MONTHLY'), 'IN_ADVANCE');
    expect([0, 1, 2, 3, 4].map((n) => i.futureBcd(n))).toEqual(['2012-03-31', '2012-04-30', '2012-05-31', '2012-06-30', '2012-07-31']);
  });

  it('takes the first BCD on or after the start, clamped to the month end', () => {
    const first = (start: string, bcd: number, period: BillingPeriod = 'MONTHLY') => new BillingInterval(d(start), null, d(start), bcd, step(period), 'IN_ADVANCE').firstBcd;
    expect(first('2012-03-02', 31)).toBe('2012-03-31');
    expect(first('2012-02-10', 31)).toBe('2012-02-29');
    expect(first('2013-02-10', 30)).toBe('2013-02-28');
    expect(first('2012-03-20', 15)).toBe('2012-04-15');
    expect(first('2012-05-12', 1, 'ANNUAL')).toBe('2013-05-01');
    expect(first('2012-05-12', 1, 'QUARTERLY')).toBe('2012-08-01');
    // Periods that are not month based bill from the event's own day, whatever the BCD.
    expect(first('2012-05-12', 1, 'WEEKLY')).toBe('2012-05-12');
  });

  it('bills in advance up to the first BCD after the target date', () => {
    const i = new BillingInterval(d('2012-01-01'), null, d('2012-03-01'), 1, step('MONTHLY'), 'IN_ADVANCE');
    expect([i.effectiveEnd, i.lastBcd, i.nextBcd()]).toEqual(['2012-04-01', '2012-04-01', '2012-05-01']);
    const before = new BillingInterval(d('2012-01-10'), null, d('2012-01-10'), 1, step('MONTHLY'), 'IN_ADVANCE');
    expect(before.effectiveEnd).toBe('2012-02-01');
  });

  it('bills in arrear only up to the last BCD reached, and nothing before the first one', () => {
    const none = new BillingInterval(d('2012-01-10'), null, d('2012-01-31'), 1, step('MONTHLY'), 'IN_ARREAR');
    expect([none.effectiveEnd, none.hasSomethingToBill(), none.nextBcd()]).toEqual([null, false, '2012-02-01']);
    const some = new BillingInterval(d('2012-01-10'), null, d('2012-03-15'), 1, step('MONTHLY'), 'IN_ARREAR');
    expect([some.effectiveEnd, some.lastBcd, some.nextBcd()]).toEqual(['2012-03-01', '2012-03-01', '2012-04-01']);
  });

  it('bills an in-arrear period cut short by an event on the target date at once (Kill Bill #1907)', () => {
    const i = new BillingInterval(d('2020-01-01'), d('2020-01-15'), d('2020-01-15'), 1, step('MONTHLY'), 'IN_ARREAR');
    expect(i.effectiveEnd).toBe('2020-01-15');
  });
});

describe('BCDs through short months', () => {
  it('keeps BCD 1 on the first of every month', () => {
    expect(periods('2012-01-01', 1, '2012-03-01')).toEqual(['2012-01-01/2012-02-01', '2012-02-01/2012-03-01', '2012-03-01/2012-04-01']);
  });

  it('keeps BCD 15 on the 15th of every month', () => {
    expect(periods('2013-01-15', 15, '2013-03-15')).toEqual(['2013-01-15/2013-02-15', '2013-02-15/2013-03-15', '2013-03-15/2013-04-15']);
  });

  it('keeps BCD 28 on the 28th, February included', () => {
    expect(periods('2013-01-28', 28, '2013-03-28')).toEqual(['2013-01-28/2013-02-28', '2013-02-28/2013-03-28', '2013-03-28/2013-04-28']);
  });

  it('moves BCD 29 to February 28 in a common year and keeps February 29 in a leap year', () => {
    expect(periods('2013-01-29', 29, '2013-03-29')).toEqual(['2013-01-29/2013-02-28', '2013-02-28/2013-03-29', '2013-03-29/2013-04-29']);
    expect(periods('2012-01-29', 29, '2012-03-29')).toEqual(['2012-01-29/2012-02-29', '2012-02-29/2012-03-29', '2012-03-29/2012-04-29']);
  });

  it('moves BCD 30 to the end of February and back to the 30th', () => {
    expect(periods('2013-01-30', 30, '2013-03-30')).toEqual(['2013-01-30/2013-02-28', '2013-02-28/2013-03-30', '2013-03-30/2013-04-30']);
    expect(periods('2012-01-30', 30, '2012-03-30')).toEqual(['2012-01-30/2012-02-29', '2012-02-29/2012-03-30', '2012-03-30/2012-04-30']);
  });

  it('puts BCD 31 on each month end: 01-31, 02-29, 03-31, 04-30, 05-31, 06-30, 07-31', () => {
    expect(periods('2012-01-31', 31, '2012-06-30')).toEqual([
      '2012-01-31/2012-02-29',
      '2012-02-29/2012-03-31',
      '2012-03-31/2012-04-30',
      '2012-04-30/2012-05-31',
      '2012-05-31/2012-06-30',
      '2012-06-30/2012-07-31',
    ]);
    expect(periods('2013-01-31', 31, '2013-02-28')).toEqual(['2013-01-31/2013-02-28', '2013-02-28/2013-03-31']);
  });
});

describe('billing periods', () => {
  it('steps quarterly and annual periods on the BCD', () => {
    expect(periods('2012-01-31', 31, '2012-05-01', 'QUARTERLY')).toEqual(['2012-01-31/2012-04-30', '2012-04-30/2012-07-31']);
    expect(periods('2012-02-29', 29, '2013-03-01', 'ANNUAL')).toEqual(['2012-02-29/2013-02-28', '2013-02-28/2014-02-28']);
  });

  it('steps weekly, biweekly and thirty-day periods by days from the start', () => {
    expect(periods('2012-02-27', 1, '2012-03-05', 'WEEKLY')).toEqual(['2012-02-27/2012-03-05', '2012-03-05/2012-03-12']);
    expect(periods('2012-02-27', 1, '2012-03-12', 'BIWEEKLY')).toEqual(['2012-02-27/2012-03-12', '2012-03-12/2012-03-26']);
    expect(periods('2012-02-01', 1, '2012-03-02', 'THIRTY_DAYS')).toEqual(['2012-02-01/2012-03-02', '2012-03-02/2012-04-01']);
    expect(periods('2012-02-01', 1, '2012-02-02', 'DAILY')).toEqual(['2012-02-01/2012-02-02', '2012-02-02/2012-02-03']);
  });

  it('steps every month-based period by its months', () => {
    const ends = (p: BillingPeriod) => periods('2012-01-15', 15, '2012-01-15', p)[0];
    expect(['MONTHLY', 'BIMESTRIAL', 'QUARTERLY', 'TRIANNUAL', 'BIANNUAL', 'ANNUAL', 'SESQUIENNIAL', 'BIENNIAL', 'TRIENNIAL'].map((p) => ends(p as BillingPeriod))).toEqual([
      '2012-01-15/2012-02-15',
      '2012-01-15/2012-03-15',
      '2012-01-15/2012-04-15',
      '2012-01-15/2012-05-15',
      '2012-01-15/2012-07-15',
      '2012-01-15/2013-01-15',
      '2012-01-15/2013-07-15',
      '2012-01-15/2014-01-15',
      '2012-01-15/2015-01-15',
    ]);
    expect(periodStep('NO_BILLING_PERIOD')).toBeNull();
    expect(periodStep('SIXTY_DAYS')).toEqual({ kind: 'days', n: 60 });
    expect(periodStep('NINETY_DAYS')).toEqual({ kind: 'days', n: 90 });
    expect(periodStep('THIRTY_ONE_DAYS')).toEqual({ kind: 'days', n: 31 });
  });
});
