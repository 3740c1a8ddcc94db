import { isCurrency, type Currency } from '../../values/currency.js';
import {
  BILLING_MODES, BILLING_PERIODS, BLOCK_TYPES, TIER_BLOCK_POLICIES, USAGE_TYPES,
  type InternationalPrice, type Limit, type Price, type Tier, type TieredBlock, type Usage,
} from '../types.js';
import type { XmlItem, XmlReader } from './reader.js';

/** `<price><currency/><value/></price>`*; an empty `<value/>` or `xsi:nil` is Kill Bill's "no price" (DefaultPrice nillable). */
export function readPrices(r: XmlReader, item: XmlItem, where: string): InternationalPrice {
  r.only(item, ['price'], [], where);
  return r.all(item, 'price').map((price, i): Price => {
    const at = `${where}: price ${i + 1}`;
    r.only(price, ['currency', 'value'], [], at);
    const code = r.requiredText(price, 'currency', at);
    if (code !== '' && !isCurrency(code)) r.fail(`${at}: currency`, `'${code.slice(0, 20)}' is not a currency code`);
    const value = r.optional(price, 'value', at);
    const raw = value === undefined ? '' : r.text(value, `${at}: value`);
    const isNil = value !== undefined && r.attr(value, 'xsi:nil') === 'true';
    if (value === undefined) r.fail(at, '<value> is required');
    return { currency: code as Currency, value: raw === '' || isNil ? null : r.decimal(raw, `${at}: value`) };
  });
}

export function readOptionalPrices(r: XmlReader, parent: XmlItem, name: string, where: string): InternationalPrice | null {
  const item = r.optional(parent, name, where);
  return item === undefined ? null : readPrices(r, item, `${where}: ${name}`);
}

/** Kill Bill writes "no bound" as -1 (CatalogSafetyInitializer); we keep it as null. */
function optionalBound(r: XmlReader, parent: XmlItem, name: string, where: string) {
  const raw = r.optionalText(parent, name, where);
  if (raw === undefined || raw === '') return null;
  const value = r.decimal(raw, `${where}: ${name}`);
  return value.eq(-1) ? null : value;
}

export function readLimits(r: XmlReader, parent: XmlItem, where: string): Limit[] {
  return r.list(parent, 'limits', 'limit', where).map((limit, i) => {
    const at = `${where}: limit ${i + 1}`;
    r.only(limit, ['unit', 'max', 'min'], [], at);
    return {
      unit: r.requiredText(limit, 'unit', at),
      min: optionalBound(r, limit, 'min', at),
      max: optionalBound(r, limit, 'max', at),
    };
  });
}

/** `<block>` (usage level, DefaultBlock) has no max; `<tieredBlock>` (DefaultTieredBlock) adds one. */
function readBlock(r: XmlReader, block: XmlItem, tiered: boolean, where: string): TieredBlock {
  const fields = ['unit', 'size', 'prices', 'minTopUpCredit'];
  r.only(block, tiered ? [...fields, 'max'] : fields, ['type'], where);
  const size = r.requiredText(block, 'size', where);
  return {
    unit: r.requiredText(block, 'unit', where),
    size: r.decimal(size, `${where}: size`),
    prices: readPrices(r, r.required(block, 'prices', where), `${where}: prices`),
    max: tiered ? optionalBound(r, block, 'max', where) : null,
    type: r.enumValue(BLOCK_TYPES, r.attr(block, 'type') ?? 'VANILLA', where, 'type'),
    minTopUpCredit: optionalBound(r, block, 'minTopUpCredit', where),
  };
}

function readTier(r: XmlReader, tier: XmlItem, where: string): Tier {
  r.only(tier, ['limits', 'blocks', 'fixedPrice', 'recurringPrice'], [], where);
  return {
    limits: readLimits(r, tier, where),
    blocks: r.list(tier, 'blocks', 'tieredBlock', where).map((b, i) => readBlock(r, b, true, `${where}: tieredBlock ${i + 1}`)),
    fixedPrice: readOptionalPrices(r, tier, 'fixedPrice', where),
    recurringPrice: readOptionalPrices(r, tier, 'recurringPrice', where),
  };
}

export function readUsage(r: XmlReader, usage: XmlItem, where: string): Usage {
  const name = r.requiredAttr(usage, 'name', where);
  const at = name === '' ? where : `usage '${name}'`;
  r.only(usage, ['billingPeriod', 'limits', 'blocks', 'tiers', 'fixedPrice', 'recurringPrice'],
    ['name', 'prettyName', 'billingMode', 'usageType', 'tierBlockPolicy'], at);
  return {
    name,
    prettyName: r.attr(usage, 'prettyName') ?? null,
    billingMode: r.enumValue(BILLING_MODES, r.requiredAttr(usage, 'billingMode', at), at, 'billingMode'),
    usageType: r.enumValue(USAGE_TYPES, r.requiredAttr(usage, 'usageType', at), at, 'usageType'),
    tierBlockPolicy: r.enumValue(TIER_BLOCK_POLICIES, r.attr(usage, 'tierBlockPolicy') ?? 'ALL_TIERS', at, 'tierBlockPolicy'),
    billingPeriod: r.enumValue(BILLING_PERIODS, r.requiredText(usage, 'billingPeriod', at), `${at}: billingPeriod`, 'billing period'),
    tiers: r.list(usage, 'tiers', 'tier', at).map((t, i) => readTier(r, t, `${at}: tier ${i + 1}`)),
    limits: readLimits(r, usage, at),
    blocks: r.list(usage, 'blocks', 'block', at).map((b, i) => readBlock(r, b, false, `${at}: block ${i + 1}`)),
    fixedPrice: readOptionalPrices(r, usage, 'fixedPrice', at),
    recurringPrice: readOptionalPrices(r, usage, 'recurringPrice', at),
  };
}
