import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import type { BillingEvent } from '../../subscription/billing-events.js';
import type { ExistingItem } from './types.js';
import { asExisting, d, ev, invoiceThrough, rows, run, stop } from './test-events.js';

const monthly = (date: string, extra = {}) => ev(date, { recurringPrice: '29.95', billCycleDayLocal: 1, ...extra });

describe('repair of billed days no longer due', () => {
  it('repairs the Blowdart item 8.02 for [05-07, 06-01] from 05-08 with -7.70 (24/25 of the billed amount)', () => {
    const created = [ev('2012-05-07', { planName: 'blowdart-monthly', recurringPrice: '9.95', billCycleDayLocal: 1 })];
    const first = invoiceThrough(created, ['2012-05-07']);
    expect(first.runs.map(rows)).toEqual([['RECURRING 2012-05-07 2012-06-01 8.02']]);
    const { items } = run([...created, stop('2012-05-08', 'CANCEL')], '2012-05-08', { existing: first.existing });
    expect(rows(items)).toEqual(['REPAIR_ADJ 2012-05-08 2012-06-01 -7.7']);
    expect(items[0]!.linkedItemId).toBe(first.existing[0]!.id);
    expect(items[0]!.explanation).toEqual({ kind: 'REPAIR_ADJ', repairedItemId: first.existing[0]!.id, repairedDays: 24, itemDays: 25, ratio: '0.96', cappedAt: null });
    expect([items[0]!.subscriptionId, items[0]!.planName]).toEqual([null, null]);
  });

  it("replays Kill Bill's testMultiplePartialRepairs: trial, change in trial, evergreen, two changes in one period", () => {
    const trialOf = (date: string, planName: string, type: 'CREATE' | 'CHANGE') =>
      ev(date, { type, planName, phaseType: 'TRIAL', fixedPrice: '0', recurringPrice: null, billingPeriod: 'NO_BILLING_PERIOD', phaseDuration: { unit: 'DAYS', number: 30 }, billCycleDayLocal: 1 });
    const shotgun = trialOf('2012-04-01', 'shotgun-monthly', 'CREATE');
    const rifleTrial = trialOf('2012-04-04', 'assault-rifle-monthly', 'CHANGE');
    const rifle = ev('2012-05-01', { type: 'PHASE', planName: 'assault-rifle-monthly', recurringPrice: '599.95', billCycleDayLocal: 1 });
    const blowdart = ev('2012-05-07', { type: 'CHANGE', planName: 'blowdart-monthly', phaseType: 'DISCOUNT', recurringPrice: '9.95', billCycleDayLocal: 1 });
    const pistol = ev('2012-05-08', { type: 'CHANGE', planName: 'pistol-monthly', recurringPrice: '29.95', billCycleDayLocal: 1 });
    const shotgunPhase = ev('2012-05-01', { type: 'PHASE', planName: 'shotgun-monthly', recurringPrice: '249.95', billCycleDayLocal: 1 });
    // What the subscription's events are at each run: each change replaces the future it knew.
    const steps: [string, BillingEvent[]][] = [
      ['2012-04-01', [shotgun, shotgunPhase]],
      ['2012-04-04', [shotgun, rifleTrial, rifle]],
      ['2012-05-01', [shotgun, rifleTrial, rifle]],
      ['2012-05-07', [shotgun, rifleTrial, rifle, blowdart]],
      ['2012-05-08', [shotgun, rifleTrial, rifle, blowdart, pistol]],
      ['2012-06-01', [shotgun, rifleTrial, rifle, blowdart, pistol]],
      ['2012-06-01', [shotgun, rifleTrial, rifle, blowdart, pistol]],
    ];
    const existing: ExistingItem[] = [];
    const runs = steps.map(([target, events]) => {
      const { items } = run(events, target, { existing });
      existing.push(...asExisting(items));
      return rows(items);
    });
    expect(runs).toEqual([
      ['FIXED 2012-04-01 2012-05-01 0'],
      ['FIXED 2012-04-04 2012-05-01 0'],
      ['RECURRING 2012-05-01 2012-06-01 599.95'],
      ['RECURRING 2012-05-07 2012-06-01 8.02', 'REPAIR_ADJ 2012-05-07 2012-06-01 -483.83'],
      ['RECURRING 2012-05-08 2012-06-01 23.19', 'REPAIR_ADJ 2012-05-08 2012-06-01 -7.7'],
      ['RECURRING 2012-06-01 2012-07-01 29.95'],
      [],
    ]);
  });

  it('caps the repair of a 500 item already adjusted by 333.33 at the 166.67 left', () => {
    const events = [ev('2012-06-01', { recurringPrice: '500', billCycleDayLocal: 1 })];
    const first = invoiceThrough(events, ['2012-06-01']);
    const billed = first.existing[0]!;
    const adjustment: ExistingItem = { ...billed, id: 'adj-1', type: 'ITEM_ADJ', amount: new Decimal('-333.33'), rate: null, linkedItemId: billed.id, planName: null, phaseName: null };
    const { items } = run([...events, stop('2012-06-01', 'CANCEL')], '2012-06-01', { existing: [...first.existing, adjustment] });
    expect(rows(items)).toEqual(['REPAIR_ADJ 2012-06-01 2012-07-01 -166.67']);
    expect(items[0]!.explanation).toMatchObject({ cappedAt: '166.67' });
    // A partial cancellation (20/30 of 500 = 333.33) is capped the same way.
    const partial = run([...events, stop('2012-06-11', 'CANCEL')], '2012-06-11', { existing: [...first.existing, adjustment] });
    expect(rows(partial.items)).toEqual(['REPAIR_ADJ 2012-06-11 2012-07-01 -166.67']);
  });

  it('repairs the old plan and bills the new one on a change after the BCD (24/31 × 29.95 = 23.19)', () => {
    const first = invoiceThrough([monthly('2012-05-01')], ['2012-05-01']);
    const events = [monthly('2012-05-01'), monthly('2012-05-08', { type: 'CHANGE', planName: 'shotgun-monthly', recurringPrice: '59.95' })];
    const { items } = run(events, '2012-05-08', { existing: first.existing });
    expect(rows(items)).toEqual(['RECURRING 2012-05-08 2012-06-01 46.41', 'REPAIR_ADJ 2012-05-08 2012-06-01 -23.19']);
  });

  it('repairs the whole next period on a change on the BCD once that period is billed', () => {
    const billed = invoiceThrough([monthly('2012-05-01')], ['2012-05-01', '2012-06-01']);
    const events = [monthly('2012-05-01'), monthly('2012-06-01', { type: 'CHANGE', planName: 'shotgun-monthly', recurringPrice: '59.95' })];
    const { items } = run(events, '2012-06-01', { existing: billed.existing });
    expect(rows(items)).toEqual(['RECURRING 2012-06-01 2012-07-01 59.95', 'REPAIR_ADJ 2012-06-01 2012-07-01 -29.95']);
  });

  it('repairs the days left to the BCD on a change before it (BCD 15, change on 05-10)', () => {
    const created = [monthly('2012-05-01', { billCycleDayLocal: 15 })];
    const first = invoiceThrough(created, ['2012-05-01']);
    expect(first.runs.map(rows)).toEqual([['RECURRING 2012-05-01 2012-05-15 13.98']]);
    const events = [...created, monthly('2012-05-10', { type: 'CHANGE', planName: 'shotgun-monthly', recurringPrice: '59.95', billCycleDayLocal: 15 })];
    const { items } = run(events, '2012-05-10', { existing: first.existing });
    // 14/30 × 29.95 billed for [05-01, 05-15]; 5 of its 14 days go back: 5/14 × 13.98 = 4.99. The new plan: 5/30 × 59.95.
    expect(rows(items)).toEqual(['RECURRING 2012-05-10 2012-05-15 9.99', 'REPAIR_ADJ 2012-05-10 2012-05-15 -4.99']);
  });

  it('bills an in-arrear period cut by a change at once and the new plan at its BCD, with no repair', () => {
    const arrear = { billingMode: 'IN_ARREAR', recurringPrice: '100', billCycleDayLocal: 1 } as const;
    const events = [ev('2020-01-01', arrear), ev('2020-01-15', { ...arrear, type: 'CHANGE', planName: 'shotgun', recurringPrice: '200' })];
    const { runs } = invoiceThrough(events, ['2020-01-15', '2020-02-01']);
    expect(runs.map(rows)).toEqual([['RECURRING 2020-01-01 2020-01-15 45.16'], ['RECURRING 2020-01-15 2020-02-01 109.68']]);
  });

  it('repairs one day on a cancellation the day before the BCD', () => {
    const billed = invoiceThrough([monthly('2012-05-01')], ['2012-05-01']);
    const { items } = run([monthly('2012-05-01'), stop('2012-05-31', 'CANCEL')], '2012-05-31', { existing: billed.existing });
    expect(rows(items)).toEqual(['REPAIR_ADJ 2012-05-31 2012-06-01 -0.97']);
  });

  it('repairs the rest of the period on a cancellation after the BCD, and nothing more on a re-run', () => {
    const events = [monthly('2012-05-01'), stop('2012-06-15', 'CANCEL')];
    const { runs, existing } = invoiceThrough([monthly('2012-05-01')], ['2012-05-01', '2012-06-01']);
    const history = invoiceThrough(events, ['2012-06-15', '2012-06-16', '2012-07-01'], { existing });
    expect(runs.map(rows)).toEqual([['RECURRING 2012-05-01 2012-06-01 29.95'], ['RECURRING 2012-06-01 2012-07-01 29.95']]);
    expect(history.runs.map(rows)).toEqual([['REPAIR_ADJ 2012-06-15 2012-07-01 -15.97'], [], []]);
  });

  it('bills a repaired stretch again when it is covered again (cancel, then uncancel)', () => {
    const created = [monthly('2012-05-01')];
    const first = invoiceThrough(created, ['2012-05-01']);
    const cancelled = invoiceThrough([...created, stop('2012-05-15', 'CANCEL')], ['2012-05-15'], { existing: first.existing });
    expect(cancelled.runs.map(rows)).toEqual([['REPAIR_ADJ 2012-05-15 2012-06-01 -16.42']]);
    const uncancelled = invoiceThrough(created, ['2012-05-16', '2012-05-17'], { existing: cancelled.existing });
    expect(uncancelled.runs.map(rows)).toEqual([['RECURRING 2012-05-15 2012-06-01 16.42'], []]);
  });

  it('repairs only the newly uncovered days when a cancellation moves earlier', () => {
    const created = [monthly('2012-05-01')];
    const first = invoiceThrough(created, ['2012-05-01']);
    const late = invoiceThrough([...created, stop('2012-05-20', 'CANCEL')], ['2012-05-20'], { existing: first.existing });
    expect(late.runs.map(rows)).toEqual([['REPAIR_ADJ 2012-05-20 2012-06-01 -11.59']]);
    const early = run([...created, stop('2012-05-10', 'CANCEL')], '2012-05-20', { existing: late.existing });
    expect(rows(early.items)).toEqual(['REPAIR_ADJ 2012-05-10 2012-05-20 -9.66']);
  });

  it('never repairs $0 RECURRING items', () => {
    const free = [ev('2012-05-01', { recurringPrice: '0', billCycleDayLocal: 1 })];
    const first = invoiceThrough(free, ['2012-05-01']);
    const { items } = run([...free, stop('2012-05-15', 'CANCEL')], '2012-05-15', { existing: first.existing });
    expect(items.filter((i) => i.type === 'REPAIR_ADJ')).toEqual([]);
  });

  it('never repairs FIXED items', () => {
    const events = [ev('2012-05-01', { fixedPrice: '100', billCycleDayLocal: 1, recurringPrice: null, billingPeriod: 'NO_BILLING_PERIOD' })];
    const first = invoiceThrough(events, ['2012-05-01']);
    expect(run([...events, stop('2012-05-02', 'CANCEL')], '2012-05-02', { existing: first.existing }).items).toEqual([]);
  });

  it('repairs and re-bills at the new rate on a quantity change mid-period', () => {
    const first = invoiceThrough([monthly('2012-05-01')], ['2012-05-01']);
    const events = [monthly('2012-05-01'), monthly('2012-05-16', { type: 'QUANTITY_CHANGE', quantity: 2 })];
    const { items } = run(events, '2012-05-16', { existing: first.existing });
    expect(rows(items)).toEqual(['RECURRING 2012-05-16 2012-06-01 30.92', 'REPAIR_ADJ 2012-05-16 2012-06-01 -15.46']);
  });

  it('repairs a billing-blocked stretch (-233.82) and bills a leading period from the resume (+224.96)', () => {
    const price = { recurringPrice: '249.95' };
    const events = [monthly('2012-05-01', price), stop('2012-05-03', 'START_BILLING_DISABLED'), monthly('2012-06-04', { ...price, type: 'END_BILLING_DISABLED' })];
    // The first run saw only the creation (the pause was not yet requested).
    const first = invoiceThrough([monthly('2012-05-01', price)], ['2012-05-01']);
    const { runs } = invoiceThrough(events, ['2012-05-03', '2012-06-04', '2012-06-05'], { existing: first.existing });
    expect(runs.map(rows)).toEqual([['REPAIR_ADJ 2012-05-03 2012-06-01 -233.82'], ['RECURRING 2012-06-04 2012-07-01 224.96'], []]);
  });

  it('repairs every billed day of a subscription whose events are gone', () => {
    const first = invoiceThrough([monthly('2012-05-01')], ['2012-05-01']);
    expect(rows(run([], '2012-05-10', { existing: first.existing }).items)).toEqual(['REPAIR_ADJ 2012-05-01 2012-06-01 -29.95']);
  });

  it('ignores an item fully repaired by amount together with its repairs', () => {
    const item: ExistingItem = { id: 'r1', invoiceId: 'i1', type: 'RECURRING', subscriptionId: 'sub-1', planName: 'pistol-monthly', phaseName: 'pistol-monthly-evergreen', startDate: d('2012-05-01'), endDate: d('2012-06-01'), amount: new Decimal('29.95'), rate: new Decimal('29.95'), linkedItemId: null };
    const repair: ExistingItem = { ...item, id: 'rep1', type: 'REPAIR_ADJ', subscriptionId: null, amount: new Decimal('-29.95'), rate: null, linkedItemId: 'r1' };
    expect(run([], '2012-05-10', { existing: [item, repair] }).items).toEqual([]);
  });
});

describe('an existing double billing (ILLEGAL INVOICING STATE)', () => {
  it('fails the run with UNEXPECTED_ERROR rather than repairing on top of two items billing the same days', () => {
    const events = [monthly('2012-04-01')];
    const billed = asExisting(run(events, '2012-04-01').items);
    // The same period written twice (a bad manual write, or a bug that a later run must not build on).
    const twice = [...billed, ...asExisting(run(events, '2012-04-01').items)];
    expect(() => run(events, '2012-05-01', { existing: twice })).toThrow(/^ILLEGAL INVOICING STATE subscriptionId='sub-1': items .* both bill 2012-04-01$/);
  });

  it('accepts a repaired stretch billed again (cancel, then uncancel)', () => {
    const events = [monthly('2012-04-01')];
    const first = invoiceThrough(events, ['2012-04-01']);
    const repaired = run([...events, stop('2012-04-10', 'CANCEL')], '2012-04-10', { existing: first.existing }).items;
    const existing = [...first.existing, ...asExisting(repaired)];
    const again = run(events, '2012-04-11', { existing }).items;
    expect(rows(again)).toEqual(['RECURRING 2012-04-10 2012-05-01 20.97']);
    expect(run(events, '2012-04-11', { existing: [...existing, ...asExisting(again)] }).items).toEqual([]);
  });
});
