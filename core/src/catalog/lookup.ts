import { BillingError } from '../errors/index.js';
import { PHASE_TYPES, phaseName, phasesOf, type BillingPeriod, type CatalogVersion, type Phase, type Plan, type PriceList, type Product } from './types.js';

/**
 * Lookups inside one catalog version, with Kill Bill's errors (StandaloneCatalog, DefaultPriceListSet,
 * DefaultPlan). versioned.ts picks the version; rules.ts evaluates the rules of one.
 */

/** A plan asked for by product, billing period and price list (Kill Bill's PlanSpecifier without a plan name). */
export interface PlanSpec {
  readonly productName: string;
  readonly billingPeriod: BillingPeriod;
  /** Absent: DEFAULT. */
  readonly priceListName?: string | null;
}

export const DEFAULT_PRICE_LIST = 'DEFAULT';

/**
 * Plans and products by name, built once per version (versions are immutable) so that lookups on a
 * large cached catalog are map reads, not scans of every plan.
 */
const indexes = new WeakMap<CatalogVersion, { plans: Map<string, Plan>; products: Map<string, Product> }>();

function indexOf(version: CatalogVersion) {
  let index = indexes.get(version);
  if (!index) {
    index = { plans: new Map(version.plans.map((p) => [p.name, p])), products: new Map(version.products.map((p) => [p.name, p])) };
    indexes.set(version, index);
  }
  return index;
}

export function planNamed(version: CatalogVersion, name: string): Plan | undefined {
  return indexOf(version).plans.get(name);
}

export function productNamed(version: CatalogVersion, name: string): Product | undefined {
  return indexOf(version).products.get(name);
}

export function requirePlan(version: CatalogVersion, name: string): Plan {
  const plan = planNamed(version, name);
  if (!plan) throw new BillingError('CAT_NO_SUCH_PLAN', `Could not find any plans named '${name}'`, { planName: name });
  return plan;
}

export function requireProduct(version: CatalogVersion, name: string): Product {
  const product = productNamed(version, name);
  if (!product) throw new BillingError('CAT_NO_SUCH_PRODUCT', `Could not find any product named '${name}'`, { productName: name });
  return product;
}

/** The default price list first, then the children in document order (PriceListSet.getAllPriceLists). */
export function allPriceLists(version: CatalogVersion): readonly PriceList[] {
  return [version.priceLists.defaultPriceList, ...version.priceLists.childPriceLists];
}

export function requirePriceList(version: CatalogVersion, name: string): PriceList {
  const list = allPriceLists(version).find((l) => l.name === name);
  if (!list) throw new BillingError('CAT_PRICE_LIST_NOT_FOUND', `Could not find a pricelist with name '${name}'`, { priceListName: name });
  return list;
}

/** The first price list holding the plan: Kill Bill's DefaultPlan.findPriceListForPlan. */
export function priceListOfPlan(version: CatalogVersion, planName: string): PriceList | undefined {
  return allPriceLists(version).find((l) => l.plans.includes(planName));
}

/** The final phase's billing period, or NO_BILLING_PERIOD (DefaultPlan.getRecurringBillingPeriod). */
export function recurringBillingPeriod(plan: Plan): BillingPeriod {
  return plan.finalPhase.recurring?.billingPeriod ?? 'NO_BILLING_PERIOD';
}

function plansOf(version: CatalogVersion, list: PriceList, product: string, period: BillingPeriod): Plan[] {
  return list.plans
    .map((name) => planNamed(version, name))
    .filter((p): p is Plan => p !== undefined && p.product === product && recurringBillingPeriod(p) === period);
}

/**
 * The one plan of a product and billing period in a price list; when that list has none, the DEFAULT
 * list's (DefaultPriceListSet.getPlanFrom). Two candidates are ambiguous: CAT_MULTIPLE_MATCHING_PLANS_FOR_PRICELIST.
 */
export function planForSpec(version: CatalogVersion, spec: PlanSpec): Plan {
  const priceListName = spec.priceListName ?? DEFAULT_PRICE_LIST;
  const product = requireProduct(version, spec.productName);
  let plans = plansOf(version, requirePriceList(version, priceListName), product.name, spec.billingPeriod);
  if (plans.length === 0) plans = plansOf(version, version.priceLists.defaultPriceList, product.name, spec.billingPeriod);
  if (plans.length > 1) {
    throw new BillingError(
      'CAT_MULTIPLE_MATCHING_PLANS_FOR_PRICELIST',
      `There are multiple plans defined in pricelist '${priceListName}' for product: '${product.name}' and billing period: '${spec.billingPeriod}'. ` +
        'Use the planName instead of the non deterministic triplet {product, billing period, pricelist}',
      { priceListName, productName: product.name, billingPeriod: spec.billingPeriod },
    );
  }
  const plan = plans[0];
  if (!plan) throw planNotFound({ ...spec, priceListName: spec.priceListName ?? null });
  return plan;
}

export function planNotFound(spec: { planName?: string | null; productName?: string | null; billingPeriod?: string | null; priceListName?: string | null }): BillingError {
  const u = (v: string | null | undefined) => v ?? 'undefined';
  return new BillingError(
    'CAT_PLAN_NOT_FOUND',
    `Could not find a plan matching spec: (plan: '${u(spec.planName)}', product: '${u(spec.productName)}', ` +
      `billing period: '${u(spec.billingPeriod)}', pricelist '${u(spec.priceListName)}')`,
    { ...spec },
  );
}

/** `<plan>-<phase type in lower case>` back to the plan name (DefaultPlanPhase.planName). */
export function planNameOfPhase(name: string): string {
  for (const type of PHASE_TYPES) {
    const suffix = type.toLowerCase();
    if (name.endsWith(suffix) && name.length > suffix.length + 1) return name.slice(0, name.length - suffix.length - 1);
  }
  throw new BillingError('CAT_BAD_PHASE_NAME', `Bad phase name '${name}'`, { phaseName: name });
}

export function requirePhase(plan: Plan, name: string): Phase {
  const phase = phasesOf(plan).find((ph) => phaseName(plan, ph) === name);
  if (!phase) throw new BillingError('CAT_NO_SUCH_PHASE', `Could not find any phases named '${name}'`, { phaseName: name });
  return phase;
}
