import {
  phasesOf,
  recurringBillingPeriod,
  type CatalogVersion,
  type InternationalPrice,
  type Limit,
  type Phase,
  type Plan,
  type PlanDetail,
  type PriceList,
  type Product,
  type Tier,
  type TieredBlock,
  type Usage,
} from '@billwright/core';
import type { Decimal } from 'decimal.js';

/**
 * Kill Bill's CatalogJson and its nested classes (jaxrs/json/CatalogJson.java, PlanDetailJson.java), field
 * for field. Prices stay decimal.js values: kbJson writes them as exact JSON numbers. A pretty name the XML
 * leaves out is the name, as Kill Bill's initialize() sets it.
 */

export function catalogJson(version: CatalogVersion) {
  // Products in the order their plans come, then those without a plan (CatalogJson's product map).
  const products = new Map<string, ReturnType<typeof productJson>>();
  for (const plan of version.plans) {
    const product = version.products.find((p) => p.name === plan.product);
    if (!product) continue;
    const json = products.get(product.name) ?? productJson(product);
    products.set(product.name, json);
    json.plans.push(planJson(plan));
  }
  for (const product of version.products) if (!products.has(product.name)) products.set(product.name, productJson(product));
  return {
    name: version.catalogName,
    effectiveDate: version.effectiveDate.toUTC().toISO(),
    currencies: [...version.currencies],
    units: version.units.map((u) => ({ name: u.name, prettyName: u.prettyName ?? u.name })),
    products: [...products.values()],
    priceLists: [version.priceLists.defaultPriceList, ...version.priceLists.childPriceLists].map(priceListJson),
  };
}

export function productJson(product: Product) {
  return {
    type: product.category,
    name: product.name,
    prettyName: product.prettyName ?? product.name,
    plans: [] as ReturnType<typeof planJson>[],
    included: [...product.included],
    available: [...product.available],
  };
}

export function planJson(plan: Plan) {
  return {
    name: plan.name,
    prettyName: plan.prettyName ?? plan.name,
    recurringBillingMode: plan.recurringBillingMode,
    billingPeriod: recurringBillingPeriod(plan),
    phases: phasesOf(plan).map(phaseJson),
  };
}

export function phaseJson(phase: Phase) {
  return {
    type: phase.type,
    prices: pricesJson(phase.recurring?.price ?? null),
    fixedPrices: pricesJson(phase.fixed?.price ?? null),
    // Kill Bill's Duration keeps -1 for an UNLIMITED number.
    duration: { unit: phase.duration.unit, number: phase.duration.number ?? -1 },
    usages: phase.usages.map(usageJson),
  };
}

export function priceListJson(list: PriceList) {
  return { name: list.name, plans: [...list.plans] };
}

/** getAvailableBasePlans / getAvailableAddons (PlanDetailJson: a missing price reads as 0 there). */
export function planDetailJson(detail: PlanDetail) {
  return {
    product: detail.product,
    plan: detail.plan,
    priceList: detail.priceList,
    finalPhaseBillingPeriod: detail.finalPhaseBillingPeriod,
    finalPhaseRecurringPrice: detail.finalPhaseRecurringPrice.map((p) => ({ currency: p.currency, value: p.value ?? 0 })),
  };
}

function usageJson(usage: Usage) {
  return { billingPeriod: usage.billingPeriod, tiers: usage.tiers.map(tierJson) };
}

function tierJson(tier: Tier) {
  return {
    blocks: tier.blocks.map(blockJson),
    limits: tier.limits.map(limitJson),
    fixedPrice: pricesJson(tier.fixedPrice),
    recurringPrice: pricesJson(tier.recurringPrice),
  };
}

function blockJson(block: TieredBlock) {
  return { unit: block.unit, size: javaDouble(block.size), max: javaDouble(block.max), prices: pricesJson(block.prices) };
}

function limitJson(limit: Limit) {
  return { unit: limit.unit, max: javaDouble(limit.max), min: javaDouble(limit.min) };
}

function pricesJson(prices: InternationalPrice | null) {
  return (prices ?? []).map((p) => ({ currency: p.currency, value: p.value }));
}

/**
 * Kill Bill writes block sizes and limits as strings of Java doubles (`Double.toString`): `10.0`, and
 * `-1.0` for "unbounded".
 */
function javaDouble(value: Decimal | null): string {
  if (value === null) return '-1.0';
  const text = value.toFixed();
  return text.includes('.') ? text : `${text}.0`;
}
