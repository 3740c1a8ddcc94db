import type { Decimal } from 'decimal.js';
import type { DateTime } from 'luxon';
import type {
  CatalogVersion, InternationalPrice, Limit, Phase, Plan, PriceList, Product, Rules, Tier, TieredBlock, Usage,
} from '../types.js';
import { RULE_SECTIONS } from './rules-shape.js';
import { el, leaf, optLeaf, printXml, type XmlNodeOut } from './xml-writer.js';

/**
 * Kill Bill's catalog XML for one version, elements in the JAXB classes' order, such that
 * `parseCatalogXml(catalogToXml(v))` equals `v`. Defaults are written out explicitly (a plan's billing mode,
 * a usage's tierBlockPolicy) so the document means the same wherever it is read.
 */
export function catalogToXml(version: CatalogVersion): string {
  return printXml(el('catalog', [['xmlns:xsi', 'http://www.w3.org/2001/XMLSchema-instance']],
    leaf('effectiveDate', dateText(version.effectiveDate)),
    leaf('catalogName', version.catalogName),
    leaf('recurringBillingMode', version.recurringBillingMode),
    el('currencies', [], version.currencies.map((c) => leaf('currency', c))),
    version.units.length > 0 && el('units', [], version.units.map((u) => el('unit', [['name', u.name], ['prettyName', u.prettyName]]))),
    el('products', [], version.products.map(productXml)),
    rulesXml(version.rules),
    el('plans', [], version.plans.map(planXml)),
    el('priceLists', [],
      priceListXml('defaultPriceList', version.priceLists.defaultPriceList),
      version.priceLists.childPriceLists.map((p) => priceListXml('childPriceList', p))),
  ));
}

/** Plain digits, never an exponent (decimal.js toFixed without an argument). */
function num(value: Decimal): string {
  return value.toFixed();
}

function dateText(value: DateTime): string {
  return value.toUTC().toISO({ suppressMilliseconds: true }) ?? '';
}

function pricesXml(name: string, prices: InternationalPrice | null): XmlNodeOut | null {
  if (prices === null) return null;
  return el(name, [], prices.map((p) => el('price', [],
    leaf('currency', p.currency),
    p.value === null ? leaf('value', '', [['xsi:nil', 'true']]) : leaf('value', num(p.value)))));
}

function limitsXml(limits: readonly Limit[]): XmlNodeOut | null {
  if (limits.length === 0) return null;
  return el('limits', [], limits.map((l) => el('limit', [],
    leaf('unit', l.unit), optLeaf('max', l.max && num(l.max)), optLeaf('min', l.min && num(l.min)))));
}

function productXml(p: Product): XmlNodeOut {
  const addOns = (name: string, list: readonly string[]) =>
    list.length > 0 && el(name, [], list.map((a) => leaf('addonProduct', a)));
  return el('product', [['name', p.name], ['prettyName', p.prettyName]],
    leaf('category', p.category), addOns('included', p.included), addOns('available', p.available), limitsXml(p.limits));
}

function rulesXml(rules: Rules): XmlNodeOut {
  return el('rules', [], RULE_SECTIONS.map((section) => {
    const cases = rules[section.key] as readonly Readonly<Record<string, string | undefined>>[];
    return cases.length > 0 && el(section.wrapper, [], cases.map((c) => el(section.element, [],
      section.qualifiers.map(([xml, key]) => optLeaf(xml, c[key])),
      optLeaf(section.result[0], c[section.result[1]]))));
  }));
}

function blockXml(b: TieredBlock, tiered: boolean): XmlNodeOut {
  return el(tiered ? 'tieredBlock' : 'block', [['type', b.type === 'VANILLA' ? null : b.type]],
    leaf('unit', b.unit), leaf('size', num(b.size)), pricesXml('prices', b.prices),
    optLeaf('minTopUpCredit', b.minTopUpCredit && num(b.minTopUpCredit)),
    // DefaultTieredBlock's max is required; -1 is Kill Bill's "unlimited".
    tiered && leaf('max', b.max === null ? '-1' : num(b.max)));
}

function tierXml(t: Tier): XmlNodeOut {
  return el('tier', [],
    limitsXml(t.limits),
    t.blocks.length > 0 && el('blocks', [], t.blocks.map((b) => blockXml(b, true))),
    pricesXml('fixedPrice', t.fixedPrice), pricesXml('recurringPrice', t.recurringPrice));
}

function usageXml(u: Usage): XmlNodeOut {
  return el('usage', [['name', u.name], ['prettyName', u.prettyName], ['billingMode', u.billingMode],
    ['usageType', u.usageType], ['tierBlockPolicy', u.tierBlockPolicy]],
  leaf('billingPeriod', u.billingPeriod),
  limitsXml(u.limits),
  u.blocks.length > 0 && el('blocks', [], u.blocks.map((b) => blockXml(b, false))),
  u.tiers.length > 0 && el('tiers', [], u.tiers.map(tierXml)),
  pricesXml('fixedPrice', u.fixedPrice), pricesXml('recurringPrice', u.recurringPrice));
}

function phaseXml(name: string, p: Phase): XmlNodeOut {
  return el(name, [['type', p.type], ['prettyName', p.prettyName]],
    el('duration', [], leaf('unit', p.duration.unit), optLeaf('number', p.duration.number?.toString())),
    p.fixed && el('fixed', [], pricesXml('fixedPrice', p.fixed.price)),
    p.recurring && el('recurring', [], leaf('billingPeriod', p.recurring.billingPeriod), pricesXml('recurringPrice', p.recurring.price)),
    p.usages.length > 0 && el('usages', [], p.usages.map(usageXml)));
}

function planXml(p: Plan): XmlNodeOut {
  return el('plan', [['name', p.name], ['prettyName', p.prettyName]],
    p.effectiveDateForExistingSubscriptions && leaf('effectiveDateForExistingSubscriptions', dateText(p.effectiveDateForExistingSubscriptions)),
    leaf('product', p.product),
    leaf('recurringBillingMode', p.recurringBillingMode),
    p.initialPhases.length > 0 && el('initialPhases', [], p.initialPhases.map((ph) => phaseXml('phase', ph))),
    phaseXml('finalPhase', p.finalPhase),
    p.plansAllowedInBundle !== -1 && leaf('plansAllowedInBundle', String(p.plansAllowedInBundle)));
}

function priceListXml(name: string, p: PriceList): XmlNodeOut {
  return el(name, [['name', p.name], ['prettyName', p.prettyName]], el('plans', [], p.plans.map((plan) => leaf('plan', plan))));
}
