import type { Decimal } from 'decimal.js';
import type { EntityManager } from '@mikro-orm/core';
import type { CallContext, TenantContext } from '../context.js';
import type { LocalDate } from '../subscription/account-time.js';
import type { AccountId } from '../values/ids.js';
import type { AccountBalance, Invoice, InvoiceItem, InvoiceItemType } from './invoice.js';

/**
 * The invoice domain's public API (server/ and the payment domain use only this). Implemented by
 * service.ts (runs, reads, balances) composed with operations.ts (adjustments, charges, credits,
 * commit/void and the other explicit writes).
 */

export interface PageRequest {
  readonly offset: number;
  readonly limit: number;
}

export interface InvoicePage {
  readonly items: readonly Invoice[];
  readonly total: number;
  readonly offset: number;
  /** The tenant's invoice count whatever the search (Kill Bill's MaxNbRecords); `total` when absent. */
  readonly max?: number;
}

export interface AccountInvoicesFilter {
  readonly startDate?: LocalDate;
  readonly endDate?: LocalDate;
  readonly withMigrationInvoices?: boolean;
  readonly unpaidInvoicesOnly?: boolean;
  readonly includeVoidedInvoices?: boolean;
  /** Kill Bill's invoicesFilter: only these invoice ids. */
  readonly invoiceIds?: readonly string[];
}

/** POST /1.0/kb/invoices/dryRun body (Kill Bill's InvoiceDryRun). */
export interface DryRunRequest {
  readonly dryRunType: 'TARGET_DATE' | 'UPCOMING_INVOICE' | 'SUBSCRIPTION_ACTION';
  readonly targetDate: LocalDate | null;
  readonly action?: {
    readonly dryRunAction: 'START_BILLING' | 'CHANGE' | 'STOP_BILLING';
    /** Either a plan name, or product + billing period + price list (+ category), as Kill Bill's InvoiceDryRunJson. */
    readonly planName?: string | null;
    readonly phaseType?: string | null;
    readonly productName?: string | null;
    readonly productCategory?: string | null;
    readonly billingPeriod?: string | null;
    readonly priceListName?: string | null;
    readonly subscriptionId?: string | null;
    readonly bundleId?: string | null;
    readonly effectiveDate?: LocalDate | null;
    readonly billingPolicy?: string | null;
  };
}

/** One item of an external charge, tax or credit request (Kill Bill's InvoiceItemJson, the fields it reads). */
export interface NewItemRequest {
  readonly invoiceId?: string | null;
  readonly subscriptionId?: string | null;
  readonly bundleId?: string | null;
  readonly linkedInvoiceItemId?: string | null;
  readonly description?: string | null;
  readonly productName?: string | null;
  readonly planName?: string | null;
  readonly phaseName?: string | null;
  readonly startDate?: LocalDate | null;
  readonly endDate?: LocalDate | null;
  readonly amount: Decimal | null;
  readonly rate?: Decimal | null;
  readonly quantity?: Decimal | null;
  readonly currency?: string | null;
  readonly itemDetails?: string | null;
}

export interface ItemAdjustmentRequest {
  readonly invoiceItemId: string;
  /** Null: the whole remaining amount. */
  readonly amount: Decimal | null;
  readonly currency?: string | null;
  readonly description?: string | null;
  readonly itemDetails?: string | null;
  readonly requestedDate?: LocalDate | null;
}

export interface InvoiceService {
  // ---- runs (service.ts / dispatcher.ts) ----
  /** POST /1.0/kb/invoices: generate now up to `targetDate` (today when null); INVOICE_NOTHING_TO_DO (404) when the difference is empty. */
  runInvoice(ctx: CallContext, accountId: AccountId, targetDate: LocalDate | null): Promise<Invoice>;
  /** POST /1.0/kb/invoices/dryRun: what a run would write, persisting nothing; null when nothing (204). */
  dryRun(ctx: CallContext, accountId: AccountId, request: DryRunRequest): Promise<Invoice | null>;

  // ---- reads (service.ts) ----
  getById(ctx: TenantContext, invoiceId: string): Promise<Invoice>;
  getByNumber(ctx: TenantContext, invoiceNumber: number): Promise<Invoice>;
  /** The invoice holding the item (GET /invoices/byItemId/{itemId}). */
  getByItemId(ctx: TenantContext, itemId: string): Promise<Invoice>;
  getItem(ctx: TenantContext, itemId: string): Promise<InvoiceItem>;
  list(ctx: TenantContext, page: PageRequest): Promise<InvoicePage>;
  /** By id, number, account id or currency (Kill Bill's invoice search key). */
  search(ctx: TenantContext, searchKey: string, page: PageRequest): Promise<InvoicePage>;
  accountInvoices(ctx: TenantContext, accountId: AccountId, filter: AccountInvoicesFilter): Promise<Invoice[]>;
  /** §4.8, for `accountWithBalance` / `accountWithBalanceAndCBA`. */
  accountBalance(ctx: TenantContext, accountId: AccountId): Promise<AccountBalance>;
  /** The same inside a caller's transaction (payments, overdue). */
  accountBalanceIn(em: EntityManager, ctx: TenantContext, accountRecordId: number): Promise<AccountBalance>;
  /** Per invoice, the tracking ids of the usage records it billed (invoice_tracking_ids, active rows: InvoiceJson.trackingIds). */
  trackingIds(ctx: TenantContext, invoiceIds: readonly string[]): Promise<Map<string, string[]>>;

  // ---- explicit writes (operations.ts) ----
  /** POST /1.0/kb/invoices/{id}: ITEM_ADJ on the same invoice (+ CBA_ADJ when it goes negative). */
  adjustItem(ctx: CallContext, invoiceId: string, request: ItemAdjustmentRequest): Promise<Invoice>;
  /** POST /1.0/kb/invoices/charges/{accountId}: EXTERNAL_CHARGE items on a new invoice (or the given DRAFT); DRAFT when !autoCommit. */
  addExternalCharges(ctx: CallContext, accountId: AccountId, items: readonly NewItemRequest[], options: { autoCommit: boolean; requestedDate: LocalDate | null }): Promise<InvoiceItem[]>;
  /** POST /1.0/kb/invoices/taxes/{accountId}: TAX items likewise. */
  addTaxItems(ctx: CallContext, accountId: AccountId, items: readonly NewItemRequest[], options: { autoCommit: boolean; requestedDate: LocalDate | null }): Promise<InvoiceItem[]>;
  /** POST /1.0/kb/credits: per credit an invoice with CREDIT_ADJ(-x) + CBA_ADJ(+x) (or on the given DRAFT invoice). */
  /** Answers the CREDIT_ADJ items as stored (negative); the API shows them negated (Kill Bill's negateCreditItems). One invoice for all credits without an invoiceId. */
  createCredits(ctx: CallContext, accountId: AccountId, credits: readonly NewItemRequest[], options: { autoCommit: boolean; requestedDate?: LocalDate | null }): Promise<InvoiceItem[]>;
  /** DELETE /1.0/kb/invoices/{id}/{itemId}/cba: removes a credit and unwinds its use. */
  deleteCba(ctx: CallContext, invoiceId: string, itemId: string): Promise<void>;
  /** PUT /1.0/kb/invoices/{id}/commitInvoice. */
  commit(ctx: CallContext, invoiceId: string): Promise<void>;
  /** PUT /1.0/kb/invoices/{id}/voidInvoice (refused while paid: CAN_NOT_VOID_INVOICE_THAT_IS_PAID). */
  void(ctx: CallContext, invoiceId: string): Promise<void>;
  /** POST /1.0/kb/invoices/migration/{accountId}: a migration invoice (balance 0) with the given items. */
  createMigrationInvoice(ctx: CallContext, accountId: AccountId, items: readonly (NewItemRequest & { itemType: InvoiceItemType })[], targetDate: LocalDate | null): Promise<Invoice>;
  /** PUT /1.0/kb/accounts/{childId}/transferCredit: the child's credit moves to its parent. */
  transferChildCredit(ctx: CallContext, childAccountId: AccountId): Promise<void>;
  /** PUT /1.0/kb/accounts/{id}/cbaRebalancing: re-applies existing credit to unpaid invoices. */
  rebalanceCba(ctx: CallContext, accountId: AccountId): Promise<void>;
  /** The items of the child invoices a parent invoice summarises (`?withChildrenItems=true`). */
  parentInvoiceChildItems(ctx: TenantContext, parentInvoiceId: string): Promise<InvoiceItem[]>;
}
