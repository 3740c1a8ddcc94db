import { describe, expect, it } from 'vitest';
import { asExisting, ev, rows, run, stop } from './test-events.js';
import type { GeneratorConfig } from './types.js';

/**
 * org.killbill.invoice.inArrear.mode (killbill-semantics.md §4.3; BillingIntervalDetail.calculateInArrearEffectiveEndDate):
 * DEFAULT bills an in-arrear period once the target reaches its end; GREEDY bills the period the target is
 * in as soon as the target falls in it, from the event's start.
 */
const greedy: GeneratorConfig = { maxDailyItemsPerSubscription: 15, fixedProrationDays: 0, inArrearMode: 'GREEDY' };
const inArrear = (date: string) => ev(date, { billingMode: 'IN_ARREAR', billCycleDayLocal: 1, recurringPrice: '100' });

describe('in-arrear GREEDY mode', () => {
  it('bills the current period as soon as a target date falls in it (DEFAULT waits for its end)', () => {
    const events = [inArrear('2012-04-01')];
    expect(rows(run(events, '2012-04-15').items)).toEqual([]);
    expect(rows(run(events, '2012-04-15', { config: greedy }).items)).toEqual(['RECURRING 2012-04-01 2012-05-01 100']);
  });

  it('on a BCD bills the period that ends there, and the next one from the day after', () => {
    const events = [inArrear('2012-04-01')];
    const atBcd = run(events, '2012-05-01', { config: greedy }).items;
    expect(rows(atBcd)).toEqual(['RECURRING 2012-04-01 2012-05-01 100']);
    expect(rows(run(events, '2012-05-01', { config: greedy, existing: asExisting(atBcd) }).items)).toEqual([]);
    expect(rows(run(events, '2012-05-02', { config: greedy, existing: asExisting(atBcd) }).items)).toEqual(['RECURRING 2012-05-01 2012-06-01 100']);
  });

  it('bills a start before the first BCD pro-rated up to it, before the BCD is reached', () => {
    // [04-10, 05-01] is 21 of April's 30 days: 70.00.
    expect(rows(run([inArrear('2012-04-10')], '2012-04-15', { config: greedy }).items)).toEqual(['RECURRING 2012-04-10 2012-05-01 70']);
  });

  it('repairs what a cancellation no longer covers of the period billed ahead', () => {
    const billed = asExisting(run([inArrear('2012-04-01')], '2012-04-15', { config: greedy }).items);
    // Cancelled on 04-20: [04-20, 05-01] is 11 of the item's 30 days, -36.67.
    const { items } = run([inArrear('2012-04-01'), stop('2012-04-20', 'CANCEL')], '2012-04-20', { config: greedy, existing: billed });
    expect(rows(items)).toEqual(['REPAIR_ADJ 2012-04-20 2012-05-01 -36.67']);
  });
});
