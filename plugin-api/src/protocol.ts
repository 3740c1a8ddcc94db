/**
 * The one protocol between Billwright (the host) and a plugin running in a worker thread. Types only:
 * what crosses the boundary is plain, structured-clonable data (money as decimal strings, dates as ISO
 * strings), never a host object. Versioned by PROTOCOL_VERSION; the host refuses a plugin built for a
 * plugin-api range that does not include PLUGIN_API_VERSION (index.ts).
 *
 * Naming (STYLE.md §7): `$method` for calls across the boundary, `*Shape` for the interface one side
 * implements, `*Dto` for data.
 */

import type { MessagePort } from 'node:worker_threads';

export const PROTOCOL_VERSION = 1;

// ---------------------------------------------------------------------------------------------------
// Data

/** A decimal amount as a string ("12.50"): no JS number ever carries money across the boundary. */
export type DecimalString = string;
/** An ISO-8601 instant ("2026-12-01T10:00:00.000Z") or calendar date ("2026-12-01"). */
export type IsoString = string;

export interface PluginProperty {
  readonly key: string;
  readonly value: string | number | boolean | null;
}

export interface TenantDto {
  readonly tenantId: string;
  readonly apiKey: string;
}

export interface AccountDto {
  readonly accountId: string;
  readonly externalKey: string;
  readonly name: string | null;
  readonly email: string | null;
  readonly currency: string | null;
  readonly timeZone: string;
  readonly locale: string | null;
  readonly billCycleDayLocal: number;
  readonly country: string | null;
  readonly parentAccountId: string | null;
}

/** An event from the bus, as a notification plugin receives it (Kill Bill's ExtBusEvent). */
export interface ExtBusEventDto {
  readonly eventId: string;
  readonly eventType: string;
  readonly objectType: string | null;
  readonly objectId: string | null;
  readonly accountId: string | null;
  readonly tenantId: string;
  readonly metaData: string | null;
  readonly userToken: string | null;
  readonly createdDate: IsoString;
}

/** Kill Bill's PaymentPluginStatus. */
export type PaymentPluginStatus = 'PROCESSED' | 'PENDING' | 'ERROR' | 'CANCELED' | 'UNDEFINED';
export type TransactionType = 'AUTHORIZE' | 'CAPTURE' | 'CHARGEBACK' | 'CREDIT' | 'PURCHASE' | 'REFUND' | 'VOID';

/** Kill Bill's PaymentTransactionInfoPlugin. */
export interface PaymentTransactionInfoDto {
  readonly kbPaymentId: string;
  readonly kbTransactionPaymentId: string;
  readonly transactionType: TransactionType;
  readonly amount: DecimalString | null;
  readonly currency: string | null;
  readonly createdDate: IsoString | null;
  readonly effectiveDate: IsoString | null;
  readonly status: PaymentPluginStatus;
  readonly gatewayError: string | null;
  readonly gatewayErrorCode: string | null;
  readonly firstPaymentReferenceId: string | null;
  readonly secondPaymentReferenceId: string | null;
  readonly properties: readonly PluginProperty[];
}

/** Arguments of authorize/capture/purchase/credit/refund (Kill Bill's PaymentPluginApi signature). */
export interface PaymentRequestDto {
  readonly kbAccountId: string;
  readonly kbPaymentId: string;
  readonly kbTransactionId: string;
  readonly kbPaymentMethodId: string;
  readonly amount: DecimalString;
  readonly currency: string;
  readonly properties: readonly PluginProperty[];
}

export interface PaymentMethodPluginDto {
  readonly kbPaymentMethodId: string;
  readonly externalPaymentMethodId: string | null;
  readonly isDefaultPaymentMethod: boolean;
  readonly properties: readonly PluginProperty[];
}

/** An HTTP request to a plugin's custom endpoint, `/plugins/<name>/<path>`. */
export interface HttpRequestDto {
  readonly method: string;
  /** The path below `/plugins/<name>`, starting with `/`. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  /** The body as text (plugins parse JSON themselves), or null. */
  readonly body: string | null;
}

export interface HttpResponseDto {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | null;
}

/** Kill Bill's PaymentMethodInfoPlugin: one row of getPaymentMethods (refresh from the gateway). */
export interface PaymentMethodInfoDto {
  readonly accountId: string;
  readonly paymentMethodId: string;
  readonly isDefault: boolean;
  readonly externalPaymentMethodId: string | null;
}

/** Kill Bill's HostedPaymentPageFormDescriptor: what a hosted payment page form posts, and where. */
export interface HostedPaymentPageFormDescriptorDto {
  readonly kbAccountId: string;
  readonly formMethod: string;
  readonly formUrl: string;
  readonly formFields: readonly PluginProperty[];
  readonly properties: readonly PluginProperty[];
}

/**
 * Kill Bill's GatewayNotification: what the host answers the gateway that posted a notification (the
 * status, `body` as Kill Bill's entity, the headers), and the payment it was about. Only `status` and
 * `body` are required, so plugins written for the first version of this DTO still fit.
 */
export interface GatewayNotificationDto {
  readonly status: number;
  readonly body: string | null;
  /** Response headers; a list sends the header once per value (Kill Bill's Map<String, List<String>>). */
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
  readonly kbPaymentId?: string | null;
  readonly properties?: readonly PluginProperty[];
}

/** Kill Bill's InvoiceItem as an invoice plugin sees it (and returns new ones). */
export interface InvoiceItemDto {
  readonly invoiceItemId: string | null;
  readonly invoiceId: string | null;
  readonly linkedInvoiceItemId: string | null;
  readonly accountId: string;
  readonly bundleId: string | null;
  readonly subscriptionId: string | null;
  /** Kill Bill's InvoiceItemType: TAX, EXTERNAL_CHARGE, ITEM_ADJ, RECURRING, FIXED, USAGE, ... */
  readonly itemType: string;
  /** The catalog product of a RECURRING/FIXED/USAGE item (Kill Bill's getProductName); absent on items plugins return. */
  readonly productName?: string | null;
  readonly planName: string | null;
  readonly phaseName: string | null;
  readonly usageName: string | null;
  readonly description: string | null;
  readonly startDate: IsoString | null;
  readonly endDate: IsoString | null;
  readonly amount: DecimalString;
  readonly rate: DecimalString | null;
  readonly currency: string;
  readonly quantity: DecimalString | null;
  readonly itemDetails: string | null;
}

export interface InvoiceDto {
  readonly invoiceId: string;
  readonly accountId: string;
  readonly invoiceNumber: number | null;
  readonly invoiceDate: IsoString;
  readonly targetDate: IsoString | null;
  readonly currency: string;
  readonly status: string;
  readonly balance: DecimalString;
  readonly items: readonly InvoiceItemDto[];
}

/** Kill Bill's InvoiceContext, given to the invoice-run hooks. */
export interface InvoiceContextDto {
  readonly targetDate: IsoString | null;
  readonly invoice: InvoiceDto | null;
  readonly existingInvoices: readonly InvoiceDto[];
  readonly isDryRun: boolean;
  readonly isRescheduled: boolean;
}

/** Kill Bill's PriorInvoiceResult / OnFailureInvoiceResult: abort the run, or run it again later. */
export interface InvoiceHookResultDto {
  readonly isAborted?: boolean;
  readonly rescheduleDate?: IsoString | null;
}

/** Kill Bill's AdditionalItemsResult. */
export interface AdditionalItemsResultDto {
  readonly additionalItems: readonly InvoiceItemDto[];
  readonly adjustedPluginProperties?: readonly PluginProperty[] | null;
}

/** Kill Bill's PaymentControlContext. */
export interface PaymentControlContextDto {
  readonly accountId: string;
  readonly paymentId: string | null;
  readonly attemptId: string | null;
  readonly paymentExternalKey: string | null;
  readonly transactionId: string | null;
  readonly transactionExternalKey: string | null;
  /** Kill Bill's PaymentApiType: PAYMENT_TRANSACTION or PAYMENT_METHOD. */
  readonly paymentApiType: string;
  readonly transactionType: TransactionType | null;
  readonly paymentMethodId: string | null;
  readonly amount: DecimalString | null;
  readonly currency: string | null;
  readonly processedAmount: DecimalString | null;
  readonly processedCurrency: string | null;
  readonly isApiPayment: boolean;
}

/** Kill Bill's PriorPaymentControlResult: every field optional, absent = leave as is. */
export interface PriorPaymentControlResultDto {
  readonly isAborted?: boolean;
  readonly adjustedAmount?: DecimalString | null;
  readonly adjustedCurrency?: string | null;
  readonly adjustedPaymentMethodId?: string | null;
  readonly adjustedPluginProperties?: readonly PluginProperty[] | null;
}

/** Kill Bill's OnSuccessPaymentControlResult. */
export interface OnSuccessPaymentControlResultDto {
  readonly adjustedPluginProperties?: readonly PluginProperty[] | null;
}

/** Kill Bill's OnFailurePaymentControlResult: a nextRetryDate schedules a retry. */
export interface OnFailurePaymentControlResultDto {
  readonly nextRetryDate?: IsoString | null;
  readonly adjustedPluginProperties?: readonly PluginProperty[] | null;
}

export interface HealthDto {
  readonly healthy: boolean;
  readonly message?: string;
}

// ---------------------------------------------------------------------------------------------------
// Call context

/** What every plugin call knows: its tenant, the tenant's configuration of this plugin, who called. */
export interface CallContextDto {
  readonly tenant: TenantDto | null;
  /** The text uploaded with /1.0/kb/tenants/uploadPluginConfig/{pluginName}, or null. */
  readonly pluginConfig: string | null;
  readonly userName: string | null;
  readonly userToken: string | null;
  /** Milliseconds the call may still take before the host gives up on it. */
  readonly deadlineMs: number;
}

// ---------------------------------------------------------------------------------------------------
// The host API a plugin may call back (ctx.killbill), each limited by the manifest's permissions and
// bound by the host to the tenant of the call that gave the plugin its context.

/** What `$notifyPendingTransaction` answers: the transaction as the host recorded it. */
export interface NotifiedTransactionDto {
  readonly kbPaymentId: string;
  readonly kbTransactionId: string;
  readonly transactionType: TransactionType;
  /** Kill Bill's transaction status after the notification. */
  readonly status: 'SUCCESS' | 'PAYMENT_FAILURE';
}

export interface HostShape {
  $getAccount(accountId: string): Promise<AccountDto>;
  $getTenantValues(key: string): Promise<readonly string[]>;
  /** The plugin's own key/value storage, per tenant. */
  $getPluginValue(key: string): Promise<string | null>;
  $putPluginValue(key: string, value: string): Promise<void>;
  /**
   * Kill Bill's PaymentApi.notifyPendingTransactionOfStateChanged: the gateway settled a PENDING
   * transaction (a webhook, processNotification), so the host records it SUCCESS or PAYMENT_FAILURE without
   * calling the plugin again. Only a PENDING transaction of one of this plugin's payment methods, in the
   * call's tenant: another is refused (PAYMENT_NO_SUCH_SUCCESS_PAYMENT, PAYMENT_NO_SUCH_PAYMENT).
   */
  $notifyPendingTransaction(kbTransactionId: string, isSuccess: boolean): Promise<NotifiedTransactionDto>;
  $log(level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: Readonly<Record<string, unknown>>): Promise<void>;
}

export type HostMethod = keyof HostShape;

/** What a plugin's manifest may ask for; each HostShape method needs one. */
export const HOST_PERMISSIONS = {
  $getAccount: 'accounts:read',
  $getTenantValues: 'tenant:read',
  $getPluginValue: 'storage',
  $putPluginValue: 'storage',
  $notifyPendingTransaction: 'payments:notify',
  $log: null,
} as const satisfies Record<HostMethod, string | null>;

// ---------------------------------------------------------------------------------------------------
// Extension points (the worker implements them by calling the plugin's definePlugin handlers)

export interface PaymentPluginShape {
  $authorizePayment(ctx: CallContextDto, req: PaymentRequestDto): Promise<PaymentTransactionInfoDto>;
  $capturePayment(ctx: CallContextDto, req: PaymentRequestDto): Promise<PaymentTransactionInfoDto>;
  $purchasePayment(ctx: CallContextDto, req: PaymentRequestDto): Promise<PaymentTransactionInfoDto>;
  $voidPayment(ctx: CallContextDto, req: Omit<PaymentRequestDto, 'amount' | 'currency'>): Promise<PaymentTransactionInfoDto>;
  $creditPayment(ctx: CallContextDto, req: PaymentRequestDto): Promise<PaymentTransactionInfoDto>;
  $refundPayment(ctx: CallContextDto, req: PaymentRequestDto): Promise<PaymentTransactionInfoDto>;
  $getPaymentInfo(ctx: CallContextDto, kbAccountId: string, kbPaymentId: string, properties: readonly PluginProperty[]): Promise<readonly PaymentTransactionInfoDto[]>;
  $addPaymentMethod(ctx: CallContextDto, kbAccountId: string, method: PaymentMethodPluginDto, setDefault: boolean, properties: readonly PluginProperty[]): Promise<void>;
  $deletePaymentMethod(ctx: CallContextDto, kbAccountId: string, kbPaymentMethodId: string, properties: readonly PluginProperty[]): Promise<void>;
  $getPaymentMethodDetail(ctx: CallContextDto, kbAccountId: string, kbPaymentMethodId: string, properties: readonly PluginProperty[]): Promise<PaymentMethodPluginDto>;
  /** `headers`: the notification request's headers (lower-case names, credentials left out), which Kill Bill's Java API does not pass. */
  $processNotification(ctx: CallContextDto, notification: string, headers: Readonly<Record<string, string>>, properties: readonly PluginProperty[]): Promise<GatewayNotificationDto>;
  $getPaymentMethods(ctx: CallContextDto, kbAccountId: string, refreshFromGateway: boolean, properties: readonly PluginProperty[]): Promise<readonly PaymentMethodInfoDto[]>;
  $searchPayments(ctx: CallContextDto, searchKey: string, offset: number, limit: number, properties: readonly PluginProperty[]): Promise<readonly PaymentTransactionInfoDto[]>;
  $buildFormDescriptor(ctx: CallContextDto, kbAccountId: string, customFields: readonly PluginProperty[], properties: readonly PluginProperty[]): Promise<HostedPaymentPageFormDescriptorDto>;
}

/** Kill Bill's InvoicePluginApi; the hooks are prefixed so one plugin can also be a payment control. */
export interface InvoicePluginShape {
  /** Kill Bill's 4-argument form: `invoiceContext.existingInvoices` lets a plugin see what earlier runs added (taxes already charged). */
  $getAdditionalInvoiceItems(ctx: CallContextDto, invoice: InvoiceDto, isDryRun: boolean, properties: readonly PluginProperty[], invoiceContext: InvoiceContextDto): Promise<AdditionalItemsResultDto>;
  $invoicePriorCall(ctx: CallContextDto, invoiceContext: InvoiceContextDto, properties: readonly PluginProperty[]): Promise<InvoiceHookResultDto>;
  $invoiceOnSuccessCall(ctx: CallContextDto, invoiceContext: InvoiceContextDto, properties: readonly PluginProperty[]): Promise<void>;
  $invoiceOnFailureCall(ctx: CallContextDto, invoiceContext: InvoiceContextDto, properties: readonly PluginProperty[]): Promise<InvoiceHookResultDto>;
}

/** Kill Bill's PaymentControlPluginApi. */
export interface PaymentControlPluginShape {
  $controlPriorCall(ctx: CallContextDto, control: PaymentControlContextDto, properties: readonly PluginProperty[]): Promise<PriorPaymentControlResultDto>;
  $controlOnSuccessCall(ctx: CallContextDto, control: PaymentControlContextDto, properties: readonly PluginProperty[]): Promise<OnSuccessPaymentControlResultDto>;
  $controlOnFailureCall(ctx: CallContextDto, control: PaymentControlContextDto, properties: readonly PluginProperty[]): Promise<OnFailurePaymentControlResultDto>;
}

export interface NotificationPluginShape {
  $onEvent(ctx: CallContextDto, event: ExtBusEventDto): Promise<void>;
}

export interface RoutesShape {
  $handle(ctx: CallContextDto, request: HttpRequestDto): Promise<HttpResponseDto>;
}

export interface HealthcheckShape {
  $healthcheck(ctx: CallContextDto): Promise<HealthDto>;
}

export const EXTENSION_POINTS = ['payment', 'invoice', 'paymentControl', 'notification', 'routes', 'healthcheck'] as const;
export type ExtensionPoint = (typeof EXTENSION_POINTS)[number];

/** Every method a worker can be asked to run (PluginCallTask.method). */
export type PluginMethod = keyof (PaymentPluginShape & InvoicePluginShape & PaymentControlPluginShape & NotificationPluginShape & RoutesShape & HealthcheckShape);

// ---------------------------------------------------------------------------------------------------
// Messages between host and worker (discriminated unions, one table)

/** Host → worker: run one extension-point method. `hostPort` is where the plugin's ctx.killbill calls go. */
export interface PluginCallTask {
  readonly kind: 'call';
  readonly plugin: { readonly name: string; readonly version: string; readonly entry: string };
  readonly method: string;
  readonly args: readonly unknown[];
  readonly hostPort: MessagePort | null;
}

/** Worker → host over hostPort. */
export interface HostRequest {
  readonly kind: 'host-call';
  readonly id: number;
  readonly method: HostMethod;
  readonly args: readonly unknown[];
}

/** Host → worker over hostPort. */
export type HostResponse =
  | { readonly kind: 'host-result'; readonly id: number; readonly value: unknown }
  | { readonly kind: 'host-error'; readonly id: number; readonly code: string; readonly message: string };

/** The worker's answer to a task: a result, or a plugin error the host maps to a typed failure. */
export type PluginCallResult =
  | { readonly kind: 'ok'; readonly value: unknown }
  | { readonly kind: 'plugin-error'; readonly name: string; readonly message: string; readonly stack: string | null };
