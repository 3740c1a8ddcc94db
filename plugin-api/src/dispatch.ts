/**
 * The one dispatcher from protocol calls (`$purchasePayment(ctx, req)`, ...) to a plugin's
 * definePlugin handlers, shared by the worker (worker.ts) and the test host (test-host.ts) so a
 * plugin's unit tests run exactly the code it runs in production. It never throws: a handler's
 * throw becomes `{ kind: 'plugin-error' }`.
 */
import { buildContext } from './context.js';
import type { PaymentResult, PluginContext, PluginDefinition } from './define-plugin.js';
import { UnsupportedOperationError } from './errors.js';
import type {
  CallContextDto,
  HealthcheckShape,
  HostShape,
  InvoicePluginShape,
  NotificationPluginShape,
  PaymentControlPluginShape,
  PaymentPluginShape,
  PaymentPluginStatus,
  PaymentRequestDto,
  PaymentTransactionInfoDto,
  PluginCallResult,
  PluginMethod,
  RoutesShape,
  TransactionType,
} from './protocol.js';
import { handleRequest } from './router.js';

type AllShapes = PaymentPluginShape & InvoicePluginShape & PaymentControlPluginShape & NotificationPluginShape & RoutesShape & HealthcheckShape;
type Tail<T extends readonly unknown[]> = T extends readonly [unknown, ...infer R] ? R : never;
type Impl<M extends PluginMethod> = (def: PluginDefinition, ctx: PluginContext, ...args: Tail<Parameters<AllShapes[M]>>) => Promise<Awaited<ReturnType<AllShapes[M]>>>;

const STATUSES: ReadonlySet<PaymentPluginStatus> = new Set(['PROCESSED', 'PENDING', 'ERROR', 'CANCELED', 'UNDEFINED']);

function need<T>(handler: T | undefined, point: string, name: string): T {
  if (handler === undefined) throw new UnsupportedOperationError(`this plugin does not implement ${point}.${name}`);
  return handler;
}

/** Fills what a payment handler left out from its request; dates stay null so the host stamps them with its Clock. */
function transaction(req: Omit<PaymentRequestDto, 'amount' | 'currency'> & Partial<PaymentRequestDto>, type: TransactionType, result: PaymentResult): PaymentTransactionInfoDto {
  if (!STATUSES.has(result.status)) throw new TypeError(`payment result status must be one of ${[...STATUSES].join(', ')}, got ${String(result.status)}`);
  return {
    kbPaymentId: req.kbPaymentId,
    kbTransactionPaymentId: req.kbTransactionId,
    transactionType: type,
    amount: req.amount ?? null,
    currency: req.currency ?? null,
    createdDate: null,
    effectiveDate: null,
    gatewayError: null,
    gatewayErrorCode: null,
    firstPaymentReferenceId: null,
    secondPaymentReferenceId: null,
    properties: [],
    ...result,
  };
}

function paymentCall(name: 'authorize' | 'capture' | 'purchase' | 'credit' | 'refund', type: TransactionType): Impl<'$purchasePayment'> {
  return async (def, ctx, req) => transaction(req, type, await need(def.payment?.[name], 'payment', name)(req, ctx));
}

const IMPLS: { readonly [M in PluginMethod]: Impl<M> } = {
  $authorizePayment: paymentCall('authorize', 'AUTHORIZE'),
  $capturePayment: paymentCall('capture', 'CAPTURE'),
  $purchasePayment: paymentCall('purchase', 'PURCHASE'),
  $creditPayment: paymentCall('credit', 'CREDIT'),
  $refundPayment: paymentCall('refund', 'REFUND'),
  $voidPayment: async (def, ctx, req) => transaction(req, 'VOID', await need(def.payment?.void, 'payment', 'void')(req, ctx)),
  $getPaymentInfo: async (def, ctx, kbAccountId, kbPaymentId, properties) =>
    need(def.payment?.getPaymentInfo, 'payment', 'getPaymentInfo')({ kbAccountId, kbPaymentId, properties }, ctx),
  $searchPayments: async (def, ctx, searchKey, offset, limit, properties) =>
    need(def.payment?.searchPayments, 'payment', 'searchPayments')({ searchKey, offset, limit, properties }, ctx),
  $addPaymentMethod: async (def, ctx, kbAccountId, method, setDefault, properties) =>
    need(def.payment?.addPaymentMethod, 'payment', 'addPaymentMethod')({ kbAccountId, method, setDefault, properties }, ctx),
  $deletePaymentMethod: async (def, ctx, kbAccountId, kbPaymentMethodId, properties) =>
    need(def.payment?.deletePaymentMethod, 'payment', 'deletePaymentMethod')({ kbAccountId, kbPaymentMethodId, properties }, ctx),
  $getPaymentMethodDetail: async (def, ctx, kbAccountId, kbPaymentMethodId, properties) =>
    need(def.payment?.getPaymentMethodDetail, 'payment', 'getPaymentMethodDetail')({ kbAccountId, kbPaymentMethodId, properties }, ctx),
  $getPaymentMethods: async (def, ctx, kbAccountId, refreshFromGateway, properties) =>
    need(def.payment?.getPaymentMethods, 'payment', 'getPaymentMethods')({ kbAccountId, refreshFromGateway, properties }, ctx),
  $buildFormDescriptor: async (def, ctx, kbAccountId, customFields, properties) =>
    need(def.payment?.buildFormDescriptor, 'payment', 'buildFormDescriptor')({ kbAccountId, customFields, properties }, ctx),
  $processNotification: async (def, ctx, notification, headers, properties) => {
    const r = (await need(def.payment?.processNotification, 'payment', 'processNotification')({ notification, headers: headers ?? {}, properties }, ctx)) ?? {};
    // Kill Bill's DefaultNoOpGatewayNotification when the plugin leaves a field out: 200, no body, no headers.
    return { status: r.status ?? 200, body: r.body ?? null, headers: r.headers ?? {}, kbPaymentId: r.kbPaymentId ?? null, properties: r.properties ?? [] };
  },

  $getAdditionalInvoiceItems: async (def, ctx, invoice, isDryRun, properties, invoiceContext) => {
    // A host that sends no context (older callers, hand-written tests) still gives the plugin one to read.
    const context = invoiceContext ?? { targetDate: invoice.targetDate, invoice, existingInvoices: [], isDryRun, isRescheduled: false };
    const r = await need(def.invoice?.getAdditionalInvoiceItems, 'invoice', 'getAdditionalInvoiceItems')({ invoice, isDryRun, properties, invoiceContext: context }, ctx);
    return Array.isArray(r) ? { additionalItems: r } : (r as Exclude<typeof r, readonly unknown[]>);
  },
  // Kill Bill calls the invoice hooks of every invoice plugin; one that has none lets the run go on.
  $invoicePriorCall: async (def, ctx, invoiceContext, properties) => (await def.invoice?.priorCall?.({ invoiceContext, properties }, ctx)) ?? {},
  $invoiceOnSuccessCall: async (def, ctx, invoiceContext, properties) => {
    await def.invoice?.onSuccessCall?.({ invoiceContext, properties }, ctx);
  },
  $invoiceOnFailureCall: async (def, ctx, invoiceContext, properties) => (await def.invoice?.onFailureCall?.({ invoiceContext, properties }, ctx)) ?? {},

  $controlPriorCall: async (def, ctx, control, properties) => (await def.paymentControl?.priorCall?.({ control, properties }, ctx)) ?? {},
  $controlOnSuccessCall: async (def, ctx, control, properties) => (await def.paymentControl?.onSuccessCall?.({ control, properties }, ctx)) ?? {},
  $controlOnFailureCall: async (def, ctx, control, properties) => (await def.paymentControl?.onFailureCall?.({ control, properties }, ctx)) ?? {},

  $onEvent: async (def, ctx, event) => {
    await need(def.notification?.onEvent, 'notification', 'onEvent')(event, ctx);
  },
  $handle: async (def, ctx, request) => handleRequest(def.routes, request, ctx),
  // A plugin without a healthcheck is healthy once it loads, as Kill Bill reports plugins without one.
  $healthcheck: async (def, ctx) => (def.healthcheck ? def.healthcheck(ctx) : { healthy: true }),
};

export function isPluginMethod(method: string): method is PluginMethod {
  return Object.hasOwn(IMPLS, method);
}

export function pluginError(error: unknown): PluginCallResult {
  if (error instanceof Error) return { kind: 'plugin-error', name: error.name, message: error.message, stack: error.stack ?? null };
  return { kind: 'plugin-error', name: 'Error', message: `plugin threw a non-error: ${String(error)}`, stack: null };
}

function isCallContext(value: unknown): value is CallContextDto {
  return typeof value === 'object' && value !== null && 'deadlineMs' in value && 'tenant' in value;
}

/** Runs `method` (args[0] is the CallContextDto, the rest as in protocol.ts) on the plugin's handlers. */
export async function dispatchPluginCall(definition: PluginDefinition, method: string, args: readonly unknown[], host: HostShape): Promise<PluginCallResult> {
  try {
    if (!isPluginMethod(method)) throw new UnsupportedOperationError(`unknown plugin method ${method}`);
    const [callContext, ...rest] = args;
    if (!isCallContext(callContext)) throw new TypeError(`${method}: the first argument must be the call context`);
    const impl = IMPLS[method] as (def: PluginDefinition, ctx: PluginContext, ...a: unknown[]) => Promise<unknown>;
    const value = await impl(definition, buildContext(callContext, host), ...rest);
    return { kind: 'ok', value };
  } catch (error) {
    return pluginError(error);
  }
}
