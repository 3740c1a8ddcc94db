import { isCurrency, type Currency } from '../../values/currency.js';
import {
  BILLING_MODES, PRODUCT_CATEGORIES,
  type CatalogVersion, type PriceList, type Product, type Rules, type Unit,
} from '../types.js';
import { readPlan } from './parse-plan.js';
import { readLimits } from './parse-usage.js';
import type { XmlItem, XmlReader } from './reader.js';
import { RULE_SECTIONS } from './rules-shape.js';

const CATALOG_ELEMENTS = ['effectiveDate', 'catalogName', 'recurringBillingMode', 'currencies', 'units', 'products', 'rules',
  'plans', 'priceLists'];

/** Reads `<catalog>` (StandaloneCatalog) into the model, with Kill Bill's defaults for what it leaves out. */
export function readCatalog(r: XmlReader, root: XmlItem): CatalogVersion {
  const at = 'catalog';
  r.only(root, CATALOG_ELEMENTS, [], at);
  const mode = r.optionalText(root, 'recurringBillingMode', at);
  const catalogMode = mode === undefined ? undefined : r.enumValue(BILLING_MODES, mode, `${at}: recurringBillingMode`, 'mode');
  const currencies = r.list(root, 'currencies', 'currency', at).map((c, i) => {
    const code = r.text(c, `currency ${i + 1}`);
    if (!isCurrency(code)) r.fail(`currency ${i + 1}`, `'${code.slice(0, 20)}' is not a currency code`);
    return code as Currency;
  });
  requireWrapper(r, root, 'currencies');
  requireWrapper(r, root, 'products');
  requireWrapper(r, root, 'plans');
  return {
    catalogName: r.requiredText(root, 'catalogName', at),
    effectiveDate: r.dateTime(r.requiredText(root, 'effectiveDate', at), `${at}: effectiveDate`),
    // Kill Bill leaves the catalog's mode null when absent; plans that need one then fail (parse-plan.ts).
    recurringBillingMode: catalogMode ?? 'IN_ADVANCE',
    currencies,
    units: r.list(root, 'units', 'unit', at).map((u, i) => readUnit(r, u, i)),
    products: r.list(root, 'products', 'product', at).map((p, i) => readProduct(r, p, i)),
    rules: readRules(r, r.required(root, 'rules', at)),
    plans: r.list(root, 'plans', 'plan', at).map((p, i) => readPlan(r, p, catalogMode, i)),
    priceLists: readPriceLists(r, r.required(root, 'priceLists', at)),
  };
}

function requireWrapper(r: XmlReader, root: XmlItem, name: string): void {
  if (r.all(root, name).length === 0) r.fail('catalog', `<${name}> is required`);
}

function readUnit(r: XmlReader, item: XmlItem, index: number): Unit {
  const at = `unit ${index + 1}`;
  r.only(item, [], ['name', 'prettyName'], at);
  return { name: r.requiredAttr(item, 'name', at), prettyName: r.attr(item, 'prettyName') ?? null };
}

function readProduct(r: XmlReader, item: XmlItem, index: number): Product {
  const name = r.requiredAttr(item, 'name', `product ${index + 1}`);
  const at = name === '' ? `product ${index + 1}` : `product '${name}'`;
  r.only(item, ['category', 'included', 'available', 'limits'], ['name', 'prettyName'], at);
  const addOns = (wrapper: string) => r.list(item, wrapper, 'addonProduct', at).map((a) => r.text(a, `${at}: ${wrapper}`));
  return {
    name,
    prettyName: r.attr(item, 'prettyName') ?? null,
    category: r.enumValue(PRODUCT_CATEGORIES, r.requiredText(item, 'category', at), `${at}: category`, 'category'),
    included: addOns('included'),
    available: addOns('available'),
    limits: readLimits(r, item, at),
  };
}

function readRules(r: XmlReader, item: XmlItem): Rules {
  r.only(item, RULE_SECTIONS.map((s) => s.wrapper), [], 'rules');
  const rules: Record<string, Record<string, string>[]> = {};
  for (const section of RULE_SECTIONS) {
    rules[section.key] = r.list(item, section.wrapper, section.element, 'rules').map((c, i) => {
      const at = `rules: ${section.element} ${i + 1}`;
      r.only(c, [...section.qualifiers.map((q) => q[0]), section.result[0]], [], at);
      const out: Record<string, string> = {};
      for (const [xml, key, values] of section.qualifiers) {
        const raw = r.optionalText(c, xml, at);
        if (raw !== undefined) out[key] = values === null ? raw : r.enumValue(values, raw, `${at}: ${xml}`, xml);
      }
      const [xml, key, values] = section.result;
      const raw = r.requiredText(c, xml, at);
      out[key] = values === null ? raw : r.enumValue(values, raw, `${at}: ${xml}`, xml);
      return out;
    });
  }
  // The record was filled from RULE_SECTIONS, whose qualifiers and results are exactly Rules' fields and enums.
  return rules as unknown as Rules;
}

function readPriceList(r: XmlReader, item: XmlItem, where: string): PriceList {
  const name = r.requiredAttr(item, 'name', where);
  const at = name === '' ? where : `${where} '${name}'`;
  r.only(item, ['plans'], ['name', 'prettyName'], at);
  if (r.all(item, 'plans').length === 0) r.fail(at, '<plans> is required');
  const prettyName = r.attr(item, 'prettyName');
  return {
    name,
    ...(prettyName === undefined ? {} : { prettyName }),
    plans: r.list(item, 'plans', 'plan', at).map((p) => r.text(p, `${at}: plan`)),
  };
}

function readPriceLists(r: XmlReader, item: XmlItem): CatalogVersion['priceLists'] {
  r.only(item, ['defaultPriceList', 'childPriceList'], [], 'priceLists');
  return {
    defaultPriceList: readPriceList(r, r.required(item, 'defaultPriceList', 'priceLists'), 'defaultPriceList'),
    childPriceLists: r.all(item, 'childPriceList').map((c) => readPriceList(r, c, 'childPriceList')),
  };
}
