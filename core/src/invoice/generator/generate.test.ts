import { Decimal } from 'decimal.js';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { isBillingError } from '../../errors/index.js';
import { AccountTime } from '../../subscription/account-time.js';
import type { BillingEvent } from '../../subscription/billing-events.js';
import { generateItems } from './generate.js';
import { plusDays } from './dates.js';
import { checkSafetyBounds } from './safety.js';
import { asExisting, d, ev, invoiceThrough, rows, run, stop, type RunOptions } from './test-events.js';
import type { ProposedItem } from './types.js';

/** Every day from `from` to `to` inclusive. */
function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (let x = d(from); x <= to; x = plusDays(x, 1)) out.push(x);
  return out;
}

/** Runs on each target, writes the items, and checks that the same run again writes nothing. */
function expectRerunsWriteNothing(events: readonly BillingEvent[], targets: readonly string[], options: RunOptions = {}): ProposedItem[][] {
  const existing = [...(options.existing ?? [])];
  const runs: ProposedItem[][] = [];
  for (const t of targets) {
    const first = run(events, t, { ...options, existing });
    existing.push(...asExisting(first.items));
    runs.push([...first.items]);
    const again = run(events, t, { ...options, existing });
    expect({ target: t, items: rows(again.items) }).toEqual({ target: t, items: [] });
  }
  return runs;
}

const SCENARIOS: Record<string, { events: BillingEvent[]; options?: RunOptions }> = {
  'a BCD 31 monthly plan changed twice and cancelled': {
    events: [
      ev('2012-01-15', { recurringPrice: '29.95', billCycleDayLocal: 31 }),
      ev('2012-02-10', { type: 'CHANGE', planName: 'shotgun', recurringPrice: '59.95', billCycleDayLocal: 31 }),
      ev('2012-04-30', { type: 'CHANGE', planName: 'rifle', recurringPrice: '99.95', billCycleDayLocal: 31 }),
      stop('2012-06-03', 'CANCEL'),
    ],
  },
  'an annual plan with a BCD change': {
    events: [ev('2012-02-29', { recurringPrice: '2399.95', billingPeriod: 'ANNUAL', billCycleDayLocal: 29 }), ev('2013-05-10', { type: 'BCD_CHANGE', recurringPrice: '2399.95', billingPeriod: 'ANNUAL', billCycleDayLocal: 10 })],
  },
  'a weekly plan with a quantity change': {
    events: [ev('2012-02-27', { billingPeriod: 'WEEKLY', recurringPrice: '7' }), ev('2012-03-08', { type: 'QUANTITY_CHANGE', billingPeriod: 'WEEKLY', recurringPrice: '7', quantity: 3 })],
  },
  'a trial, an evergreen phase and a pause': {
    events: [
      ev('2012-04-01', { phaseType: 'TRIAL', fixedPrice: '0', recurringPrice: null, billingPeriod: 'NO_BILLING_PERIOD', phaseDuration: { unit: 'DAYS', number: 30 } }),
      ev('2012-05-01', { type: 'PHASE', recurringPrice: '249.95', billCycleDayLocal: 1 }),
      stop('2012-05-20', 'START_BILLING_DISABLED'),
      ev('2012-06-10', { type: 'END_BILLING_DISABLED', recurringPrice: '249.95', billCycleDayLocal: 1 }),
    ],
  },
  'an in-arrear plan paused and resumed': {
    events: [
      ev('2020-01-01', { billingMode: 'IN_ARREAR', recurringPrice: '100', billCycleDayLocal: 1 }),
      stop('2020-01-15', 'START_BILLING_DISABLED'),
      ev('2020-01-20', { type: 'END_BILLING_DISABLED', billingMode: 'IN_ARREAR', recurringPrice: '100', billCycleDayLocal: 1 }),
      stop('2020-03-10', 'CANCEL'),
    ],
  },
  'two subscriptions in BTC with fixed proration days': {
    events: [
      ev('2012-01-31', { currency: 'BTC', recurringPrice: '0.0123', billCycleDayLocal: 31 }),
      ev('2012-02-05', { subscriptionId: 'sub-2', currency: 'BTC', recurringPrice: '0.5', fixedPrice: '0.1', billCycleDayLocal: 31 }),
      ev('2012-03-17', { subscriptionId: 'sub-2', type: 'CHANGE', planName: 'rifle', currency: 'BTC', recurringPrice: '0.75', billCycleDayLocal: 31 }),
    ],
    options: { currency: 'BTC', config: { maxDailyItemsPerSubscription: 15, fixedProrationDays: 30 } },
  },
};

describe('the generator', () => {
  for (const [name, { events, options }] of Object.entries(SCENARIOS)) {
    it(`writes nothing when re-run with nothing changed: ${name}`, () => {
      const targets = days('2012-01-01', '2012-07-31').filter((_, i) => i % 3 === 0);
      const arrearTargets = days('2020-01-01', '2020-04-30').filter((_, i) => i % 2 === 0);
      const runs = expectRerunsWriteNothing(events, events[0]!.effectiveDate.year === 2020 ? arrearTargets : targets, options);
      expect(runs.flat().length).toBeGreaterThan(0);
    });
  }

  it('writes nothing when its own output from scratch is fed back, whatever the target', () => {
    const { events } = SCENARIOS['a BCD 31 monthly plan changed twice and cancelled']!;
    for (const target of ['2012-01-15', '2012-02-10', '2012-03-01', '2012-06-03', '2012-09-01']) {
      const first = run(events, target);
      expect(run(events, target, { existing: asExisting(first.items) }).items).toEqual([]);
    }
  });

  it('writes the same net amount over a life whether invoiced every day or once at the end', () => {
    const { events } = SCENARIOS['a BCD 31 monthly plan changed twice and cancelled']!;
    const daily = invoiceThrough(events, days('2012-01-15', '2012-06-10'));
    const once = run(events, '2012-06-10');
    const net = (items: readonly { amount: Decimal }[]) => items.reduce((s, i) => s.plus(i.amount), new Decimal(0)).toFixed(2);
    // Repairs are pro-rated on billed amounts, so the two paths may differ by rounding cents only.
    expect(Math.abs(Number(net(daily.existing)) - Number(net(once.items)))).toBeLessThan(0.05);
  });

  it("lists each subscription's items by start date, FIXED before RECURRING", () => {
    const events = [ev('2012-04-01', { fixedPrice: '5', billCycleDayLocal: 1 }), ev('2012-04-01', { subscriptionId: 'sub-2', billCycleDayLocal: 1 })];
    const { items } = run(events, '2012-05-01');
    expect(items.map((i) => `${i.subscriptionId} ${i.type} ${i.startDate}`)).toEqual([
      'sub-1 FIXED 2012-04-01',
      'sub-1 RECURRING 2012-04-01',
      'sub-1 RECURRING 2012-05-01',
      'sub-2 RECURRING 2012-04-01',
      'sub-2 RECURRING 2012-05-01',
    ]);
  });
});

describe('dates in the account zone', () => {
  it('takes each event on its day in the account fixed offset (Samoa, UTC-11: 2013-08-02T06:00Z is 2013-08-01)', () => {
    const samoa = new AccountTime('Pacific/Samoa', DateTime.fromISO('2013-08-01T12:00:00Z', { zone: 'utc' }));
    const e = { ...ev('2013-08-02', { billCycleDayLocal: 1 }), effectiveDate: DateTime.fromISO('2013-08-02T06:00:00Z', { zone: 'utc' }) };
    const { items } = generateItems({ time: samoa, currency: 'USD', targetDate: d('2013-08-01'), events: [e], existing: [] });
    expect(rows(items)).toEqual(['RECURRING 2013-08-01 2013-09-01 10']);
  });
});

describe('next billing and charged-through dates', () => {
  it('bills in advance only up to a cancellation already scheduled, and schedules the next run there', () => {
    const { items, nextBillingDates } = run([ev('2012-03-01', { billCycleDayLocal: 1 }), stop('2012-03-20', 'CANCEL')], '2012-03-01');
    expect([rows(items), nextBillingDates.get('sub-1')]).toEqual([['RECURRING 2012-03-01 2012-03-20 6.13'], '2012-03-20']);
  });

  it('schedules an in-advance subscription at the end of its last billed period', () => {
    const { nextBillingDates, chargedThroughDates } = run([ev('2012-03-02', { billCycleDayLocal: 31 })], '2012-03-02');
    expect([nextBillingDates.get('sub-1'), chargedThroughDates.get('sub-1')]).toEqual(['2012-03-31', '2012-03-31']);
  });

  it('schedules no new run when a re-run writes nothing, and keeps the charged-through date from the existing items', () => {
    const events = [ev('2012-03-01', { billCycleDayLocal: 1 })];
    const first = invoiceThrough(events, ['2012-03-01']);
    const again = run(events, '2012-03-01', { existing: first.existing });
    expect([again.nextBillingDates.has('sub-1'), again.chargedThroughDates.get('sub-1')]).toEqual([false, '2012-04-01']);
  });

  it('schedules an in-arrear subscription at its next BCD', () => {
    const { nextBillingDates } = run([ev('2020-01-10', { billingMode: 'IN_ARREAR', billCycleDayLocal: 1 })], '2020-02-01');
    expect(nextBillingDates.get('sub-1')).toBe('2020-03-01');
  });

  it('schedules nothing after a cancellation that has happened', () => {
    const { nextBillingDates } = run([ev('2012-03-01', { billCycleDayLocal: 1 }), stop('2012-03-10', 'CANCEL')], '2012-03-10');
    expect(nextBillingDates.has('sub-1')).toBe(false);
  });

  it('takes the end of a $0 trial as the charged-through date', () => {
    const events = [ev('2012-04-01', { phaseType: 'TRIAL', fixedPrice: '0', recurringPrice: null, billingPeriod: 'NO_BILLING_PERIOD' }), ev('2012-05-01', { type: 'PHASE', billCycleDayLocal: 1 })];
    const { chargedThroughDates, nextBillingDates } = run(events, '2012-04-01');
    expect([chargedThroughDates.get('sub-1'), nextBillingDates.has('sub-1')]).toEqual(['2012-05-01', false]);
  });
});

describe('safety bounds', () => {
  const daily = [ev('2012-03-01', { billingPeriod: 'DAILY', recurringPrice: '1' })];

  it('refuses more than 15 items for one subscription in one day with SAFETY BOUND TRIGGERED', () => {
    expect(run(daily, '2012-03-15').items).toHaveLength(15);
    try {
      run(daily, '2012-03-16');
      expect.unreachable();
    } catch (e) {
      expect(isBillingError(e, 'UNEXPECTED_ERROR')).toBe(true);
      expect((e as Error).message).toMatch(/^SAFETY BOUND TRIGGERED /);
    }
  });

  it('counts the items already written today', () => {
    const first = invoiceThrough(daily, ['2012-03-10']);
    const existing = first.existing.map((i) => ({ ...i, createdDay: d('2012-03-10') }));
    // 10 items written on 03-10 and 7 more the same day is 17.
    expect(() => run(daily, '2012-03-17', { existing, today: '2012-03-10' })).toThrow(/SAFETY BOUND TRIGGERED/);
    expect(run(daily, '2012-03-17', { existing, today: '2012-03-11' }).items).toHaveLength(7);
  });

  it('can be turned off with -1', () => {
    expect(run(daily, '2012-03-31', { config: { maxDailyItemsPerSubscription: -1, fixedProrationDays: 0 } }).items).toHaveLength(31);
  });

  it('refuses two FIXED items for one subscription and start date, or two RECURRING items for one period', () => {
    const { items } = run([ev('2012-03-01', { fixedPrice: '1', billCycleDayLocal: 1 })], '2012-03-01');
    const fixed = items.find((i) => i.type === 'FIXED')!;
    const recurring = items.find((i) => i.type === 'RECURRING')!;
    expect(() => checkSafetyBounds('sub-1', [fixed, { ...fixed, amount: new Decimal(2) }], 0, 15)).toThrow(/SAFETY BOUND TRIGGERED Multiple FIXED/);
    expect(() => checkSafetyBounds('sub-1', [recurring, recurring], 0, 15)).toThrow(/SAFETY BOUND TRIGGERED Multiple RECURRING/);
  });
});
