import type { Decimal } from 'decimal.js';
import type { DateTime } from 'luxon';
import type { CallContext, TenantContext } from '../context.js';

/**
 * The payment domain's public API (server/ and invoicing use only this; service.ts implements it).
 * Kill Bill's PaymentApi: payment methods backed by the payment plugin named on each, and payments whose
 * transactions go through that plugin under Kill Bill's state machine (state-machine.ts).
 *
 * Every write answers with the payment as it stands after the call AND the transaction the call created
 * or completed, so the HTTP layer picks Kill Bill's status from `transaction.status` (SUCCESS/PENDING →
 * 201, PAYMENT_FAILURE → 402, PLUGIN_FAILURE → 502, UNKNOWN/PAYMENT_SYSTEM_OFF → 503). A refused request
 * (state machine, amounts, keys, unknown ids) throws a BillingError and records nothing.
 */

/** Kill Bill's built-in payment method plugin (§13: no worker, not listed by pluginsInfo). */
export const EXTERNAL_PAYMENT_PLUGIN = '__EXTERNAL_PAYMENT__';

export type TransactionType = 'AUTHORIZE' | 'CAPTURE' | 'CHARGEBACK' | 'CREDIT' | 'PURCHASE' | 'REFUND' | 'VOID';
export const TRANSACTION_TYPES: readonly TransactionType[] = ['AUTHORIZE', 'CAPTURE', 'CHARGEBACK', 'CREDIT', 'PURCHASE', 'REFUND', 'VOID'];

export type TransactionStatus = 'SUCCESS' | 'UNKNOWN' | 'PENDING' | 'PAYMENT_FAILURE' | 'PLUGIN_FAILURE' | 'PAYMENT_SYSTEM_OFF';
export const TRANSACTION_STATUSES: readonly TransactionStatus[] = ['SUCCESS', 'UNKNOWN', 'PENDING', 'PAYMENT_FAILURE', 'PLUGIN_FAILURE', 'PAYMENT_SYSTEM_OFF'];

/** A plugin property as Kill Bill's REST API carries it (`pluginProperty=key=value` query params or JSON). */
export interface PaymentPluginProperty {
  readonly key: string;
  readonly value: string | number | boolean | null;
  readonly isUpdatable?: boolean;
}

/** Kill Bill's PaymentMethodPlugin (PaymentMethodJson.pluginInfo). */
export interface PaymentMethodPluginInfo {
  readonly externalPaymentMethodId: string | null;
  readonly isDefaultPaymentMethod: boolean;
  readonly properties: readonly PaymentPluginProperty[];
}

export interface PaymentMethod {
  readonly id: string;
  readonly externalKey: string;
  readonly accountId: string;
  readonly pluginName: string;
  readonly isActive: boolean;
  /** The account's default method (accounts.payment_method_id). */
  readonly isDefault: boolean;
  /** What the plugin stored (as recorded at add/refresh); null when asked without plugin info. */
  readonly pluginInfo: PaymentMethodPluginInfo | null;
  readonly createdDate: DateTime;
  readonly updatedDate: DateTime;
}

/**
 * Kill Bill's PaymentTransactionInfoPlugin: what the payment plugin reported for a transaction when it was
 * read withPluginInfo (plugin-info.ts). `status` is the plugin's (PROCESSED, PENDING, ERROR, ...), amount a
 * decimal string, as the plugin sent them.
 */
export interface PaymentTransactionPluginInfo {
  readonly status: string | null;
  readonly amount: string | null;
  readonly currency: string | null;
  readonly gatewayErrorCode: string | null;
  readonly gatewayError: string | null;
  readonly firstPaymentReferenceId: string | null;
  readonly secondPaymentReferenceId: string | null;
  readonly properties: readonly PaymentPluginProperty[];
}

export interface PaymentTransaction {
  readonly id: string;
  readonly externalKey: string;
  readonly paymentId: string;
  readonly paymentExternalKey: string;
  readonly transactionType: TransactionType;
  readonly amount: Decimal;
  readonly currency: string;
  readonly effectiveDate: DateTime;
  /** What the gateway processed: 0 unless the plugin said PROCESSED or PENDING. */
  readonly processedAmount: Decimal;
  readonly processedCurrency: string;
  readonly status: TransactionStatus;
  readonly gatewayErrorCode: string | null;
  readonly gatewayErrorMsg: string | null;
  readonly firstPaymentReferenceId: string | null;
  readonly secondPaymentReferenceId: string | null;
  /** The plugin's answer properties. */
  readonly properties: readonly PaymentPluginProperty[];
  /** What the plugin reports now; only on a read withPluginInfo (null otherwise, or when it reported nothing for this transaction). */
  readonly paymentInfoPlugin: PaymentTransactionPluginInfo | null;
  readonly createdDate: DateTime;
  readonly updatedDate: DateTime;
}

/** Kill Bill's PaymentAttempt (payment_attempts): one run of the control-plugin layer. */
export type PaymentAttemptState = 'INIT' | 'RETRIED' | 'SUCCESS' | 'ABORTED';

export interface PaymentAttempt {
  readonly id: string;
  readonly accountId: string;
  readonly paymentMethodId: string | null;
  readonly paymentExternalKey: string;
  readonly transactionId: string | null;
  readonly transactionExternalKey: string;
  readonly transactionType: TransactionType;
  readonly effectiveDate: DateTime;
  readonly stateName: PaymentAttemptState;
  readonly amount: Decimal | null;
  readonly currency: string | null;
  readonly pluginName: string | null;
  readonly properties: readonly PaymentPluginProperty[];
  readonly createdDate: DateTime;
  readonly updatedDate: DateTime;
}

export interface Payment {
  readonly id: string;
  readonly accountId: string;
  readonly paymentMethodId: string;
  /** Kill Bill's paymentNumber: the row's record id. */
  readonly paymentNumber: number;
  readonly externalKey: string;
  readonly currency: string;
  readonly authAmount: Decimal;
  readonly capturedAmount: Decimal;
  readonly purchasedAmount: Decimal;
  readonly refundedAmount: Decimal;
  readonly creditedAmount: Decimal;
  readonly isAuthVoided: boolean;
  /** The state machine's current state ("CAPTURE_SUCCESS", "AUTHORIZE_FAILED", ...). */
  readonly stateName: string;
  readonly lastSuccessStateName: string | null;
  /** Oldest first. */
  readonly transactions: readonly PaymentTransaction[];
  /** Only when asked (withAttempts); else empty. */
  readonly attempts: readonly PaymentAttempt[];
  readonly createdDate: DateTime;
  readonly updatedDate: DateTime;
}

/** What every payment write answers (see the comment at the top). */
export interface TransactionOutcome {
  readonly payment: Payment;
  readonly transaction: PaymentTransaction;
}

export interface PageRequest {
  readonly offset: number;
  readonly limit: number;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly total: number;
  readonly offset: number;
  /** The tenant's row count whatever the search (Kill Bill's MaxNbRecords). */
  readonly max: number;
}

export interface PaymentMethodReadOptions {
  readonly includedDeleted?: boolean;
  /** Ask the plugin for the method's details (getPaymentMethodDetail) instead of the recorded plugin info. */
  readonly withPluginInfo?: boolean;
  readonly properties?: readonly PaymentPluginProperty[];
}

export interface PaymentReadOptions {
  /** Ask each payment's plugin (getPaymentInfo) for its transactions' `paymentInfoPlugin` (plugin-info.ts). */
  readonly withPluginInfo?: boolean;
  readonly withAttempts?: boolean;
  readonly properties?: readonly PaymentPluginProperty[];
}

/** POST /1.0/kb/accounts/{accountId}/paymentMethods. */
export interface AddPaymentMethodRequest {
  readonly accountId: string;
  readonly pluginName: string;
  /** Defaults to the new method's id. */
  readonly externalKey?: string | null;
  readonly isDefault?: boolean;
  readonly pluginInfo?: PaymentMethodPluginInfo | null;
  readonly properties?: readonly PaymentPluginProperty[];
}

export interface DeletePaymentMethodOptions {
  /** Kill Bill's deleteDefaultPmWithAutoPayOff: delete the default method and tag the account AUTO_PAY_OFF. */
  readonly deleteDefaultPmWithAutoPayOff?: boolean;
  /** Kill Bill's forceDefaultPmDeletion: delete the default method, leaving the account with none. */
  readonly forceDefaultPmDeletion?: boolean;
  readonly properties?: readonly PaymentPluginProperty[];
}

/** A payment named by id or by external key (the `/payments` routes without an id take the key from the body). */
export type PaymentTarget = { readonly paymentId: string } | { readonly paymentExternalKey: string };

/** AUTHORIZE, PURCHASE or CREDIT: a new payment, or a retry into an existing one after a failure. */
export interface NewPaymentRequest {
  readonly accountId: string;
  readonly transactionType: 'AUTHORIZE' | 'PURCHASE' | 'CREDIT';
  /** Null: the account's default method (PAYMENT_NO_DEFAULT_PAYMENT_METHOD when it has none). */
  readonly paymentMethodId?: string | null;
  /** An existing payment to retry into (Kill Bill's paymentId on the JSON body). */
  readonly paymentId?: string | null;
  /** Defaults to the payment id; an existing payment's key retries into it. */
  readonly paymentExternalKey?: string | null;
  /** Defaults to the transaction id. */
  readonly transactionExternalKey?: string | null;
  readonly amount: Decimal;
  /** Null: the account's currency. */
  readonly currency?: string | null;
  /** Null: now. */
  readonly effectiveDate?: DateTime | null;
  readonly properties?: readonly PaymentPluginProperty[];
  /** Kill Bill's controlPluginName query params: the payment-control plugins around the call (control-plugins.ts). */
  readonly controlPluginNames?: readonly string[];
}

/** CAPTURE, REFUND, CHARGEBACK on an existing payment; VOID ignores amount and currency. */
export interface FollowUpRequest {
  readonly target: PaymentTarget;
  readonly transactionExternalKey?: string | null;
  /** Required for capture, refund and chargeback. */
  readonly amount?: Decimal | null;
  /** Null: the payment's currency. */
  readonly currency?: string | null;
  readonly effectiveDate?: DateTime | null;
  readonly properties?: readonly PaymentPluginProperty[];
  readonly controlPluginNames?: readonly string[];
}

/** POST /payments/{id}/chargebackReversals: the chargeback named by its transactionExternalKey fails. */
export interface ChargebackReversalRequest {
  readonly target: PaymentTarget;
  readonly transactionExternalKey: string;
  readonly effectiveDate?: DateTime | null;
  readonly controlPluginNames?: readonly string[];
}

/** PUT /payments/{id}: ask the plugin again for the payment's PENDING (or UNKNOWN) transaction. */
export interface CompleteTransactionRequest {
  readonly target: PaymentTarget;
  /** Which transaction; absent: the payment's last PENDING one. */
  readonly transactionId?: string | null;
  readonly transactionExternalKey?: string | null;
  readonly transactionType?: TransactionType | null;
  readonly amount?: Decimal | null;
  readonly currency?: string | null;
  readonly properties?: readonly PaymentPluginProperty[];
  readonly controlPluginNames?: readonly string[];
}

/**
 * POST /payments/combo after the route has found or created the account: the method is found by id or
 * external key, or added (with the account's first method becoming its default, as Kill Bill).
 */
export interface ComboPaymentRequest {
  readonly accountId: string;
  readonly paymentMethod:
    | { readonly paymentMethodId: string }
    | { readonly externalKey: string; readonly pluginName?: string | null; readonly pluginInfo?: PaymentMethodPluginInfo | null; readonly isDefault?: boolean }
    | Omit<AddPaymentMethodRequest, 'accountId'>;
  readonly transaction: Omit<NewPaymentRequest, 'accountId' | 'paymentMethodId'>;
  readonly paymentMethodProperties?: readonly PaymentPluginProperty[];
}

export interface PaymentService {
  // Payment methods ---------------------------------------------------------------------------------
  addPaymentMethod(ctx: CallContext, req: AddPaymentMethodRequest): Promise<PaymentMethod>;
  getPaymentMethod(ctx: TenantContext, paymentMethodId: string, options?: PaymentMethodReadOptions): Promise<PaymentMethod>;
  getPaymentMethodByKey(ctx: TenantContext, externalKey: string, options?: PaymentMethodReadOptions): Promise<PaymentMethod>;
  listAccountPaymentMethods(ctx: TenantContext, accountId: string, options?: PaymentMethodReadOptions): Promise<PaymentMethod[]>;
  listPaymentMethods(ctx: TenantContext, page: PageRequest, options?: PaymentMethodReadOptions & { readonly pluginName?: string | null }): Promise<Page<PaymentMethod>>;
  /** Id, external key, account id, plugin name or external payment method id. */
  searchPaymentMethods(ctx: TenantContext, searchKey: string, page: PageRequest, options?: PaymentMethodReadOptions): Promise<Page<PaymentMethod>>;
  deletePaymentMethod(ctx: CallContext, paymentMethodId: string, options?: DeletePaymentMethodOptions): Promise<void>;
  setDefaultPaymentMethod(ctx: CallContext, accountId: string, paymentMethodId: string, properties?: readonly PaymentPluginProperty[]): Promise<void>;
  /** Kill Bill's refreshPaymentMethods: the plugin's getPaymentMethods(refreshFromGateway) reconciled into ours. */
  refreshPaymentMethods(ctx: CallContext, accountId: string, pluginName?: string | null, properties?: readonly PaymentPluginProperty[]): Promise<PaymentMethod[]>;
  /** The account's active __EXTERNAL_PAYMENT__ method, added (not as default) when it has none (`externalPayment=true`). */
  externalPaymentMethod(ctx: CallContext, accountId: string): Promise<PaymentMethod>;

  // Payments ----------------------------------------------------------------------------------------
  /** AUTHORIZE / PURCHASE / CREDIT. */
  createPayment(ctx: CallContext, req: NewPaymentRequest): Promise<TransactionOutcome>;
  capture(ctx: CallContext, req: FollowUpRequest): Promise<TransactionOutcome>;
  refund(ctx: CallContext, req: FollowUpRequest): Promise<TransactionOutcome>;
  void(ctx: CallContext, req: FollowUpRequest): Promise<TransactionOutcome>;
  chargeback(ctx: CallContext, req: FollowUpRequest): Promise<TransactionOutcome>;
  chargebackReversal(ctx: CallContext, req: ChargebackReversalRequest): Promise<TransactionOutcome>;
  completeTransaction(ctx: CallContext, req: CompleteTransactionRequest): Promise<TransactionOutcome>;
  comboPayment(ctx: CallContext, req: ComboPaymentRequest): Promise<TransactionOutcome>;
  /**
   * Kill Bill's cancelScheduledPaymentTransaction: removes the scheduled retries (retries.ts) of the
   * transaction (or payment) with this id, or of the transactions with this external key. Nothing
   * scheduled: nothing to do. An unknown id is PAYMENT_NO_SUCH_PAYMENT.
   */
  cancelScheduledPaymentTransaction(ctx: CallContext, by: { readonly transactionId: string } | { readonly transactionExternalKey: string }): Promise<void>;
  /**
   * POST /paymentTransactions/{id}: settle a PENDING transaction as SUCCESS or PAYMENT_FAILURE without calling
   * the plugin. As Kill Bill (PaymentProcessor.notifyPendingPaymentOfStateChanged), any other status — UNKNOWN
   * too — is PAYMENT_NO_SUCH_SUCCESS_PAYMENT (7024, 404).
   */
  notifyStateChanged(ctx: CallContext, transactionId: string, isSuccess: boolean): Promise<TransactionOutcome>;
  /**
   * Kill Bill's PaymentApi.notifyPendingTransactionOfStateChanged, as a payment plugin calls it
   * (ctx.killbill.notifyPendingTransaction) when its gateway reports a PENDING transaction settled: SUCCESS
   * or PAYMENT_FAILURE, recorded without calling the plugin. Only a PENDING transaction, else
   * PAYMENT_NO_SUCH_SUCCESS_PAYMENT as Kill Bill; with `bound`, only one of that plugin's payment methods
   * (another plugin's transaction is PAYMENT_NO_SUCH_PAYMENT).
   */
  notifyPendingTransactionOfStateChanged(ctx: CallContext, transactionId: string, isSuccess: boolean, bound?: { readonly pluginName: string }): Promise<TransactionOutcome>;

  getPayment(ctx: TenantContext, paymentId: string, options?: PaymentReadOptions): Promise<Payment>;
  getPaymentByExternalKey(ctx: TenantContext, paymentExternalKey: string, options?: PaymentReadOptions): Promise<Payment>;
  /** The payment holding the transaction (GET /paymentTransactions/{id} answers the payment). */
  getPaymentByTransactionId(ctx: TenantContext, transactionId: string, options?: PaymentReadOptions): Promise<Payment>;
  getPaymentByTransactionExternalKey(ctx: TenantContext, transactionExternalKey: string, options?: PaymentReadOptions): Promise<Payment>;
  listAccountPayments(ctx: TenantContext, accountId: string, options?: PaymentReadOptions): Promise<Payment[]>;
  listPayments(ctx: TenantContext, page: PageRequest, options?: PaymentReadOptions & { readonly pluginName?: string | null }): Promise<Page<Payment>>;
  /**
   * Id, payment number, external key, account id, state name, currency; withPluginInfo or with a
   * pluginName: what the payment plugins' searchPayments find instead (plugin-search.ts), as Kill Bill.
   */
  searchPayments(ctx: TenantContext, searchKey: string, page: PageRequest, options?: PaymentReadOptions & { readonly pluginName?: string | null }): Promise<Page<Payment>>;
}
