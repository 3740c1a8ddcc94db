import { describe, expect, it } from 'vitest';
import { plan, product, utc, version } from '../../../test/support/catalog-builder.js';
import { isBillingError } from '../errors/index.js';
import { VersionedCatalog } from './versioned.js';

const products = [product('Basic'), product('Pro'), product('Extra', 'ADD_ON')];

/** v1 (Jan): basic-monthly at 10. v2 (Feb): basic-monthly at 20, not for existing subscriptions. v3 (Mar): 30, for existing from Apr 1st. */
const v1 = version({ effectiveDate: '2024-01-01T00:00:00Z', products, plans: [plan('basic-monthly', 'Basic', { price: '10' }), plan('old-plan', 'Basic', { period: 'ANNUAL' })] });
const v2 = version({ effectiveDate: '2024-02-01T00:00:00Z', products, plans: [plan('basic-monthly', 'Basic', { price: '20' })] });
const v3 = version({
  effectiveDate: '2024-03-01T00:00:00Z',
  products,
  plans: [plan('basic-monthly', 'Basic', { price: '30', forExisting: '2024-04-01T00:00:00Z' }), plan('pro-monthly', 'Pro')],
});
// Given out of order on purpose: the catalog sorts by effective date.
const catalog = new VersionedCatalog([v3, v1, v2]);

const priceOf = (p: { plan: { finalPhase: { recurring: { price: readonly { value: { toFixed(): string } | null }[] | null } | null } } }) =>
  p.plan.finalPhase.recurring?.price?.[0]?.value?.toFixed();

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (isBillingError(e)) return e.code;
    throw e;
  }
  return undefined;
}

describe('the version in force at a date', () => {
  it('is the latest version whose effective date is at or before the date', () => {
    expect(catalog.versions.map((v) => v.effectiveDate.toISODate())).toEqual(['2024-01-01', '2024-02-01', '2024-03-01']);
    expect(catalog.versionAt(utc('2024-02-01T00:00:00Z'))).toBe(v2);
    expect(catalog.versionAt(utc('2024-02-29T23:59:59Z'))).toBe(v2);
    expect(catalog.versionAt(utc('2030-01-01T00:00:00Z'))).toBe(v3);
  });

  it('is the first version for a date before it, as Kill Bill (issue #760)', () => {
    expect(catalog.versionAt(utc('2023-06-01T00:00:00Z'))).toBe(v1);
  });

  it('fails with CAT_NO_CATALOG_FOR_GIVEN_DATE only when there is no version at all', () => {
    expect(codeOf(() => new VersionedCatalog([]).versionAt(utc('2024-01-01T00:00:00Z')))).toBe('CAT_NO_CATALOG_FOR_GIVEN_DATE');
  });

  it('names the catalog and its current version after the newest one', () => {
    expect(catalog.catalogName).toBe('Test');
    expect(catalog.currentVersion()).toBe(v3);
  });
});

describe('finding the plan of a subscription (SubscriptionCatalog)', () => {
  it('gives a new subscription the plan of the version in force', () => {
    const feb = utc('2024-02-10T00:00:00Z');
    const found = catalog.findPlan('basic-monthly', feb, feb);
    expect(found.version).toBe(v2);
    expect(priceOf(found)).toBe('20');
  });

  it('keeps an existing subscription on its version when the newer plan does not apply to existing subscriptions', () => {
    // Created in January, read in February: v2 has no effectiveDateForExistingSubscriptions.
    const found = catalog.findPlan('basic-monthly', utc('2024-02-15T00:00:00Z'), utc('2024-01-10T00:00:00Z'));
    expect(found.version).toBe(v1);
    expect(priceOf(found)).toBe('10');
  });

  it('moves existing subscriptions to a newer plan once its effectiveDateForExistingSubscriptions has come', () => {
    const created = utc('2024-01-10T00:00:00Z');
    expect(priceOf(catalog.findPlan('basic-monthly', utc('2024-03-15T00:00:00Z'), created))).toBe('10');
    const april = catalog.findPlan('basic-monthly', utc('2024-04-01T00:00:00Z'), created);
    expect(april.version).toBe(v3);
    expect(priceOf(april)).toBe('30');
  });

  it('uses the version in force at the last plan change, not at the creation', () => {
    expect(priceOf(catalog.findPlan('basic-monthly', utc('2024-03-15T00:00:00Z'), utc('2024-02-05T00:00:00Z')))).toBe('20');
  });

  it('keeps a retired plan working for existing subscriptions', () => {
    const found = catalog.findPlan('old-plan', utc('2024-06-01T00:00:00Z'), utc('2024-01-15T00:00:00Z'));
    expect(found.version).toBe(v1);
    expect(found.plan.name).toBe('old-plan');
  });

  it('falls back on the newest version holding the plan when it only appeared after the subscription date', () => {
    const found = catalog.findPlan('pro-monthly', utc('2024-03-10T00:00:00Z'), utc('2024-01-15T00:00:00Z'));
    expect(found.version).toBe(v3);
  });

  it('does not see a plan of a version that is not in force yet', () => {
    expect(codeOf(() => catalog.findPlan('pro-monthly', utc('2024-02-10T00:00:00Z')))).toBe('CAT_PLAN_NOT_FOUND');
  });

  it('fails with CAT_PLAN_NOT_FOUND for a plan no version has', () => {
    expect(codeOf(() => catalog.findPlan('nope', utc('2024-02-10T00:00:00Z')))).toBe('CAT_PLAN_NOT_FOUND');
  });
});

describe('finding a plan by product, billing period and price list', () => {
  const twoPlans = version({
    effectiveDate: '2024-01-01T00:00:00Z',
    products,
    plans: [plan('basic-monthly', 'Basic'), plan('basic-monthly-promo', 'Basic', { price: '5' }), plan('basic-annual', 'Basic', { period: 'ANNUAL' })],
    defaultPlans: ['basic-monthly', 'basic-annual'],
    childPriceLists: { PROMO: ['basic-monthly-promo'], TWICE: ['basic-monthly', 'basic-monthly-promo'] },
  });
  const c = new VersionedCatalog([twoPlans]);
  const at = utc('2024-02-01T00:00:00Z');

  it('finds the plan of the price list, DEFAULT when none is named', () => {
    expect(c.findPlanBySpec({ productName: 'Basic', billingPeriod: 'MONTHLY' }, at).plan.name).toBe('basic-monthly');
    expect(c.findPlanBySpec({ productName: 'Basic', billingPeriod: 'MONTHLY', priceListName: 'PROMO' }, at).plan.name).toBe('basic-monthly-promo');
  });

  it('falls back on DEFAULT when the named price list has no such plan', () => {
    expect(c.findPlanBySpec({ productName: 'Basic', billingPeriod: 'ANNUAL', priceListName: 'PROMO' }, at).plan.name).toBe('basic-annual');
  });

  it('refuses an ambiguous triplet with CAT_MULTIPLE_MATCHING_PLANS_FOR_PRICELIST', () => {
    expect(codeOf(() => c.findPlanBySpec({ productName: 'Basic', billingPeriod: 'MONTHLY', priceListName: 'TWICE' }, at))).toBe(
      'CAT_MULTIPLE_MATCHING_PLANS_FOR_PRICELIST',
    );
  });

  it('fails with CAT_PLAN_NOT_FOUND, CAT_NO_SUCH_PRODUCT or CAT_PRICE_LIST_NOT_FOUND as Kill Bill', () => {
    expect(codeOf(() => c.findPlanBySpec({ productName: 'Basic', billingPeriod: 'WEEKLY' }, at))).toBe('CAT_PLAN_NOT_FOUND');
    expect(codeOf(() => c.findPlanBySpec({ productName: 'Nope', billingPeriod: 'MONTHLY' }, at))).toBe('CAT_NO_SUCH_PRODUCT');
    expect(codeOf(() => c.findPlanBySpec({ productName: 'Basic', billingPeriod: 'MONTHLY', priceListName: 'NOPE' }, at))).toBe('CAT_PRICE_LIST_NOT_FOUND');
  });

  it('finds the price list of a plan: the first one holding it, DEFAULT first', () => {
    expect(c.findPriceListOfPlan('basic-monthly', at).name).toBe('DEFAULT');
    expect(c.findPriceListOfPlan('basic-monthly-promo', at).name).toBe('PROMO');
  });
});

describe('products and phases', () => {
  it('finds a phase by its Kill Bill name through its plan', () => {
    const trial = new VersionedCatalog([version({ effectiveDate: '2024-01-01T00:00:00Z', products, plans: [plan('basic-monthly', 'Basic', { trialDays: 30 })] })]);
    const found = trial.findPhase('basic-monthly-trial', utc('2024-02-01T00:00:00Z'));
    expect(found.phase.type).toBe('TRIAL');
    expect(found.plan.name).toBe('basic-monthly');
    expect(codeOf(() => trial.findPhase('basic-monthly-discount', utc('2024-02-01T00:00:00Z')))).toBe('CAT_NO_SUCH_PHASE');
    expect(codeOf(() => trial.findPhase('basic-monthly', utc('2024-02-01T00:00:00Z')))).toBe('CAT_BAD_PHASE_NAME');
  });

  it('finds a product in the version in force', () => {
    expect(catalog.findProduct('Pro', utc('2024-03-02T00:00:00Z')).name).toBe('Pro');
    const early = new VersionedCatalog([version({ effectiveDate: '2024-01-01T00:00:00Z', products: [product('Basic')], plans: [] }), v3]);
    expect(codeOf(() => early.findProduct('Pro', utc('2024-02-02T00:00:00Z')))).toBe('CAT_NO_SUCH_PRODUCT');
  });
});

describe('available base plans and add-ons', () => {
  const listing = version({
    effectiveDate: '2024-01-01T00:00:00Z',
    products: [product('Basic', 'BASE', ['Extra', 'Gone']), product('Extra', 'ADD_ON'), product('Solo', 'STANDALONE')],
    plans: [
      plan('basic-monthly', 'Basic', { price: '10' }),
      plan('basic-annual', 'Basic', { period: 'ANNUAL', price: '100' }),
      plan('extra-annual', 'Extra', { period: 'ANNUAL' }),
      plan('extra-monthly', 'Extra'),
      plan('solo-monthly', 'Solo'),
    ],
    childPriceLists: { PROMO: ['basic-monthly', 'extra-monthly'] },
  });
  const c = new VersionedCatalog([listing]);

  it('lists every BASE plan once per price list holding it', () => {
    expect(c.availableBasePlans().map((d) => `${d.plan}@${d.priceList}`)).toEqual(['basic-monthly@DEFAULT', 'basic-monthly@PROMO', 'basic-annual@DEFAULT']);
    const first = c.availableBasePlans()[0]!;
    expect(first).toMatchObject({ product: 'Basic', finalPhaseBillingPeriod: 'MONTHLY' });
    expect(first.finalPhaseRecurringPrice[0]?.value?.toFixed()).toBe('10');
  });

  it('lists the available add-ons by billing period, then price list, optionally of one price list', () => {
    expect(c.availableAddons('Basic', null).map((d) => `${d.plan}@${d.priceList}`)).toEqual([
      'extra-monthly@DEFAULT',
      'extra-monthly@PROMO',
      'extra-annual@DEFAULT',
    ]);
    expect(c.availableAddons('Basic', 'PROMO').map((d) => d.plan)).toEqual(['extra-monthly']);
  });

  it('answers no add-ons for an unknown base product', () => {
    expect(c.availableAddons('Nope', null)).toEqual([]);
  });
});
