// @ts-check
/**
 * The tenant's tax rules: JSON uploaded with `POST /1.0/kb/tenants/uploadPluginConfig/simple-tax`.
 *
 *   {
 *     "taxName": "Tax",                                  description of TAX items (default "Tax")
 *     "countries": {                                     by the account's country (ISO code, any case)
 *       "FR": { "rate": "0.20", "name": "TVA",           rate as a decimal string (a fraction: 0.20 = 20 %)
 *               "products": { "Books": "0.055" } },      per catalog product: wins over the country's rate
 *       "DE": { "rate": "0.19", "name": "MwSt" }
 *     }
 *   }
 *
 * An account in a country not listed, or with no country, is not taxed (taxes already charged are still
 * reversed when their items are adjusted). A config that cannot be read throws: the invoice run fails and
 * is retried rather than writing an invoice without its taxes.
 */
import { compare, parse, ZERO } from './money.js';

/** @typedef {import('@billwright/plugin-api').PluginConfig} PluginConfig */
/** @typedef {import('./money.js').Dec} Dec */
/** @typedef {{ readonly rate: Dec, readonly name: string, readonly products: ReadonlyMap<string, Dec> }} Jurisdiction */
/** @typedef {{ readonly countries: ReadonlyMap<string, Jurisdiction> }} TaxConfig */

/** @type {TaxConfig} */
const NO_TAXES = { countries: new Map() };

/**
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * @param {unknown} value
 * @param {string} where
 * @returns {Dec}
 */
function rate(value, where) {
  if (typeof value !== 'string' && typeof value !== 'number') throw new Error(`simple-tax config: ${where} must be a decimal such as "0.20"`);
  const r = parse(value);
  if (compare(r, ZERO) < 0 || compare(r, parse('10')) > 0) throw new Error(`simple-tax config: ${where} must be a fraction from 0 to 10 (0.20 = 20 %), got ${JSON.stringify(value)}`);
  return r;
}

/**
 * @param {PluginConfig} config
 * @returns {TaxConfig}
 */
export function readConfig(config) {
  /** @type {unknown} */
  let json;
  try {
    json = config.json(null);
  } catch (e) {
    throw new Error(`simple-tax config is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (json === null) return NO_TAXES;
  if (!isObject(json)) throw new Error('simple-tax config must be a JSON object');
  const taxName = json['taxName'] ?? 'Tax';
  if (typeof taxName !== 'string') throw new Error('simple-tax config: taxName must be a string');
  const countries = json['countries'] ?? {};
  if (!isObject(countries)) throw new Error('simple-tax config: countries must be an object keyed by country code');

  /** @type {Map<string, Jurisdiction>} */
  const out = new Map();
  for (const [code, entry] of Object.entries(countries)) {
    if (!isObject(entry)) throw new Error(`simple-tax config: countries.${code} must be an object with a rate`);
    const name = entry['name'] ?? taxName;
    if (typeof name !== 'string') throw new Error(`simple-tax config: countries.${code}.name must be a string`);
    const products = entry['products'] ?? {};
    if (!isObject(products)) throw new Error(`simple-tax config: countries.${code}.products must be an object keyed by product name`);
    out.set(code.trim().toUpperCase(), {
      rate: rate(entry['rate'], `countries.${code}.rate`),
      name,
      products: new Map(Object.entries(products).map(([product, r]) => [product, rate(r, `countries.${code}.products.${product}`)])),
    });
  }
  return { countries: out };
}
