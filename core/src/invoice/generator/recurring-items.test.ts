import { describe, expect, it } from 'vitest';
import { ev, invoiceThrough, rows, run, stop } from './test-events.js';

describe('in-advance recurring items', () => {
  it('pro-rates a start before BCD 31: 2012-03-02 at 599.95 a month bills [03-02, 03-31] 561.24', () => {
    const { items } = run([ev('2012-03-02', { recurringPrice: '599.95', billCycleDayLocal: 31 })], '2012-03-02');
    expect(rows(items)).toEqual(['RECURRING 2012-03-02 2012-03-31 561.24']);
  });

  it('pro-rates an annual plan started 2012-05-12 with BCD 1: [2012-05-12, 2013-05-01] 2327.62', () => {
    const { items } = run([ev('2012-05-12', { recurringPrice: '2399.95', billCycleDayLocal: 1, billingPeriod: 'ANNUAL' })], '2012-05-12');
    expect(rows(items)).toEqual(['RECURRING 2012-05-12 2013-05-01 2327.62']);
  });

  it('pro-rates 2016-07-01 to BCD 10 over a 30-day June period: [07-01, 07-10] 74.99', () => {
    const { items } = run([ev('2016-07-01', { recurringPrice: '249.95', billCycleDayLocal: 10 })], '2016-07-01');
    expect(rows(items)).toEqual(['RECURRING 2016-07-01 2016-07-10 74.99']);
  });

  it('pro-rates 2013-08-16 to BCD 31 at 8.00: [08-16, 08-31] 3.87', () => {
    const { items } = run([ev('2013-08-16', { recurringPrice: '8.00', billCycleDayLocal: 31 })], '2013-08-16');
    expect(rows(items)).toEqual(['RECURRING 2013-08-16 2013-08-31 3.87']);
  });

  it('pro-rates a trailing stretch over the period after the last BCD: [2013-08-31, 2013-09-16] 4.27 and [08-31, 09-01] 0.13', () => {
    const trailing = run([ev('2013-08-31', { recurringPrice: '8.00', billCycleDayLocal: 31 }), stop('2013-09-16', 'CANCEL')], '2013-09-16');
    expect(rows(trailing.items)).toEqual(['RECURRING 2013-08-31 2013-09-16 4.27']);
    const oneDay = run([ev('2013-08-31', { recurringPrice: '4.00', billCycleDayLocal: 31 }), stop('2013-09-01', 'CANCEL')], '2013-09-01');
    expect(rows(oneDay.items)).toEqual(['RECURRING 2013-08-31 2013-09-01 0.13']);
  });

  it('divides a 2013-09-01 start by 2013-08-30 → 2013-09-30 (31 days) with BCD 31: 29/31 × 7.95 = 7.44', () => {
    const { items } = run([ev('2013-09-01', { recurringPrice: '7.95', billCycleDayLocal: 31 })], '2013-09-01');
    expect(rows(items)).toEqual(['RECURRING 2013-09-01 2013-09-30 7.44']);
    expect(items[0]!.explanation).toMatchObject({ proration: { days: 29, periodDays: 31, ratio: '0.935483871' } });
  });

  it('pro-rates one day of the 29-day February 2012 window at 20.69', () => {
    const { items } = run([ev('2012-03-02', { recurringPrice: '599.95', billCycleDayLocal: 3 })], '2012-03-02');
    expect(rows(items)).toEqual(['RECURRING 2012-03-02 2012-03-03 20.69']);
  });

  it('bills the next whole period on each BCD, BCD 31 landing on every month end', () => {
    const { runs } = invoiceThrough([ev('2012-03-31', { recurringPrice: '30', billCycleDayLocal: 31 })], ['2012-03-31', '2012-04-30', '2012-05-31', '2012-06-30']);
    expect(runs.map(rows)).toEqual([
      ['RECURRING 2012-03-31 2012-04-30 30'],
      ['RECURRING 2012-04-30 2012-05-31 30'],
      ['RECURRING 2012-05-31 2012-06-30 30'],
      ['RECURRING 2012-06-30 2012-07-31 30'],
    ]);
  });

  it('catches up every missed period in one run', () => {
    const { items } = run([ev('2012-01-01', { billCycleDayLocal: 1 })], '2012-03-15');
    expect(rows(items)).toEqual(['RECURRING 2012-01-01 2012-02-01 10', 'RECURRING 2012-02-01 2012-03-01 10', 'RECURRING 2012-03-01 2012-04-01 10']);
  });

  it('bills nothing for an event after the target date', () => {
    expect(run([ev('2012-03-02')], '2012-03-01').items).toEqual([]);
  });

  it('multiplies the rate by the quantity and shows rate × quantity as the rate', () => {
    const { items } = run([ev('2012-03-02', { recurringPrice: '599.95', billCycleDayLocal: 31, quantity: 3 })], '2012-03-02');
    // ratio × (rate × quantity): 0.935483871 × 1799.85, not 3 × 561.24.
    expect(rows(items)).toEqual(['RECURRING 2012-03-02 2012-03-31 1683.73']);
    expect([items[0]!.rate!.toFixed(), items[0]!.quantity]).toEqual(['1799.85', 3]);
  });

  it('rounds JPY to whole yen and BTC to 8 digits', () => {
    const jpy = run([ev('2012-03-02', { recurringPrice: '1000', billCycleDayLocal: 31, currency: 'JPY' })], '2012-03-02', { currency: 'JPY' });
    expect(rows(jpy.items)).toEqual(['RECURRING 2012-03-02 2012-03-31 935']);
    const btc = run([ev('2012-03-02', { recurringPrice: '0.01', billCycleDayLocal: 31, currency: 'BTC' })], '2012-03-02', { currency: 'BTC' });
    expect(rows(btc.items)).toEqual(['RECURRING 2012-03-02 2012-03-31 0.00935484']);
  });

  it('writes $0 RECURRING items for a free recurring price', () => {
    const { items } = run([ev('2012-03-01', { recurringPrice: '0', billCycleDayLocal: 1 })], '2012-03-01');
    expect(rows(items)).toEqual(['RECURRING 2012-03-01 2012-04-01 0']);
  });

  it('explains each item with its event, catalog version, plan, period, BCD, rate and pro-ration', () => {
    const e = ev('2016-07-01', { recurringPrice: '249.95', billCycleDayLocal: 10 });
    const { items } = run([e], '2016-07-01');
    expect(items[0]!.explanation).toEqual({
      kind: 'RECURRING',
      billingEventId: e.eventId,
      billingEventType: 'CREATE',
      catalogEffectiveDate: '2011-01-01T00:00:00.000Z',
      planName: 'pistol-monthly',
      phaseName: 'pistol-monthly-evergreen',
      billingPeriod: 'MONTHLY',
      billCycleDayLocal: 10,
      rate: '249.95',
      quantity: 1,
      proration: { days: 9, periodDays: 30, ratio: '0.3' },
    });
  });

  it('uses the fixed number of proration days when configured, February counting as 30 days', () => {
    const { items } = run([ev('2012-02-15', { recurringPrice: '30', billCycleDayLocal: 1 })], '2012-02-15', { config: { maxDailyItemsPerSubscription: 15, fixedProrationDays: 30 } });
    // 15 calendar days, plus one because 29-day February counts as 30: 16/30 × 30.
    expect(rows(items)).toEqual(['RECURRING 2012-02-15 2012-03-01 16']);
  });
});

describe('in-arrear recurring items', () => {
  const arrear = { billingMode: 'IN_ARREAR', recurringPrice: '100', billCycleDayLocal: 1 } as const;

  it('bills nothing at creation and the period once its end is reached', () => {
    const events = [ev('2020-01-01', arrear)];
    expect(run(events, '2020-01-01').items).toEqual([]);
    expect(rows(run(events, '2020-02-01').items)).toEqual(['RECURRING 2020-01-01 2020-02-01 100']);
    expect(run(events, '2020-01-20').nextBillingDates.get('sub-1')).toBe('2020-02-01');
  });

  it('bills a pause at once, [01-01, 01-15] 45.16, then the resumed stretch [01-20, 02-01] 38.71 on 02-01', () => {
    const events = [ev('2020-01-01', arrear), stop('2020-01-15', 'START_BILLING_DISABLED'), ev('2020-01-20', { ...arrear, type: 'END_BILLING_DISABLED' })];
    const { runs } = invoiceThrough(events, ['2020-01-15', '2020-01-20', '2020-02-01']);
    expect(runs.map(rows)).toEqual([['RECURRING 2020-01-01 2020-01-15 45.16'], [], ['RECURRING 2020-01-20 2020-02-01 38.71']]);
  });

  it('bills the partial period at once when a cancellation ends it on the target date', () => {
    const events = [ev('2020-01-01', arrear), stop('2020-01-10', 'CANCEL')];
    expect(rows(run(events, '2020-01-10').items)).toEqual(['RECURRING 2020-01-01 2020-01-10 29.03']);
    expect(run(events, '2020-01-09').items).toEqual([]);
  });
});
