import { describe, expect, it } from 'vitest';
import { d, ev, stop, utc } from '../generator/test-events.js';
import type { UsageRecord } from '../../usage/usage.js';
import type { TrackingRecord } from '../tracking.js';
import { rec, topTier } from './test-usages.js';
import { newTrackingRecords } from './tracking.js';

const usagePlan = (date: string) => ev(date, { planName: 'xyz-monthly', recurringPrice: '0', usages: [topTier], billCycleDayLocal: 1 });

const track = (target: string, records: UsageRecord[], events = [usagePlan('2020-01-01')], tracked: TrackingRecord[] = []) =>
  newTrackingRecords({ time: utc, targetDate: d(target), events, records, tracked }).map((t) => `${t.trackingId} ${t.unitType} ${t.recordDate}`);

describe('the usage records a run bills for the first time', () => {
  it('takes the records of the periods ended by the target date, and none of the period still open', () => {
    const records = [{ ...rec('2020-01-05', 'XYZ', '10'), trackingId: 'a' }, { ...rec('2020-01-31', 'XYZ', '5'), trackingId: 'b' }, { ...rec('2020-02-01', 'XYZ', '99'), trackingId: 'c' }];
    expect(track('2020-01-31', records)).toEqual([]);
    expect(track('2020-02-01', records)).toEqual(['a XYZ 2020-01-05', 'b XYZ 2020-01-31']);
  });

  it('leaves out records an active row already holds (the same tracking id, subscription, unit and day)', () => {
    const records = [{ ...rec('2020-01-05', 'XYZ', '10'), trackingId: 'a' }, { ...rec('2020-01-20', 'XYZ', '1'), trackingId: 'late' }];
    const tracked: TrackingRecord[] = [{ trackingId: 'a', subscriptionId: 'sub-1', unitType: 'XYZ', recordDate: d('2020-01-05') }];
    expect(track('2020-03-01', records, undefined, tracked)).toEqual(['late XYZ 2020-01-20']);
  });

  it('ignores units the usage section does not price and records of other subscriptions', () => {
    const records = [{ ...rec('2020-01-05', 'ABC', '10'), trackingId: 'other-unit' }, { ...rec('2020-01-05', 'XYZ', '10', 'sub-2'), trackingId: 'other-sub' }];
    expect(track('2020-02-01', records)).toEqual([]);
  });

  it('takes the record of the cancellation day in a same-day period', () => {
    const events = [usagePlan('2020-01-10'), stop('2020-01-10', 'CANCEL')];
    expect(track('2020-01-10', [{ ...rec('2020-01-10', 'XYZ', '3'), trackingId: 'same-day' }], events)).toEqual(['same-day XYZ 2020-01-10']);
  });
});
