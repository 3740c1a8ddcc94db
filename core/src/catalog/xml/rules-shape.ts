import {
  BILLING_ACTION_POLICIES, BILLING_ALIGNMENTS, BILLING_PERIODS, PHASE_TYPES, PLAN_ALIGNMENTS_CHANGE,
  PLAN_ALIGNMENTS_CREATE, PRODUCT_CATEGORIES, type Rules,
} from '../types.js';

/**
 * The shape of Kill Bill's `<rules>` (DefaultPlanRules and rules/DefaultCase*.java), shared by the parser and
 * the serializer so both agree on element names and order. A qualifier is [XML element, model key, allowed
 * values or null for a name]; JAXB lists superclass fields first, so the standard qualifiers precede phaseType.
 */
export type Qualifier = readonly [xml: string, key: string, values: readonly string[] | null];

const CHANGE: readonly Qualifier[] = [
  ['phaseType', 'phaseType', PHASE_TYPES],
  ['fromProduct', 'fromProduct', null],
  ['fromProductCategory', 'fromProductCategory', PRODUCT_CATEGORIES],
  ['fromBillingPeriod', 'fromBillingPeriod', BILLING_PERIODS],
  ['fromPriceList', 'fromPriceList', null],
  ['toProduct', 'toProduct', null],
  ['toProductCategory', 'toProductCategory', PRODUCT_CATEGORIES],
  ['toBillingPeriod', 'toBillingPeriod', BILLING_PERIODS],
  ['toPriceList', 'toPriceList', null],
];

const STANDARD: readonly Qualifier[] = [
  ['product', 'product', null],
  ['productCategory', 'productCategory', PRODUCT_CATEGORIES],
  ['billingPeriod', 'billingPeriod', BILLING_PERIODS],
  ['priceList', 'priceList', null],
];

const PHASE: readonly Qualifier[] = [...STANDARD, ['phaseType', 'phaseType', PHASE_TYPES]];

/** DefaultCasePriceList names its qualifiers from*; the model calls them like the other cases. */
const PRICE_LIST: readonly Qualifier[] = [
  ['fromProduct', 'product', null],
  ['fromProductCategory', 'productCategory', PRODUCT_CATEGORIES],
  ['fromBillingPeriod', 'billingPeriod', BILLING_PERIODS],
  ['fromPriceList', 'fromPriceList', null],
];

export interface RuleSection {
  readonly key: keyof Rules;
  readonly wrapper: string;
  readonly element: string;
  readonly qualifiers: readonly Qualifier[];
  /** The case's result element, its model key, and its allowed values. */
  readonly result: Qualifier;
}

export const RULE_SECTIONS: readonly RuleSection[] = [
  { key: 'changePolicy', wrapper: 'changePolicy', element: 'changePolicyCase', qualifiers: CHANGE,
    result: ['policy', 'policy', BILLING_ACTION_POLICIES] },
  { key: 'changeAlignment', wrapper: 'changeAlignment', element: 'changeAlignmentCase', qualifiers: CHANGE,
    result: ['alignment', 'alignment', PLAN_ALIGNMENTS_CHANGE] },
  { key: 'cancelPolicy', wrapper: 'cancelPolicy', element: 'cancelPolicyCase', qualifiers: PHASE,
    result: ['policy', 'policy', BILLING_ACTION_POLICIES] },
  { key: 'createAlignment', wrapper: 'createAlignment', element: 'createAlignmentCase', qualifiers: STANDARD,
    result: ['alignment', 'alignment', PLAN_ALIGNMENTS_CREATE] },
  { key: 'billingAlignment', wrapper: 'billingAlignment', element: 'billingAlignmentCase', qualifiers: PHASE,
    result: ['alignment', 'alignment', BILLING_ALIGNMENTS] },
  { key: 'priceList', wrapper: 'priceList', element: 'priceListCase', qualifiers: PRICE_LIST,
    result: ['toPriceList', 'toPriceList', null] },
];
