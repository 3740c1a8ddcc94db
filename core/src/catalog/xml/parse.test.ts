import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { isBillingError } from '../../errors/index.js';
import { CatalogXmlError, checkCatalogXml, parseCatalogXml } from './parse.js';

/** A one-plan catalog; `plan` replaces the plan's inside, `extra` goes before `<products>`. */
function catalog(opts: { plan?: string; extra?: string; head?: string; rules?: string } = {}): string {
  const plan = opts.plan ?? `
      <product>Widget</product>
      <finalPhase type="EVERGREEN">
        <duration><unit>UNLIMITED</unit></duration>
        <recurring><billingPeriod>MONTHLY</billingPeriod>
          <recurringPrice><price><currency>USD</currency><value>10.00</value></price></recurringPrice>
        </recurring>
      </finalPhase>`;
  return `<?xml version="1.0"?>
  <catalog>
    <effectiveDate>2024-01-01T00:00:00+00:00</effectiveDate>
    <catalogName>Test</catalogName>
    ${opts.head ?? '<recurringBillingMode>IN_ADVANCE</recurringBillingMode>'}
    <currencies><currency>USD</currency></currencies>
    ${opts.extra ?? ''}
    <products><product name="Widget"><category>BASE</category></product></products>
    <rules>${opts.rules ?? `<changePolicy><changePolicyCase><policy>END_OF_TERM</policy></changePolicyCase></changePolicy>
      <cancelPolicy><cancelPolicyCase><policy>END_OF_TERM</policy></cancelPolicyCase></cancelPolicy>`}</rules>
    <plans><plan name="widget-monthly">${plan}</plan></plans>
    <priceLists><defaultPriceList name="DEFAULT"><plans><plan>widget-monthly</plan></plans></defaultPriceList></priceLists>
  </catalog>`;
}

function errorsOf(xml: string): readonly string[] {
  return checkCatalogXml(xml).errors;
}

describe('parseCatalogXml', () => {
  it('reads a minimal catalog with a one-element list still a list', () => {
    const v = parseCatalogXml(catalog());
    expect(v.catalogName).toBe('Test');
    expect(v.effectiveDate.toISO()).toBe('2024-01-01T00:00:00.000Z');
    expect(v.currencies).toEqual(['USD']);
    expect(v.plans).toHaveLength(1);
    expect(v.priceLists.defaultPriceList.plans).toEqual(['widget-monthly']);
    const price = v.plans[0]?.finalPhase.recurring?.price?.[0];
    expect(price?.currency).toBe('USD');
    expect(price?.value).toEqual(new Decimal('10.00'));
  });

  it("applies Kill Bill's defaults for what the XML leaves out", () => {
    const v = parseCatalogXml(catalog());
    const plan = v.plans[0];
    expect(plan?.recurringBillingMode).toBe('IN_ADVANCE');
    expect(plan?.plansAllowedInBundle).toBe(-1);
    expect(plan?.initialPhases).toEqual([]);
    expect(plan?.effectiveDateForExistingSubscriptions).toBeNull();
    expect(plan?.finalPhase.duration).toEqual({ unit: 'UNLIMITED', number: null });
    expect(plan?.finalPhase.fixed).toBeNull();
    expect(v.units).toEqual([]);
    expect(v.rules.priceList).toEqual([]);
  });

  it("lets a plan inherit the catalog's recurringBillingMode and keep its own", () => {
    const inherits = parseCatalogXml(catalog({ head: '<recurringBillingMode>IN_ARREAR</recurringBillingMode>' }));
    expect(inherits.plans[0]?.recurringBillingMode).toBe('IN_ARREAR');
    const own = parseCatalogXml(catalog({ plan: catalogPlanWith('<recurringBillingMode>IN_ARREAR</recurringBillingMode>') }));
    expect(own.plans[0]?.recurringBillingMode).toBe('IN_ARREAR');
  });

  it('refuses a recurring plan when neither it nor the catalog has a billing mode', () => {
    expect(errorsOf(catalog({ head: '' }))).toContain("plan 'widget-monthly': Invalid recurring billingMode for plan 'widget-monthly'");
  });

  it('reads -1 as UNLIMITED number and plansAllowedInBundle', () => {
    const v = parseCatalogXml(catalog({ plan: `
      <product>Widget</product>
      <finalPhase type="EVERGREEN"><duration><unit>UNLIMITED</unit><number>-1</number></duration>
        <fixed><fixedPrice><price><currency>USD</currency><value>5</value></price></fixedPrice></fixed></finalPhase>
      <plansAllowedInBundle>3</plansAllowedInBundle>` }));
    expect(v.plans[0]?.finalPhase.duration.number).toBeNull();
    expect(v.plans[0]?.plansAllowedInBundle).toBe(3);
  });

  it('reads an empty <fixedPrice/> as a $0 fixed item with no prices', () => {
    const v = parseCatalogXml(catalog({ plan: `
      <product>Widget</product>
      <initialPhases><phase type="TRIAL"><duration><unit>DAYS</unit><number>30</number></duration>
        <fixed><fixedPrice/></fixed></phase></initialPhases>
      <finalPhase type="EVERGREEN"><duration><unit>UNLIMITED</unit></duration>
        <recurring><billingPeriod>MONTHLY</billingPeriod><recurringPrice><price><currency>USD</currency><value>1</value></price></recurringPrice></recurring>
      </finalPhase>` }));
    expect(v.plans[0]?.initialPhases[0]?.fixed).toEqual({ price: [] });
    expect(v.plans[0]?.initialPhases[0]?.duration).toEqual({ unit: 'DAYS', number: 30 });
  });

  it('reads usage defaults: ALL_TIERS, VANILLA blocks, unlimited max as null', () => {
    const v = parseCatalogXml(catalog({
      extra: '<units><unit name="calls"/></units>',
      plan: `<product>Widget</product>
      <finalPhase type="EVERGREEN"><duration><unit>UNLIMITED</unit></duration>
        <usages><usage name="calls-usage" billingMode="IN_ARREAR" usageType="CONSUMABLE">
          <billingPeriod>MONTHLY</billingPeriod>
          <tiers><tier><blocks><tieredBlock><unit>calls</unit><size>100</size>
            <prices><price><currency>USD</currency><value>0.25</value></price></prices><max>-1</max>
          </tieredBlock></blocks></tier></tiers>
        </usage></usages>
      </finalPhase>` }));
    const usage = v.plans[0]?.finalPhase.usages[0];
    expect(usage?.tierBlockPolicy).toBe('ALL_TIERS');
    expect(usage?.tiers[0]?.blocks[0]).toMatchObject({ unit: 'calls', type: 'VANILLA', max: null, minTopUpCredit: null });
    expect(usage?.tiers[0]?.blocks[0]?.size).toEqual(new Decimal(100));
  });

  it('reads decimals exactly, never through a JS number', () => {
    const v = parseCatalogXml(catalog({ plan: catalogPlanWith('', '0.10000000000000000001') }));
    expect(v.plans[0]?.finalPhase.recurring?.price?.[0]?.value?.toFixed()).toBe('0.10000000000000000001');
  });

  it('reads an empty or nil <value> as "no price in this currency"', () => {
    const nil = parseCatalogXml(catalog({ plan: catalogPlanWith('', '') }));
    expect(nil.plans[0]?.finalPhase.recurring?.price?.[0]?.value).toBeNull();
  });

  it('throws a CatalogXmlError (CAT_INVALID_FOR_TENANT) with every problem', () => {
    const xml = catalog({ plan: `<product>Widget</product>
      <initialPhases><phase type="TRIAL"><duration><unit>DAY</unit><number>x</number></duration><fixed/></phase></initialPhases>
      <finalPhase type="FOREVER"><duration><unit>UNLIMITED</unit></duration><fixed/></finalPhase>` });
    let error: unknown;
    try {
      parseCatalogXml(xml);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CatalogXmlError);
    expect(isBillingError(error, 'CAT_INVALID_FOR_TENANT')).toBe(true);
    const errors = (error as CatalogXmlError).errors;
    expect(errors).toContain("plan 'widget-monthly': phase TRIAL: duration: unit 'DAY' is not one of DAYS, WEEKS, MONTHS, YEARS, UNLIMITED");
    expect(errors).toContain("plan 'widget-monthly': phase TRIAL: duration: number: 'x' is not an integer");
    expect(errors).toContain("plan 'widget-monthly': finalPhase: type 'FOREVER' is not one of TRIAL, DISCOUNT, FIXEDTERM, EVERGREEN");
    expect((error as CatalogXmlError).details).toEqual({ errors: [...errors] });
  });

  it.each([
    ['a missing required element', catalog().replace('<catalogName>Test</catalogName>', ''), 'catalog: <catalogName> is required'],
    ['an unknown element', catalog({ extra: '<colour>red</colour>' }), 'catalog: unknown element <colour>'],
    ['an unknown attribute', catalog().replace('<plan name="widget-monthly">', '<plan name="widget-monthly" colour="red">'),
      "plan 'widget-monthly': unknown attribute 'colour'"],
    ['a repeated single element', catalog().replace('<catalogName>Test</catalogName>', '<catalogName>A</catalogName><catalogName>B</catalogName>'),
      'catalog: <catalogName> may appear only once'],
    ['a plan without a name', catalog().replace('<plan name="widget-monthly">', '<plan>'), "plan 1: attribute 'name' is required"],
    ['an unknown currency', catalog().replace('<currency>USD</currency></currencies>', '<currency>XXX</currency></currencies>'),
      "currency 1: 'XXX' is not a currency code"],
    ['a price that is not a decimal', catalog({ plan: catalogPlanWith('', '1e3') }),
      "plan 'widget-monthly': finalPhase EVERGREEN: recurring: recurringPrice: price 1: value: '1e3' is not a decimal number"],
    ['a bad date', catalog().replace('2024-01-01T00:00:00+00:00', 'yesterday'),
      "catalog: effectiveDate: 'yesterday' is not a date-time such as 2024-01-01T00:00:00+00:00"],
    ['a bad rule value', catalog({ rules: '<cancelPolicy><cancelPolicyCase><policy>SOMETIME</policy></cancelPolicyCase></cancelPolicy>' }),
      "rules: cancelPolicyCase 1: policy: policy 'SOMETIME' is not one of START_OF_TERM, END_OF_TERM, IMMEDIATE, ILLEGAL"],
    ['a usage without its attributes', catalog({ plan: `<product>Widget</product><finalPhase type="EVERGREEN">
      <duration><unit>UNLIMITED</unit></duration><usages><usage name="u"><billingPeriod>MONTHLY</billingPeriod></usage></usages></finalPhase>` }),
    "usage 'u': attribute 'billingMode' is required"],
    ['another root element', '<plans/>', "the document's root element must be <catalog>, found <plans>"],
    ['text that is not XML', 'hello', 'catalog XML is not well-formed'],
    ['unclosed tags', '<catalog><catalogName>x</catalog>', 'catalog XML is not well-formed'],
  ])('reports %s', (_what, xml, message) => {
    const { catalog: parsed, errors } = checkCatalogXml(xml);
    expect(parsed).toBeNull();
    expect(errors.some((e) => e.startsWith(message))).toBe(true);
  });

  it('returns the catalog and its rule errors without throwing from checkCatalogXml', () => {
    const { catalog: parsed, errors } = checkCatalogXml(catalog({ rules: '' }));
    expect(parsed?.catalogName).toBe('Test');
    expect(errors).toEqual(['Missing default rule case for plan change', 'Missing default rule case for plan cancellation']);
    expect(() => parseCatalogXml(catalog({ rules: '' }))).toThrow(CatalogXmlError);
  });

  it('decodes the predefined entities in names', () => {
    const v = parseCatalogXml(catalog().replace('<catalogName>Test</catalogName>', '<catalogName>Fish &amp; Chips</catalogName>'));
    expect(v.catalogName).toBe('Fish & Chips');
  });
});

describe('parseCatalogXml on hostile input', () => {
  it('refuses a billion-laughs entity bomb before expanding anything', () => {
    const lol = ['<!ENTITY lol "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`)];
    const bomb = `<?xml version="1.0"?><!DOCTYPE catalog [${lol.join('')}]><catalog><catalogName>&lol9;</catalogName></catalog>`;
    const started = Date.now();
    expect(errorsOf(bomb)).toEqual(['catalog XML may not contain a DOCTYPE or ENTITY declaration']);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('refuses an external entity (XXE)', () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE catalog [<!ENTITY x SYSTEM "file:///etc/passwd">]><catalog>&x;</catalog>';
    expect(errorsOf(xxe)).toEqual(['catalog XML may not contain a DOCTYPE or ENTITY declaration']);
  });

  it('refuses 10,000 levels of nesting without a stack overflow', () => {
    const deep = `${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}`;
    expect(errorsOf(deep)).toEqual(['catalog XML is nested deeper than 32 levels']);
  });

  it('refuses a 20 MB document before parsing it', () => {
    const huge = `<catalog>${' '.repeat(20 * 1024 * 1024)}</catalog>`;
    const started = Date.now();
    expect(errorsOf(huge)).toEqual(['catalog XML is larger than 10485760 bytes']);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('refuses too many elements', () => {
    const many = `<catalog>${'<x/>'.repeat(200_001)}</catalog>`;
    expect(errorsOf(many)).toEqual(['catalog XML has more than 200000 elements']);
  });

  it('is not fooled by > inside attribute values or tags inside comments and CDATA', () => {
    const xml = catalog().replace('<plan name="widget-monthly">', '<!-- <a><b><c> --><plan name="widget-monthly" prettyName="a &gt; b">');
    expect(parseCatalogXml(xml).plans[0]?.prettyName).toBe('a > b');
  });

  it('answers with errors, never throws, for garbage of any kind', () => {
    for (const junk of ['', '<', '<<<>>>', '<catalog', '<?xml?>', '<catalog><plans><plan name="x"><finalPhase/></plan></plans></catalog>', '\u0000\uffff']) {
      expect(checkCatalogXml(junk).errors.length).toBeGreaterThan(0);
    }
  });
});

/** The default plan with `extra` inserted after `<product>` and the recurring price value replaced. */
function catalogPlanWith(extra: string, value = '10.00'): string {
  return `
      <product>Widget</product>${extra}
      <finalPhase type="EVERGREEN">
        <duration><unit>UNLIMITED</unit></duration>
        <recurring><billingPeriod>MONTHLY</billingPeriod>
          <recurringPrice><price><currency>USD</currency><value>${value}</value></price></recurringPrice>
        </recurring>
      </finalPhase>`;
}
