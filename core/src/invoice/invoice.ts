import type { Decimal } from 'decimal.js';
import type { DateTime } from 'luxon';
import type { LocalDate } from '../subscription/account-time.js';
import type { Currency } from '../values/currency.js';

/**
 * The invoice domain's public value types (Kill Bill's Invoice / InvoiceItem, killbill-semantics.md §4).
 * Amounts are decimal.js values already rounded to the currency's minor unit; dates of items are calendar
 * days in the account's fixed-offset zone.
 */

export const INVOICE_ITEM_TYPES = [
  'EXTERNAL_CHARGE', 'FIXED', 'RECURRING', 'REPAIR_ADJ', 'CBA_ADJ', 'CREDIT_ADJ', 'ITEM_ADJ', 'USAGE', 'TAX', 'PARENT_SUMMARY',
] as const;
export type InvoiceItemType = (typeof INVOICE_ITEM_TYPES)[number];

export type InvoiceStatus = 'DRAFT' | 'COMMITTED' | 'VOID';

/** Item types an item adjustment may target (InvoiceItemType adjustable set, §4.7). */
export const ADJUSTABLE_ITEM_TYPES: ReadonlySet<InvoiceItemType> = new Set(['EXTERNAL_CHARGE', 'FIXED', 'RECURRING', 'TAX', 'USAGE', 'PARENT_SUMMARY']);

/**
 * Why a generated item exists (beyond Kill Bill; issue #7 "explain every line"). Stored as JSON on the item
 * and shown with `?withExplanation=true`.
 */
export type ItemExplanation =
  | {
      readonly kind: 'RECURRING';
      readonly billingEventId: string;
      readonly billingEventType: string;
      readonly catalogEffectiveDate: string;
      readonly planName: string;
      readonly phaseName: string;
      readonly billingPeriod: string;
      readonly billCycleDayLocal: number;
      /** The catalog rate × quantity the amount is a share of. */
      readonly rate: string;
      readonly quantity: number;
      /** Billed days / days of the period it is part of; `1` for a whole period. */
      readonly proration: { readonly days: number; readonly periodDays: number; readonly ratio: string } | null;
    }
  | {
      readonly kind: 'FIXED';
      readonly billingEventId: string;
      readonly billingEventType: string;
      readonly catalogEffectiveDate: string;
      readonly planName: string;
      readonly phaseName: string;
    }
  | {
      readonly kind: 'REPAIR_ADJ';
      /** The billed item whose days are no longer covered. */
      readonly repairedItemId: string;
      readonly repairedDays: number;
      readonly itemDays: number;
      readonly ratio: string;
      /** Set when the repair was capped at what was left of the item after adjustments and earlier repairs. */
      readonly cappedAt: string | null;
    }
  | { readonly kind: 'CBA_ADJ'; readonly reason: 'CREDIT_GENERATED' | 'CREDIT_USED' | 'CREDIT_DELETED' | 'CREDIT_GIVEN' }
  | {
      /** A parent invoice's summary of one child (§4.10): the child invoices and child ITEM_ADJ items its amount already counts. */
      readonly kind: 'PARENT_SUMMARY';
      readonly childAccountId: string;
      readonly childInvoiceIds: readonly string[];
      readonly childAdjustmentIds: readonly string[];
    }
  | {
      /** An ITEM_ADJ on a COMMITTED parent invoice mirroring a child invoice's item adjustment (§4.10). */
      readonly kind: 'CHILD_ITEM_ADJ';
      readonly childInvoiceId: string;
      readonly childItemId: string;
    }
  | {
      /** A USAGE item (§6, invoice/usage): the period's rolled-up units, the tiers they were billed at, what was billed before. */
      readonly kind: 'USAGE';
      readonly usageName: string;
      readonly usageType: string;
      readonly tierBlockPolicy: string;
      readonly billingPeriod: string;
      readonly startDate: string;
      readonly endDate: string;
      /** Per unit: the sum (CONSUMABLE) or the max (CAPACITY) of the period's records. */
      readonly units: readonly { readonly unitType: string; readonly amount: string }[];
      readonly tiers: readonly { readonly tier: number; readonly unitType: string; readonly price: string; readonly blockSize: string | null; readonly quantity: string; readonly amount: string }[];
      /** The period's full amount; the item's amount is this minus `billedBefore` (earlier USAGE items of the period). */
      readonly periodAmount: string;
      readonly billedBefore: string;
    }
  | { readonly kind: 'PLUGIN'; readonly plugin: string }
  | { readonly kind: 'API'; readonly operation: string };

export interface InvoiceItem {
  readonly id: string;
  readonly invoiceId: string;
  readonly accountId: string;
  readonly type: InvoiceItemType;
  readonly childAccountId: string | null;
  readonly bundleId: string | null;
  readonly subscriptionId: string | null;
  readonly description: string | null;
  readonly productName: string | null;
  readonly planName: string | null;
  readonly phaseName: string | null;
  readonly usageName: string | null;
  readonly catalogEffectiveDate: DateTime | null;
  readonly startDate: LocalDate | null;
  readonly endDate: LocalDate | null;
  readonly amount: Decimal;
  readonly rate: Decimal | null;
  readonly quantity: Decimal | null;
  readonly currency: Currency;
  readonly linkedItemId: string | null;
  readonly itemDetails: string | null;
  readonly explanation: ItemExplanation | null;
  readonly createdDate: DateTime;
}

/** A payment, refund or chargeback recorded against an invoice (Kill Bill's InvoicePayment). */
export interface InvoicePaymentRecord {
  readonly id: string;
  readonly type: 'ATTEMPT' | 'REFUND' | 'CHARGED_BACK';
  readonly invoiceId: string;
  readonly paymentId: string | null;
  readonly paymentDate: DateTime;
  /** Negative for REFUND and CHARGED_BACK. */
  readonly amount: Decimal;
  readonly currency: Currency;
  readonly linkedInvoicePaymentId: string | null;
  readonly success: boolean;
}

export interface Invoice {
  readonly id: string;
  readonly accountId: string;
  readonly accountRecordId: number;
  readonly invoiceNumber: number;
  readonly invoiceDate: LocalDate;
  readonly targetDate: LocalDate | null;
  readonly currency: Currency;
  readonly status: InvoiceStatus;
  readonly migrated: boolean;
  readonly parentInvoice: boolean;
  readonly writtenOff: boolean;
  readonly items: readonly InvoiceItem[];
  readonly payments: readonly InvoicePaymentRecord[];
  /** §4.8: charged, credited (Σ CBA_ADJ), refunded (Σ successful REFUND/CHARGED_BACK rows: negative, as Kill Bill's refundAdj), paid, balance. */
  readonly amount: Decimal;
  readonly creditAdj: Decimal;
  readonly refundAdj: Decimal;
  readonly paidAmount: Decimal;
  readonly balance: Decimal;
  readonly parentInvoiceId: string | null;
  readonly parentAccountId: string | null;
  /**
   * Set on a child invoice that has a parent invoice (§4.10): the parent's balance before DRAFT/VOID zeroing.
   * Kill Bill counts a child invoice unpaid (so its account's credit may pay it) while this is > 0.
   */
  readonly parentRawBalance?: Decimal;
  readonly bundleKeys: readonly string[];
  readonly createdDate: DateTime;
}

export interface AccountBalance {
  readonly accountBalance: Decimal;
  readonly accountCBA: Decimal;
}
