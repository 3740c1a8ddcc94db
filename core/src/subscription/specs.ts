import type { DateTime } from 'luxon';
import { phasesOf, type CatalogVersion, type Plan, type ProductCategory, type VersionedCatalog } from '../catalog/index.js';
import { BillingError } from '../errors/index.js';
import type { Currency } from '../values/currency.js';
import type { EntitlementSpec } from './subscription.js';

/**
 * Checks and resolves what a creation asks for, before anything is written (Kill Bill's
 * SubscriptionResource checks and DefaultSubscriptionBaseCreateApi.createPlansIfNeededAndReorderBPOrStandaloneSpecFirstWithSanity).
 */

const invalid = (message: string, details: Record<string, unknown> = {}) => new BillingError('INVALID_PARAMETER', message, details);
const badSpec = (what: string) => new BillingError('SUB_CREATE_INVALID_ENTITLEMENT_SPECIFIER', `Invalid entitlement specifier: ${what}`, { reason: what });

/** SubscriptionResource.createSubscriptionsWithAddOnsInternal's Preconditions: a plan by name, or the full product triplet. */
export function checkSpec(spec: EntitlementSpec): void {
  if (spec.hasPriceOverrides) throw invalid('SubscriptionJson priceOverrides are not supported yet', { field: 'priceOverrides' });
  if (spec.planName == null) {
    if (spec.productName == null) throw invalid('SubscriptionJson productName needs to be set when no planName is specified', { field: 'productName' });
    if (spec.productCategory == null) throw invalid('SubscriptionJson productCategory needs to be set when no planName is specified', { field: 'productCategory' });
    if (spec.billingPeriod == null) throw invalid('SubscriptionJson billingPeriod needs to be set when no planName is specified', { field: 'billingPeriod' });
    if (spec.priceListName == null) throw invalid('SubscriptionJson priceList needs to be set when no planName is specified', { field: 'priceList' });
  } else {
    for (const [field, value] of [['productName', spec.productName], ['productCategory', spec.productCategory], ['billingPeriod', spec.billingPeriod], ['priceList', spec.priceListName]] as const) {
      if (value != null) throw invalid(`SubscriptionJson ${field} should not be set when planName is specified`, { field });
    }
  }
  if (spec.billCycleDayLocal != null && (spec.billCycleDayLocal < 1 || spec.billCycleDayLocal > 31)) {
    throw invalid('SubscriptionJson billCycleDayLocal must be from 1 to 31', { field: 'billCycleDayLocal' });
  }
  if (spec.quantity != null && spec.quantity < 1) throw invalid('SubscriptionJson quantity must be at least 1', { field: 'quantity' });
  if (spec.externalKey != null && spec.externalKey.length > 255) {
    throw new BillingError('EXTERNAL_KEY_LIMIT_EXCEEDED', 'External key exceeded 255 characters', { field: 'externalKey' });
  }
}

export interface ResolvedSpec {
  readonly spec: EntitlementSpec;
  readonly plan: Plan;
  readonly version: CatalogVersion;
  readonly category: ProductCategory;
  readonly priceListName: string;
}

function resolveOne(catalog: VersionedCatalog, spec: EntitlementSpec, at: DateTime): ResolvedSpec {
  const { plan, version } =
    spec.planName != null
      ? catalog.findPlan(spec.planName, at)
      : catalog.findPlanBySpec({ productName: spec.productName ?? '', billingPeriod: spec.billingPeriod ?? 'NO_BILLING_PERIOD', priceListName: spec.priceListName ?? null }, at);
  const product = version.products.find((p) => p.name === plan.product);
  if (!product) throw new BillingError('CAT_NO_SUCH_PRODUCT', `Could not find any product named '${plan.product}'`, { productName: plan.product });
  // The price list a subscription records is the one the plan belongs to (SubscriptionSpecifier.realPriceList).
  return { spec, plan, version, category: product.category, priceListName: catalog.findPriceListOfPlan(plan.name, at).name };
}

/**
 * The specs' plans, the base first, then the add-ons, then standalones; at most one base, and standalones
 * never mixed with a base or add-ons. `hasBase` is Kill Bill's hasBaseOrStandalonePlanSpecifier.
 */
export function resolveSpecs(catalog: VersionedCatalog, specs: readonly EntitlementSpec[], at: DateTime): { ordered: ResolvedSpec[]; hasBase: boolean } {
  let base: ResolvedSpec | null = null;
  const addOns: ResolvedSpec[] = [];
  const standalones: ResolvedSpec[] = [];
  for (const spec of specs) {
    const r = resolveOne(catalog, spec, at);
    if (r.category === 'STANDALONE') standalones.push(r);
    else if (r.category === 'BASE') {
      if (base) throw badSpec('multiple base plan specifiers');
      base = r;
    } else addOns.push(r);
  }
  const ordered = [...(base ? [base] : []), ...addOns];
  if (ordered.length > 0 && standalones.length > 0) throw badSpec('mix of base/add-on specifier(s) and standalone specifier(s)');
  if (standalones.length > 0) return { ordered: standalones, hasBase: true };
  return { ordered, hasBase: base !== null };
}

/**
 * Every price of the phases the subscription will run must exist in the account's currency
 * (killbill-semantics.md §13: a catalog may lack one; subscribing in that currency is CAT_NO_PRICE_FOR_CURRENCY).
 */
export function checkPrices(r: ResolvedSpec, currency: Currency | null): void {
  if (currency === null) return;
  let started = r.spec.phaseType == null;
  for (const phase of phasesOf(r.plan)) {
    started ||= phase.type === r.spec.phaseType;
    if (!started) continue;
    for (const prices of [phase.fixed?.price, phase.recurring?.price]) {
      if (!prices || prices.length === 0) continue;
      if (!prices.some((p) => p.currency === currency && p.value !== null)) {
        throw new BillingError('CAT_NO_PRICE_FOR_CURRENCY', `This price does not have a value for the currency '${currency}'.`, { currency, planName: r.plan.name });
      }
    }
  }
}
