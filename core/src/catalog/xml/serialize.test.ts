import { readdirSync, readFileSync } from 'node:fs';
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { checkCatalogXml, parseCatalogXml } from './parse.js';
import { catalogToXml } from './serialize.js';

const examples = new URL('../../../../examples/catalogs/', import.meta.url);
const exampleFiles = [
  'saas.xml', 'usage.xml',
  ...readdirSync(new URL('versioned/', examples)).filter((f) => f.endsWith('.xml')).map((f) => `versioned/${f}`),
];

const price = (c: string, v: string) => `<price><currency>${c}</currency><value>${v}</value></price>`;

/** A catalog that uses every element and attribute the parser knows. */
const everything = `<?xml version="1.0" encoding="UTF-8"?>
<catalog xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <effectiveDate>2024-03-01T12:30:00+02:00</effectiveDate>
  <catalogName>Everything &amp; more</catalogName>
  <recurringBillingMode>IN_ARREAR</recurringBillingMode>
  <currencies><currency>USD</currency><currency>JPY</currency><currency>BTC</currency></currencies>
  <units><unit name="calls" prettyName="API &quot;calls&quot;"/><unit name="seats"/></units>
  <products>
    <product name="Base" prettyName="Base &lt;one&gt;">
      <category>BASE</category>
      <included><addonProduct>Extra</addonProduct></included>
      <available><addonProduct>More</addonProduct></available>
      <limits><limit><unit>seats</unit><max>10</max><min>1</min></limit><limit><unit>calls</unit><min>5</min></limit></limits>
    </product>
    <product name="Extra"><category>ADD_ON</category></product>
    <product name="More"><category>ADD_ON</category></product>
    <product name="Solo"><category>STANDALONE</category></product>
  </products>
  <rules>
    <changePolicy>
      <changePolicyCase><phaseType>TRIAL</phaseType><fromProduct>Base</fromProduct><fromProductCategory>BASE</fromProductCategory>
        <fromBillingPeriod>MONTHLY</fromBillingPeriod><fromPriceList>DEFAULT</fromPriceList><toProduct>Solo</toProduct>
        <toProductCategory>STANDALONE</toProductCategory><toBillingPeriod>ANNUAL</toBillingPeriod><toPriceList>SPECIAL</toPriceList>
        <policy>ILLEGAL</policy></changePolicyCase>
      <changePolicyCase><policy>END_OF_TERM</policy></changePolicyCase>
    </changePolicy>
    <changeAlignment>
      <changeAlignmentCase><fromPriceList>SPECIAL</fromPriceList><toPriceList>SPECIAL</toPriceList><alignment>CHANGE_OF_PRICELIST</alignment></changeAlignmentCase>
      <changeAlignmentCase><alignment>START_OF_SUBSCRIPTION</alignment></changeAlignmentCase>
    </changeAlignment>
    <cancelPolicy>
      <cancelPolicyCase><product>Base</product><productCategory>BASE</productCategory><billingPeriod>MONTHLY</billingPeriod>
        <priceList>DEFAULT</priceList><phaseType>EVERGREEN</phaseType><policy>IMMEDIATE</policy></cancelPolicyCase>
      <cancelPolicyCase><policy>END_OF_TERM</policy></cancelPolicyCase>
    </cancelPolicy>
    <createAlignment>
      <createAlignmentCase><product>Extra</product><productCategory>ADD_ON</productCategory><billingPeriod>MONTHLY</billingPeriod>
        <priceList>DEFAULT</priceList><alignment>START_OF_SUBSCRIPTION</alignment></createAlignmentCase>
      <createAlignmentCase><alignment>START_OF_BUNDLE</alignment></createAlignmentCase>
    </createAlignment>
    <billingAlignment>
      <billingAlignmentCase><phaseType>TRIAL</phaseType><alignment>SUBSCRIPTION</alignment></billingAlignmentCase>
      <billingAlignmentCase><alignment>ACCOUNT</alignment></billingAlignmentCase>
    </billingAlignment>
    <priceList>
      <priceListCase><fromProduct>Base</fromProduct><fromProductCategory>BASE</fromProductCategory><fromBillingPeriod>MONTHLY</fromBillingPeriod>
        <fromPriceList>SPECIAL</fromPriceList><toPriceList>DEFAULT</toPriceList></priceListCase>
    </priceList>
  </rules>
  <plans>
    <plan name="base-monthly" prettyName="Base monthly">
      <effectiveDateForExistingSubscriptions>2024-04-01T00:00:00Z</effectiveDateForExistingSubscriptions>
      <product>Base</product>
      <recurringBillingMode>IN_ADVANCE</recurringBillingMode>
      <initialPhases>
        <phase type="TRIAL" prettyName="Free"><duration><unit>DAYS</unit><number>30</number></duration><fixed type="ONE_TIME"><fixedPrice/></fixed></phase>
        <phase type="DISCOUNT"><duration><unit>WEEKS</unit><number>2</number></duration>
          <recurring><billingPeriod>WEEKLY</billingPeriod><recurringPrice>${price('USD', '1.50')}${price('JPY', '150')}</recurringPrice></recurring></phase>
        <phase type="FIXEDTERM"><duration><unit>YEARS</unit><number>1</number></duration>
          <recurring><billingPeriod>NO_BILLING_PERIOD</billingPeriod></recurring>
          <usages><usage name="prepaid" prettyName="Prepaid" billingMode="IN_ADVANCE" usageType="CONSUMABLE" tierBlockPolicy="TOP_TIER">
            <billingPeriod>NO_BILLING_PERIOD</billingPeriod>
            <limits><limit><unit>calls</unit><max>1000</max></limit></limits>
            <blocks><block type="TOP_UP"><unit>calls</unit><size>100</size><prices>${price('BTC', '0.00010000')}</prices><minTopUpCredit>5</minTopUpCredit></block>
              <block><unit>calls</unit><size>10</size><prices>${price('USD', '2')}</prices></block></blocks>
            <fixedPrice>${price('USD', '3')}</fixedPrice>
            <recurringPrice>${price('USD', '4')}</recurringPrice>
          </usage></usages>
        </phase>
      </initialPhases>
      <finalPhase type="EVERGREEN" prettyName="Forever">
        <duration><unit>UNLIMITED</unit><number>-1</number></duration>
        <fixed><fixedPrice>${price('USD', '0')}<price><currency>JPY</currency><value xsi:nil="true"/></price></fixedPrice></fixed>
        <recurring><billingPeriod>MONTHLY</billingPeriod><recurringPrice>${price('USD', '123456789012345678.99')}${price('BTC', '0.00000001')}</recurringPrice></recurring>
        <usages>
          <usage name="metered" billingMode="IN_ARREAR" usageType="CONSUMABLE">
            <billingPeriod>MONTHLY</billingPeriod>
            <tiers><tier><blocks><tieredBlock><unit>calls</unit><size>1</size><prices>${price('USD', '0.001')}</prices><max>100</max></tieredBlock>
              <tieredBlock><unit>calls</unit><size>1</size><prices>${price('USD', '0.0005')}</prices><max>-1</max></tieredBlock></blocks></tier></tiers>
          </usage>
          <usage name="sized" billingMode="IN_ARREAR" usageType="CAPACITY">
            <billingPeriod>ANNUAL</billingPeriod>
            <tiers><tier><limits><limit><unit>seats</unit><max>5</max></limit></limits>
              <fixedPrice>${price('USD', '10')}</fixedPrice><recurringPrice>${price('USD', '20')}</recurringPrice></tier>
              <tier><limits><limit><unit>seats</unit><max>-1</max></limit></limits><recurringPrice/></tier></tiers>
          </usage>
        </usages>
      </finalPhase>
      <plansAllowedInBundle>2</plansAllowedInBundle>
    </plan>
    <plan name="solo"><product>Solo</product>
      <finalPhase type="FIXEDTERM"><duration><unit>MONTHS</unit><number>6</number></duration><fixed/></finalPhase></plan>
    <plan name="extra"><product>Extra</product>
      <finalPhase type="EVERGREEN"><duration><unit>UNLIMITED</unit></duration><recurring><billingPeriod>BIENNIAL</billingPeriod><recurringPrice/></recurring></finalPhase></plan>
  </plans>
  <priceLists>
    <defaultPriceList name="DEFAULT"><plans><plan>base-monthly</plan><plan>solo</plan></plans></defaultPriceList>
    <childPriceList name="SPECIAL" prettyName="Special"><plans><plan>extra</plan></plans></childPriceList>
    <childPriceList name="EMPTY"><plans/></childPriceList>
  </priceLists>
</catalog>`;

describe('catalogToXml', () => {
  it('round-trips a catalog that uses every element', () => {
    const { catalog, errors } = checkCatalogXml(everything);
    expect(errors).toEqual([]);
    const written = catalogToXml(catalog!);
    expect(parseCatalogXml(written)).toEqual(catalog);
    // Writing again gives the same text: nothing drifts.
    expect(catalogToXml(parseCatalogXml(written))).toBe(written);
  });

  it.each(exampleFiles)('round-trips examples/catalogs/%s', (file) => {
    const catalog = parseCatalogXml(readFileSync(new URL(file, examples), 'utf8'));
    expect(parseCatalogXml(catalogToXml(catalog))).toEqual(catalog);
  });

  it('keeps the details the model holds', () => {
    const v = parseCatalogXml(everything);
    const base = v.plans[0]!;
    expect(v.effectiveDate.toISO()).toBe('2024-03-01T10:30:00.000Z');
    expect(v.catalogName).toBe('Everything & more');
    expect(v.units[0]).toEqual({ name: 'calls', prettyName: 'API "calls"' });
    expect(v.products[0]?.limits).toEqual([
      { unit: 'seats', min: new Decimal(1), max: new Decimal(10) }, { unit: 'calls', min: new Decimal(5), max: null },
    ]);
    expect(v.rules.priceList).toEqual([{ product: 'Base', productCategory: 'BASE', billingPeriod: 'MONTHLY', fromPriceList: 'SPECIAL', toPriceList: 'DEFAULT' }]);
    expect(base.finalPhase.fixed?.price[1]).toEqual({ currency: 'JPY', value: null });
    const prepaid = base.initialPhases[2]?.usages[0];
    expect(prepaid?.blocks[0]).toMatchObject({ type: 'TOP_UP', minTopUpCredit: new Decimal(5), max: null });
    expect(prepaid?.tierBlockPolicy).toBe('TOP_TIER');
    expect(v.plans[1]?.finalPhase.fixed).toEqual({ price: [] });
    expect(v.plans[2]?.recurringBillingMode).toBe('IN_ARREAR');
    expect(v.plans[2]?.finalPhase.recurring?.price).toEqual([]);
    expect(v.priceLists.childPriceLists).toEqual([{ name: 'SPECIAL', prettyName: 'Special', plans: ['extra'] }, { name: 'EMPTY', plans: [] }]);
  });

  it('writes decimals with all their digits and no exponent', () => {
    const xml = catalogToXml(parseCatalogXml(everything));
    expect(xml).toContain('<value>123456789012345678.99</value>');
    expect(xml).toContain('<value>0.00000001</value>');
    expect(xml).toContain('<value>0.0005</value>');
    expect(xml).not.toMatch(/\de[+-]?\d/);
  });

  it('escapes markup in names', () => {
    const xml = catalogToXml(parseCatalogXml(everything));
    expect(xml).toContain('<catalogName>Everything &amp; more</catalogName>');
    expect(xml).toContain('prettyName="Base &lt;one&gt;"');
  });
});

describe('examples/catalogs', () => {
  it.each(exampleFiles)('%s parses and validates', (file) => {
    expect(checkCatalogXml(readFileSync(new URL(file, examples), 'utf8')).errors).toEqual([]);
  });

  it('versioned/ holds one catalog at increasing effective dates, with a retired plan and a delayed price change', () => {
    const versions = exampleFiles.filter((f) => f.startsWith('versioned/')).map((f) => parseCatalogXml(readFileSync(new URL(f, examples), 'utf8')));
    expect(versions.length).toBeGreaterThanOrEqual(2);
    expect(new Set(versions.map((v) => v.catalogName)).size).toBe(1);
    const dates = versions.map((v) => v.effectiveDate.toMillis());
    expect([...dates].sort((a, b) => a - b)).toEqual(dates);
    const names = versions.map((v) => new Set(v.plans.map((p) => p.name)));
    expect([...names[0]!].some((n) => !names[1]!.has(n))).toBe(true);
    expect(versions.some((v) => v.plans.some((p) => p.effectiveDateForExistingSubscriptions !== null))).toBe(true);
  });

  it('usage.xml prices each currency with its own number of decimals', () => {
    const usage = parseCatalogXml(readFileSync(new URL('usage.xml', examples), 'utf8'));
    const text = readFileSync(new URL('usage.xml', examples), 'utf8');
    expect(usage.currencies).toEqual(['USD', 'EUR', 'GBP', 'JPY', 'BTC']);
    expect(text).not.toMatch(/<currency>JPY<\/currency><value>\d+\./);
    expect(text).toMatch(/<currency>BTC<\/currency><value>0\.\d{8}<\/value>/);
  });
});
