import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { AccountTime } from './account-time.js';
import { billingEvents, dateOfFirstRecurringNonZeroCharge, subscriptionBcd, type SubscriptionForBilling } from './billing-events.js';
import { create, event, phase, saas, utc } from '../../../test/support/subscription-fixtures.js';
import { transitionsOf, type EventRecord } from './timeline.js';

const utcTime = new AccountTime('UTC', utc('2012-01-01T00:00:00Z'));
const sub = (id: string, bundleId: string, category: 'BASE' | 'ADD_ON', start: string, events: EventRecord[]): SubscriptionForBilling => ({
  id,
  bundleId,
  category,
  startDate: utc(start),
  transitions: transitionsOf(events, saas),
});
const team = (start = '2012-04-01T10:00:00Z') => sub('s1', 'b1', 'BASE', start, [create(start, 'team-monthly', 'trial'), phase('2012-05-01T10:00:00Z', 'team-monthly', 'discount')]);

describe('the bill cycle day (killbill-semantics.md §3)', () => {
  it('is the day of the first non-zero recurring charge: a 30-day trial from 2012-04-01 gives 1', () => {
    const plan = saas.findPlan('team-monthly', utc('2024-06-01T00:00:00Z')).plan;
    expect(dateOfFirstRecurringNonZeroCharge(plan, 'TRIAL', utc('2012-04-01T10:00:00Z'), utcTime).toISO()).toBe('2012-05-01T10:00:00.000Z');
    expect(subscriptionBcd(team(), utcTime)).toBe(1);
  });

  it('is computed for an account that has none, and reported for the first invoice run to store', () => {
    const { events, accountBcdToPersist } = billingEvents({ currency: 'USD', billCycleDayLocal: 0, time: utcTime }, [team()]);
    expect(accountBcdToPersist).toBe(1);
    expect(events.map((e) => [e.type, e.phaseType, e.billingAlignment, e.billCycleDayLocal, e.fixedPrice?.toString() ?? null, e.recurringPrice?.toString() ?? null])).toEqual([
      ['CREATE', 'TRIAL', 'ACCOUNT', 1, '0', null],
      ['PHASE', 'DISCOUNT', 'ACCOUNT', 1, null, '24.5'],
    ]);
  });

  it('uses the account BCD when it has one', () => {
    const { events, accountBcdToPersist } = billingEvents({ currency: 'EUR', billCycleDayLocal: 20, time: utcTime }, [team()]);
    expect([events[0]!.billCycleDayLocal, accountBcdToPersist]).toEqual([20, null]);
    expect(events[1]!.recurringPrice).toEqual(new Decimal('22.5'));
  });

  it('aligns SUBSCRIPTION plans to themselves and leaves the account BCD unset when no plan aligns to it', () => {
    const annual = sub('s2', 'b2', 'BASE', '2012-04-15T10:00:00Z', [create('2012-04-15T10:00:00Z', 'team-annual', 'evergreen')]);
    const { events, accountBcdToPersist } = billingEvents({ currency: 'USD', billCycleDayLocal: 0, time: utcTime }, [annual]);
    expect([events[0]!.billingAlignment, events[0]!.billCycleDayLocal, accountBcdToPersist]).toEqual(['SUBSCRIPTION', 15, null]);
  });

  it('aligns BUNDLE add-ons to their base subscription', () => {
    const seats = sub('s3', 'b1', 'ADD_ON', '2012-04-20T10:00:00Z', [create('2012-04-20T10:00:00Z', 'extra-seats-monthly', 'evergreen')]);
    const { events } = billingEvents({ currency: 'USD', billCycleDayLocal: 0, time: utcTime }, [team(), seats]);
    expect(events.find((e) => e.subscriptionId === 's3')).toMatchObject({ billingAlignment: 'BUNDLE', billCycleDayLocal: 1 });
  });

  it('counts the day in the account zone: Samoa and Tokyo starts from the demo', () => {
    const annual = (start: string) => sub('s4', 'b4', 'BASE', start, [create(start, 'team-annual', 'evergreen')]);
    const samoa = new AccountTime('Pacific/Samoa', utc('2013-08-01T00:00:00Z'));
    const tokyo = new AccountTime('Asia/Tokyo', utc('2013-08-01T00:00:00Z'));
    expect(subscriptionBcd(annual('2013-08-02T06:00:00Z'), samoa)).toBe(1);
    expect(subscriptionBcd(annual('2013-08-02T18:00:00Z'), tokyo)).toBe(3);
  });

  it('lets a subscription BCD change override the alignment from its date', () => {
    const events = [create('2012-04-01T10:00:00Z', 'team-monthly', 'trial'), event('BCD_UPDATE', '2012-04-01T10:00:00Z', { billCycleDayLocal: 15 }), phase('2012-05-01T10:00:00Z', 'team-monthly', 'discount')];
    const { events: out } = billingEvents({ currency: 'USD', billCycleDayLocal: 0, time: utcTime }, [sub('s1', 'b1', 'BASE', '2012-04-01T10:00:00Z', events)]);
    expect(out.filter((e) => e.type === 'PHASE').map((e) => e.billCycleDayLocal)).toEqual([15]);
  });
});
