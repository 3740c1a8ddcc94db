import { Decimal } from 'decimal.js';
import type { DateTime } from 'luxon';
import type { Clock } from '../clock/clock.js';
import type { CallContext } from '../context.js';
import { BillingError } from '../errors/index.js';
import { requirePermission } from '../security/subject.js';
import type { Currency } from '../values/currency.js';
import type { CatalogService } from './service.js';
import type {
  BillingPeriod,
  CatalogVersion,
  InternationalPrice,
  Phase,
  Plan,
  Product,
  ProductCategory,
  Rules,
  TimeUnit,
} from './types.js';
import { catalogToXml } from './xml/serialize.js';

/**
 * addSimplePlan (Kill Bill CatalogUpdater.addSimplePlanDescriptor): grows the tenant's current catalog
 * version by one plan made of an optional $0 trial and an evergreen recurring phase, without writing XML.
 * Pure: the current version (or none) and the descriptor in, the new version out. The service stores the
 * result in place of the current version (DefaultCatalogUserApi.addSimplePlan uses updateTenantKeyValue,
 * which rewrites the last CATALOG value), so its effective date stays; a first version is dated the day
 * before the call (getSafeFirstCatalogEffectiveDate, issue #760).
 */

/** Kill Bill's SimplePlanJson / SimplePlanDescriptor: every field may be absent (null). */
export interface SimplePlan {
  readonly planId: string | null;
  readonly productName: string | null;
  readonly productCategory: ProductCategory | null;
  readonly currency: Currency | null;
  readonly amount: Decimal | null;
  readonly billingPeriod: BillingPeriod | null;
  readonly trialLength: number | null;
  readonly trialTimeUnit: TimeUnit | null;
  readonly availableBaseProducts: readonly string[] | null;
}

/** CatalogUpdater's constant names and messages. */
export const SIMPLE_CATALOG_NAME = 'DEFAULT';
const DEFAULT_PRICE_LIST = 'DEFAULT';
const INVALID_PLAN = 'Plan is invalid. Please check.';
const INVALID_PRODUCT_NAME = 'Please provide valid product name.';
const INVALID_PRICE = 'Please check amount and currency. Amount should be greater than 0 and currency should be valid.';
const BASE_PLAN_PRODUCTS_NOT_EMPTY = 'List of available base products should not be empty for add-ons.';
const EXISTING_PRODUCTS_NOT_EMPTY = 'Available base products contain invalid product.Please check.';

/** CatalogUpdater.getSaneDefaultPlanRules: one unqualified case per section. */
const SANE_DEFAULT_RULES: Rules = {
  changePolicy: [{ policy: 'IMMEDIATE' }],
  changeAlignment: [{ alignment: 'START_OF_BUNDLE' }],
  cancelPolicy: [{ policy: 'IMMEDIATE' }],
  createAlignment: [{ alignment: 'START_OF_BUNDLE' }],
  billingAlignment: [{ alignment: 'ACCOUNT' }],
  priceList: [{ toPriceList: DEFAULT_PRICE_LIST }],
};

/** The version CatalogUpdater(effectiveDate, currency) starts from when the tenant has no catalog. */
export function firstSimpleVersion(now: DateTime, currency: Currency | null): CatalogVersion {
  return {
    catalogName: SIMPLE_CATALOG_NAME,
    effectiveDate: now.toUTC().minus({ days: 1 }).startOf('second'),
    recurringBillingMode: 'IN_ADVANCE',
    currencies: currency ? [currency] : [],
    units: [],
    products: [],
    rules: SANE_DEFAULT_RULES,
    plans: [],
    priceLists: { defaultPriceList: { name: DEFAULT_PRICE_LIST, plans: [] }, childPriceLists: [] },
  };
}

/**
 * POST /1.0/kb/catalog/simplePlan: the tenant's current version grown by the plan, stored in its place
 * (or as the first version). The service re-reads the XML written here and validates it as any upload,
 * so an invalid result is CAT_INVALID_FOR_TENANT and nothing changes.
 */
export async function storeSimplePlan(deps: { catalog: CatalogService; clock: Clock }, ctx: CallContext, desc: SimplePlan): Promise<CatalogVersion> {
  requirePermission(ctx, 'catalog:config_upload');
  const current = (await deps.catalog.get(ctx))?.currentVersion() ?? null;
  const next = addSimplePlan(current, desc, deps.clock.now());
  return deps.catalog.replaceCurrent(ctx, catalogToXml(next));
}

function invalid(message: string): BillingError {
  return new BillingError('CAT_INVALID_SIMPLE_PLAN_DESCRIPTOR', `Invalid simple plan descriptor '${message}'`);
}

/** `current` null: the tenant has no catalog yet, and `now` dates the first version. */
export function addSimplePlan(current: CatalogVersion | null, desc: SimplePlan, now: DateTime): CatalogVersion {
  if (!desc.planId) throw invalid(INVALID_PLAN);
  const version = current ?? firstSimpleVersion(now, desc.currency);
  const existingPlan = version.plans.find((p) => p.name === desc.planId);
  if (!existingPlan && !desc.productName) throw invalid(INVALID_PRODUCT_NAME);
  checkDescriptor(version, desc);
  const currency = desc.currency!;
  const amount = desc.amount!;

  const productName = existingPlan ? existingPlan.product : desc.productName!;
  let products = version.products;
  if (!products.some((p) => p.name === productName)) {
    // Kill Bill would write a product without category and fail the XML check; say which field is missing.
    if (!desc.productCategory) throw invalid('Please provide a product category for a new product.');
    products = [...products, { name: productName, prettyName: null, category: desc.productCategory, included: [], available: [], limits: [] }];
  }

  let plan: Plan;
  if (existingPlan) {
    checkExistingPlan(existingPlan, desc);
    plan = existingPlan;
  } else {
    if (!desc.billingPeriod) throw invalid('Please provide a billing period for a new plan.');
    plan = newPlan(desc.planId, productName, desc, currency);
  }

  let currencies = version.currencies;
  if (!currencies.includes(currency)) {
    currencies = [...currencies, currency];
    // Kill Bill empties the trial's fixed price so that it reads as $0 in every currency (isZero).
    const trial = plan.initialPhases[0];
    if (plan.initialPhases.length === 1 && trial) plan = { ...plan, initialPhases: [{ ...trial, fixed: { price: [] } }] };
  }
  plan = withRecurringPrice(plan, currency, amount);

  if (desc.productCategory === 'ADD_ON') products = withAvailableAddOn(products, desc.availableBaseProducts ?? [], productName);

  const plans = existingPlan ? version.plans.map((p) => (p.name === plan.name ? plan : p)) : [...version.plans, plan];
  const defaultPriceList = version.priceLists.defaultPriceList;
  return {
    ...version,
    currencies,
    products,
    plans,
    priceLists: existingPlan
      ? version.priceLists
      : { ...version.priceLists, defaultPriceList: { ...defaultPriceList, plans: [...defaultPriceList.plans, plan.name] } },
  };
}

/** CatalogUpdater.validateNewPlanDescriptor, plus the trial unit a trial length needs. */
function checkDescriptor(version: CatalogVersion, desc: SimplePlan): void {
  if (desc.amount === null || desc.amount.isNegative() || !desc.currency) throw invalid(INVALID_PRICE);
  if (desc.productCategory === 'ADD_ON') {
    const bases = desc.availableBaseProducts ?? [];
    if (bases.length === 0) throw invalid(BASE_PLAN_PRODUCTS_NOT_EMPTY);
    if (bases.some((name) => !version.products.some((p) => p.name === name))) throw invalid(EXISTING_PRODUCTS_NOT_EMPTY);
  }
  if (hasTrial(desc) && desc.trialTimeUnit === null) throw invalid('Please provide a trial time unit with a trial length.');
}

/** Kill Bill: a trial only when trialLength > 0 and the unit is not UNLIMITED. */
function hasTrial(desc: SimplePlan): boolean {
  return (desc.trialLength ?? 0) > 0 && desc.trialTimeUnit !== 'UNLIMITED';
}

function newPlan(name: string, product: string, desc: SimplePlan, currency: Currency): Plan {
  const initialPhases: Phase[] = hasTrial(desc)
    ? [
        {
          type: 'TRIAL',
          prettyName: null,
          duration: { unit: desc.trialTimeUnit!, number: desc.trialLength! },
          fixed: { price: [{ currency, value: new Decimal(0) }] },
          recurring: null,
          usages: [],
        },
      ]
    : [];
  return {
    name,
    prettyName: null,
    product,
    // CatalogUpdater sets the catalog's mode to IN_ADVANCE before the plan inherits it.
    recurringBillingMode: 'IN_ADVANCE',
    effectiveDateForExistingSubscriptions: null,
    initialPhases,
    finalPhase: {
      type: 'EVERGREEN',
      prettyName: null,
      duration: { unit: 'UNLIMITED', number: null },
      fixed: null,
      recurring: { billingPeriod: desc.billingPeriod!, price: [] },
      usages: [],
    },
    plansAllowedInBundle: -1,
  };
}

/** Adds the currency's price to the evergreen recurring price unless one is there already. */
function withRecurringPrice(plan: Plan, currency: Currency, amount: Decimal): Plan {
  const recurring = plan.finalPhase.recurring!;
  const prices: InternationalPrice = recurring.price ?? [];
  if (prices.some((p) => p.currency === currency)) return plan;
  return { ...plan, finalPhase: { ...plan.finalPhase, recurring: { ...recurring, price: [...prices, { currency, value: amount }] } } };
}

function withAvailableAddOn(products: readonly Product[], bases: readonly string[], addOn: string): Product[] {
  return products.map((p) => (bases.includes(p.name) && !p.available.includes(addOn) ? { ...p, available: [...p.available, addOn] } : p));
}

/**
 * CatalogUpdater.validateExistingPlan: a plan already in the catalog must itself be simple (no initial
 * phase, or one $0 TRIAL; an EVERGREEN recurring final phase) and agree with what the descriptor says of
 * it (trial, billing period, the price in that currency if it has one).
 */
function checkExistingPlan(plan: Plan, desc: SimplePlan): void {
  if (!isSimpleCompatible(plan, desc)) {
    throw new BillingError(
      'CAT_FAILED_SIMPLE_PLAN_VALIDATION',
      `Failed to validate simple Plan '${plan.name}' against descriptor '${describe(desc)}'`,
      { planName: plan.name },
    );
  }
}

function isSimpleCompatible(plan: Plan, desc: SimplePlan): boolean {
  const trial = plan.initialPhases[0];
  if (plan.initialPhases.length > 1) return false;
  if (trial && (trial.type !== 'TRIAL' || !trial.fixed || !isZero(trial.fixed.price))) return false;
  if (desc.trialLength !== null && desc.trialTimeUnit !== null) {
    const descTrial = hasTrial(desc);
    if (descTrial !== (trial !== undefined)) return false;
    if (descTrial && trial && (trial.duration.unit !== desc.trialTimeUnit || trial.duration.number !== desc.trialLength)) return false;
  }
  const recurring = plan.finalPhase.recurring;
  if (plan.finalPhase.type !== 'EVERGREEN' || !recurring) return false;
  if (desc.billingPeriod !== null && recurring.billingPeriod !== desc.billingPeriod) return false;
  const current = recurring.price?.find((p) => p.currency === desc.currency)?.value;
  // A currency the plan has no price in yet is not a mismatch: the call adds it.
  return !current || !desc.amount || current.equals(desc.amount);
}

/** DefaultInternationalPrice.isZero: every price 0 or explicitly null; no price at all is zero too. */
function isZero(prices: InternationalPrice): boolean {
  return prices.every((p) => p.value === null || p.value.isZero());
}

function describe(desc: SimplePlan): string {
  return (
    `DefaultSimplePlanDescriptor{planId='${desc.planId}', productName='${desc.productName}', productCategory=${desc.productCategory}, ` +
    `currency=${desc.currency}, amount=${desc.amount?.toString() ?? null}, billingPeriod=${desc.billingPeriod}, ` +
    `trialLength=${desc.trialLength}, trialTimeUnit=${desc.trialTimeUnit}, availableBaseProducts=[${(desc.availableBaseProducts ?? []).join(', ')}]}`
  );
}
