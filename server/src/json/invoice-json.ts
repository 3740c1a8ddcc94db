import { BillingError, INVOICE_ITEM_TYPES, parseLocalDate, type AuditLog, type Invoice, type InvoiceItem, type InvoiceItemType, type LocalDate, type NewItemRequest, type PrettyNamesOf } from '@billwright/core';
import { Decimal } from 'decimal.js';
import { decimalField, stringField, type DecimalObject } from '../http/decimal-json.js';
import { auditLogJson } from './audit.js';

/**
 * Kill Bill's InvoiceJson / InvoiceItemJson (kb:jaxrs/.../json/InvoiceJson.java, InvoiceItemJson.java),
 * field for field and in the same order. Amounts stay decimal.js values: kbJson writes them as exact JSON
 * numbers. Dates of invoices and items are `YYYY-MM-DD`.
 */

export interface InvoiceJsonOptions {
  /** Audit logs by object id (the invoice's and its items'), at the requested level. */
  readonly auditLogs?: ReadonlyMap<string, readonly AuditLog[]>;
  /** `?withExplanation=true`: each item carries why it exists (Billwright, beyond Kill Bill). */
  readonly withExplanation?: boolean;
  /** `?withChildrenItems=true` on a parent invoice: the child invoices' items, matched to each PARENT_SUMMARY by child account. */
  readonly childItems?: readonly InvoiceItem[] | null;
  /** Kill Bill's shallow invoices (lists without `includeInvoiceComponents`) carry no items. */
  readonly withItems?: boolean;
  /** The catalog's pretty names of each item (core `prettyNamesFrom`, one catalog read per response); absent: all null. */
  readonly prettyNames?: PrettyNamesOf;
  /** The tracking ids of the usage records the invoice billed (core invoices.trackingIds); absent: []. */
  readonly trackingIds?: readonly string[];
}

export function invoiceJson(invoice: Invoice, options: InvoiceJsonOptions = {}) {
  const logs = options.auditLogs;
  const withItems = options.withItems ?? true;
  return {
    amount: invoice.amount,
    currency: invoice.currency,
    status: invoice.status,
    creditAdj: invoice.creditAdj,
    refundAdj: invoice.refundAdj,
    invoiceId: invoice.id,
    invoiceDate: invoice.invoiceDate,
    targetDate: invoice.targetDate,
    invoiceNumber: String(invoice.invoiceNumber),
    balance: invoice.balance,
    accountId: invoice.accountId,
    // Kill Bill fills bundleKeys and credits only in the (deprecated) payment-side constructor: null here.
    bundleKeys: null,
    credits: null,
    items: withItems
      ? invoice.items.map((item) =>
          invoiceItemJson(item, {
            auditLogs: logs?.get(item.id) ?? [],
            withExplanation: options.withExplanation ?? false,
            ...(options.prettyNames ? { prettyNames: options.prettyNames } : {}),
            childItems:
              item.type === 'PARENT_SUMMARY' && options.childItems && options.childItems.length > 0
                ? options.childItems.filter((child) => child.accountId === item.childAccountId)
                : null,
          }),
        )
      : [],
    trackingIds: options.trackingIds ?? [],
    isParentInvoice: invoice.parentInvoice,
    parentInvoiceId: invoice.parentInvoiceId,
    parentAccountId: invoice.parentAccountId,
    auditLogs: (logs?.get(invoice.id) ?? []).map(auditLogJson),
  };
}

export interface ItemJsonOptions {
  readonly auditLogs?: readonly AuditLog[];
  readonly withExplanation?: boolean;
  readonly childItems?: readonly InvoiceItem[] | null;
  readonly prettyNames?: PrettyNamesOf;
}

/** Kill Bill's InvoiceItemJson (amounts as decimal.js values for kbJson). */
export interface InvoiceItemJson {
  readonly invoiceItemId: string;
  readonly invoiceId: string;
  readonly linkedInvoiceItemId: string | null;
  readonly accountId: string;
  readonly childAccountId: string | null;
  readonly bundleId: string | null;
  readonly subscriptionId: string | null;
  readonly productName: string | null;
  readonly planName: string | null;
  readonly phaseName: string | null;
  readonly usageName: string | null;
  readonly prettyProductName: string | null;
  readonly prettyPlanName: string | null;
  readonly prettyPhaseName: string | null;
  readonly prettyUsageName: string | null;
  readonly itemType: InvoiceItemType;
  readonly description: string | null;
  readonly startDate: LocalDate | null;
  readonly endDate: LocalDate | null;
  readonly amount: Decimal;
  readonly rate: Decimal | null;
  readonly currency: string;
  readonly quantity: Decimal | null;
  readonly itemDetails: string | null;
  readonly catalogEffectiveDate: string | null;
  readonly childItems: readonly InvoiceItemJson[] | null;
  readonly auditLogs: readonly ReturnType<typeof auditLogJson>[];
  readonly explanation?: InvoiceItem['explanation'];
}

const NO_PRETTY_NAMES = { product: null, plan: null, phase: null, usage: null } as const;

export function invoiceItemJson(item: InvoiceItem, options: ItemJsonOptions = {}): InvoiceItemJson {
  const pretty = options.prettyNames?.(item) ?? NO_PRETTY_NAMES;
  return {
    invoiceItemId: item.id,
    invoiceId: item.invoiceId,
    linkedInvoiceItemId: item.linkedItemId,
    accountId: item.accountId,
    childAccountId: item.childAccountId,
    bundleId: item.bundleId,
    subscriptionId: item.subscriptionId,
    productName: item.productName,
    planName: item.planName,
    phaseName: item.phaseName,
    usageName: item.usageName,
    // From the catalog (InvoiceItemFactory.computePrettyName): FIXED, RECURRING, TAX and USAGE items of a known plan only.
    prettyProductName: pretty.product,
    prettyPlanName: pretty.plan,
    prettyPhaseName: pretty.phase,
    prettyUsageName: pretty.usage,
    itemType: item.type,
    description: item.description,
    startDate: item.startDate,
    endDate: item.endDate,
    amount: item.amount,
    rate: item.rate,
    currency: item.currency,
    quantity: item.quantity,
    itemDetails: item.itemDetails,
    catalogEffectiveDate: item.catalogEffectiveDate?.toUTC().toISO() ?? null,
    childItems: options.childItems ? options.childItems.map((child) => invoiceItemJson(child, options.prettyNames ? { prettyNames: options.prettyNames } : {})) : null,
    auditLogs: (options.auditLogs ?? []).map(auditLogJson),
    ...(options.withExplanation ? { explanation: item.explanation } : {}),
  };
}

/** A credit as Kill Bill shows it (DefaultInvoiceUserApi.negateCreditItems): the CREDIT_ADJ item with a positive amount. */
export function creditJson(item: InvoiceItem, auditLogs: readonly AuditLog[] = []) {
  // A CREDIT_ADJ has no pretty names (Kill Bill computes them for FIXED, RECURRING, TAX and USAGE only).
  return invoiceItemJson({ ...item, type: 'CREDIT_ADJ', amount: item.amount.negated() }, { auditLogs });
}

// ---- request bodies ----

function optionalDate(body: DecimalObject, field: string): LocalDate | null {
  const v = stringField(body, field);
  if (v === undefined || v === null || v === '') return null;
  return parseLocalDate(v, field);
}

function optionalUuid(body: DecimalObject, field: string): string | null {
  const v = stringField(body, field);
  if (v === undefined || v === null || v === '') return null;
  if (!/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(v)) {
    throw new BillingError('INVALID_PARAMETER', `Invalid ${field}: '${v.slice(0, 64)}' is not a UUID`, { field });
  }
  return v.toLowerCase();
}

const TEXT = 255;

/** An InvoiceItemJson of a charge, tax, credit or migration request: the fields Kill Bill reads from it. */
export function newItemInput(body: DecimalObject): NewItemRequest & { readonly accountId: string | null; readonly itemType: InvoiceItemType | null } {
  const itemType = stringField(body, 'itemType');
  if (itemType != null && !(INVOICE_ITEM_TYPES as readonly string[]).includes(itemType)) {
    throw new BillingError('INVALID_PARAMETER', `Field itemType must be one of ${INVOICE_ITEM_TYPES.join(', ')}`, { field: 'itemType' });
  }
  return {
    accountId: optionalUuid(body, 'accountId'),
    itemType: (itemType ?? null) as InvoiceItemType | null,
    invoiceId: optionalUuid(body, 'invoiceId'),
    subscriptionId: optionalUuid(body, 'subscriptionId'),
    bundleId: optionalUuid(body, 'bundleId'),
    linkedInvoiceItemId: optionalUuid(body, 'linkedInvoiceItemId'),
    description: stringField(body, 'description', TEXT) ?? null,
    productName: stringField(body, 'productName', TEXT) ?? null,
    planName: stringField(body, 'planName', TEXT) ?? null,
    phaseName: stringField(body, 'phaseName', TEXT) ?? null,
    startDate: optionalDate(body, 'startDate'),
    endDate: optionalDate(body, 'endDate'),
    amount: decimalField(body, 'amount') ?? null,
    rate: decimalField(body, 'rate') ?? null,
    quantity: decimalField(body, 'quantity') ?? null,
    currency: stringField(body, 'currency', 3) ?? null,
    itemDetails: stringField(body, 'itemDetails') ?? null,
  };
}

/** A zero that kbJson writes as `0` (for figures a caller asked for but that do not exist yet). */
export const ZERO = new Decimal(0);
