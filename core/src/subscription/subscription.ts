import type { Decimal } from 'decimal.js';
import type { DateTime } from 'luxon';
import type { BillingPeriod, PhaseType, ProductCategory } from '../catalog/index.js';
import type { AccountId, Id } from '../values/ids.js';
import type { DateInput, LocalDate } from './account-time.js';
import type { EntitlementEventType, EntitlementState } from './entitlement-events.js';

export type BundleId = Id<'Bundle'>;
export type SubscriptionId = Id<'Subscription'>;

/** A plan and phase as the API shows them (SubscriptionJson / EventSubscriptionJson fields). */
export interface PlanPhaseInfo {
  readonly planName: string;
  readonly phaseName: string;
  readonly phaseType: PhaseType;
  readonly productName: string;
  readonly category: ProductCategory;
  readonly billingPeriod: BillingPeriod;
  readonly priceListName: string;
  readonly catalogEffectiveDate: DateTime;
}

export interface SubscriptionEventView {
  readonly id: string;
  readonly source: 'SUBSCRIPTION_EVENT' | 'BLOCKING_STATES';
  readonly subscriptionId: SubscriptionId;
  readonly type: EntitlementEventType;
  readonly effectiveDate: DateTime;
  readonly planPhase: PlanPhaseInfo | null;
  readonly isBlockedBilling: boolean;
  readonly isBlockedEntitlement: boolean;
  readonly serviceName: string;
  readonly serviceStateName: string;
}

/** Kill Bill's PhasePriceJson: the catalog prices of each phase the subscription runs, in the account's currency. */
export interface PhasePrice {
  readonly planName: string;
  readonly phaseName: string;
  readonly phaseType: PhaseType;
  readonly fixedPrice: Decimal | null;
  readonly recurringPrice: Decimal | null;
}

export interface Subscription {
  readonly id: SubscriptionId;
  readonly accountId: AccountId;
  readonly bundleId: BundleId;
  readonly bundleExternalKey: string;
  readonly externalKey: string;
  readonly category: ProductCategory;
  readonly state: EntitlementState;
  readonly sourceType: 'NATIVE' | 'MIGRATED' | 'TRANSFERRED';
  /** Entitlement start and end (ENT_STARTED / ENT_CANCELLED). */
  readonly startDate: DateTime | null;
  readonly cancelledDate: DateTime | null;
  /** Billing start and end (CREATE, and CANCEL or EXPIRED). */
  readonly billingStartDate: DateTime | null;
  readonly billingEndDate: DateTime | null;
  readonly chargedThroughDate: LocalDate | null;
  /** What it runs now, last ran, or will first run. */
  readonly lastActive: PlanPhaseInfo | null;
  readonly billCycleDayLocal: number | null;
  readonly quantity: number;
  readonly events: readonly SubscriptionEventView[];
  readonly prices: readonly PhasePrice[];
}

export interface Bundle {
  readonly id: BundleId;
  readonly accountId: AccountId;
  readonly externalKey: string;
  readonly originalCreatedDate: DateTime;
  readonly subscriptions: readonly Subscription[];
  /** Every subscription's events in one list (Kill Bill's SubscriptionBundleTimeline). */
  readonly timeline: readonly SubscriptionEventView[];
}

/** One subscription to create (Kill Bill's EntitlementSpecifier): a plan by name, or by product, period and price list. */
export interface EntitlementSpec {
  readonly planName?: string | null;
  readonly productName?: string | null;
  readonly productCategory?: ProductCategory | null;
  readonly billingPeriod?: BillingPeriod | null;
  readonly priceListName?: string | null;
  /** Start in this phase instead of the plan's first one. */
  readonly phaseType?: PhaseType | null;
  readonly billCycleDayLocal?: number | null;
  readonly quantity?: number | null;
  readonly externalKey?: string | null;
  /** Price overrides are not supported yet: any given is refused. */
  readonly hasPriceOverrides?: boolean;
}

/** A base and its add-ons in one bundle, or standalone subscriptions (Kill Bill's BaseEntitlementWithAddOnsSpecifier). */
export interface BundleSpec {
  readonly bundleId?: BundleId | null;
  readonly bundleExternalKey?: string | null;
  readonly entitlements: readonly EntitlementSpec[];
}

export interface CreateSubscriptionsInput {
  readonly accountId: AccountId;
  readonly bundles: readonly BundleSpec[];
  readonly entitlementDate?: DateInput | null;
  readonly billingDate?: DateInput | null;
  readonly migrated?: boolean;
  /** Rename a bundle key held by a cancelled bundle, so a new bundle can take it (default true). */
  readonly renameKeyIfExistsAndUnused?: boolean;
}

export interface CreatedSubscriptions {
  /** In creation order: per bundle, the base (or standalones) first, then its add-ons. */
  readonly subscriptionIds: readonly SubscriptionId[];
  /** One per bundle spec, in order. */
  readonly bundleIds: readonly BundleId[];
}

export interface BundlePage {
  readonly items: readonly Bundle[];
  readonly offset: number;
  readonly total: number;
  readonly max: number;
}
