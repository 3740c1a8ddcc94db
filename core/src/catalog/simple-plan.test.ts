import { Decimal } from 'decimal.js';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { isBillingError } from '../errors/index.js';
import { addSimplePlan, type SimplePlan } from './simple-plan.js';
import type { CatalogVersion } from './types.js';
import { validateCatalog } from './validate.js';
import { parseCatalogXml } from './xml/parse.js';
import { catalogToXml } from './xml/serialize.js';

const NOW = DateTime.fromISO('2024-03-15T10:20:30.456Z', { zone: 'utc' });

function plan(overrides: Partial<SimplePlan>): SimplePlan {
  return {
    planId: 'basic-monthly',
    productName: 'Basic',
    productCategory: 'BASE',
    currency: 'USD',
    amount: new Decimal('19.95'),
    billingPeriod: 'MONTHLY',
    trialLength: null,
    trialTimeUnit: null,
    availableBaseProducts: null,
    ...overrides,
  };
}

function expectError(fn: () => unknown, code: 'CAT_INVALID_SIMPLE_PLAN_DESCRIPTOR' | 'CAT_FAILED_SIMPLE_PLAN_VALIDATION', text?: string) {
  try {
    fn();
    expect.unreachable();
  } catch (e) {
    expect(isBillingError(e, code), String(e)).toBe(true);
    if (text) expect((e as Error).message).toContain(text);
  }
}

/** The version survives Kill Bill's XML round trip and validation, as the service will store it. */
function roundTrip(version: CatalogVersion): CatalogVersion {
  expect(validateCatalog(version)).toEqual([]);
  const back = parseCatalogXml(catalogToXml(version));
  expect(back.plans.map((p) => p.name)).toEqual(version.plans.map((p) => p.name));
  return back;
}

describe('addSimplePlan on a tenant without a catalog', () => {
  it('builds a first version named DEFAULT, dated the day before, with the DEFAULT price list and sane rules', () => {
    const v = addSimplePlan(null, plan({}), NOW);
    expect(v.catalogName).toBe('DEFAULT');
    expect(v.effectiveDate.toISO()).toBe('2024-03-14T10:20:30.000Z');
    expect(v.recurringBillingMode).toBe('IN_ADVANCE');
    expect(v.currencies).toEqual(['USD']);
    expect(v.products).toEqual([{ name: 'Basic', prettyName: null, category: 'BASE', included: [], available: [], limits: [] }]);
    expect(v.priceLists.defaultPriceList).toEqual({ name: 'DEFAULT', plans: ['basic-monthly'] });
    expect(v.rules.changePolicy).toEqual([{ policy: 'IMMEDIATE' }]);
    expect(v.rules.cancelPolicy).toEqual([{ policy: 'IMMEDIATE' }]);
    expect(v.rules.createAlignment).toEqual([{ alignment: 'START_OF_BUNDLE' }]);
    expect(v.rules.billingAlignment).toEqual([{ alignment: 'ACCOUNT' }]);
    expect(v.rules.priceList).toEqual([{ toPriceList: 'DEFAULT' }]);
    const p = v.plans[0]!;
    expect(p.initialPhases).toEqual([]);
    expect(p.finalPhase.type).toBe('EVERGREEN');
    expect(p.finalPhase.duration).toEqual({ unit: 'UNLIMITED', number: null });
    expect(p.finalPhase.recurring!.billingPeriod).toBe('MONTHLY');
    expect(p.finalPhase.recurring!.price!.map((x) => [x.currency, x.value!.toString()])).toEqual([['USD', '19.95']]);
    const back = roundTrip(v);
    expect(back.plans[0]!.finalPhase.recurring!.price![0]!.value!.toString()).toBe('19.95');
  });

  it('adds a $0 trial phase before the evergreen phase', () => {
    const v = addSimplePlan(null, plan({ trialLength: 14, trialTimeUnit: 'DAYS' }), NOW);
    const trial = v.plans[0]!.initialPhases[0]!;
    expect(trial.type).toBe('TRIAL');
    expect(trial.duration).toEqual({ unit: 'DAYS', number: 14 });
    expect(trial.fixed!.price.map((x) => [x.currency, x.value!.toString()])).toEqual([['USD', '0']]);
    expect(trial.recurring).toBeNull();
    roundTrip(v);
  });

  it('makes no trial of a zero length or an UNLIMITED unit, as Kill Bill', () => {
    expect(addSimplePlan(null, plan({ trialLength: 0, trialTimeUnit: 'DAYS' }), NOW).plans[0]!.initialPhases).toEqual([]);
    expect(addSimplePlan(null, plan({ trialLength: 3, trialTimeUnit: 'UNLIMITED' }), NOW).plans[0]!.initialPhases).toEqual([]);
  });
});

describe('addSimplePlan on an existing version', () => {
  const first = addSimplePlan(null, plan({ trialLength: 30, trialTimeUnit: 'DAYS' }), NOW);

  it('keeps the effective date and name, and appends the product, the plan and the price list entry', () => {
    const v = addSimplePlan(first, plan({ planId: 'pro-annual', productName: 'Pro', billingPeriod: 'ANNUAL', amount: new Decimal('199') }), NOW.plus({ days: 10 }));
    expect(v.effectiveDate.equals(first.effectiveDate)).toBe(true);
    expect(v.catalogName).toBe('DEFAULT');
    expect(v.products.map((p) => p.name)).toEqual(['Basic', 'Pro']);
    expect(v.plans.map((p) => p.name)).toEqual(['basic-monthly', 'pro-annual']);
    expect(v.priceLists.defaultPriceList.plans).toEqual(['basic-monthly', 'pro-annual']);
    expect(v.plans[0]).toBe(first.plans[0]);
    roundTrip(v);
  });

  it('reuses an existing product for a second plan of it', () => {
    const v = addSimplePlan(first, plan({ planId: 'basic-annual', billingPeriod: 'ANNUAL', amount: new Decimal('199.50') }), NOW);
    expect(v.products.map((p) => p.name)).toEqual(['Basic']);
    expect(v.plans.map((p) => p.product)).toEqual(['Basic', 'Basic']);
  });

  it('adds a new currency to the catalog and the plan, and empties the trial price so it is $0 everywhere', () => {
    const v = addSimplePlan(first, plan({ currency: 'EUR', amount: new Decimal('17.50'), trialLength: 30, trialTimeUnit: 'DAYS' }), NOW);
    expect(v.currencies).toEqual(['USD', 'EUR']);
    const p = v.plans[0]!;
    expect(p.finalPhase.recurring!.price!.map((x) => [x.currency, x.value!.toString()])).toEqual([['USD', '19.95'], ['EUR', '17.5']]);
    expect(p.initialPhases[0]!.fixed).toEqual({ price: [] });
    expect(v.priceLists.defaultPriceList.plans).toEqual(['basic-monthly']);
    roundTrip(v);
  });

  it('changes nothing when the same plan is added again with the same definition', () => {
    const v = addSimplePlan(first, plan({ trialLength: 30, trialTimeUnit: 'DAYS' }), NOW);
    expect(v.plans).toEqual(first.plans);
    expect(v.products).toEqual(first.products);
  });

  it('makes an add-on available on its base products', () => {
    const v = addSimplePlan(
      first,
      plan({ planId: 'seats-monthly', productName: 'Seats', productCategory: 'ADD_ON', amount: new Decimal('5'), availableBaseProducts: ['Basic'] }),
      NOW,
    );
    expect(v.products.find((p) => p.name === 'Seats')!.category).toBe('ADD_ON');
    expect(v.products.find((p) => p.name === 'Basic')!.available).toEqual(['Seats']);
    const again = addSimplePlan(v, plan({ planId: 'seats-annual', productName: 'Seats', productCategory: 'ADD_ON', billingPeriod: 'ANNUAL', amount: new Decimal('50'), availableBaseProducts: ['Basic'] }), NOW);
    expect(again.products.find((p) => p.name === 'Basic')!.available).toEqual(['Seats']);
    roundTrip(again);
  });

  it('refuses a plan that exists with a different definition (CAT_FAILED_SIMPLE_PLAN_VALIDATION)', () => {
    expectError(() => addSimplePlan(first, plan({ amount: new Decimal('29.95'), trialLength: 30, trialTimeUnit: 'DAYS' }), NOW), 'CAT_FAILED_SIMPLE_PLAN_VALIDATION', "Failed to validate simple Plan 'basic-monthly'");
    expectError(() => addSimplePlan(first, plan({ billingPeriod: 'ANNUAL' }), NOW), 'CAT_FAILED_SIMPLE_PLAN_VALIDATION');
    expectError(() => addSimplePlan(first, plan({ trialLength: 0, trialTimeUnit: 'DAYS' }), NOW), 'CAT_FAILED_SIMPLE_PLAN_VALIDATION');
    expectError(() => addSimplePlan(first, plan({ trialLength: 7, trialTimeUnit: 'DAYS' }), NOW), 'CAT_FAILED_SIMPLE_PLAN_VALIDATION');
  });

  it('refuses to extend a plan that is not simple', () => {
    const discounted: CatalogVersion = {
      ...first,
      plans: [{ ...first.plans[0]!, initialPhases: [{ ...first.plans[0]!.initialPhases[0]!, type: 'DISCOUNT' }] }],
    };
    expectError(() => addSimplePlan(discounted, plan({ currency: 'EUR' }), NOW), 'CAT_FAILED_SIMPLE_PLAN_VALIDATION');
  });
});

describe('addSimplePlan refuses invalid descriptors as Kill Bill (CAT_INVALID_SIMPLE_PLAN_DESCRIPTOR)', () => {
  it('without a plan id or a product name', () => {
    expectError(() => addSimplePlan(null, plan({ planId: null }), NOW), 'CAT_INVALID_SIMPLE_PLAN_DESCRIPTOR', 'Plan is invalid');
    expectError(() => addSimplePlan(null, plan({ productName: null }), NOW), 'CAT_INVALID_SIMPLE_PLAN_DESCRIPTOR', 'valid product name');
  });

  it('with a negative or missing amount, or no currency', () => {
    expectError(() => addSimplePlan(null, plan({ amount: new Decimal('-1') }), NOW), 'CAT_INVALID_SIMPLE_PLAN_DESCRIPTOR', 'Please check amount and currency');
    expectError(() => addSimplePlan(null, plan({ amount: null }), NOW), 'CAT_INVALID_SIMPLE_PLAN_DESCRIPTOR');
    expectError(() => addSimplePlan(null, plan({ currency: null }), NOW), 'CAT_INVALID_SIMPLE_PLAN_DESCRIPTOR');
  });

  it('for an add-on without base products, or with unknown ones', () => {
    expectError(() => addSimplePlan(null, plan({ productCategory: 'ADD_ON' }), NOW), 'CAT_INVALID_SIMPLE_PLAN_DESCRIPTOR', 'should not be empty');
    expectError(
      () => addSimplePlan(null, plan({ productCategory: 'ADD_ON', availableBaseProducts: ['Nope'] }), NOW),
      'CAT_INVALID_SIMPLE_PLAN_DESCRIPTOR',
      'invalid product',
    );
  });

  it('for a new plan without billing period, a new product without category, or a trial without unit', () => {
    expectError(() => addSimplePlan(null, plan({ billingPeriod: null }), NOW), 'CAT_INVALID_SIMPLE_PLAN_DESCRIPTOR', 'billing period');
    expectError(() => addSimplePlan(null, plan({ productCategory: null }), NOW), 'CAT_INVALID_SIMPLE_PLAN_DESCRIPTOR', 'product category');
    expectError(() => addSimplePlan(null, plan({ trialLength: 7 }), NOW), 'CAT_INVALID_SIMPLE_PLAN_DESCRIPTOR', 'trial time unit');
  });

  it('accepts a zero amount, as Kill Bill checks only for a negative one', () => {
    expect(addSimplePlan(null, plan({ amount: new Decimal(0) }), NOW).plans).toHaveLength(1);
  });
});
