import { Decimal } from 'decimal.js';
import { DateTime } from 'luxon';
import type { BillingPeriod, CatalogVersion, Phase, Plan, Product, ProductCategory, Rules } from '@billwright/core';

/** Catalog versions built in code for unit tests: only what a test names, Kill Bill's defaults for the rest. */

export const utc = (iso: string): DateTime => DateTime.fromISO(iso, { zone: 'utc' });

export function product(name: string, category: ProductCategory = 'BASE', available: string[] = [], included: string[] = []): Product {
  return { name, prettyName: null, category, included, available, limits: [] };
}

export interface PlanOptions {
  readonly period?: BillingPeriod;
  /** The evergreen recurring price in USD; null for a phase without recurring price. */
  readonly price?: string | null;
  readonly trialDays?: number;
  readonly forExisting?: string;
}

export function plan(name: string, productName: string, options: PlanOptions = {}): Plan {
  const period = options.period ?? 'MONTHLY';
  const price = options.price === undefined ? '10' : options.price;
  const evergreen: Phase = {
    type: 'EVERGREEN',
    prettyName: null,
    duration: { unit: 'UNLIMITED', number: null },
    fixed: null,
    recurring: price === null ? null : { billingPeriod: period, price: [{ currency: 'USD', value: new Decimal(price) }] },
    usages: [],
  };
  const trial: Phase[] =
    options.trialDays === undefined
      ? []
      : [{ type: 'TRIAL', prettyName: null, duration: { unit: 'DAYS', number: options.trialDays }, fixed: { price: [] }, recurring: null, usages: [] }];
  return {
    name,
    prettyName: null,
    product: productName,
    recurringBillingMode: 'IN_ADVANCE',
    effectiveDateForExistingSubscriptions: options.forExisting ? utc(options.forExisting) : null,
    initialPhases: trial,
    finalPhase: evergreen,
    plansAllowedInBundle: -1,
  };
}

export const NO_RULES: Rules = { changePolicy: [], changeAlignment: [], cancelPolicy: [], createAlignment: [], billingAlignment: [], priceList: [] };

export interface VersionOptions {
  readonly effectiveDate: string;
  readonly name?: string;
  readonly products: readonly Product[];
  readonly plans: readonly Plan[];
  /** Plan names of DEFAULT; every plan when absent. */
  readonly defaultPlans?: readonly string[];
  readonly childPriceLists?: Readonly<Record<string, readonly string[]>>;
  readonly rules?: Partial<Rules>;
}

export function version(options: VersionOptions): CatalogVersion {
  return {
    catalogName: options.name ?? 'Test',
    effectiveDate: utc(options.effectiveDate),
    recurringBillingMode: 'IN_ADVANCE',
    currencies: ['USD'],
    units: [],
    products: options.products,
    rules: { ...NO_RULES, ...options.rules },
    plans: options.plans,
    priceLists: {
      defaultPriceList: { name: 'DEFAULT', plans: options.defaultPlans ?? options.plans.map((p) => p.name) },
      childPriceLists: Object.entries(options.childPriceLists ?? {}).map(([name, plans]) => ({ name, plans })),
    },
  };
}
