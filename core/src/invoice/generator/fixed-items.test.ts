import { describe, expect, it } from 'vitest';
import { ev, invoiceThrough, rows, run, stop } from './test-events.js';

const trial = (date: string, extra = {}) =>
  ev(date, { planName: 'pistol-monthly', phaseType: 'TRIAL', fixedPrice: '0', recurringPrice: null, billingPeriod: 'NO_BILLING_PERIOD', phaseDuration: { unit: 'DAYS', number: 30 }, ...extra });
const evergreen = (date: string, extra = {}) => ev(date, { type: 'PHASE', recurringPrice: '249.95', billCycleDayLocal: 1, ...extra });

describe('fixed items', () => {
  it('bills a $0 trial as a FIXED item ending at the next phase, then the EVERGREEN phase from its start', () => {
    const events = [trial('2012-04-01'), evergreen('2012-05-01')];
    const { runs, existing } = invoiceThrough(events, ['2012-04-01', '2012-05-01']);
    expect(runs.map(rows)).toEqual([['FIXED 2012-04-01 2012-05-01 0'], ['RECURRING 2012-05-01 2012-06-01 249.95']]);
    expect(runs[0]![0]!.explanation).toMatchObject({ kind: 'FIXED', planName: 'pistol-monthly', phaseName: 'pistol-monthly-trial' });
    expect(run(events, '2012-04-01').chargedThroughDates.get('sub-1')).toBe('2012-05-01');
    expect(run(events, '2012-05-01', { existing }).items).toEqual([]);
  });

  it('ends a trial cancelled before its end after the phase duration', () => {
    const { items } = run([trial('2012-04-01'), stop('2012-04-10', 'CANCEL')], '2012-04-10');
    expect(rows(items)).toEqual(['FIXED 2012-04-01 2012-05-01 0']);
  });

  it('gives a FIXEDTERM phase with fixed and recurring prices a FIXED item with no end next to its RECURRING one', () => {
    const { items } = run([ev('2012-04-01', { phaseType: 'FIXEDTERM', fixedPrice: '599.95', recurringPrice: '199.95', billCycleDayLocal: 1 })], '2012-04-01');
    expect(rows(items)).toEqual(['FIXED 2012-04-01 - 599.95', 'RECURRING 2012-04-01 2012-05-01 199.95']);
  });

  it('gives an EVERGREEN fixed-price-only phase a FIXED item with no end', () => {
    const { items } = run([ev('2012-04-01', { fixedPrice: '15', recurringPrice: null, billingPeriod: 'NO_BILLING_PERIOD' })], '2012-04-01');
    expect(rows(items)).toEqual(['FIXED 2012-04-01 - 15']);
  });

  it('keeps only the last fixed item when several events fall on one day', () => {
    const events = [ev('2012-04-01', { fixedPrice: '10', recurringPrice: null, billingPeriod: 'NO_BILLING_PERIOD' }), ev('2012-04-01', { type: 'CHANGE', planName: 'shotgun', fixedPrice: '20', recurringPrice: null, billingPeriod: 'NO_BILLING_PERIOD' })];
    const { items } = run(events, '2012-04-01');
    expect(items.map((i) => `${i.planName} ${i.amount.toFixed()}`)).toEqual(['shotgun 20']);
  });

  it('bills no fixed item for a subscription created and cancelled the same day', () => {
    expect(run([trial('2012-04-01'), stop('2012-04-01', 'CANCEL')], '2012-04-01').items).toEqual([]);
  });

  it('does not bill the fixed price again on a BCD change', () => {
    const events = [ev('2012-04-01', { fixedPrice: '50', billCycleDayLocal: 1 }), ev('2012-04-15', { type: 'BCD_CHANGE', fixedPrice: '50', billCycleDayLocal: 15 })];
    const { items } = run(events, '2012-04-15');
    expect(items.filter((i) => i.type === 'FIXED').map((i) => i.startDate)).toEqual(['2012-04-01']);
  });

  it('multiplies the fixed price by the quantity', () => {
    const { items } = run([ev('2012-04-01', { fixedPrice: '12.5', recurringPrice: null, billingPeriod: 'NO_BILLING_PERIOD', quantity: 4 })], '2012-04-01');
    expect(rows(items)).toEqual(['FIXED 2012-04-01 - 50']);
  });

  it('does not propose a FIXED item again once it is billed, even after the plan changes', () => {
    const events = [ev('2012-04-01', { fixedPrice: '50', billCycleDayLocal: 1 }), ev('2012-04-15', { type: 'CHANGE', planName: 'shotgun', billCycleDayLocal: 1 })];
    const first = invoiceThrough(events, ['2012-04-01']);
    const { items } = run(events, '2012-04-15', { existing: first.existing });
    expect(items.filter((i) => i.type === 'FIXED')).toEqual([]);
  });
});
