import { readFileSync } from 'node:fs';
import { Decimal } from 'decimal.js';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { CatalogVersion, Phase, Plan, Tier, TieredBlock, Usage } from './types.js';
import { validateCatalog } from './validate.js';
import { parseCatalogXml } from './xml/parse.js';

const saas = parseCatalogXml(readFileSync(new URL('../../../examples/catalogs/saas.xml', import.meta.url), 'utf8'));
const V = saas.effectiveDate.toISO();

const evergreen: Phase = {
  type: 'EVERGREEN', prettyName: null, duration: { unit: 'UNLIMITED', number: null }, fixed: null,
  recurring: { billingPeriod: 'MONTHLY', price: [{ currency: 'USD', value: new Decimal(5) }] }, usages: [],
};
const trial: Phase = { ...evergreen, type: 'TRIAL', duration: { unit: 'DAYS', number: 14 }, fixed: { price: [] }, recurring: null };

function plan(overrides: Partial<Plan>): Plan {
  return {
    name: 'p', prettyName: null, product: 'Starter', recurringBillingMode: 'IN_ADVANCE', effectiveDateForExistingSubscriptions: null,
    initialPhases: [], finalPhase: evergreen, plansAllowedInBundle: -1, ...overrides,
  };
}

/** saas.xml plus one plan `p` (listed in DEFAULT) and the given changes. */
function errorsWith(p: Plan | null, change: Partial<CatalogVersion> = {}): string[] {
  const plans = p === null ? saas.plans : [...saas.plans, p];
  const defaultPriceList = { ...saas.priceLists.defaultPriceList, plans: [...saas.priceLists.defaultPriceList.plans, ...(p ? [p.name] : [])] };
  return validateCatalog({ ...saas, plans, priceLists: { ...saas.priceLists, defaultPriceList }, ...change });
}

const block: TieredBlock = { unit: 'calls', size: new Decimal(10), prices: [{ currency: 'USD', value: new Decimal(1) }], max: null, type: 'VANILLA', minTopUpCredit: null };
const tier: Tier = { limits: [], blocks: [block], fixedPrice: null, recurringPrice: null };
const usage: Usage = {
  name: 'u', prettyName: null, billingMode: 'IN_ARREAR', usageType: 'CONSUMABLE', tierBlockPolicy: 'ALL_TIERS',
  billingPeriod: 'MONTHLY', tiers: [tier], limits: [], blocks: [], fixedPrice: null, recurringPrice: null,
};
function usageErrors(u: Usage): string[] {
  return errorsWith(plan({ finalPhase: { ...evergreen, recurring: null, usages: [u] } }), { units: [{ name: 'calls', prettyName: null }] });
}

describe('validateCatalog', () => {
  it('finds nothing wrong with a valid catalog', () => {
    expect(validateCatalog(saas)).toEqual([]);
    expect(usageErrors(usage)).toEqual([]);
  });

  it('accepts a plan without a price in a declared currency (Kill Bill fails only at subscription time)', () => {
    expect(errorsWith(plan({}))).toEqual([]);
  });

  it('refuses a plan of an unknown product', () => {
    expect(errorsWith(plan({ product: 'Nope' }))).toEqual(["Invalid product for plan 'p': product 'Nope' is not declared"]);
  });

  it('refuses a price list naming an unknown plan', () => {
    const child = { name: 'LAUNCH', plans: ['ghost'] };
    expect(errorsWith(null, { priceLists: { ...saas.priceLists, childPriceLists: [child] } }))
      .toContain("price list 'LAUNCH': plan 'ghost' is not declared");
  });

  it('refuses included and available add-ons that are unknown or not ADD_ON', () => {
    const products = saas.products.map((p) => (p.name === 'Starter' ? { ...p, included: ['Ghost'], available: ['Team', 'Starter'] } : p));
    expect(errorsWith(null, { products })).toEqual([
      "product 'Starter': included add-on 'Ghost' is not a declared product",
      "product 'Starter': available add-on 'Team' is not an ADD_ON product (its category is BASE)",
      "product 'Starter': Product refers to itself in available section",
    ]);
  });

  it('refuses usage units that are not declared', () => {
    expect(errorsWith(plan({ finalPhase: { ...evergreen, usages: [usage] } })))
      .toEqual(["usage 'u': tier 1: tieredBlock 1: unit 'calls' is not declared in <units>"]);
  });

  it.each([
    ['product name', { products: [...saas.products, saas.products[0]!] }, "Duplicate product name 'Starter'"],
    ['plan name', { plans: [...saas.plans, saas.plans[0]!] }, "Duplicate plan name 'starter-monthly'"],
    ['price list name', { priceLists: { ...saas.priceLists, childPriceLists: [{ name: 'LAUNCH', plans: [] }, { name: 'LAUNCH', plans: [] }] } },
      "Duplicate price list name 'LAUNCH'"],
    ['unit name', { units: [{ name: 'x', prettyName: null }, { name: 'x', prettyName: 'X' }] }, "Duplicate unit name 'x'"],
  ] as const)('refuses a duplicate %s', (_what, change, message) => {
    expect(errorsWith(null, change)).toContain(message);
  });

  it('refuses a usage name used twice (an XmlID in Kill Bill)', () => {
    expect(usageErrors({ ...usage, name: 'dup' }).length).toBe(0);
    const p = plan({ finalPhase: { ...evergreen, recurring: null, usages: [usage, usage] } });
    expect(errorsWith(p, { units: [{ name: 'calls', prettyName: null }] })).toEqual(["Duplicate usage name 'u'"]);
  });

  it('refuses an EVERGREEN phase that is not UNLIMITED', () => {
    expect(errorsWith(plan({ finalPhase: { ...evergreen, duration: { unit: 'MONTHS', number: 1 } } })))
      .toEqual([`EVERGREEN Phase 'p-evergreen' for plan 'p' in version '${V}' must have duration as UNLIMITED'`]);
  });

  it('refuses an UNLIMITED phase other than EVERGREEN, and the phases after it', () => {
    expect(errorsWith(plan({ initialPhases: [{ ...trial, duration: { unit: 'UNLIMITED', number: null } }] }))).toEqual([
      'Initial Phase p-trial of plan p has an UNLIMITED duration: the phases after it would never start',
      `'TRIAL' Phase 'p-trial' for plan 'p' in version '${V}' must not have duration as UNLIMITED'`,
    ]);
  });

  it('refuses an EVERGREEN initial phase', () => {
    expect(errorsWith(plan({ initialPhases: [evergreen] }))).toContain('Initial Phase p-evergreen of plan p cannot be of type EVERGREEN');
  });

  it('refuses a TRIAL or DISCOUNT final phase, and accepts a FIXEDTERM one', () => {
    expect(errorsWith(plan({ finalPhase: trial }))).toContain('Final Phase p-trial of plan p cannot be of type TRIAL');
    const discount = { ...trial, type: 'DISCOUNT' as const };
    expect(errorsWith(plan({ finalPhase: discount }))).toContain('Final Phase p-discount of plan p cannot be of type DISCOUNT');
    expect(errorsWith(plan({ finalPhase: { ...trial, type: 'FIXEDTERM' } }))).toEqual([]);
  });

  it('refuses a phase with neither fixed, recurring nor usage section', () => {
    expect(errorsWith(plan({ initialPhases: [{ ...trial, fixed: null }] })))
      .toEqual(['Phase TRIAL of plan p need to define at least either a fixed or recurrring or usage section.']);
  });

  it('refuses durations whose number does not fit the unit', () => {
    expect(errorsWith(plan({ initialPhases: [{ ...trial, duration: { unit: 'DAYS', number: null } }] })))
      .toEqual(["plan 'p': phase TRIAL: duration: Finite Duration must have a well defined length"]);
    expect(errorsWith(plan({ finalPhase: { ...evergreen, duration: { unit: 'UNLIMITED', number: 3 } } })))
      .toEqual(["plan 'p': phase EVERGREEN: duration: Duration can only have 'UNLIMITED' unit if the number is omitted"]);
  });

  it('refuses a recurring price without a billing period, and a billing period without a price', () => {
    expect(errorsWith(plan({ finalPhase: { ...evergreen, recurring: { billingPeriod: 'NO_BILLING_PERIOD', price: [] } } })))
      .toEqual(['Recurring section of Phase EVERGREEN of plan p has a recurring price but no billing period']);
    expect(errorsWith(plan({ finalPhase: { ...evergreen, recurring: { billingPeriod: 'MONTHLY', price: null } } }))).toEqual([
      "Recurring section of Phase EVERGREEN of plan p has no recurring price but does have a billing period. The billing period should be set to 'NO_BILLING_PERIOD'",
    ]);
    expect(errorsWith(plan({ finalPhase: { ...evergreen, recurring: { billingPeriod: 'NO_BILLING_PERIOD', price: null } } }))).toEqual([]);
  });

  it('refuses prices in undeclared currencies and negative prices', () => {
    const fixed = { price: [{ currency: 'GBP' as const, value: new Decimal(1) }, { currency: 'USD' as const, value: new Decimal('-0.01') }] };
    expect(errorsWith(plan({ initialPhases: [{ ...trial, fixed }] }))).toEqual([
      "plan 'p': phase TRIAL: fixed price: Unsupported currency: GBP",
      "plan 'p': phase TRIAL: fixed price: Negative value for price in currency: USD",
    ]);
  });

  it('refuses an effectiveDateForExistingSubscriptions before the catalog effective date', () => {
    const early = DateTime.fromISO('2023-06-01T00:00:00Z', { zone: 'utc' });
    expect(errorsWith(plan({ effectiveDateForExistingSubscriptions: early })))
      .toEqual([`plan 'p': Price effective date ${early.toISO()} is before catalog effective date '${V}'`]);
  });

  it('refuses an IN_ARREAR usage without tiers', () => {
    expect(usageErrors({ ...usage, tiers: [] })).toEqual(["usage 'u': Usage [IN_ARREAR] section of phase p-evergreen needs to define some tiers"]);
  });

  it('refuses CONSUMABLE tiers without blocks', () => {
    expect(usageErrors({ ...usage, tiers: [{ ...tier, blocks: [] }] }))
      .toEqual(["usage 'u': tier 1: Usage [IN_ARREAR CONSUMABLE] section of phase p-evergreen needs to define some blocks"]);
  });

  it('refuses CAPACITY tiers without limits', () => {
    expect(usageErrors({ ...usage, usageType: 'CAPACITY', tiers: [{ ...tier, blocks: [] }] }))
      .toEqual(["usage 'u': tier 1: Usage [IN_ARREAR CAPACITY] section of phase p-evergreen needs to define some limits"]);
  });

  it('refuses IN_ADVANCE usages without limits (CAPACITY) or blocks (CONSUMABLE)', () => {
    expect(usageErrors({ ...usage, billingMode: 'IN_ADVANCE', usageType: 'CAPACITY', tiers: [] }))
      .toEqual(["usage 'u': Usage [IN_ADVANCE CAPACITY] section of phase p-evergreen needs to define some limits"]);
    expect(usageErrors({ ...usage, billingMode: 'IN_ADVANCE', tiers: [] }))
      .toEqual(["usage 'u': Usage [IN_ADVANCE CONSUMABLE] section of phase p-evergreen needs to define some blocks"]);
  });

  it('refuses a TOP_UP block without minTopUpCredit', () => {
    const topUp: TieredBlock = { ...block, type: 'TOP_UP' };
    expect(usageErrors({ ...usage, billingMode: 'IN_ADVANCE', tiers: [], blocks: [topUp] }))
      .toEqual(["usage 'u': block 1: TOP_UP block needs to define minTopUpCredit for phase p-evergreen"]);
    expect(usageErrors({ ...usage, billingMode: 'IN_ADVANCE', tiers: [], blocks: [{ ...topUp, minTopUpCredit: new Decimal(5) }] })).toEqual([]);
  });

  it('refuses a limit whose max is below its min', () => {
    const limits = [{ unit: 'calls', min: new Decimal(10), max: new Decimal(5) }];
    expect(usageErrors({ ...usage, usageType: 'CAPACITY', tiers: [{ ...tier, blocks: [], limits }] }))
      .toEqual(["usage 'u': tier 1: limit 1: max must be greater than min"]);
  });

  it('refuses a usage price in an undeclared currency', () => {
    expect(usageErrors({ ...usage, tiers: [{ ...tier, blocks: [{ ...block, prices: [{ currency: 'JPY', value: new Decimal(1) }] }] }] }))
      .toEqual(["usage 'u': tier 1: tieredBlock 1: prices: Unsupported currency: JPY"]);
  });

  it('requires the default price list to be named DEFAULT and no child to use that name', () => {
    const { defaultPriceList, childPriceLists } = saas.priceLists;
    expect(errorsWith(null, { priceLists: { defaultPriceList: { ...defaultPriceList, name: 'MAIN' }, childPriceLists } }))
      .toContain("defaultPriceList 'MAIN': The name of the default pricelist must be 'DEFAULT'");
    expect(errorsWith(null, { priceLists: { defaultPriceList, childPriceLists: [{ name: 'DEFAULT', plans: [] }] } }))
      .toContain("childPriceList 'DEFAULT': Pricelists cannot use the reserved name 'DEFAULT'");
  });
});

describe('validateCatalog rules', () => {
  const rules = saas.rules;

  it('requires a default change policy case', () => {
    expect(errorsWith(null, { rules: { ...rules, changePolicy: rules.changePolicy.slice(0, -1) } }))
      .toEqual(['Missing default rule case for plan change']);
  });

  it('requires a default cancel policy case', () => {
    expect(errorsWith(null, { rules: { ...rules, cancelPolicy: rules.cancelPolicy.slice(0, -1) } }))
      .toEqual(['Missing default rule case for plan cancellation']);
  });

  it('refuses a duplicate case', () => {
    const changePolicy = [...rules.changePolicy, { phaseType: 'TRIAL' as const, policy: 'IMMEDIATE' as const }];
    expect(errorsWith(null, { rules: { ...rules, changePolicy } }))
      .toEqual(['rules: changePolicyCase 6: Duplicate rule for change plan {policy=IMMEDIATE, phaseType=TRIAL}']);
    const billingAlignment = [...rules.billingAlignment, rules.billingAlignment[0]!];
    expect(errorsWith(null, { rules: { ...rules, billingAlignment } }))
      .toEqual(['rules: billingAlignmentCase 4: Duplicate rule for billing alignment {alignment=BUNDLE, productCategory=ADD_ON}']);
  });

  it('refuses START_OF_TERM as a catalog cancel policy', () => {
    const cancelPolicy = [{ policy: 'START_OF_TERM' as const }];
    expect(errorsWith(null, { rules: { ...rules, cancelPolicy } })).toEqual([
      'rules: cancelPolicyCase 1: Default catalog START_OF_TERM has not been implemented, such policy can be used during cancellation by overriding policy',
    ]);
  });

  it('refuses cases naming unknown products or price lists', () => {
    const createAlignment = [{ product: 'Ghost', alignment: 'START_OF_BUNDLE' as const }, ...rules.createAlignment];
    const priceList = [{ fromPriceList: 'GONE', toPriceList: 'DEFAULT' }];
    expect(errorsWith(null, { rules: { ...rules, createAlignment, priceList } })).toEqual([
      "rules: createAlignmentCase 1: product 'Ghost' is not a declared product",
      "rules: priceListCase 1: fromPriceList 'GONE' is not a declared price list",
    ]);
  });
});
