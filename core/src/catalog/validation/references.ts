import { phasesOf, type CatalogVersion, type Limit, type Product } from '../types.js';

/**
 * Names and references. Kill Bill gets most of these from JAXB (XmlID must be unique, an XmlIDREF to an
 * unknown id leaves a null that its validation then reports, e.g. "Invalid product for plan"); Billwright
 * reads names as strings, so it checks them here and says which name is wrong.
 */
export function validateReferences(version: CatalogVersion): string[] {
  const errors: string[] = [];
  const products = new Map(version.products.map((p) => [p.name, p]));
  const plans = new Set(version.plans.map((p) => p.name));
  const units = new Set(version.units.map((u) => u.name));
  const { defaultPriceList, childPriceLists } = version.priceLists;
  const priceLists = [defaultPriceList, ...childPriceLists];
  const usages = version.plans.flatMap((plan) => phasesOf(plan).flatMap((phase) => phase.usages));

  duplicates('currency', version.currencies, errors);
  duplicates('unit name', version.units.map((u) => u.name), errors);
  duplicates('product name', version.products.map((p) => p.name), errors);
  duplicates('plan name', version.plans.map((p) => p.name), errors);
  duplicates('price list name', priceLists.map((p) => p.name), errors);
  // A usage name is an XmlID in Kill Bill: unique in the whole document, not only within its phase.
  duplicates('usage name', usages.map((u) => u.name), errors);

  for (const product of version.products) {
    checkAddOns(product, 'included', products, errors);
    checkAddOns(product, 'available', products, errors);
    checkUnits(product.limits, units, `product '${product.name}'`, errors);
  }
  for (const plan of version.plans) {
    if (!products.has(plan.product)) errors.push(`Invalid product for plan '${plan.name}': product '${plan.product}' is not declared`);
  }
  for (const usage of usages) {
    const at = `usage '${usage.name}'`;
    checkUnits(usage.limits, units, at, errors);
    usage.blocks.forEach((b, i) => checkUnit(b.unit, units, `${at}: block ${i + 1}`, errors));
    usage.tiers.forEach((tier, t) => {
      checkUnits(tier.limits, units, `${at}: tier ${t + 1}`, errors);
      tier.blocks.forEach((b, i) => checkUnit(b.unit, units, `${at}: tier ${t + 1}: tieredBlock ${i + 1}`, errors));
    });
  }

  if (defaultPriceList.name !== 'DEFAULT') {
    errors.push(`defaultPriceList '${defaultPriceList.name}': The name of the default pricelist must be 'DEFAULT'`);
  }
  for (const child of childPriceLists) {
    if (child.name === 'DEFAULT') errors.push(`childPriceList '${child.name}': Pricelists cannot use the reserved name 'DEFAULT'`);
  }
  for (const list of priceLists) {
    for (const plan of list.plans) {
      if (!plans.has(plan)) errors.push(`price list '${list.name}': plan '${plan}' is not declared`);
    }
  }
  return errors;
}

function duplicates(what: string, names: readonly string[], errors: string[]): void {
  const seen = new Set<string>();
  const reported = new Set<string>();
  for (const name of names) {
    if (seen.has(name) && !reported.has(name)) {
      errors.push(`Duplicate ${what} '${name}'`);
      reported.add(name);
    }
    seen.add(name);
  }
}

function checkAddOns(product: Product, section: 'included' | 'available', products: ReadonlyMap<string, Product>, errors: string[]): void {
  const at = `product '${product.name}'`;
  for (const name of product[section]) {
    const addOn = products.get(name);
    if (name === product.name) {
      errors.push(`${at}: Product refers to itself in ${section} section`);
    } else if (addOn === undefined) {
      errors.push(`${at}: ${section} add-on '${name}' is not a declared product`);
    } else if (addOn.category !== 'ADD_ON') {
      errors.push(`${at}: ${section} add-on '${name}' is not an ADD_ON product (its category is ${addOn.category})`);
    }
  }
}

function checkUnits(limits: readonly Limit[], units: ReadonlySet<string>, at: string, errors: string[]): void {
  limits.forEach((limit, i) => checkUnit(limit.unit, units, `${at}: limit ${i + 1}`, errors));
}

function checkUnit(unit: string, units: ReadonlySet<string>, at: string, errors: string[]): void {
  if (!units.has(unit)) errors.push(`${at}: unit '${unit}' is not declared in <units>`);
}
