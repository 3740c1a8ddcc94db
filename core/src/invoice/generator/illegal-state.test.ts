import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { checkMergedView } from './illegal-state.js';
import { asExisting, d, ev, invoiceThrough, rows, run, stop } from './test-events.js';
import type { ExistingItem, ProposedItem } from './types.js';

/**
 * Kill Bill's other ILLEGAL INVOICING STATE checks (InvoicePruner, ItemsNodeInterval, Item,
 * SubscriptionItemTree), beside the double billing of repair.test.ts: each fails the run with
 * UNEXPECTED_ERROR instead of building on items no correct run writes.
 */

const monthly = (date: string, extra = {}) => ev(date, { recurringPrice: '29.95', billCycleDayLocal: 1, ...extra });

/** May 2012 billed 29.95 on one invoice, as the first run writes it. */
function billedMay() {
  const events = [monthly('2012-05-01')];
  const { existing } = invoiceThrough(events, ['2012-05-01']);
  return { events, item: existing[0]!, existing };
}

const repairOf = (item: ExistingItem, start: string, end: string, amount: string, id = 'repair-1'): ExistingItem => ({
  ...item, id, invoiceId: 'invoice-repair', type: 'REPAIR_ADJ', subscriptionId: null, planName: null, phaseName: null, rate: null,
  startDate: d(start), endDate: d(end), amount: new Decimal(amount), linkedItemId: item.id,
});

const adjustmentOf = (item: ExistingItem, amount: string, id = 'adj-1'): ExistingItem => ({
  ...item, id, type: 'ITEM_ADJ', planName: null, phaseName: null, rate: null, startDate: d('2012-05-10'), endDate: d('2012-05-10'),
  amount: new Decimal(amount), linkedItemId: item.id,
});

function failure(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    return e as { code: string; message: string };
  }
  throw new Error('expected the run to fail');
}

describe('a repair that does not fit the item it repairs', () => {
  it('fails the run when the repaired item is on no invoice the run counts', () => {
    const { events, item } = billedMay();
    // The repair outlived its item: the item's invoice is VOID, so the dispatcher left the item out.
    const e = failure(() => run(events, '2012-05-15', { existing: [repairOf(item, '2012-05-15', '2012-06-01', '-15.46')] }));
    expect(e.code).toBe('UNEXPECTED_ERROR');
    expect(e.message).toBe(`ILLEGAL INVOICING STATE invoiceItemId='repair-1': REPAIR_ADJ [2012-05-15, 2012-06-01) repairs ${item.id}, which is no RECURRING item of the account`);
  });

  it('fails the run when the repair reaches past the dates of its item', () => {
    const { events, item, existing } = billedMay();
    const e = failure(() => run(events, '2012-05-15', { existing: [...existing, repairOf(item, '2012-05-15', '2012-06-15', '-15.46')] }));
    expect(e.message).toBe(
      `ILLEGAL INVOICING STATE subscriptionId='sub-1': REPAIR_ADJ repair-1 [2012-05-15, 2012-06-15) does not fit the item ${item.id} [2012-05-01, 2012-06-01) it repairs`,
    );
  });

  it('fails the run when repairs take back more than the item billed', () => {
    const { events, item, existing } = billedMay();
    const twice = [repairOf(item, '2012-05-01', '2012-06-01', '-29.95'), repairOf(item, '2012-05-15', '2012-06-01', '-15.46', 'repair-2')];
    const e = failure(() => run(events, '2012-05-15', { existing: [...existing, ...twice] }));
    expect(e.message).toBe(`ILLEGAL INVOICING STATE subscriptionId='sub-1': item ${item.id} [2012-05-01, 2012-06-01) of 29.95 is repaired 45.41 and adjusted 0, more than its amount`);
  });

  it('fails the run on an item fully repaired and adjusted as well (Kill Bill: too many repairs)', () => {
    const { events, item, existing } = billedMay();
    const e = failure(() => run(events, '2012-05-15', { existing: [...existing, repairOf(item, '2012-05-01', '2012-06-01', '-29.95'), adjustmentOf(item, '-5')] }));
    expect(e.message).toMatch(/^ILLEGAL INVOICING STATE subscriptionId='sub-1': item .* of 29.95 is repaired 29.95 and adjusted 5, more than its amount$/);
  });

  it('fails the run on a partial repair that, with the adjustments, exceeds the item (20 adjusted, 15.46 repaired of 29.95)', () => {
    const { events, item, existing } = billedMay();
    const e = failure(() => run(events, '2012-05-15', { existing: [...existing, adjustmentOf(item, '-20'), repairOf(item, '2012-05-15', '2012-06-01', '-15.46')] }));
    expect(e.message).toMatch(/is repaired 15.46 and adjusted 20, more than its amount$/);
  });

  it('accepts repairs and adjustments that add up to the item exactly (500 = 333.33 adjusted + 166.67 repaired)', () => {
    const events = [ev('2012-06-01', { recurringPrice: '500', billCycleDayLocal: 1 })];
    const { existing } = invoiceThrough(events, ['2012-06-01']);
    const item = existing[0]!;
    const settled = [...existing, adjustmentOf(item, '-333.33'), repairOf(item, '2012-06-01', '2012-07-01', '-166.67')];
    expect(run([...events, stop('2012-06-01', 'CANCEL')], '2012-06-02', { existing: settled }).items).toEqual([]);
  });

  it('lets an item adjusted beyond its amount through while nothing repairs it, as Kill Bill does for plugin adjustments', () => {
    const { events, item, existing } = billedMay();
    expect(run(events, '2012-05-15', { existing: [...existing, adjustmentOf(item, '-40')] }).items).toEqual([]);
  });
});

describe('an adjustment that does not fit its item', () => {
  it('fails the run on an ITEM_ADJ of a RECURRING item that adds to it instead of taking off', () => {
    const { events, item, existing } = billedMay();
    const e = failure(() => run(events, '2012-05-15', { existing: [...existing, adjustmentOf(item, '5')] }));
    expect(e.message).toBe(`ILLEGAL INVOICING STATE subscriptionId='sub-1': ITEM_ADJ adj-1 of 5 on item ${item.id} takes nothing off it`);
  });

  it('leaves adjustments and repairs of $0 items alone (Kill Bill neither prunes nor repairs them)', () => {
    const free = [ev('2012-05-01', { recurringPrice: '0', billCycleDayLocal: 1 })];
    const { existing } = invoiceThrough(free, ['2012-05-01']);
    expect(rows(run(free, '2012-05-15', { existing: [...existing, adjustmentOf(existing[0]!, '0')] }).items)).toEqual([]);
  });
});

describe('new items of one subscription that cannot be merged', () => {
  const item = (type: ProposedItem['type'], start: string, end: string | null, amount = '10'): ProposedItem => ({
    type, subscriptionId: type === 'REPAIR_ADJ' ? null : 'sub-1', bundleId: null, productName: null, planName: 'pistol-monthly', phaseName: null,
    catalogEffectiveDate: null, startDate: d(start), endDate: end === null ? null : d(end), amount: new Decimal(amount), rate: null, quantity: null,
    linkedItemId: null, explanation: { kind: 'FIXED' } as ProposedItem['explanation'],
  });

  it('refuses two items of one type starting the same day', () => {
    const e = failure(() => checkMergedView('sub-1', [item('FIXED', '2012-05-01', null), item('FIXED', '2012-05-01', null, '20')]));
    expect(e.code).toBe('UNEXPECTED_ERROR');
    expect(e.message).toBe(`ILLEGAL INVOICING STATE subscriptionId='sub-1': two FIXED items start on 2012-05-01, [2012-05-01, null) and [2012-05-01, null), and cannot be merged`);
  });

  it('refuses RECURRING items, or REPAIR_ADJ items, that overlap', () => {
    expect(failure(() => checkMergedView('sub-1', [item('RECURRING', '2012-05-01', '2012-06-01'), item('RECURRING', '2012-05-15', '2012-06-15')])).message).toBe(
      `ILLEGAL INVOICING STATE subscriptionId='sub-1': new RECURRING items [2012-05-01, 2012-06-01) and [2012-05-15, 2012-06-15) overlap`,
    );
    expect(failure(() => checkMergedView('sub-1', [item('REPAIR_ADJ', '2012-05-10', '2012-06-01', '-5'), item('REPAIR_ADJ', '2012-05-01', '2012-05-20', '-5')])).message).toMatch(
      /new REPAIR_ADJ items \[2012-05-01, 2012-05-20\) and \[2012-05-10, 2012-06-01\) overlap$/,
    );
  });

  it('accepts one item of each type on one day, and items that meet end to start', () => {
    const day = [item('FIXED', '2012-05-01', null), item('RECURRING', '2012-05-01', '2012-05-15'), item('REPAIR_ADJ', '2012-05-01', '2012-06-01', '-29.95'), item('RECURRING', '2012-05-15', '2012-06-01')];
    expect(() => checkMergedView('sub-1', day)).not.toThrow();
  });

  it('lets every run of a repaired, changed and cancelled subscription through', () => {
    const created = [monthly('2012-05-01')];
    const first = invoiceThrough(created, ['2012-05-01']);
    const changed = [...created, monthly('2012-05-10', { type: 'CHANGE', planName: 'shotgun-monthly', recurringPrice: '59.95' })];
    const second = run(changed, '2012-05-10', { existing: first.existing });
    expect(rows(second.items)).toEqual(['RECURRING 2012-05-10 2012-06-01 42.55', 'REPAIR_ADJ 2012-05-10 2012-06-01 -21.25']);
    const existing = [...first.existing, ...asExisting(second.items)];
    expect(rows(run([...changed, stop('2012-05-20', 'CANCEL')], '2012-05-20', { existing }).items)).toEqual(['REPAIR_ADJ 2012-05-20 2012-06-01 -23.21']);
  });
});
