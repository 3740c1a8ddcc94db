import { describe, expect, it } from 'vitest';
import { daysBetween, epochDay, fromEpochDay, lastDayOfMonth, plusDays, plusMonths, withBillCycleDay } from './dates.js';
import { d } from './test-events.js';

describe('calendar days', () => {
  it('counts the days between two dates as Joda Days.daysBetween does', () => {
    expect(daysBetween(d('2012-02-03'), d('2012-03-03'))).toBe(29);
    expect(daysBetween(d('2013-02-03'), d('2013-03-03'))).toBe(28);
    expect(daysBetween(d('2012-05-01'), d('2013-05-01'))).toBe(365);
    expect(daysBetween(d('2012-03-31'), d('2012-03-01'))).toBe(-30);
  });

  it('turns dates into epoch days and back across centuries and leap days', () => {
    for (const s of ['1970-01-01', '1999-12-31', '2000-02-29', '2012-02-29', '2100-03-01', '2400-02-29']) {
      expect(fromEpochDay(epochDay(d(s)))).toBe(s);
    }
    expect(epochDay(d('1970-01-01'))).toBe(0);
    expect(plusDays(d('2012-02-28'), 2)).toBe('2012-03-01');
  });

  it('clamps a month step to the last day of the target month (2013-09-30 minus 1 month is 2013-08-30)', () => {
    expect(plusMonths(d('2013-09-30'), -1)).toBe('2013-08-30');
    expect(plusMonths(d('2012-03-31'), -1)).toBe('2012-02-29');
    expect(plusMonths(d('2013-01-31'), 1)).toBe('2013-02-28');
    expect(plusMonths(d('2012-02-29'), 12)).toBe('2013-02-28');
    expect(plusMonths(d('2012-12-15'), 1)).toBe('2013-01-15');
    expect(plusMonths(d('2013-01-15'), -1)).toBe('2012-12-15');
  });

  it('puts a BCD beyond the month end on the last day of that month', () => {
    expect(withBillCycleDay(d('2013-02-10'), 31)).toBe('2013-02-28');
    expect(withBillCycleDay(d('2012-02-10'), 30)).toBe('2012-02-29');
    expect(withBillCycleDay(d('2012-04-10'), 31)).toBe('2012-04-30');
    expect(withBillCycleDay(d('2012-04-10'), 15)).toBe('2012-04-15');
    expect(lastDayOfMonth(1900, 2)).toBe(28);
    expect(lastDayOfMonth(2000, 2)).toBe(29);
  });
});
