import type { Decimal } from 'decimal.js';
import type { DateTime } from 'luxon';
import type { Currency } from '../values/currency.js';

/**
 * One version of a tenant's catalog, as Kill Bill's catalog XML declares it (kb:catalog StandaloneCatalog
 * and the JAXB classes under it). Plain immutable data: parsed from XML (xml/parse.ts), checked
 * (validate.ts), written back (xml/serialize.ts); a VersionedCatalog (versioned.ts) holds a tenant's list.
 * Names are the XML's; where the XML leaves a value out, the field says what Kill Bill defaults it to.
 */

export const PRODUCT_CATEGORIES = ['BASE', 'ADD_ON', 'STANDALONE'] as const;
export type ProductCategory = (typeof PRODUCT_CATEGORIES)[number];

export const PHASE_TYPES = ['TRIAL', 'DISCOUNT', 'FIXEDTERM', 'EVERGREEN'] as const;
export type PhaseType = (typeof PHASE_TYPES)[number];

export const TIME_UNITS = ['DAYS', 'WEEKS', 'MONTHS', 'YEARS', 'UNLIMITED'] as const;
export type TimeUnit = (typeof TIME_UNITS)[number];

export const BILLING_PERIODS = [
  'DAILY', 'WEEKLY', 'BIWEEKLY', 'THIRTY_DAYS', 'THIRTY_ONE_DAYS', 'SIXTY_DAYS', 'NINETY_DAYS', 'MONTHLY',
  'BIMESTRIAL', 'QUARTERLY', 'TRIANNUAL', 'BIANNUAL', 'ANNUAL', 'SESQUIENNIAL', 'BIENNIAL', 'TRIENNIAL',
  'NO_BILLING_PERIOD',
] as const;
export type BillingPeriod = (typeof BILLING_PERIODS)[number];

export const BILLING_MODES = ['IN_ADVANCE', 'IN_ARREAR'] as const;
export type BillingMode = (typeof BILLING_MODES)[number];

export const USAGE_TYPES = ['CONSUMABLE', 'CAPACITY'] as const;
export type UsageType = (typeof USAGE_TYPES)[number];

export const TIER_BLOCK_POLICIES = ['ALL_TIERS', 'TOP_TIER'] as const;
export type TierBlockPolicy = (typeof TIER_BLOCK_POLICIES)[number];

export const BLOCK_TYPES = ['VANILLA', 'TOP_UP', 'TIERED'] as const;
export type BlockType = (typeof BLOCK_TYPES)[number];

export const BILLING_ALIGNMENTS = ['ACCOUNT', 'BUNDLE', 'SUBSCRIPTION'] as const;
export type BillingAlignment = (typeof BILLING_ALIGNMENTS)[number];

export const PLAN_ALIGNMENTS_CREATE = ['START_OF_BUNDLE', 'START_OF_SUBSCRIPTION'] as const;
export type PlanAlignmentCreate = (typeof PLAN_ALIGNMENTS_CREATE)[number];

export const PLAN_ALIGNMENTS_CHANGE = ['START_OF_BUNDLE', 'START_OF_SUBSCRIPTION', 'CHANGE_OF_PLAN', 'CHANGE_OF_PRICELIST'] as const;
export type PlanAlignmentChange = (typeof PLAN_ALIGNMENTS_CHANGE)[number];

export const BILLING_ACTION_POLICIES = ['START_OF_TERM', 'END_OF_TERM', 'IMMEDIATE', 'ILLEGAL'] as const;
export type BillingActionPolicy = (typeof BILLING_ACTION_POLICIES)[number];

/** A price in one currency. `value` null is Kill Bill's explicit "no price in this currency". */
export interface Price {
  readonly currency: Currency;
  readonly value: Decimal | null;
}

/** Prices of one thing in every currency it is sold in (Kill Bill's InternationalPrice). */
export type InternationalPrice = readonly Price[];

/** `number` is null only with UNLIMITED (the XML omits it, or writes -1). */
export interface Duration {
  readonly unit: TimeUnit;
  readonly number: number | null;
}

export interface Unit {
  readonly name: string;
  readonly prettyName: string | null;
}

/** A bound on a unit (product limits, capacity tiers). null = not bounded (Kill Bill's -1). */
export interface Limit {
  readonly unit: string;
  readonly min: Decimal | null;
  readonly max: Decimal | null;
}

export interface Product {
  readonly name: string;
  readonly prettyName: string | null;
  readonly category: ProductCategory;
  /** Add-ons that come with the product and cannot be bought separately. */
  readonly included: readonly string[];
  /** Add-ons that may be bought on top of it. */
  readonly available: readonly string[];
  readonly limits: readonly Limit[];
}

export interface TieredBlock {
  readonly unit: string;
  readonly size: Decimal;
  readonly prices: InternationalPrice;
  /** Blocks billed at this tier at most; null = unlimited (Kill Bill's -1). */
  readonly max: Decimal | null;
  readonly type: BlockType;
  readonly minTopUpCredit: Decimal | null;
}

export interface Tier {
  readonly limits: readonly Limit[];
  readonly blocks: readonly TieredBlock[];
  readonly fixedPrice: InternationalPrice | null;
  readonly recurringPrice: InternationalPrice | null;
}

export interface Usage {
  readonly name: string;
  readonly prettyName: string | null;
  readonly billingMode: BillingMode;
  readonly usageType: UsageType;
  /** Kill Bill's default is ALL_TIERS (CatalogSafetyInitializer). */
  readonly tierBlockPolicy: TierBlockPolicy;
  readonly billingPeriod: BillingPeriod;
  readonly tiers: readonly Tier[];
  readonly limits: readonly Limit[];
  readonly blocks: readonly TieredBlock[];
  readonly fixedPrice: InternationalPrice | null;
  readonly recurringPrice: InternationalPrice | null;
}

export interface Recurring {
  readonly billingPeriod: BillingPeriod;
  /** null: a recurring section with no price, which must use NO_BILLING_PERIOD. */
  readonly price: InternationalPrice | null;
}

export interface Phase {
  readonly type: PhaseType;
  readonly prettyName: string | null;
  readonly duration: Duration;
  /** A one-time charge at the phase start; an empty `<fixedPrice/>` is a price list of length 0 (a $0 item). */
  readonly fixed: { readonly price: InternationalPrice } | null;
  readonly recurring: Recurring | null;
  readonly usages: readonly Usage[];
}

export interface Plan {
  readonly name: string;
  readonly prettyName: string | null;
  readonly product: string;
  /** The plan's own mode, or the catalog's when the plan does not say (DefaultPlan.initialize). */
  readonly recurringBillingMode: BillingMode;
  readonly effectiveDateForExistingSubscriptions: DateTime | null;
  readonly initialPhases: readonly Phase[];
  readonly finalPhase: Phase;
  /** ADD_ON subscriptions of this plan one bundle may hold; -1 = unlimited (Kill Bill's default). */
  readonly plansAllowedInBundle: number;
}

export interface PriceList {
  readonly name: string;
  /** Present only when the XML gives one (Kill Bill then shows the name). */
  readonly prettyName?: string;
  readonly plans: readonly string[];
}

/** The qualifiers a rule case may name; an absent one matches anything. */
export interface PhaseQualifiers {
  readonly phaseType?: PhaseType;
  readonly product?: string;
  readonly productCategory?: ProductCategory;
  readonly billingPeriod?: BillingPeriod;
  readonly priceList?: string;
}

export interface ChangeQualifiers {
  readonly phaseType?: PhaseType;
  readonly fromProduct?: string;
  readonly fromProductCategory?: ProductCategory;
  readonly fromBillingPeriod?: BillingPeriod;
  readonly fromPriceList?: string;
  readonly toProduct?: string;
  readonly toProductCategory?: ProductCategory;
  readonly toBillingPeriod?: BillingPeriod;
  readonly toPriceList?: string;
}

/** Rule cases in document order: the first that matches wins (DefaultPlanRules.getResult). */
export interface Rules {
  readonly changePolicy: readonly (ChangeQualifiers & { readonly policy: BillingActionPolicy })[];
  readonly changeAlignment: readonly (ChangeQualifiers & { readonly alignment: PlanAlignmentChange })[];
  readonly cancelPolicy: readonly (PhaseQualifiers & { readonly policy: BillingActionPolicy })[];
  readonly createAlignment: readonly (Omit<PhaseQualifiers, 'phaseType'> & { readonly alignment: PlanAlignmentCreate })[];
  readonly billingAlignment: readonly (PhaseQualifiers & { readonly alignment: BillingAlignment })[];
  readonly priceList: readonly (Omit<PhaseQualifiers, 'priceList'> & { readonly fromPriceList?: string; readonly toPriceList: string })[];
}

export interface CatalogVersion {
  readonly catalogName: string;
  readonly effectiveDate: DateTime;
  readonly recurringBillingMode: BillingMode;
  readonly currencies: readonly Currency[];
  readonly units: readonly Unit[];
  readonly products: readonly Product[];
  readonly rules: Rules;
  readonly plans: readonly Plan[];
  readonly priceLists: { readonly defaultPriceList: PriceList; readonly childPriceLists: readonly PriceList[] };
}

/** Kill Bill names a phase `<planName>-<phase type in lower case>` (DefaultPlanPhase.phaseName). */
export function phaseName(plan: Plan, phase: Phase): string {
  return `${plan.name}-${phase.type.toLowerCase()}`;
}

/** The phases of a plan in order: the initial ones, then the final one. */
export function phasesOf(plan: Plan): readonly Phase[] {
  return [...plan.initialPhases, plan.finalPhase];
}
