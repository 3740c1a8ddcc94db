import { describe, expect, it } from 'vitest';
import { AccountTime, parseLocalDate } from './account-time.js';
import { utc } from '../../../test/support/subscription-fixtures.js';

describe('account time (killbill-semantics.md §2)', () => {
  it('keeps the offset the zone had at the reference time, all year', () => {
    const la = new AccountTime('America/Los_Angeles', utc('2012-07-01T12:00:00Z'));
    expect(la.zone.offset(0)).toBe(-7 * 60);
    expect(la.toLocalDate(utc('2012-12-15T06:30:00Z'))).toBe('2012-12-14');
  });

  it('turns a local date into that day at the reference time of day', () => {
    const paris = new AccountTime('Europe/Paris', utc('2012-01-10T09:15:30.250Z'));
    expect(paris.toInstant(parseLocalDate('2012-04-01', 'd')).toISO()).toBe('2012-04-01T09:15:30.250Z');
  });

  it('puts a Samoa start a day earlier and a Tokyo one a day later than UTC', () => {
    expect(new AccountTime('Pacific/Samoa', utc('2013-08-01T00:00:00Z')).toLocalDate(utc('2013-08-02T06:00:00Z'))).toBe('2013-08-01');
    expect(new AccountTime('Asia/Tokyo', utc('2013-08-01T00:00:00Z')).toLocalDate(utc('2013-08-02T18:00:00Z'))).toBe('2013-08-03');
  });

  it('refuses a malformed date', () => {
    expect(() => parseLocalDate('2012-02-30', 'requestedDate')).toThrow(/requestedDate/);
    expect(() => parseLocalDate('2012-4-1', 'requestedDate')).toThrow();
  });
});
