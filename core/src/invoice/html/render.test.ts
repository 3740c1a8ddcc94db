import { readFileSync } from 'node:fs';
import { Decimal } from 'decimal.js';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { Account } from '../../account/account.js';
import { VersionedCatalog } from '../../catalog/versioned.js';
import { parseCatalogXml } from '../../catalog/xml/parse.js';
import type { TenantContext } from '../../context.js';
import { isBillingError, type ErrorCode } from '../../errors/index.js';
import type { LocalDate } from '../../subscription/account-time.js';
import type { Currency } from '../../values/currency.js';
import type { AccountId } from '../../values/ids.js';
import type { Invoice, InvoiceItem, InvoiceItemType } from '../invoice.js';
import { checkInvoiceTemplate } from './template-check.js';
import { checkInvoiceTranslation } from './translation.js';
import { createInvoiceHtmlRenderer, type InvoiceHtmlDeps } from './render.js';

// ---- hand-built values -------------------------------------------------------------------------------

const ACCOUNT_ID = '9b1f6a2e-0000-4000-8000-000000000001';
const INVOICE_ID = '9b1f6a2e-0000-4000-8000-0000000000aa';
const CREATED = DateTime.fromISO('2026-03-01T10:00:00Z', { zone: 'utc' });

function account(overrides: Partial<Account> = {}): Account {
  return {
    recordId: 1,
    id: ACCOUNT_ID as AccountId,
    externalKey: 'acme-1',
    name: 'Ada Lovelace',
    firstNameLength: 3,
    email: 'ada@example.com',
    currency: 'USD',
    billCycleDayLocal: 1,
    parentAccountId: null,
    isPaymentDelegatedToParent: false,
    paymentMethodId: null,
    referenceTime: CREATED,
    timeZone: 'UTC',
    locale: 'en_US',
    address1: '12 Analytical Row',
    address2: null,
    companyName: 'Engines Ltd',
    city: 'London',
    stateOrProvince: null,
    country: 'GB',
    postalCode: 'N1 9GU',
    phone: null,
    notes: null,
    isMigrated: false,
    isClosed: false,
    createdDate: CREATED.toJSDate(),
    updatedDate: CREATED.toJSDate(),
    ...overrides,
  };
}

let itemSeq = 0;
function item(type: InvoiceItemType, amount: string, fields: Partial<InvoiceItem> = {}): InvoiceItem {
  itemSeq++;
  return {
    id: `9b1f6a2e-0000-4000-8000-${String(itemSeq).padStart(12, '0')}`,
    invoiceId: INVOICE_ID,
    accountId: ACCOUNT_ID,
    type,
    childAccountId: null,
    bundleId: null,
    subscriptionId: null,
    description: null,
    productName: null,
    planName: null,
    phaseName: null,
    usageName: null,
    catalogEffectiveDate: null,
    startDate: null,
    endDate: null,
    amount: new Decimal(amount),
    rate: null,
    quantity: null,
    currency: 'USD',
    linkedItemId: null,
    itemDetails: null,
    explanation: null,
    createdDate: CREATED,
    ...fields,
  };
}

const d = (s: string) => s as LocalDate;

function invoice(items: InvoiceItem[], totals: Partial<Record<'amount' | 'creditAdj' | 'refundAdj' | 'paidAmount' | 'balance', string>> = {}, currency: Currency = 'USD'): Invoice {
  const dec = (k: keyof typeof totals) => new Decimal(totals[k] ?? '0');
  return {
    id: INVOICE_ID,
    accountId: ACCOUNT_ID,
    accountRecordId: 1,
    invoiceNumber: 42,
    invoiceDate: d('2026-03-01'),
    targetDate: d('2026-03-01'),
    currency,
    status: 'COMMITTED',
    migrated: false,
    parentInvoice: false,
    writtenOff: false,
    items: items.map((i) => ({ ...i, currency })),
    payments: [],
    amount: dec('amount'),
    creditAdj: dec('creditAdj'),
    refundAdj: dec('refundAdj'),
    paidAmount: dec('paidAmount'),
    balance: dec('balance'),
    parentInvoiceId: null,
    parentAccountId: null,
    bundleKeys: [],
    createdDate: CREATED,
  };
}

const SAAS = new VersionedCatalog([parseCatalogXml(readFileSync(new URL('../../../../examples/catalogs/saas.xml', import.meta.url), 'utf8'))]);

const monthly = () =>
  item('RECURRING', '49.00', {
    productName: 'Team',
    planName: 'team-monthly',
    phaseName: 'team-monthly-evergreen',
    startDate: d('2026-03-01'),
    endDate: d('2026-04-01'),
    catalogEffectiveDate: DateTime.fromISO('2024-01-01T00:00:00Z'),
  });
const setupFee = () => item('EXTERNAL_CHARGE', '150.00', { description: 'Setup fee', startDate: d('2026-03-01') });

/** An in-memory tenant: the key/value store, one account, its tags and catalog. */
function tenant(options: { kv?: Record<string, string>; account?: Account; manualPay?: boolean; catalog?: VersionedCatalog | null } = {}) {
  const kv = options.kv ?? {};
  const asked: string[] = [];
  const deps: InvoiceHtmlDeps = {
    tenants: {
      getValues: async (_ctx, key) => {
        asked.push(key);
        return { values: kv[key] === undefined ? [] : [kv[key]!] };
      },
    },
    accounts: { getById: async () => options.account ?? account() },
    tags: { hasControlTag: async (_ctx, _id, name) => name === 'MANUAL_PAY' && options.manualPay === true },
    catalog: { get: async () => (options.catalog === undefined ? SAAS : options.catalog) },
  };
  const renderer = createInvoiceHtmlRenderer(deps);
  const ctx = { tenant: { recordId: 1, id: 't' }, subject: { kind: 'system' }, userToken: 'test' } as unknown as TenantContext;
  return { render: (inv: Invoice) => renderer.render(ctx, inv), asked };
}

/** The page's text without tags, whitespace collapsed: what a reader sees. */
function visible(html: string): string {
  return html
    .replace(/<style>[\s\S]*?<\/style>/, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/[\s\u00a0\u202f]+/g, ' ')
    .trim();
}

function expectCode(fn: () => unknown, code: ErrorCode): Record<string, unknown> {
  try {
    fn();
  } catch (e) {
    expect(isBillingError(e, code), String(e)).toBe(true);
    return (e as { details: Record<string, unknown> }).details;
  }
  throw new Error(`expected ${code}`);
}

// ---- tests ---------------------------------------------------------------------------------------------

describe('the default invoice template', () => {
  it('renders every item with its pretty plan name, period and amount, and the totals', async () => {
    const inv = invoice([monthly(), setupFee()], { amount: '199.00', paidAmount: '50.00', balance: '149.00' });
    const html = await tenant().render(inv);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<html lang="en-US">');
    const text = visible(html);
    expect(text).toContain('Invoice');
    expect(text).toContain('Invoice #42');
    expect(text).toContain('Invoice Date: Mar 1, 2026');
    expect(text).toContain('Team, monthly Mar 1, 2026 – Apr 1, 2026 $49.00');
    expect(text).toContain('Setup fee Mar 1, 2026 $150.00');
    expect(text).toContain('Total: $199.00');
    expect(text).toContain('Amount Paid: $50.00');
    expect(text).toContain('Balance: $149.00');
    // Credits and refunds lines only when there are some.
    expect(text).not.toContain('Credits:');
    expect(text).not.toContain('Refunds:');
    expect(text).toContain('Ada Lovelace Engines Ltd 12 Analytical Row London N1 9GU GB ada@example.com');
  });

  it('shows credits and refunds, merging credit-balance items into one line as Kill Bill does', async () => {
    const inv = invoice(
      [monthly(), item('CBA_ADJ', '-20.00'), item('CBA_ADJ', '-9.00')],
      { amount: '49.00', creditAdj: '-29.00', refundAdj: '-5.00', paidAmount: '15.00', balance: '5.00' },
    );
    const text = visible(await tenant().render(inv));
    expect(text).toContain('Account credit -$29.00');
    expect(text.match(/Account credit/g)).toHaveLength(1);
    expect(text).toContain('Credits: -$29.00');
    expect(text).toContain('Refunds: -$5.00');
  });

  it('drops credit-balance lines that add up to zero', async () => {
    const inv = invoice([monthly(), item('CBA_ADJ', '10.00'), item('CBA_ADJ', '-10.00')], { amount: '49.00', balance: '49.00' });
    expect(visible(await tenant().render(inv))).not.toContain('Account credit');
  });

  it('marks draft and void invoices', async () => {
    const draft = { ...invoice([monthly()]), status: 'DRAFT' as const };
    expect(visible(await tenant().render(draft))).toContain('Invoice Draft');
    const voided = { ...invoice([monthly()]), status: 'VOID' as const };
    expect(visible(await tenant().render(voided))).toContain('Invoice Void');
  });
});

describe('locale formatting', () => {
  it('formats dates and amounts for en_US and fr_FR', async () => {
    const inv = invoice([{ ...monthly(), amount: new Decimal('1234.5') }], { amount: '1234.50', balance: '1234.50' }, 'EUR');
    const en = visible(await tenant({ account: account({ locale: 'en_US' }) }).render(inv));
    expect(en).toContain('Mar 1, 2026 – Apr 1, 2026 €1,234.50');
    const fr = visible(await tenant({ account: account({ locale: 'fr_FR' }) }).render(inv));
    expect(fr).toContain('1 mars 2026 – 1 avr. 2026 1 234,50 €');
    expect(await tenant({ account: account({ locale: 'fr_FR' }) }).render(inv)).toContain('<html lang="fr-FR">');
  });

  it('uses no minor digits for JPY and eight for BTC, from the exact decimal', async () => {
    const yen = invoice([item('EXTERNAL_CHARGE', '1500', { description: 'Seats' })], { amount: '1500', balance: '1500' }, 'JPY');
    expect(visible(await tenant().render(yen))).toContain('Seats ¥1,500');
    const btc = invoice([item('EXTERNAL_CHARGE', '0.00012345', { description: 'Node time' })], { amount: '12345678.12345678', balance: '0.00012345' }, 'BTC');
    const text = visible(await tenant().render(btc));
    expect(text).toContain('Node time BTC 0.00012345');
    // 16 significant digits: a JS number would have lost the last ones.
    expect(text).toContain('Total: BTC 12,345,678.12345678');
  });

  it('falls back to en_US for an account without a locale or with one that does not parse', async () => {
    const inv = invoice([monthly()], { amount: '49.00', balance: '49.00' });
    expect(visible(await tenant({ account: account({ locale: null }) }).render(inv))).toContain('Invoice Date: Mar 1, 2026');
    expect(visible(await tenant({ account: account({ locale: 'not a locale' }) }).render(inv))).toContain('Invoice Date: Mar 1, 2026');
  });
});

describe('escaping', () => {
  it('escapes markup in account data, in the default template and in uploaded ones', async () => {
    const evil = account({ name: '<script>alert(1)</script>', address1: '"><img src=x onerror=alert(2)>' });
    const inv = invoice([monthly()], { amount: '49.00', balance: '49.00' });
    for (const kv of [{}, { INVOICE_TEMPLATE: '<p>{{account.name}}</p><p>{{account.address1}}</p>' }] as Record<string, string>[]) {
      const html = await tenant({ account: evil, kv }).render(inv);
      expect(html).not.toContain('<script>');
      expect(html).not.toContain('<img');
      expect(html).toContain('&lt;script&gt;alert(1)&lt;&#x2F;script&gt;');
    }
  });

  it('escapes what the text.properties lambda answers, even for a key made of account data', async () => {
    const inv = invoice([monthly()]);
    const html = await tenant({
      account: account({ name: '<b>x</b>' }),
      kv: { INVOICE_TEMPLATE: '{{#text.properties}}{{account.name}}{{/text.properties}}|{{#text.properties}}customKey{{/text.properties}}', INVOICE_TRANSLATION_en_US: 'customKey=A & B' },
    }).render(inv);
    expect(html).toBe('&lt;b&gt;x&lt;&#x2F;b&gt;|A &amp; B');
  });
});

describe('tenant templates and translations', () => {
  // Kill Bill's own default template's item and totals lines, verbatim.
  const KILL_BILL_STYLE = [
    '{{text.invoiceTitle}} INV#{{invoice.invoiceNumber}} {{text.invoiceDate}}{{invoice.formattedInvoiceDate}}',
    '{{#invoice.invoiceItems}}[{{formattedStartDate}}{{#formattedEndDate}} - {{formattedEndDate}}{{/formattedEndDate}} {{prettyPlanName}} {{formattedAmount}}]{{/invoice.invoiceItems}}',
    '{{text.invoiceAmount}}{{invoice.formattedChargedAmount}} {{text.invoiceBalance}}{{invoice.formattedBalance}} {{text.companyName}}',
  ].join('\n');

  it('renders the uploaded template with the uploaded translation and catalog translation', async () => {
    const inv = invoice([monthly()], { amount: '49.00', balance: '49.00' }, 'EUR');
    const html = await tenant({
      account: account({ locale: 'fr_FR' }),
      kv: {
        INVOICE_TEMPLATE: KILL_BILL_STYLE,
        INVOICE_TRANSLATION_fr_FR: 'invoiceTitle=Facture\ninvoiceDate=Date :\u0020\ninvoiceAmount=Total :\u0020\ninvoiceBalance=Solde :\u0020\ncompanyName=Acme SARL',
        CATALOG_TRANSLATION_fr_FR: 'team-monthly=\u00c9quipe, mensuel',
      },
    }).render(inv);
    expect(html.replace(/[\u00a0\u202f]/g, ' ')).toBe(
      'Facture INV#42 Date : 1 mars 2026\n[1 mars 2026 - 1 avr. 2026 Équipe, mensuel 49,00 €]\nTotal : 49,00 € Solde : 49,00 € Acme SARL',
    );
  });

  it('looks strings up in the locale, then its language, then the tenant en_US, then the built-in en_US', async () => {
    const inv = invoice([monthly()], { amount: '49.00', balance: '49.00' });
    const { render, asked } = tenant({
      account: account({ locale: 'fr_CA' }),
      kv: {
        INVOICE_TEMPLATE: '{{text.invoiceTitle}}|{{text.invoiceDate}}|{{text.companyName}}|{{text.invoiceBalance}}|{{text.nothing}}',
        INVOICE_TRANSLATION_fr_CA: 'invoiceTitle=Facture (Canada)',
        INVOICE_TRANSLATION_fr_: 'invoiceTitle=Facture\ninvoiceDate=Date de facture',
        INVOICE_TRANSLATION_en_US: 'companyName=Acme Inc.',
      },
    });
    expect(await render(inv)).toBe('Facture (Canada)|Date de facture|Acme Inc.|Balance:|');
    expect(asked.filter((k) => k.startsWith('INVOICE_TRANSLATION_'))).toEqual(['INVOICE_TRANSLATION_fr_CA', 'INVOICE_TRANSLATION_fr_', 'INVOICE_TRANSLATION_en_US']);
  });

  it('translates plan names with the same fallback, then shows the catalog pretty name, then the name', async () => {
    const inv = invoice([monthly(), { ...monthly(), planName: 'priority-support-monthly', productName: 'PrioritySupport' }, { ...monthly(), planName: 'gone-plan' }]);
    const { render } = tenant({
      account: account({ locale: 'de_DE' }),
      kv: { INVOICE_TEMPLATE: '{{#invoice.invoiceItems}}{{prettyPlanName}};{{/invoice.invoiceItems}}', CATALOG_TRANSLATION_en_US: 'priority-support-monthly=Priority support (monthly)' },
    });
    expect(await render(inv)).toBe('Team, monthly;Priority support (monthly);gone-plan;');
  });

  it('gives phases and products the pretty names of the catalog version the item was billed from', async () => {
    const inv = invoice([{ ...monthly(), phaseName: 'team-monthly-discount' }]);
    const { render } = tenant({ kv: { INVOICE_TEMPLATE: '{{#invoice.invoiceItems}}{{prettyPhaseName}}|{{prettyProductName}}|{{phaseName}}{{/invoice.invoiceItems}}' } });
    expect(await render(inv)).toBe('Three months at half price|Team|team-monthly-discount');
  });

  it('renders without a catalog, showing catalog names as they are', async () => {
    const html = await tenant({ catalog: null, kv: { INVOICE_TEMPLATE: '{{#invoice.invoiceItems}}{{prettyPlanName}}{{/invoice.invoiceItems}}' } }).render(invoice([monthly()]));
    expect(html).toBe('team-monthly');
  });

  it('uses the manual-pay template for accounts tagged MANUAL_PAY, and its default when none is uploaded', async () => {
    const inv = invoice([monthly()], { amount: '49.00', balance: '49.00' });
    const kv = { INVOICE_TEMPLATE: 'regular', INVOICE_MP_TEMPLATE: 'manual {{invoice.formattedBalance}}' };
    expect(await tenant({ kv }).render(inv)).toBe('regular');
    expect(await tenant({ kv, manualPay: true }).render(inv)).toBe('manual $49.00');
    const text = visible(await tenant({ kv: { INVOICE_TEMPLATE: 'regular' }, manualPay: true }).render(inv));
    expect(text).toContain('Payment instructions');
    expect(text).toContain('Balance: $49.00');
  });

  it('answers INVOICE_TEMPLATE_INVALID, not a crash, for a broken template stored around the upload check', async () => {
    await expect(tenant({ kv: { INVOICE_TEMPLATE: '{{#items}}' } }).render(invoice([monthly()]))).rejects.toMatchObject({ code: 'INVOICE_TEMPLATE_INVALID' });
  });

  it('skips a stored translation that no longer parses', async () => {
    const html = await tenant({ kv: { INVOICE_TEMPLATE: '{{text.invoiceTitle}}', INVOICE_TRANSLATION_en_US: 'invoiceTitle=\\u12' } }).render(invoice([monthly()]));
    expect(html).toBe('Invoice');
  });
});

describe('upload checks', () => {
  it('refuses a template that does not parse, saying where', () => {
    const details = expectCode(() => checkInvoiceTemplate('<table>\n{{#invoice.invoiceItems}}<tr></tr>\n</table>'), 'INVOICE_TEMPLATE_INVALID');
    expect(details).toMatchObject({ reason: 'Unclosed section "invoice.invoiceItems"', line: 2, column: 1 });
    expectCode(() => checkInvoiceTemplate('{{#a}}{{/b}}'), 'INVOICE_TEMPLATE_INVALID');
    expectCode(() => checkInvoiceTemplate('   '), 'INVOICE_TEMPLATE_INVALID');
    expect(() => checkInvoiceTemplate('<p>{{invoice.invoiceNumber}}</p>')).not.toThrow();
  });

  it('refuses an empty, binary or malformed translation', () => {
    expectCode(() => checkInvoiceTranslation(''), 'INVALID_PARAMETER');
    expectCode(() => checkInvoiceTranslation('a=\u0000'), 'INVALID_PARAMETER');
    expectCode(() => checkInvoiceTranslation('a=\\u12'), 'INVALID_PARAMETER');
    expect([...checkInvoiceTranslation('invoiceTitle=Facture')]).toEqual([['invoiceTitle', 'Facture']]);
  });
});
