import { describe, expect, it } from 'vitest';
import { plan, product, version } from '../../../test/support/catalog-builder.js';
import { isBillingError } from '../errors/index.js';
import { billingAlignment, cancelPolicy, changeAlignment, changePolicy, createAlignment, planChangeResult, priceListFor } from './rules.js';

/** The rule set of Kill Bill's beatrix catalogTest.xml (killbill-semantics.md §1.4), in its document order. */
const catalog = version({
  effectiveDate: '2024-01-01T00:00:00Z',
  products: [product('Pistol'), product('Shotgun'), product('Assault-Rifle'), product('Laser-Scope', 'ADD_ON'), product('Telescopic-Scope', 'ADD_ON')],
  plans: [
    plan('pistol-monthly', 'Pistol', { trialDays: 30 }),
    plan('pistol-annual', 'Pistol', { period: 'ANNUAL', trialDays: 30 }),
    plan('shotgun-monthly', 'Shotgun', { trialDays: 30 }),
    plan('assault-rifle-monthly', 'Assault-Rifle'),
    plan('laser-scope-monthly', 'Laser-Scope'),
    plan('telescopic-scope-monthly', 'Telescopic-Scope'),
    plan('pistol-rescue', 'Pistol', { period: 'ANNUAL' }),
  ],
  defaultPlans: ['pistol-monthly', 'pistol-annual', 'shotgun-monthly', 'assault-rifle-monthly', 'laser-scope-monthly', 'telescopic-scope-monthly'],
  childPriceLists: { rescue: ['pistol-rescue'] },
  rules: {
    changePolicy: [
      { phaseType: 'TRIAL', policy: 'IMMEDIATE' },
      { toPriceList: 'rescue', policy: 'END_OF_TERM' },
      { toProduct: 'Assault-Rifle', policy: 'IMMEDIATE' },
      { fromBillingPeriod: 'MONTHLY', toBillingPeriod: 'ANNUAL', policy: 'IMMEDIATE' },
      { fromBillingPeriod: 'ANNUAL', toBillingPeriod: 'MONTHLY', policy: 'END_OF_TERM' },
      { fromProduct: 'Shotgun', toProduct: 'Pistol', policy: 'ILLEGAL' },
      { policy: 'END_OF_TERM' },
    ],
    changeAlignment: [{ toPriceList: 'rescue', alignment: 'CHANGE_OF_PLAN' }, { alignment: 'START_OF_BUNDLE' }],
    cancelPolicy: [{ phaseType: 'TRIAL', policy: 'IMMEDIATE' }, { policy: 'END_OF_TERM' }],
    createAlignment: [{ product: 'Laser-Scope', alignment: 'START_OF_SUBSCRIPTION' }, { alignment: 'START_OF_BUNDLE' }],
    billingAlignment: [{ productCategory: 'ADD_ON', alignment: 'BUNDLE' }, { billingPeriod: 'ANNUAL', alignment: 'SUBSCRIPTION' }, { alignment: 'ACCOUNT' }],
    priceList: [{ product: 'Pistol', fromPriceList: 'DEFAULT', billingPeriod: 'ANNUAL', toPriceList: 'rescue' }],
  },
});

/** The same catalog with no rule cases at all: Kill Bill's hard-coded defaults. */
const bare = { ...catalog, rules: { changePolicy: [], changeAlignment: [], cancelPolicy: [], createAlignment: [], billingAlignment: [], priceList: [] } };

describe('change policy', () => {
  it('takes the first matching case in document order', () => {
    // A TRIAL change matches case 1 before the MONTHLY→ANNUAL case 4.
    expect(changePolicy(catalog, { planName: 'pistol-monthly', phaseType: 'TRIAL' }, { planName: 'pistol-annual' })).toBe('IMMEDIATE');
    expect(changePolicy(catalog, { planName: 'pistol-annual', phaseType: 'EVERGREEN' }, { planName: 'pistol-monthly' })).toBe('END_OF_TERM');
    expect(changePolicy(catalog, { planName: 'pistol-monthly', phaseType: 'EVERGREEN' }, { planName: 'assault-rifle-monthly' })).toBe('IMMEDIATE');
  });

  it('matches qualifiers of a plan given by name with its product, billing period and price list', () => {
    expect(changePolicy(catalog, { planName: 'pistol-monthly', phaseType: 'EVERGREEN' }, { planName: 'pistol-rescue' })).toBe('END_OF_TERM');
    expect(changePolicy(catalog, { planName: 'pistol-monthly', phaseType: 'EVERGREEN' }, { productName: 'Pistol', billingPeriod: 'ANNUAL', priceListName: 'DEFAULT' })).toBe(
      'IMMEDIATE',
    );
  });

  it('falls through to the unqualified case, and to END_OF_TERM without any case', () => {
    expect(changePolicy(catalog, { planName: 'pistol-monthly', phaseType: 'EVERGREEN' }, { planName: 'shotgun-monthly' })).toBe('END_OF_TERM');
    expect(changePolicy(bare, { planName: 'pistol-monthly', phaseType: 'TRIAL' }, { planName: 'assault-rifle-monthly' })).toBe('END_OF_TERM');
  });
});

describe('plan change result', () => {
  it('refuses an ILLEGAL change with CAT_ILLEGAL_CHANGE_REQUEST', () => {
    try {
      planChangeResult(catalog, { planName: 'shotgun-monthly', phaseType: 'EVERGREEN' }, { planName: 'pistol-monthly' });
      expect.unreachable();
    } catch (e) {
      expect(isBillingError(e, 'CAT_ILLEGAL_CHANGE_REQUEST')).toBe(true);
      expect((e as Error).message).toContain("to (product: 'Pistol', billing period: 'MONTHLY', pricelist 'DEFAULT'). This transition is not allowed");
    }
  });

  it('keeps the current price list, or moves to the one a priceListCase names', () => {
    expect(planChangeResult(catalog, { planName: 'shotgun-monthly', phaseType: 'EVERGREEN' }, { productName: 'Assault-Rifle', billingPeriod: 'MONTHLY' })).toEqual({
      newPriceList: 'DEFAULT',
      policy: 'IMMEDIATE',
      alignment: 'START_OF_BUNDLE',
    });
    expect(planChangeResult(catalog, { planName: 'pistol-annual', phaseType: 'EVERGREEN' }, { productName: 'Pistol', billingPeriod: 'ANNUAL' })).toEqual({
      newPriceList: 'rescue',
      policy: 'END_OF_TERM',
      alignment: 'CHANGE_OF_PLAN',
    });
  });
});

describe('the other rules', () => {
  it('change alignment: first match, default START_OF_BUNDLE', () => {
    expect(changeAlignment(catalog, { planName: 'pistol-annual' }, { planName: 'pistol-rescue' })).toBe('CHANGE_OF_PLAN');
    expect(changeAlignment(bare, { planName: 'pistol-annual' }, { planName: 'pistol-rescue' })).toBe('START_OF_BUNDLE');
  });

  it('cancel policy: by phase type, default END_OF_TERM', () => {
    expect(cancelPolicy(catalog, { planName: 'pistol-monthly', phaseType: 'TRIAL' })).toBe('IMMEDIATE');
    expect(cancelPolicy(catalog, { planName: 'pistol-monthly', phaseType: 'EVERGREEN' })).toBe('END_OF_TERM');
    expect(cancelPolicy(bare, { planName: 'pistol-monthly', phaseType: 'TRIAL' })).toBe('END_OF_TERM');
  });

  it('create alignment: by product, default START_OF_BUNDLE', () => {
    expect(createAlignment(catalog, { planName: 'laser-scope-monthly' })).toBe('START_OF_SUBSCRIPTION');
    expect(createAlignment(catalog, { planName: 'telescopic-scope-monthly' })).toBe('START_OF_BUNDLE');
    expect(createAlignment(bare, { planName: 'laser-scope-monthly' })).toBe('START_OF_BUNDLE');
  });

  it('billing alignment: category before billing period as ordered, default ACCOUNT', () => {
    expect(billingAlignment(catalog, { planName: 'laser-scope-monthly', phaseType: 'EVERGREEN' })).toBe('BUNDLE');
    expect(billingAlignment(catalog, { planName: 'pistol-annual', phaseType: 'EVERGREEN' })).toBe('SUBSCRIPTION');
    expect(billingAlignment(catalog, { planName: 'pistol-monthly', phaseType: 'EVERGREEN' })).toBe('ACCOUNT');
    expect(billingAlignment(bare, { planName: 'pistol-annual', phaseType: 'EVERGREEN' })).toBe('ACCOUNT');
  });

  it('price list: the toPriceList of the first matching case, else none', () => {
    expect(priceListFor(catalog, { planName: 'pistol-annual' })).toBe('rescue');
    expect(priceListFor(catalog, { planName: 'pistol-monthly' })).toBeNull();
  });

  it('fails with Kill Bill\'s lookup errors for an unknown plan or product', () => {
    expect(() => cancelPolicy(catalog, { planName: 'nope' })).toThrow(/Could not find any plans named 'nope'/);
    expect(() => createAlignment(catalog, { productName: 'Nope', billingPeriod: 'MONTHLY' })).toThrow(/Could not find any product named 'Nope'/);
  });
});
