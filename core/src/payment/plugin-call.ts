import type { CallContextDto, PaymentMethodInfoDto, PaymentMethodPluginDto, PaymentRequestDto, PaymentTransactionInfoDto, PluginProperty, TransactionType } from '@billwright/plugin-api';
import { Decimal } from 'decimal.js';
import type { Logger } from 'pino';
import type { TenantContext } from '../context.js';
import { BillingError, isBillingError } from '../errors/index.js';
import { isPluginCallError } from '../plugins/errors.js';
import type { PluginService } from '../plugins/service.js';
import type { InstalledPlugin } from '../plugins/store.js';
import type { TenantService } from '../tenant/service.js';
import { TenantKey } from '../tenant/tenant.js';
import { externalMethodDetail, externalTransaction } from './external-payment.js';
import { EXTERNAL_PAYMENT_PLUGIN, type PaymentPluginProperty, type TransactionStatus } from './payment-service.js';

/**
 * How the payment domain reaches a payment plugin (Kill Bill's PaymentPluginApi through its plugin
 * dispatcher): the plugin named on the payment method, in its worker pool via PluginService.use (the
 * tenant's pinned version, the payment deadline of 30 s), or the built-in __EXTERNAL_PAYMENT__ in-process.
 * Transaction calls never throw for a plugin's failure: they answer Kill Bill's transaction status
 * (PaymentTransactionInfoPluginConverter):
 *   PROCESSED → SUCCESS, PENDING → PENDING, ERROR → PAYMENT_FAILURE (processed 0),
 *   CANCELED → PLUGIN_FAILURE, UNDEFINED → UNKNOWN;
 *   a throw, a crash, an open circuit or a plugin that is not running → PLUGIN_FAILURE (it did not act);
 *   a timeout → UNKNOWN (it may have acted: the janitor must ask it later).
 */

export const PAYMENT_PLUGIN_DEADLINE_MS = 30_000;

export interface TransactionCall {
  readonly pluginName: string;
  readonly type: TransactionType;
  readonly accountId: string;
  readonly paymentId: string;
  readonly transactionId: string;
  readonly paymentMethodId: string;
  readonly amount: Decimal;
  readonly currency: string;
  readonly properties: readonly PaymentPluginProperty[];
}

/** What a transaction call left, ready to record. */
export interface GatewayResult {
  readonly status: TransactionStatus;
  readonly processedAmount: Decimal;
  readonly processedCurrency: string;
  readonly gatewayErrorCode: string | null;
  readonly gatewayErrorMsg: string | null;
  readonly firstPaymentReferenceId: string | null;
  readonly secondPaymentReferenceId: string | null;
  readonly properties: readonly PaymentPluginProperty[];
}

export interface PaymentGateway {
  /** True for the built-in provider and for a running plugin declaring the `payment` extension point. */
  isPaymentPlugin(pluginName: string): boolean;
  transaction(ctx: TenantContext & { readonly createdBy?: string }, call: TransactionCall): Promise<GatewayResult>;
  /** Method calls throw their failure (PAYMENT_PLUGIN_EXCEPTION / PAYMENT_PLUGIN_TIMEOUT): nothing is recorded then. */
  addPaymentMethod(ctx: TenantContext, pluginName: string, accountId: string, method: PaymentMethodPluginDto, setDefault: boolean, properties: readonly PaymentPluginProperty[]): Promise<void>;
  deletePaymentMethod(ctx: TenantContext, pluginName: string, accountId: string, paymentMethodId: string, properties: readonly PaymentPluginProperty[]): Promise<void>;
  getPaymentMethodDetail(ctx: TenantContext, pluginName: string, accountId: string, paymentMethodId: string, properties: readonly PaymentPluginProperty[]): Promise<PaymentMethodPluginDto>;
  getPaymentMethods(ctx: TenantContext, pluginName: string, accountId: string, refresh: boolean, properties: readonly PaymentPluginProperty[]): Promise<readonly PaymentMethodInfoDto[]>;
  getPaymentInfo(ctx: TenantContext, pluginName: string, accountId: string, paymentId: string, properties: readonly PaymentPluginProperty[]): Promise<readonly PaymentTransactionInfoDto[]>;
  /** Kill Bill's getAvailablePlugins: the built-in provider first, then each running plugin declaring `payment`, by name. */
  paymentPlugins(): string[];
  /** The plugin's searchPayments (the built-in provider knows none); fails as the method calls do. */
  searchPayments(ctx: TenantContext, pluginName: string, searchKey: string, offset: number, limit: number, properties: readonly PaymentPluginProperty[]): Promise<readonly PaymentTransactionInfoDto[]>;
}

export interface GatewayDeps {
  readonly plugins: Pick<PluginService, 'running' | 'runningPlugins' | 'use' | 'hostFor'>;
  readonly tenants: Pick<TenantService, 'getById' | 'getValues'>;
  readonly logger: Logger;
  readonly deadlineMs?: number;
}

const METHOD: Record<TransactionType, string> = {
  AUTHORIZE: '$authorizePayment',
  CAPTURE: '$capturePayment',
  PURCHASE: '$purchasePayment',
  VOID: '$voidPayment',
  CREDIT: '$creditPayment',
  REFUND: '$refundPayment',
  // Kill Bill records chargebacks without calling the plugin (they come from the gateway); never used.
  CHARGEBACK: '',
};

function protocolProperties(properties: readonly PaymentPluginProperty[]): PluginProperty[] {
  return properties.map((p) => ({ key: p.key, value: p.value }));
}

/** Kill Bill's status mapping of a plugin's answer. */
export function statusOf(answer: PaymentTransactionInfoDto['status'] | string): TransactionStatus {
  switch (answer) {
    case 'PROCESSED':
      return 'SUCCESS';
    case 'PENDING':
      return 'PENDING';
    case 'ERROR':
      return 'PAYMENT_FAILURE';
    case 'CANCELED':
      return 'PLUGIN_FAILURE';
    default:
      return 'UNKNOWN';
  }
}

function decimalOr(value: unknown, fallback: Decimal): Decimal {
  if (typeof value !== 'string' && typeof value !== 'number') return fallback;
  try {
    return new Decimal(value);
  } catch {
    return fallback;
  }
}

/** The recorded result of a plugin's answer (a malformed answer is UNKNOWN: the gateway may have acted). */
export function resultOf(call: TransactionCall, answer: PaymentTransactionInfoDto | null | undefined): GatewayResult {
  if (!answer || typeof answer !== 'object') {
    return failed(call, 'UNKNOWN', null, 'The plugin answered no PaymentTransactionInfoPlugin');
  }
  const status = statusOf(answer.status);
  const moved = status === 'SUCCESS' || status === 'PENDING';
  return {
    status,
    processedAmount: moved ? decimalOr(answer.amount, call.amount) : new Decimal(0),
    processedCurrency: (moved && typeof answer.currency === 'string' && answer.currency) || call.currency,
    gatewayErrorCode: typeof answer.gatewayErrorCode === 'string' ? answer.gatewayErrorCode.slice(0, 32) : null,
    gatewayErrorMsg: typeof answer.gatewayError === 'string' ? answer.gatewayError.slice(0, 256) : null,
    firstPaymentReferenceId: typeof answer.firstPaymentReferenceId === 'string' ? answer.firstPaymentReferenceId.slice(0, 128) : null,
    secondPaymentReferenceId: typeof answer.secondPaymentReferenceId === 'string' ? answer.secondPaymentReferenceId.slice(0, 128) : null,
    properties: Array.isArray(answer.properties) ? answer.properties.filter((p) => p && typeof p.key === 'string').map((p) => ({ key: p.key, value: p.value ?? null })) : [],
  };
}

function failed(call: TransactionCall, status: TransactionStatus, code: string | null, message: string): GatewayResult {
  return {
    status,
    processedAmount: new Decimal(0),
    processedCurrency: call.currency,
    gatewayErrorCode: code,
    gatewayErrorMsg: message.slice(0, 256),
    firstPaymentReferenceId: null,
    secondPaymentReferenceId: null,
    properties: [],
  };
}

export function createPaymentGateway(deps: GatewayDeps): PaymentGateway {
  const deadlineMs = deps.deadlineMs ?? PAYMENT_PLUGIN_DEADLINE_MS;
  const logger = deps.logger.child({ component: 'payment-gateway' });

  async function callContext(ctx: TenantContext & { readonly createdBy?: string }, name: string): Promise<Omit<CallContextDto, 'deadlineMs'>> {
    const tenant = await deps.tenants.getById(ctx.tenant.id);
    const pluginConfig = (await deps.tenants.getValues(ctx, TenantKey.pluginConfig(name))).values[0] ?? null;
    return { tenant: { tenantId: tenant.id, apiKey: tenant.apiKey }, pluginConfig, userName: ctx.createdBy ?? null, userToken: ctx.userToken };
  }

  /** One protocol call; a plugin failure is thrown as its PluginCallError. */
  async function invoke<T>(ctx: TenantContext & { readonly createdBy?: string }, name: string, method: string, args: readonly unknown[]): Promise<T> {
    const callCtx = await callContext(ctx, name);
    const outcome = await deps.plugins.use(name, (pool, plugin: InstalledPlugin) => pool.call<T>(method, args, { ctx: callCtx, deadlineMs, host: deps.plugins.hostFor(plugin, ctx) }), ctx);
    if (outcome.kind === 'failed') throw outcome.error;
    return outcome.value;
  }

  /** A payment-method call's failure as Kill Bill's PaymentApiException. */
  function methodFailure(err: unknown, name: string, what: string): never {
    if (isPluginCallError(err) && err.code === 'PLUGIN_TIMEOUT') {
      throw new BillingError('PAYMENT_PLUGIN_TIMEOUT', `Plugin timeout for account ${what}: ${err.message}`, { pluginName: name });
    }
    if (isBillingError(err) && (isPluginCallError(err) || err.code === 'PLUGIN_UNAVAILABLE')) {
      throw new BillingError('PAYMENT_PLUGIN_EXCEPTION', `Plugin exception ${err.message}`, { pluginName: name, pluginCode: err.code });
    }
    throw err;
  }

  return {
    isPaymentPlugin(name) {
      if (name === EXTERNAL_PAYMENT_PLUGIN) return true;
      return deps.plugins.running(name)?.manifest.extensionPoints.includes('payment') ?? false;
    },

    async transaction(ctx, call) {
      const base = { kbAccountId: call.accountId, kbPaymentId: call.paymentId, kbTransactionId: call.transactionId, kbPaymentMethodId: call.paymentMethodId, properties: protocolProperties(call.properties) };
      const req: PaymentRequestDto = { ...base, amount: call.amount.toFixed(), currency: call.currency };
      try {
        if (call.pluginName === EXTERNAL_PAYMENT_PLUGIN) return resultOf(call, externalTransaction(call.type, call.type === 'VOID' ? base : req));
        const answer = await invoke<PaymentTransactionInfoDto>(ctx, call.pluginName, METHOD[call.type], [call.type === 'VOID' ? base : req]);
        return resultOf(call, answer);
      } catch (err) {
        if (!isBillingError(err)) throw err;
        logger.warn({ plugin: call.pluginName, type: call.type, paymentId: call.paymentId, code: err.code, err: err.message }, 'payment plugin call failed');
        // Only a timeout may have reached the gateway; every other failure happened before it acted.
        return failed(call, err.code === 'PLUGIN_TIMEOUT' ? 'UNKNOWN' : 'PLUGIN_FAILURE', null, err.message);
      }
    },

    async addPaymentMethod(ctx, name, accountId, method, setDefault, properties) {
      if (name === EXTERNAL_PAYMENT_PLUGIN) return;
      await invoke<void>(ctx, name, '$addPaymentMethod', [accountId, method, setDefault, protocolProperties(properties)]).catch((err: unknown) => methodFailure(err, name, accountId));
    },
    async deletePaymentMethod(ctx, name, accountId, paymentMethodId, properties) {
      if (name === EXTERNAL_PAYMENT_PLUGIN) return;
      await invoke<void>(ctx, name, '$deletePaymentMethod', [accountId, paymentMethodId, protocolProperties(properties)]).catch((err: unknown) => methodFailure(err, name, accountId));
    },
    async getPaymentMethodDetail(ctx, name, accountId, paymentMethodId, properties) {
      if (name === EXTERNAL_PAYMENT_PLUGIN) return externalMethodDetail(paymentMethodId);
      return invoke<PaymentMethodPluginDto>(ctx, name, '$getPaymentMethodDetail', [accountId, paymentMethodId, protocolProperties(properties)]).catch((err: unknown) => methodFailure(err, name, accountId));
    },
    async getPaymentMethods(ctx, name, accountId, refresh, properties) {
      if (name === EXTERNAL_PAYMENT_PLUGIN) return [];
      return invoke<readonly PaymentMethodInfoDto[]>(ctx, name, '$getPaymentMethods', [accountId, refresh, protocolProperties(properties)]).catch((err: unknown) => methodFailure(err, name, accountId));
    },
    async getPaymentInfo(ctx, name, accountId, paymentId, properties) {
      if (name === EXTERNAL_PAYMENT_PLUGIN) return [];
      return invoke<readonly PaymentTransactionInfoDto[]>(ctx, name, '$getPaymentInfo', [accountId, paymentId, protocolProperties(properties)]).catch((err: unknown) => methodFailure(err, name, accountId));
    },
    paymentPlugins() {
      const running = deps.plugins.runningPlugins().filter((p) => p.manifest.extensionPoints.includes('payment')).map((p) => p.manifest.name);
      return [EXTERNAL_PAYMENT_PLUGIN, ...[...new Set(running)].sort()];
    },
    async searchPayments(ctx, name, searchKey, offset, limit, properties) {
      if (name === EXTERNAL_PAYMENT_PLUGIN) return [];
      return invoke<readonly PaymentTransactionInfoDto[]>(ctx, name, '$searchPayments', [searchKey, offset, limit, protocolProperties(properties)]).catch((err: unknown) => methodFailure(err, name, searchKey));
    },
  };
}
