import { describe, expect, it } from 'vitest';
import { d, ev, stop, utc } from '../generator/test-events.js';
import { usageItems, type UsageItemsInput } from './items.js';
import { capacity, rec, topTier } from './test-usages.js';

const usagePlan = (date: string, usage = topTier) => ev(date, { planName: 'xyz-monthly', recurringPrice: '0', usages: [usage], billCycleDayLocal: 1 });

function run(target: string, input: Partial<UsageItemsInput>) {
  return usageItems({ time: utc, currency: 'USD', targetDate: d(target), events: [], records: [], existing: [], ...input });
}

describe('usage items', () => {
  it('bills nothing before the period ends and asks for a run at its end', () => {
    const out = run('2020-01-20', { events: [usagePlan('2020-01-01')], records: [rec('2020-01-05', 'XYZ', '15')] });
    expect(out.items).toEqual([]);
    expect(out.nextBillingDates.get('sub-1')).toBe('2020-02-01');
  });

  it('bills a TOP_TIER period in arrear at its end with Kill Bill item details', () => {
    const out = run('2020-02-01', { events: [usagePlan('2020-01-01')], records: [rec('2020-01-05', 'XYZ', '10'), rec('2020-01-31', 'XYZ', '5'), rec('2020-02-01', 'XYZ', '99')] });
    expect(out.items.map((i) => [i.usageName, i.startDate, i.endDate, i.amount.toFixed(2)])).toEqual([['xyz-usage', '2020-01-01', '2020-02-01', '200.00']]);
    expect(out.items[0]!.itemDetails).toBe('{"tierDetails":[{"tier":1,"tierUnit":"XYZ","tierPrice":100.00,"tierBlockSize":10,"quantity":2,"amount":200}],"amount":200}');
    expect(out.nextBillingDates.get('sub-1')).toBe('2020-03-01');
  });

  it('emits a $0 item for a period without usage', () => {
    const out = run('2020-02-01', { events: [usagePlan('2020-01-01')] });
    expect(out.items.map((i) => i.amount.toString())).toEqual(['0']);
  });

  it('never bills a period twice, and bills only the increase when usage is added late', () => {
    const events = [usagePlan('2020-01-01')];
    const first = run('2020-02-01', { events, records: [rec('2020-01-05', 'XYZ', '15')] });
    const existing = first.items.map(({ type, subscriptionId, usageName, startDate, endDate, amount, quantity, itemDetails }) => ({ type, subscriptionId, usageName, startDate, endDate, amount, quantity, itemDetails }));
    expect(run('2020-02-01', { events, records: [rec('2020-01-05', 'XYZ', '15')], existing }).items).toEqual([]);
    const late = run('2020-02-01', { events, records: [rec('2020-01-05', 'XYZ', '15'), rec('2020-01-20', 'XYZ', '10')], existing });
    expect(late.items.map((i) => i.amount.toString())).toEqual(['100']);
  });

  it('ends the period early on cancellation and bills it on the cancel date', () => {
    const out = run('2020-05-16', { events: [usagePlan('2020-04-01'), stop('2020-05-16', 'CANCEL', { planName: 'xyz-monthly' })], records: [rec('2020-05-10', 'XYZ', '1')] });
    expect(out.items.map((i) => [i.startDate, i.endDate, i.amount.toString()])).toEqual([
      ['2020-04-01', '2020-05-01', '0'],
      ['2020-05-01', '2020-05-16', '100'],
    ]);
    expect(out.nextBillingDates.has('sub-1')).toBe(false);
  });

  it('bills the same-day period of a subscription cancelled the day it started, with that day’s usage', () => {
    const out = run('2020-04-01', { events: [usagePlan('2020-04-01'), stop('2020-04-01', 'CANCEL', { planName: 'xyz-monthly' })], records: [rec('2020-04-01', 'XYZ', '15')] });
    expect(out.items.map((i) => [i.startDate, i.endDate, i.amount.toString()])).toEqual([['2020-04-01', '2020-04-01', '200']]);
  });

  it('bills CAPACITY on the max of the period: 51 members → 10.00', () => {
    const out = run('2020-02-01', { events: [usagePlan('2020-01-01', capacity)], records: [rec('2020-01-03', 'members', '10'), rec('2020-01-09', 'members', '51'), rec('2020-01-20', 'members', '7')] });
    expect(out.items.map((i) => i.amount.toFixed(2))).toEqual(['10.00']);
    expect(out.items[0]!.explanation).toMatchObject({ kind: 'USAGE', units: [{ unitType: 'members', amount: '51' }] });
  });
});
