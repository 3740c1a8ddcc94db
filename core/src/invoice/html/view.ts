import type { Decimal } from 'decimal.js';
import type { Account } from '../../account/account.js';
import type { Locale } from '../../catalog/translation.js';
import type { Invoice, InvoiceItem } from '../invoice.js';
import type { CatalogNames } from './catalog-names.js';
import { formatDate, formatMoney, languageTag, plainAmount } from './format.js';
import type { InvoiceStrings } from './translation.js';

/**
 * The data a template renders: Kill Bill's (`text` = DefaultInvoiceTranslator, `account`, `invoice` =
 * DefaultInvoiceFormatter with `invoiceItems` of DefaultInvoiceItemFormatter) under the same names, so a
 * template written for Kill Bill renders here, plus a few fields of our own (marked below) the default
 * templates use. Every value is a string, a boolean, a number or a list: amounts are exact decimal strings.
 */

export interface InvoiceViewInput {
  readonly invoice: Invoice;
  readonly account: Account;
  readonly locale: Locale;
  readonly strings: InvoiceStrings;
  readonly names: CatalogNames;
  readonly manualPay: boolean;
}

export type ItemView = Record<string, string | number | boolean | null>;

export function invoiceView(input: InvoiceViewInput): Record<string, unknown> {
  const { invoice, account, locale, strings, manualPay } = input;
  const money = (amount: Decimal) => formatMoney(amount, invoice.currency, locale);
  const items = mergedItems(invoice).map((item) => itemView(item, input));
  return {
    text: strings.view(),
    // Ours: the page's language, for <html lang>.
    lang: languageTag(locale),
    manualPay,
    account: {
      id: account.id,
      externalKey: account.externalKey,
      name: account.name,
      firstNameLength: account.firstNameLength,
      email: account.email,
      companyName: account.companyName,
      address1: account.address1,
      address2: account.address2,
      city: account.city,
      stateOrProvince: account.stateOrProvince,
      postalCode: account.postalCode,
      country: account.country,
      phone: account.phone,
      locale: account.locale,
      currency: account.currency,
      timeZone: account.timeZone,
      notes: account.notes,
      // Ours: "City, State 12345" with the parts the account has.
      cityLine: cityLine(account),
    },
    invoice: {
      id: invoice.id,
      accountId: invoice.accountId,
      invoiceNumber: invoice.invoiceNumber,
      invoiceDate: invoice.invoiceDate,
      targetDate: invoice.targetDate,
      formattedInvoiceDate: formatDate(invoice.invoiceDate, locale),
      // Ours.
      formattedTargetDate: invoice.targetDate ? formatDate(invoice.targetDate, locale) : '',
      currency: invoice.currency,
      status: invoice.status,
      // Ours: for a badge on invoices that are not final.
      isDraft: invoice.status === 'DRAFT',
      isVoid: invoice.status === 'VOID',
      migrationInvoice: invoice.migrated,
      isMigrationInvoice: invoice.migrated,
      parentInvoice: invoice.parentInvoice,
      isParentInvoice: invoice.parentInvoice,
      parentInvoiceId: invoice.parentInvoiceId,
      parentAccountId: invoice.parentAccountId,
      chargedAmount: plainAmount(invoice.amount, invoice.currency),
      originalChargedAmount: plainAmount(invoice.amount, invoice.currency),
      creditedAmount: plainAmount(invoice.creditAdj, invoice.currency),
      refundedAmount: plainAmount(invoice.refundAdj, invoice.currency),
      paidAmount: plainAmount(invoice.paidAmount, invoice.currency),
      balance: plainAmount(invoice.balance, invoice.currency),
      formattedChargedAmount: money(invoice.amount),
      formattedPaidAmount: money(invoice.paidAmount),
      formattedBalance: money(invoice.balance),
      // Ours: the two totals Kill Bill's formatter leaves unformatted, and whether to show them.
      formattedCreditedAmount: money(invoice.creditAdj),
      formattedRefundedAmount: money(invoice.refundAdj),
      hasCredits: !invoice.creditAdj.isZero(),
      hasRefunds: !invoice.refundAdj.isZero(),
      // No currency conversion: Kill Bill shows these only when payments were processed in another currency.
      processedCurrency: null,
      processedPaymentRate: null,
      invoiceItems: items,
      numberOfItems: invoice.items.length,
      numberOfPayments: invoice.payments.length,
      trackingIds: [],
    },
  };
}

function cityLine(account: Account): string {
  const state = [account.city, account.stateOrProvince].filter((p) => p).join(', ');
  return [state, account.postalCode].filter((p) => p).join(' ');
}

/**
 * Kill Bill's mergeCBAAndCreditAdjustmentItems: credit-balance items (internal bookkeeping) are shown as
 * one line, and so are credit adjustments, each at the end and only when not zero.
 */
export function mergedItems(invoice: Invoice): InvoiceItem[] {
  const shown: InvoiceItem[] = [];
  let cba: InvoiceItem | null = null;
  let credit: InvoiceItem | null = null;
  const merge = (into: InvoiceItem | null, item: InvoiceItem): InvoiceItem => (into ? { ...into, amount: into.amount.plus(item.amount) } : item);
  for (const item of invoice.items) {
    if (item.type === 'CBA_ADJ') cba = merge(cba, item);
    else if (item.type === 'CREDIT_ADJ') credit = merge(credit, item);
    else shown.push(item);
  }
  if (cba && !cba.amount.isZero()) shown.push(cba);
  if (credit && !credit.amount.isZero()) shown.push(credit);
  return shown;
}

function formattedPeriod(item: InvoiceItem, locale: Locale): string {
  if (!item.startDate) return item.endDate ? formatDate(item.endDate, locale) : '';
  const start = formatDate(item.startDate, locale);
  return item.endDate && item.endDate !== item.startDate ? `${start} – ${formatDate(item.endDate, locale)}` : start;
}

function itemView(item: InvoiceItem, input: InvoiceViewInput): ItemView {
  const { locale, names, strings } = input;
  const at = item.catalogEffectiveDate ?? item.createdDate;
  const prettyPlanName = names.plan(item.planName, at) ?? '';
  const prettyProductName = names.product(item.productName, at) ?? '';
  const prettyPhaseName = names.phase(item.phaseName, at) ?? '';
  const prettyUsageName = names.usage(item.usageName, at) ?? '';
  const description = names.translate(item.description) ?? '';
  const typeLabel = strings.get(`invoiceItemType_${item.type}`);
  // Ours: what the line is, for people: the plan (or usage) in their language, else the description, else the kind of line.
  const label = prettyUsageName || prettyPlanName || description || prettyProductName || typeLabel;
  const detail = description && description !== label ? description : '';
  return {
    id: item.id,
    invoiceId: item.invoiceId,
    accountId: item.accountId,
    childAccountId: item.childAccountId,
    bundleId: item.bundleId,
    subscriptionId: item.subscriptionId,
    invoiceItemType: item.type,
    description,
    productName: names.translate(item.productName) ?? '',
    prettyProductName,
    planName: names.translate(item.planName) ?? '',
    prettyPlanName,
    phaseName: names.translate(item.phaseName) ?? '',
    prettyPhaseName,
    usageName: names.translate(item.usageName) ?? '',
    prettyUsageName,
    startDate: item.startDate,
    endDate: item.endDate,
    formattedStartDate: item.startDate ? formatDate(item.startDate, locale) : '',
    formattedEndDate: item.endDate ? formatDate(item.endDate, locale) : '',
    // Ours: "start – end", or the one day when the item has no end or ends where it starts (credits).
    formattedPeriod: formattedPeriod(item, locale),
    amount: plainAmount(item.amount, item.currency),
    formattedAmount: formatMoney(item.amount, item.currency, locale),
    currency: item.currency,
    rate: item.rate ? item.rate.toFixed() : null,
    quantity: item.quantity ? item.quantity.toFixed() : null,
    itemDetails: item.itemDetails,
    linkedItemId: item.linkedItemId,
    label,
    detail,
    // Ours: the kind of line in the account's language.
    typeLabel,
  };
}
