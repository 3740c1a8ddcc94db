import type { Decimal } from 'decimal.js';
import type { DateTime } from 'luxon';
import type { CallContext, TenantContext } from '../context.js';
import type { Invoice } from '../invoice/invoice.js';
import type { LocalDate } from '../subscription/account-time.js';
import type { Payment, PaymentPluginProperty, PaymentReadOptions, PaymentTransaction } from './payment-service.js';

/**
 * Payments of invoices (Kill Bill's InvoicePaymentApi with its __INVOICE_PAYMENT_CONTROL_PLUGIN__, §7.3):
 * a payment is linked to an invoice by its `invoice_payments` rows (ATTEMPT positive; REFUND and
 * CHARGED_BACK negative), which is what the invoice's balance reads (§4.8). server/ uses only this.
 */

/** Kill Bill's InvoicePaymentJson: the payment and the invoice its ATTEMPT paid (null when none). */
export interface InvoicePayment extends Payment {
  readonly targetInvoiceId: string | null;
}

/** What every invoice payment write answers: the payment after the call and the transaction it created. */
export interface InvoicePaymentOutcome {
  readonly payment: InvoicePayment;
  readonly transaction: PaymentTransaction;
}

/** POST /1.0/kb/invoices/{invoiceId}/payments (InvoiceResource.createInstantPayment). */
export interface PayInvoiceRequest {
  /** When given, must be the invoice's account. */
  readonly accountId?: string | null;
  /** Null: the account's default method (or the __EXTERNAL_PAYMENT__ one with externalPayment). */
  readonly paymentMethodId?: string | null;
  readonly externalPayment?: boolean;
  /** Null: the invoice's balance. More than the balance is aborted ("Invalid amount"). */
  readonly amount?: Decimal | null;
  readonly paymentExternalKey?: string | null;
  readonly transactionExternalKey?: string | null;
  readonly properties?: readonly PaymentPluginProperty[];
  readonly controlPluginNames?: readonly string[];
}

/** POST /1.0/kb/accounts/{accountId}/invoicePayments (AccountResource.payAllInvoices). */
export interface PayAllInvoicesRequest {
  readonly paymentMethodId?: string | null;
  readonly externalPayment?: boolean;
  /** Null: the sum of the unpaid balances. With externalPayment, what is left after them becomes account credit. */
  readonly amount?: Decimal | null;
  /** Only invoices dated up to this day (Kill Bill's getUnpaidInvoicesByAccountId upToDate). */
  readonly targetDate?: LocalDate | null;
  readonly properties?: readonly PaymentPluginProperty[];
}

/** One item adjustment of a refund (Kill Bill's InvoiceItemJson invoiceItemId + amount). */
export interface RefundAdjustment {
  readonly invoiceItemId: string;
  /** Null: what is left of the item. */
  readonly amount: Decimal | null;
}

/** POST /1.0/kb/invoicePayments/{paymentId}/refunds. */
export interface InvoiceRefundRequest {
  /** Null with adjustments: their sum. */
  readonly amount: Decimal | null;
  readonly currency?: string | null;
  readonly isAdjusted: boolean;
  readonly adjustments: readonly RefundAdjustment[];
  readonly transactionExternalKey?: string | null;
  readonly effectiveDate?: DateTime | null;
  readonly properties?: readonly PaymentPluginProperty[];
}

/** POST /1.0/kb/invoicePayments/{paymentId}/chargebacks. */
export interface InvoiceChargebackRequest {
  readonly amount: Decimal;
  readonly currency?: string | null;
  readonly transactionExternalKey?: string | null;
  readonly effectiveDate?: DateTime | null;
}

export interface InvoicePaymentService {
  /** Null when there is nothing to pay (the invoice's balance is 0: Kill Bill answers 204). */
  payInvoice(ctx: CallContext, invoiceId: string, req: PayInvoiceRequest): Promise<InvoicePaymentOutcome | null>;
  /** Unpaid invoices oldest first; answers the invoices a payment was made for (empty: nothing to pay). */
  payAllInvoices(ctx: CallContext, accountId: string, req: PayAllInvoicesRequest): Promise<Invoice[]>;
  /** GET /1.0/kb/invoices/{invoiceId}/payments: the payments with a row on the invoice, each read alone (withPluginInfo: a failing plugin fails the read, 7102). */
  invoicePayments(ctx: TenantContext, invoiceId: string, options?: PaymentReadOptions): Promise<InvoicePayment[]>;
  /** GET /1.0/kb/accounts/{accountId}/invoicePayments: all the account's payments as one list read (a failing plugin's shown without plugin info), targetInvoiceId null where none paid an invoice. */
  accountInvoicePayments(ctx: TenantContext, accountId: string, options?: PaymentReadOptions): Promise<InvoicePayment[]>;
  getInvoicePayment(ctx: TenantContext, paymentId: string, options?: PaymentReadOptions): Promise<InvoicePayment>;
  refund(ctx: CallContext, paymentId: string, req: InvoiceRefundRequest): Promise<InvoicePaymentOutcome>;
  chargeback(ctx: CallContext, paymentId: string, req: InvoiceChargebackRequest): Promise<InvoicePaymentOutcome>;
  chargebackReversal(ctx: CallContext, paymentId: string, req: { readonly transactionExternalKey: string; readonly effectiveDate?: DateTime | null }): Promise<InvoicePaymentOutcome>;
}
