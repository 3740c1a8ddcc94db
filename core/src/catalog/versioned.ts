import type { DateTime } from 'luxon';
import { BillingError, isBillingError } from '../errors/index.js';
import { BILLING_PERIODS, type BillingPeriod, type CatalogVersion, type InternationalPrice, type Phase, type Plan, type PriceList, type Product } from './types.js';
import {
  allPriceLists,
  planForSpec,
  planNameOfPhase,
  planNamed,
  planNotFound,
  priceListOfPlan,
  productNamed,
  recurringBillingPeriod,
  requirePhase,
  requirePlan,
  requireProduct,
  type PlanSpec,
} from './lookup.js';

/** A plan together with the catalog version it was taken from (whose rules then apply to it). */
export interface PlanInVersion {
  readonly plan: Plan;
  readonly version: CatalogVersion;
}

/** Kill Bill's Listing as getAvailableBasePlans / getAvailableAddons show it (PlanDetailJson). */
export interface PlanDetail {
  readonly product: string;
  readonly plan: string;
  readonly priceList: string;
  readonly finalPhaseBillingPeriod: BillingPeriod;
  readonly finalPhaseRecurringPrice: InternationalPrice;
}

/**
 * A tenant's catalog: its versions ordered by effective date (DefaultVersionedCatalog), and the plan
 * resolution of Kill Bill's SubscriptionCatalog (killbill-semantics.md §1.6). Immutable; the service
 * caches one per tenant.
 */
export class VersionedCatalog {
  readonly versions: readonly CatalogVersion[];

  constructor(versions: readonly CatalogVersion[]) {
    this.versions = [...versions].sort((a, b) => a.effectiveDate.toMillis() - b.effectiveDate.toMillis());
  }

  /** The name of the first version; upload keeps every version under one name. */
  get catalogName(): string | null {
    return this.versions[0]?.catalogName ?? null;
  }

  /** The newest version, whatever its date: Kill Bill's getCurrentVersion (availableBasePlans, add-ons, simple plans). */
  currentVersion(): CatalogVersion {
    const last = this.versions[this.versions.length - 1];
    if (!last) throw noCatalog('now');
    return last;
  }

  /**
   * The latest version whose effectiveDate ≤ date. Before the first version Kill Bill answers the first
   * one rather than failing (DefaultVersionedCatalog.indexOfVersionForDate, issue #760: a test clock or a
   * start-of-day date may fall just before the upload); only a catalog with no version fails.
   */
  versionAt(date: DateTime): CatalogVersion {
    return this.versions[this.#indexAt(date)]!;
  }

  /** The plan a subscription runs at `requestedDate`, its last create/change being `subscriptionChangeDate`. */
  findPlan(name: string, requestedDate: DateTime, subscriptionChangeDate: DateTime = requestedDate): PlanInVersion {
    return this.#resolve((v) => requirePlan(v, name), requestedDate, subscriptionChangeDate, () => planNotFound({ planName: name }));
  }

  findPlanBySpec(spec: PlanSpec, requestedDate: DateTime, subscriptionChangeDate: DateTime = requestedDate): PlanInVersion {
    return this.#resolve((v) => planForSpec(v, spec), requestedDate, subscriptionChangeDate, () =>
      planNotFound({ productName: spec.productName, billingPeriod: spec.billingPeriod, priceListName: spec.priceListName ?? null }),
    );
  }

  /** A phase by its name (`<plan>-<type>`), from the plan as findPlan resolves it. */
  findPhase(name: string, requestedDate: DateTime, subscriptionChangeDate: DateTime = requestedDate): PlanInVersion & { readonly phase: Phase } {
    const found = this.findPlan(planNameOfPhase(name), requestedDate, subscriptionChangeDate);
    return { ...found, phase: requirePhase(found.plan, name) };
  }

  findProduct(name: string, date: DateTime): Product {
    return requireProduct(this.versionAt(date), name);
  }

  /** The price list the plan belongs to, in the version findPlan resolves it from. */
  findPriceListOfPlan(planName: string, requestedDate: DateTime, subscriptionChangeDate: DateTime = requestedDate): PriceList {
    const { plan, version } = this.findPlan(planName, requestedDate, subscriptionChangeDate);
    const list = priceListOfPlan(version, plan.name);
    if (!list) throw planNotFound({ planName });
    return list;
  }

  /**
   * BASE plans of every price list holding them, in plan order (StandaloneCatalog.getAvailableBasePlanListings),
   * in the version in force at `date`, or the newest version as Kill Bill's resource does.
   */
  availableBasePlans(date?: DateTime): PlanDetail[] {
    const version = date ? this.versionAt(date) : this.currentVersion();
    const out: PlanDetail[] = [];
    for (const plan of version.plans) {
      if (productNamed(version, plan.product)?.category !== 'BASE') continue;
      for (const list of allPriceLists(version)) {
        if (list.plans.includes(plan.name)) out.push(planDetail(plan, list));
      }
    }
    return out;
  }

  /**
   * Plans of the add-ons available to a base product, for each billing period and price list (optionally
   * one), in Kill Bill's loop order (getAvailableAddOnListings). An unknown product gives an empty list.
   */
  availableAddons(baseProductName: string, priceListName: string | null, date?: DateTime): PlanDetail[] {
    const version = date ? this.versionAt(date) : this.currentVersion();
    const base = productNamed(version, baseProductName);
    const out: PlanDetail[] = [];
    for (const addon of base?.available ?? []) {
      for (const period of BILLING_PERIODS) {
        for (const list of allPriceLists(version)) {
          if (priceListName !== null && list.name !== priceListName) continue;
          for (const name of list.plans) {
            const plan = planNamed(version, name);
            if (plan && plan.product === addon && recurringBillingPeriod(plan) === period) out.push(planDetail(plan, list));
          }
        }
      }
    }
    return out;
  }

  #indexAt(date: DateTime): number {
    if (this.versions.length === 0) throw noCatalog(date.toISO() ?? String(date));
    for (let i = this.versions.length - 1; i >= 0; i--) {
      if (this.versions[i]!.effectiveDate.toMillis() <= date.toMillis()) return i;
    }
    return 0;
  }

  /**
   * SubscriptionCatalog.findCatalogPlanEntry: walk the versions up to the one in force at requestedDate,
   * newest first. A version effective at or before the subscription's last change always applies (the
   * oldest one too, for #760); a newer one applies to an existing subscription only once its plan's
   * effectiveDateForExistingSubscriptions ≤ requestedDate. A version without the plan (retired) is skipped,
   * so existing subscriptions keep an older definition. When only newer versions have the plan, the newest
   * of them without effectiveDateForExistingSubscriptions is used.
   */
  #resolve(find: (v: CatalogVersion) => Plan, requestedDate: DateTime, changeDate: DateTime, notFound: () => BillingError): PlanInVersion {
    const last = this.#indexAt(requestedDate);
    let fallback: PlanInVersion | undefined;
    for (let i = last; i >= 0; i--) {
      const version = this.versions[i]!;
      let plan: Plan;
      try {
        plan = find(version);
      } catch (e) {
        if (isBillingError(e, 'CAT_NO_SUCH_PLAN') || isBillingError(e, 'CAT_PLAN_NOT_FOUND')) continue;
        throw e;
      }
      if (i === 0 || changeDate.toMillis() >= version.effectiveDate.toMillis()) return { plan, version };
      const forExisting = plan.effectiveDateForExistingSubscriptions;
      if (forExisting) {
        if (requestedDate.toMillis() >= forExisting.toMillis()) return { plan, version };
      } else {
        fallback ??= { plan, version };
      }
    }
    if (fallback) return fallback;
    throw notFound();
  }
}

function planDetail(plan: Plan, list: PriceList): PlanDetail {
  return {
    product: plan.product,
    plan: plan.name,
    priceList: list.name,
    finalPhaseBillingPeriod: recurringBillingPeriod(plan),
    finalPhaseRecurringPrice: plan.finalPhase.recurring?.price ?? [],
  };
}

function noCatalog(date: string): BillingError {
  return new BillingError('CAT_NO_CATALOG_FOR_GIVEN_DATE', `There is no catalog version that applies for the given date '${date}'`, { date });
}
