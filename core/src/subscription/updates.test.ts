import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { AccountTime, type LocalDate } from './account-time.js';
import { effectiveDateForNewBcd } from './updates.js';

const utc = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' });
const time = new AccountTime('UTC', utc('2012-04-01T10:00:00Z'));
const start = utc('2012-04-01T10:00:00Z');
const day = (bcd: number, from: string | null, now = '2012-04-10T12:00:00Z') => effectiveDateForNewBcd(bcd, from as LocalDate | null, time, utc(now), start).toISO();

describe('the effective date of a new subscription BCD (getEffectiveDateForNewBCD)', () => {
  it('is the BCD day of this month when it is still ahead, at the reference time', () => {
    expect(day(15, null)).toBe('2012-04-15T10:00:00.000Z');
  });

  it('is next month when the day has passed, clamped to the month end', () => {
    expect(day(5, null)).toBe('2012-05-05T10:00:00.000Z');
    expect(day(30, '2013-01-31')).toBe('2013-02-28T10:00:00.000Z');
  });

  it('is now for today’s day without a date, and the day itself with one', () => {
    expect(day(10, null)).toBe('2012-04-10T12:00:00.000Z');
    expect(day(20, '2012-04-20')).toBe('2012-04-20T10:00:00.000Z');
  });

  it('clamps a BCD past the month end to the last day, and never falls before the subscription start', () => {
    expect(day(31, '2012-04-10')).toBe('2012-04-30T10:00:00.000Z');
    expect(day(2, '2012-03-01')).toBe('2012-04-02T10:00:00.000Z');
  });
});
