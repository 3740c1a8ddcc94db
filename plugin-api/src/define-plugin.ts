/**
 * What a plugin author writes: `export default definePlugin({ ... })`. Every handler takes its input
 * first and the call's `ctx` second, returns a value or a promise of it, and sees only plain data (see
 * protocol.ts). The worker (dispatch.ts) maps protocol calls onto these handlers.
 */
import type {
  AdditionalItemsResultDto,
  ExtBusEventDto,
  GatewayNotificationDto,
  HealthDto,
  HostedPaymentPageFormDescriptorDto,
  HostShape,
  HttpRequestDto,
  InvoiceContextDto,
  InvoiceDto,
  InvoiceHookResultDto,
  InvoiceItemDto,
  OnFailurePaymentControlResultDto,
  OnSuccessPaymentControlResultDto,
  PaymentControlContextDto,
  PaymentMethodInfoDto,
  PaymentMethodPluginDto,
  PaymentRequestDto,
  PaymentTransactionInfoDto,
  PluginProperty,
  PriorPaymentControlResultDto,
  TenantDto,
} from './protocol.js';

export type Awaitable<T> = T | Promise<T>;

// ---------------------------------------------------------------------------------------------------
// ctx

/** The host API without the protocol's `$` prefixes: `ctx.killbill.getAccount(id)`. Logging is ctx.logger. */
export type KillbillApi = {
  readonly [K in Exclude<keyof HostShape, '$log'> as K extends `$${infer N}` ? N : never]: HostShape[K];
};

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type PluginLogger = {
  readonly [L in LogLevel]: (message: string, fields?: Readonly<Record<string, unknown>>) => void;
};

/** The tenant's configuration of this plugin (uploadPluginConfig), with parsers for the usual formats. */
export interface PluginConfig {
  /** The uploaded text, or null when the tenant uploaded none. */
  readonly text: string | null;
  /** The text parsed as JSON, or `fallback` (default null) when there is none. Throws on invalid JSON. */
  json<T = unknown>(fallback?: T): T | null;
  /** The text parsed as Java-style `key=value` / `key: value` lines (Kill Bill plugins' usual format). */
  properties(): Readonly<Record<string, string>>;
}

export interface PluginContext {
  readonly tenant: TenantDto | null;
  readonly config: PluginConfig;
  readonly logger: PluginLogger;
  readonly killbill: KillbillApi;
  readonly userName: string | null;
  readonly userToken: string | null;
  /** Milliseconds left before the host gives up on this call. */
  readonly deadlineMs: number;
}

// ---------------------------------------------------------------------------------------------------
// payment (Kill Bill's PaymentPluginApi)

/**
 * What a payment handler returns: at least a status. Ids, transaction type, amount, currency and
 * dates default to the request's; gateway fields and properties default to null / [].
 */
export type PaymentResult = Partial<PaymentTransactionInfoDto> & Pick<PaymentTransactionInfoDto, 'status'>;
export type VoidRequest = Omit<PaymentRequestDto, 'amount' | 'currency'>;
/** What a notification handler returns: every GatewayNotificationDto field optional (status defaults to 200). */
export type NotificationResult = { readonly [K in keyof GatewayNotificationDto]?: GatewayNotificationDto[K] | undefined };

type Handler<I, O> = (input: I, ctx: PluginContext) => Awaitable<O>;
interface WithProperties {
  readonly properties: readonly PluginProperty[];
}

export interface PaymentHandlers {
  readonly authorize?: Handler<PaymentRequestDto, PaymentResult>;
  readonly capture?: Handler<PaymentRequestDto, PaymentResult>;
  readonly purchase?: Handler<PaymentRequestDto, PaymentResult>;
  readonly void?: Handler<VoidRequest, PaymentResult>;
  readonly credit?: Handler<PaymentRequestDto, PaymentResult>;
  readonly refund?: Handler<PaymentRequestDto, PaymentResult>;
  readonly getPaymentInfo?: Handler<{ readonly kbAccountId: string; readonly kbPaymentId: string } & WithProperties, readonly PaymentTransactionInfoDto[]>;
  readonly searchPayments?: Handler<{ readonly searchKey: string; readonly offset: number; readonly limit: number } & WithProperties, readonly PaymentTransactionInfoDto[]>;
  readonly addPaymentMethod?: Handler<{ readonly kbAccountId: string; readonly method: PaymentMethodPluginDto; readonly setDefault: boolean } & WithProperties, void>;
  readonly deletePaymentMethod?: Handler<{ readonly kbAccountId: string; readonly kbPaymentMethodId: string } & WithProperties, void>;
  readonly getPaymentMethodDetail?: Handler<{ readonly kbAccountId: string; readonly kbPaymentMethodId: string } & WithProperties, PaymentMethodPluginDto>;
  readonly getPaymentMethods?: Handler<{ readonly kbAccountId: string; readonly refreshFromGateway: boolean } & WithProperties, readonly PaymentMethodInfoDto[]>;
  readonly buildFormDescriptor?: Handler<{ readonly kbAccountId: string; readonly customFields: readonly PluginProperty[] } & WithProperties, HostedPaymentPageFormDescriptorDto>;
  /**
   * A gateway webhook, with its request headers (which Kill Bill's API leaves out). The answer is what the
   * gateway gets back: status (default 200), body, headers; nothing at all answers an empty 200.
   */
  readonly processNotification?: Handler<{ readonly notification: string; readonly headers: Readonly<Record<string, string>> } & WithProperties, NotificationResult | void>;
}

// ---------------------------------------------------------------------------------------------------
// invoice (Kill Bill's InvoicePluginApi) and paymentControl (PaymentControlPluginApi)

export interface InvoiceHandlers {
  /** Taxes, discounts, adjustments to add to an invoice being generated; an array or Kill Bill's AdditionalItemsResult. */
  readonly getAdditionalInvoiceItems?: Handler<
    { readonly invoice: InvoiceDto; readonly isDryRun: boolean; readonly invoiceContext: InvoiceContextDto } & WithProperties,
    readonly InvoiceItemDto[] | AdditionalItemsResultDto
  >;
  readonly priorCall?: Handler<{ readonly invoiceContext: InvoiceContextDto } & WithProperties, InvoiceHookResultDto | void>;
  readonly onSuccessCall?: Handler<{ readonly invoiceContext: InvoiceContextDto } & WithProperties, void>;
  readonly onFailureCall?: Handler<{ readonly invoiceContext: InvoiceContextDto } & WithProperties, InvoiceHookResultDto | void>;
}

export interface PaymentControlHandlers {
  /** Change the amount, currency or payment method, or abort, before the payment runs. */
  readonly priorCall?: Handler<{ readonly control: PaymentControlContextDto } & WithProperties, PriorPaymentControlResultDto | void>;
  readonly onSuccessCall?: Handler<{ readonly control: PaymentControlContextDto } & WithProperties, OnSuccessPaymentControlResultDto | void>;
  /** Return a nextRetryDate to schedule a retry. */
  readonly onFailureCall?: Handler<{ readonly control: PaymentControlContextDto } & WithProperties, OnFailurePaymentControlResultDto | void>;
}

// ---------------------------------------------------------------------------------------------------
// notification, routes, healthcheck

export interface NotificationHandlers {
  readonly onEvent: Handler<ExtBusEventDto, void>;
}

/** A request to a custom endpoint, with the `:name` path parameters of the matched route. */
export interface RouteRequest extends HttpRequestDto {
  readonly params: Readonly<Record<string, string>>;
  /** The body parsed as JSON (null when empty). Throws on invalid JSON. */
  json<T = unknown>(): T | null;
}

/** A non-string body is sent as JSON with `content-type: application/json`. */
export interface RouteResponse {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

export type RouteHandler = Handler<RouteRequest, RouteResponse>;
/** `{ 'GET /hello': handler, 'POST /items/:id': handler }`, or one handler for every request. */
export type Routes = Readonly<Record<`${string} /${string}`, RouteHandler>> | RouteHandler;

export interface PluginDefinition {
  /** Informative; the installed name comes from the package.json `billwright` block. */
  readonly name?: string;
  readonly payment?: PaymentHandlers;
  readonly invoice?: InvoiceHandlers;
  readonly paymentControl?: PaymentControlHandlers;
  readonly notification?: NotificationHandlers;
  readonly routes?: Routes;
  readonly healthcheck?: (ctx: PluginContext) => Awaitable<HealthDto>;
}

/** Types a plugin's handlers; returns the definition unchanged, so plain-JS plugins may skip it. */
export function definePlugin(definition: PluginDefinition): PluginDefinition {
  return definition;
}
