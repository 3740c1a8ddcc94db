import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import { Decimal } from 'decimal.js';
import { DateTime } from 'luxon';
import { insertAuditedRows } from '../audit/bulk-insert.js';
import { plainRows } from '../persistence/plain-rows.js';
import type { Clock } from '../clock/clock.js';
import type { CallContext } from '../context.js';
import { creationStamps, touch } from '../persistence/stamps.js';
import type { LocalDate } from '../subscription/account-time.js';
import { objectsWithControlTag } from '../tag/control-tag-reads.js';
import type { Currency } from '../values/currency.js';
import { newId } from '../values/ids.js';
import { invoiceAmounts } from './balance.js';
import type { Invoice, InvoiceItem, InvoiceItemType, InvoicePaymentRecord, InvoiceStatus, ItemExplanation } from './invoice.js';
import { InvoiceEntity, InvoiceItemEntity, InvoicePaymentEntity, type InvoiceItemRow, type InvoicePaymentRow, type InvoiceRow } from './model.js';
import { withParentInvoices } from './parent-reads.js';

/**
 * Invoice storage: the one place rows become values and back (amounts are strings in rows, decimal.js in
 * values; an item's explanation is JSON text). Every function takes the caller's tenant-scoped em, so it
 * works inside a writeTx, a bus handler or a read.
 */

/** An item to write; `id` is assigned here unless the caller fixed it (a run assigns ids up front for plugins). */
export interface NewItem {
  readonly id?: string;
  readonly type: InvoiceItemType;
  readonly childAccountId?: string | null;
  readonly bundleId?: string | null;
  readonly subscriptionId?: string | null;
  readonly description?: string | null;
  readonly productName?: string | null;
  readonly planName?: string | null;
  readonly phaseName?: string | null;
  readonly usageName?: string | null;
  readonly catalogEffectiveDate?: DateTime | null;
  readonly startDate?: LocalDate | null;
  readonly endDate?: LocalDate | null;
  readonly amount: Decimal;
  readonly rate?: Decimal | null;
  readonly quantity?: Decimal | number | null;
  readonly linkedItemId?: string | null;
  readonly itemDetails?: string | null;
  readonly explanation?: ItemExplanation | null;
}

export interface InvoiceOwner {
  readonly id: string;
  readonly recordId: number;
}

export interface NewInvoice {
  readonly id?: string;
  readonly account: InvoiceOwner;
  readonly status: InvoiceStatus;
  readonly invoiceDate: LocalDate;
  readonly targetDate: LocalDate | null;
  readonly currency: Currency;
  readonly migrated?: boolean;
  readonly parentInvoice?: boolean;
  readonly items: readonly NewItem[];
}

export interface LoadOptions {
  /** Only invoices in these statuses (default: all). */
  readonly statuses?: readonly InvoiceStatus[];
}

const dt = (d: Date) => DateTime.fromJSDate(d, { zone: 'utc' });
const dec = (s: string | null | undefined) => (s === null || s === undefined ? null : new Decimal(s));

export function toItem(row: Omit<InvoiceItemRow, 'recordId'>): InvoiceItem {
  return {
    id: row.id,
    invoiceId: row.invoiceId,
    accountId: row.accountId,
    type: row.type as InvoiceItemType,
    childAccountId: row.childAccountId ?? null,
    bundleId: row.bundleId ?? null,
    subscriptionId: row.subscriptionId ?? null,
    description: row.description ?? null,
    productName: row.productName ?? null,
    planName: row.planName ?? null,
    phaseName: row.phaseName ?? null,
    usageName: row.usageName ?? null,
    catalogEffectiveDate: row.catalogEffectiveDate ? dt(row.catalogEffectiveDate) : null,
    startDate: (row.startDate ?? null) as LocalDate | null,
    endDate: (row.endDate ?? null) as LocalDate | null,
    amount: new Decimal(row.amount),
    rate: dec(row.rate),
    quantity: dec(row.quantity),
    currency: row.currency as Currency,
    linkedItemId: row.linkedItemId ?? null,
    itemDetails: row.itemDetails ?? null,
    explanation: row.explanation ? (JSON.parse(row.explanation) as ItemExplanation) : null,
    createdDate: dt(row.createdDate),
  };
}

export function toPayment(row: InvoicePaymentRow): InvoicePaymentRecord {
  return {
    id: row.id,
    type: row.type as InvoicePaymentRecord['type'],
    invoiceId: row.invoiceId,
    paymentId: row.paymentId ?? null,
    paymentDate: dt(row.paymentDate),
    amount: new Decimal(row.amount),
    currency: row.currency as Currency,
    linkedInvoicePaymentId: row.linkedInvoicePaymentId ?? null,
    success: row.success,
  };
}

/** The value of an invoice from its row, items, payments and WRITTEN_OFF tag, balances computed (§4.8). */
export function toInvoice(row: InvoiceRow, items: readonly InvoiceItem[], payments: readonly InvoicePaymentRecord[], writtenOff: boolean): Invoice {
  const status = row.status as InvoiceStatus;
  const currency = row.currency as Currency;
  const amounts = invoiceAmounts(items, payments, { currency, status, writtenOff, migrated: row.migrated });
  return {
    id: row.id,
    accountId: row.accountId,
    accountRecordId: row.accountRecordId,
    invoiceNumber: row.recordId,
    invoiceDate: row.invoiceDate as LocalDate,
    targetDate: (row.targetDate ?? null) as LocalDate | null,
    currency,
    status,
    migrated: row.migrated,
    parentInvoice: row.parentInvoice,
    writtenOff,
    items,
    payments,
    ...amounts,
    parentInvoiceId: null,
    parentAccountId: null,
    bundleKeys: [],
    createdDate: dt(row.createdDate),
  };
}

/** Invoices matching `where`, in invoice-number order, with items (record order), payments and the WRITTEN_OFF tag. */
export async function loadInvoicesWhere(em: EntityManager, where: FilterQuery<InvoiceRow>, page?: { offset: number; limit: number }): Promise<Invoice[]> {
  const rows = await em.find(InvoiceEntity, where, { orderBy: { recordId: 'asc' }, ...(page ?? {}) });
  return withDetails(em, rows);
}

export async function withDetails(em: EntityManager, rows: readonly InvoiceRow[]): Promise<Invoice[]> {
  // Child invoices of a parent (§4.10) carry its ids and read balance 0 while it does (parent-reads.ts).
  return withParentInvoices(em, await withOwnDetails(em, rows), (parents) => withOwnDetails(em, parents));
}

async function withOwnDetails(em: EntityManager, rows: readonly InvoiceRow[]): Promise<Invoice[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  // Items and payments become values at once, so they are read as plain rows (persistence/plain-rows.ts): an
  // account with 30,000 items would otherwise build and register 30,000 entities for nothing.
  const [itemRows, paymentRows, writtenOff] = await Promise.all([
    plainRows<InvoiceItemRow>(em, InvoiceItemEntity, { invoiceId: { $in: ids } }),
    plainRows<InvoicePaymentRow>(em, InvoicePaymentEntity, { invoiceId: { $in: ids } }),
    objectsWithControlTag(em, 'WRITTEN_OFF', ids),
  ]);
  const items = groupBy(itemRows.map(toItem), (i) => i.invoiceId);
  const payments = groupBy(paymentRows.map(toPayment), (p) => p.invoiceId);
  return rows.map((r) => toInvoice(r, items.get(r.id) ?? [], payments.get(r.id) ?? [], writtenOff.has(r.id)));
}

/** Every invoice of the account (optionally only some statuses), in invoice-number order. */
export function loadAccountInvoices(em: EntityManager, accountRecordId: number, opts: LoadOptions = {}): Promise<Invoice[]> {
  return loadInvoicesWhere(em, { accountRecordId, ...(opts.statuses ? { status: { $in: [...opts.statuses] } } : {}) });
}

export async function loadInvoice(em: EntityManager, id: string): Promise<Invoice | null> {
  const row = await em.findOne(InvoiceEntity, { id });
  if (!row) return null;
  return (await withDetails(em, [row]))[0]!;
}

export function loadInvoiceRow(em: EntityManager, id: string): Promise<InvoiceRow | null> {
  return em.findOne(InvoiceEntity, { id });
}

function itemRow(ctx: CallContext, at: Date, invoice: InvoiceRow, item: NewItem) {
  const q = item.quantity;
  return {
    id: item.id ?? newId(),
    tenantRecordId: ctx.tenant.recordId,
    accountRecordId: invoice.accountRecordId,
    accountId: invoice.accountId,
    invoiceId: invoice.id,
    type: item.type,
    childAccountId: item.childAccountId ?? null,
    bundleId: item.bundleId ?? null,
    subscriptionId: item.subscriptionId ?? null,
    description: item.description ?? null,
    productName: item.productName ?? null,
    planName: item.planName ?? null,
    phaseName: item.phaseName ?? null,
    usageName: item.usageName ?? null,
    catalogEffectiveDate: item.catalogEffectiveDate ? item.catalogEffectiveDate.toJSDate() : null,
    startDate: item.startDate ?? null,
    endDate: item.endDate ?? null,
    amount: item.amount.toFixed(),
    rate: item.rate ? item.rate.toFixed() : null,
    currency: invoice.currency,
    linkedItemId: item.linkedItemId ?? null,
    quantity: q === null || q === undefined ? null : new Decimal(q).toFixed(),
    itemDetails: item.itemDetails ?? null,
    explanation: item.explanation ? JSON.stringify(item.explanation) : null,
    ...creationStamps(ctx, at),
  };
}

/**
 * Items are written with multi-row INSERTs and their audit rows beside them (audit/bulk-insert.ts), not
 * through the unit of work: one managed entity per item made a 30,000-item run spend seconds in the ORM.
 * Item rows are then not in the identity map; reads load them as usual.
 */

/** Writes a new invoice and its items, flushed (its number is its record id); answers the invoice as stored. */
export async function insertInvoice(em: EntityManager, ctx: CallContext, clock: Clock, input: NewInvoice): Promise<Invoice> {
  const at = clock.now().toJSDate();
  const row = em.create(InvoiceEntity, {
    id: input.id ?? newId(),
    tenantRecordId: ctx.tenant.recordId,
    accountRecordId: input.account.recordId,
    accountId: input.account.id,
    invoiceDate: input.invoiceDate,
    targetDate: input.targetDate,
    currency: input.currency,
    status: input.status,
    migrated: input.migrated ?? false,
    parentInvoice: input.parentInvoice ?? false,
    grpVersion: 0,
    ...creationStamps(ctx, at),
  });
  await em.flush();
  const itemRows = input.items.map((i) => itemRow(ctx, at, row, i));
  await insertAuditedRows(em, InvoiceItemEntity, itemRows);
  return toInvoice(row, itemRows.map(toItem), [], false);
}

/** Appends items to an existing invoice (bumping its version), flushed; answers the new items. */
export async function insertItems(em: EntityManager, ctx: CallContext, clock: Clock, invoice: InvoiceRow, items: readonly NewItem[]): Promise<InvoiceItem[]> {
  if (items.length === 0) return [];
  const at = clock.now().toJSDate();
  invoice.grpVersion += 1;
  touch(invoice, ctx, at);
  await em.flush();
  const rows = items.map((i) => itemRow(ctx, at, invoice, i));
  await insertAuditedRows(em, InvoiceItemEntity, rows);
  return rows.map(toItem);
}

/**
 * Changes an item's amount in place (Kill Bill's updateInvoiceItemAmount: a DRAFT parent invoice's
 * PARENT_SUMMARY as its children are invoiced or adjusted), with its explanation, bumping the invoice's
 * version; flushed.
 */
export async function updateItemAmount(em: EntityManager, ctx: CallContext, clock: Clock, invoice: InvoiceRow, itemId: string, amount: Decimal, explanation: ItemExplanation | null): Promise<void> {
  const row = await em.findOneOrFail(InvoiceItemEntity, { id: itemId, invoiceId: invoice.id });
  const at = clock.now().toJSDate();
  row.amount = amount.toFixed();
  if (explanation) row.explanation = JSON.stringify(explanation);
  touch(row, ctx, at);
  invoice.grpVersion += 1;
  touch(invoice, ctx, at);
  await em.flush();
}

/** Changes an invoice's status (DRAFT → COMMITTED, → VOID), flushed. */
export async function setInvoiceStatus(em: EntityManager, ctx: CallContext, clock: Clock, invoice: InvoiceRow, status: InvoiceStatus): Promise<void> {
  invoice.status = status;
  invoice.grpVersion += 1;
  touch(invoice, ctx, clock.now().toJSDate());
  await em.flush();
}

function groupBy<T>(values: readonly T[], key: (v: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const v of values) {
    const list = out.get(key(v));
    if (list) list.push(v);
    else out.set(key(v), [v]);
  }
  return out;
}
