import { BillingError } from '../errors/index.js';
import type {
  BillingActionPolicy,
  BillingAlignment,
  BillingPeriod,
  CatalogVersion,
  ChangeQualifiers,
  PhaseQualifiers,
  PhaseType,
  PlanAlignmentChange,
  PlanAlignmentCreate,
  ProductCategory,
} from './types.js';
import { priceListOfPlan, recurringBillingPeriod, requirePlan, requirePriceList, requireProduct } from './lookup.js';

/**
 * The `<rules>` of one catalog version (Kill Bill's DefaultPlanRules and its case classes), as pure
 * functions. Cases are tried in document order and the first that matches wins; a qualifier a case leaves
 * out matches anything; when no case matches, Kill Bill's hard-coded default applies.
 */

/** Kill Bill's PlanSpecifier: a plan by name, or by product + billing period + price list. */
export interface PlanSpecifier {
  readonly planName?: string;
  readonly productName?: string;
  readonly billingPeriod?: BillingPeriod;
  readonly priceListName?: string;
}

/** Kill Bill's PlanPhaseSpecifier: the subscription's current plan and phase. */
export interface PlanPhaseSpecifier extends PlanSpecifier {
  readonly phaseType?: PhaseType;
}

export interface PlanChangeResult {
  readonly newPriceList: string;
  readonly policy: Exclude<BillingActionPolicy, 'ILLEGAL'>;
  readonly alignment: PlanAlignmentChange;
}

interface Resolved {
  readonly product: string;
  readonly category: ProductCategory;
  readonly billingPeriod: BillingPeriod | undefined;
  readonly priceList: string | undefined;
}

/** What a case compares against: a named plan gives its own product, period and price list (DefaultCase.satisfiesCase). */
function resolve(version: CatalogVersion, spec: PlanSpecifier): Resolved {
  if (spec.planName !== undefined) {
    const plan = requirePlan(version, spec.planName);
    return {
      product: plan.product,
      category: requireProduct(version, plan.product).category,
      billingPeriod: recurringBillingPeriod(plan),
      priceList: priceListOfPlan(version, plan.name)?.name,
    };
  }
  const product = requireProduct(version, spec.productName ?? '');
  const priceList = spec.priceListName === undefined ? undefined : requirePriceList(version, spec.priceListName).name;
  return { product: product.name, category: product.category, billingPeriod: spec.billingPeriod, priceList };
}

const matches = <T>(qualifier: T | undefined, value: T | undefined) => qualifier === undefined || qualifier === value;

function matchesStandard(q: Omit<PhaseQualifiers, 'phaseType'>, r: Resolved): boolean {
  return matches(q.product, r.product) && matches(q.productCategory, r.category) && matches(q.billingPeriod, r.billingPeriod) && matches(q.priceList, r.priceList);
}

function matchesPhase(q: PhaseQualifiers, phaseType: PhaseType | undefined, r: Resolved): boolean {
  return matches(q.phaseType, phaseType) && matchesStandard(q, r);
}

function matchesChange(q: ChangeQualifiers, phaseType: PhaseType | undefined, from: Resolved, to: Resolved): boolean {
  return (
    matches(q.phaseType, phaseType) &&
    matches(q.fromProduct, from.product) &&
    matches(q.fromProductCategory, from.category) &&
    matches(q.fromBillingPeriod, from.billingPeriod) &&
    matches(q.fromPriceList, from.priceList) &&
    matches(q.toProduct, to.product) &&
    matches(q.toProductCategory, to.category) &&
    matches(q.toBillingPeriod, to.billingPeriod) &&
    matches(q.toPriceList, to.priceList)
  );
}

/** Change policy; default END_OF_TERM. ILLEGAL is returned as is: planChangeResult turns it into an error. */
export function changePolicy(version: CatalogVersion, from: PlanPhaseSpecifier, to: PlanSpecifier): BillingActionPolicy {
  const f = resolve(version, from);
  const t = resolve(version, to);
  return version.rules.changePolicy.find((c) => matchesChange(c, from.phaseType, f, t))?.policy ?? 'END_OF_TERM';
}

/** Change alignment; default START_OF_BUNDLE. */
export function changeAlignment(version: CatalogVersion, from: PlanPhaseSpecifier, to: PlanSpecifier): PlanAlignmentChange {
  const f = resolve(version, from);
  const t = resolve(version, to);
  return version.rules.changeAlignment.find((c) => matchesChange(c, from.phaseType, f, t))?.alignment ?? 'START_OF_BUNDLE';
}

/** Cancel policy of the phase a subscription is in; default END_OF_TERM. */
export function cancelPolicy(version: CatalogVersion, phase: PlanPhaseSpecifier): BillingActionPolicy {
  const r = resolve(version, phase);
  return version.rules.cancelPolicy.find((c) => matchesPhase(c, phase.phaseType, r))?.policy ?? 'END_OF_TERM';
}

/** Create alignment; default START_OF_BUNDLE. */
export function createAlignment(version: CatalogVersion, spec: PlanSpecifier): PlanAlignmentCreate {
  const r = resolve(version, spec);
  return version.rules.createAlignment.find((c) => matchesStandard(c, r))?.alignment ?? 'START_OF_BUNDLE';
}

/** Billing alignment of a phase; default ACCOUNT. */
export function billingAlignment(version: CatalogVersion, phase: PlanPhaseSpecifier): BillingAlignment {
  const r = resolve(version, phase);
  return version.rules.billingAlignment.find((c) => matchesPhase(c, phase.phaseType, r))?.alignment ?? 'ACCOUNT';
}

/**
 * The price list a priceListCase moves a subscription to (its qualifiers are the "from" side), or null
 * when no case matches (DefaultCasePriceList).
 */
export function priceListFor(version: CatalogVersion, from: PlanSpecifier): string | null {
  const r = resolve(version, from);
  const hit = version.rules.priceList.find(
    (c) => matches(c.product, r.product) && matches(c.productCategory, r.category) && matches(c.billingPeriod, r.billingPeriod) && matches(c.fromPriceList, r.priceList),
  );
  return hit?.toPriceList ?? null;
}

/**
 * DefaultPlanRules.getPlanChangeResult: the target price list is the one asked for, else a priceListCase's,
 * else the current one; an ILLEGAL policy is CAT_ILLEGAL_CHANGE_REQUEST.
 */
export function planChangeResult(version: CatalogVersion, from: PlanPhaseSpecifier, to: PlanSpecifier): PlanChangeResult {
  const newPriceList =
    to.priceListName !== undefined
      ? requirePriceList(version, to.priceListName).name
      : (priceListFor(version, from) ?? requirePriceList(version, resolve(version, from).priceList ?? '').name);
  const target: PlanSpecifier = to.planName === undefined ? { ...to, priceListName: newPriceList } : to;
  const policy = changePolicy(version, from, target);
  if (policy === 'ILLEGAL') {
    const f = resolve(version, from);
    const t = resolve(version, target);
    throw new BillingError(
      'CAT_ILLEGAL_CHANGE_REQUEST',
      `Attempting to change plan from (product: '${f.product}', billing period: '${f.billingPeriod}', pricelist '${f.priceList}') ` +
        `to (product: '${t.product}', billing period: '${t.billingPeriod}', pricelist '${t.priceList}'). This transition is not allowed by catalog rules`,
      { from, to: target },
    );
  }
  return { newPriceList, policy, alignment: changeAlignment(version, from, target) };
}
