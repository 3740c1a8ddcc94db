import type { CallContextDto, GatewayNotificationDto, HostedPaymentPageFormDescriptorDto, PluginProperty } from '@billwright/plugin-api';
import type { Logger } from 'pino';
import type { AccountService } from '../account/service.js';
import type { CallContext } from '../context.js';
import { BillingError, isBillingError } from '../errors/index.js';
import { isPluginCallError } from '../plugins/errors.js';
import type { PluginService } from '../plugins/service.js';
import type { InstalledPlugin } from '../plugins/store.js';
import type { TenantService } from '../tenant/service.js';
import { TenantKey } from '../tenant/tenant.js';
import type { AccountId } from '../values/ids.js';
import { PAYMENT_PLUGIN_DEADLINE_MS } from './plugin-call.js';
import { EXTERNAL_PAYMENT_PLUGIN, type PaymentPluginProperty, type PaymentService } from './payment-service.js';

/**
 * Kill Bill's PaymentGatewayApi: the two calls a payment plugin serves outside a payment, with no state of
 * ours around them.
 *  - processNotification: a gateway's webhook, handed raw (and, unlike Kill Bill, with its request headers,
 *    so a plugin can check a signature) to the plugin named in the URL; the plugin's GatewayNotification
 *    is the HTTP answer to the gateway.
 *  - buildFormDescriptor: the hosted payment page form for an account, built by the plugin of the given
 *    payment method or of the account's default one.
 * A plugin that answers nothing, or does not implement the call, gives Kill Bill's no-op answers
 * (DefaultNoOpGatewayNotification: 200 and no body; DefaultNoOpHostedPaymentPageFormDescriptor: the
 * account id only), which is also what the built-in __EXTERNAL_PAYMENT__ answers.
 * Payment control plugins around these calls (Kill Bill's HPP control): not yet.
 */

/** Kill Bill's GatewayNotification, as the route turns it into the HTTP answer. */
export interface GatewayNotification {
  readonly kbPaymentId: string | null;
  readonly status: number;
  /** The response body (Kill Bill's entity), or null for none. */
  readonly entity: string | null;
  readonly headers: Readonly<Record<string, readonly string[]>>;
  readonly properties: readonly PaymentPluginProperty[];
}

/** Kill Bill's HostedPaymentPageFormDescriptor. */
export interface HostedPaymentPageFormDescriptor {
  readonly kbAccountId: string;
  readonly formMethod: string | null;
  readonly formUrl: string | null;
  readonly formFields: readonly PaymentPluginProperty[];
  readonly properties: readonly PaymentPluginProperty[];
}

export interface GatewayNotificationRequest {
  readonly pluginName: string;
  /** The raw body (Kill Bill takes the raw query string when the body is empty; the route does that). */
  readonly notification: string;
  /** Request headers, lower-case names; the route leaves credentials out. */
  readonly headers: Readonly<Record<string, string>>;
  readonly properties?: readonly PaymentPluginProperty[];
  readonly controlPluginNames?: readonly string[];
}

export interface FormDescriptorRequest {
  readonly accountId: string;
  /** Null: the account's default payment method (PAYMENT_INVALID_PARAMETER when it has none). */
  readonly paymentMethodId?: string | null;
  /** HostedPaymentPageFieldsJson.formFields. */
  readonly customFields?: readonly PaymentPluginProperty[];
  readonly properties?: readonly PaymentPluginProperty[];
  readonly controlPluginNames?: readonly string[];
}

export interface PaymentGatewayService {
  processNotification(ctx: CallContext, req: GatewayNotificationRequest): Promise<GatewayNotification>;
  buildFormDescriptor(ctx: CallContext, req: FormDescriptorRequest): Promise<HostedPaymentPageFormDescriptor>;
}

export interface PaymentGatewayServiceDeps {
  readonly plugins: Pick<PluginService, 'running' | 'use' | 'hostFor'>;
  readonly tenants: Pick<TenantService, 'getById' | 'getValues'>;
  readonly accounts: Pick<AccountService, 'getById'>;
  readonly payments: Pick<PaymentService, 'getPaymentMethod'>;
  readonly logger: Logger;
  readonly deadlineMs?: number;
}

/** Kill Bill's DefaultNoOpGatewayNotification. */
export const NO_OP_NOTIFICATION: GatewayNotification = { kbPaymentId: null, status: 200, entity: null, headers: {}, properties: [] };

/** Kill Bill's PluginProperties.merge: one property per key, the last list's value winning. */
export function mergeProperties(...lists: readonly (readonly PaymentPluginProperty[])[]): PaymentPluginProperty[] {
  const merged = new Map<string, PaymentPluginProperty>();
  for (const list of lists) for (const p of list) merged.set(p.key, p);
  return [...merged.values()];
}

function protocolProperties(properties: readonly PaymentPluginProperty[]): PluginProperty[] {
  return properties.map((p) => ({ key: p.key, value: p.value }));
}

function propertiesOf(value: unknown): PaymentPluginProperty[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((p): p is PluginProperty => typeof p === 'object' && p !== null && typeof (p as PluginProperty).key === 'string')
    .map((p) => ({ key: p.key, value: p.value ?? null }));
}

/** A plugin's answer as the route sends it; anything malformed falls back to the no-op parts. */
export function notificationOf(answer: Partial<GatewayNotificationDto> | null | undefined): GatewayNotification {
  if (!answer || typeof answer !== 'object') return NO_OP_NOTIFICATION;
  const status = Number.isInteger(answer.status) && answer.status! >= 100 && answer.status! <= 599 ? answer.status! : 200;
  const headers: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(answer.headers ?? {})) {
    const values = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
    if (values.length > 0) headers[name] = values;
  }
  return {
    kbPaymentId: typeof answer.kbPaymentId === 'string' ? answer.kbPaymentId : null,
    status,
    entity: typeof answer.body === 'string' ? answer.body : null,
    headers,
    properties: propertiesOf(answer.properties),
  };
}

export function formDescriptorOf(accountId: string, answer: Partial<HostedPaymentPageFormDescriptorDto> | null | undefined): HostedPaymentPageFormDescriptor {
  const a = answer && typeof answer === 'object' ? answer : {};
  return {
    // Kill Bill shows what the plugin said; a plugin that says nothing gets the no-op's account id.
    kbAccountId: typeof a.kbAccountId === 'string' && a.kbAccountId !== '' ? a.kbAccountId : accountId,
    formMethod: typeof a.formMethod === 'string' ? a.formMethod : null,
    formUrl: typeof a.formUrl === 'string' ? a.formUrl : null,
    formFields: propertiesOf(a.formFields),
    properties: propertiesOf(a.properties),
  };
}

/** The plugin does not implement the call (the worker's UnsupportedOperationError): Kill Bill's null answer. */
function isUnsupported(err: unknown): boolean {
  return isPluginCallError(err) && err.code === 'PLUGIN_ERROR' && err.details['errorName'] === 'UnsupportedOperationError';
}

export function createPaymentGatewayService(deps: PaymentGatewayServiceDeps): PaymentGatewayService {
  const deadlineMs = deps.deadlineMs ?? PAYMENT_PLUGIN_DEADLINE_MS;
  const logger = deps.logger.child({ component: 'payment-gateway-api' });

  /** PaymentPluginServiceRegistration.getPaymentPluginApi: a running plugin with the payment extension point. */
  function requirePaymentPlugin(name: string): void {
    if (name === EXTERNAL_PAYMENT_PLUGIN) return;
    if (!deps.plugins.running(name)?.manifest.extensionPoints.includes('payment')) {
      throw new BillingError('PAYMENT_NO_SUCH_PAYMENT_PLUGIN', `Payment plugin ${name} is not registered`, { pluginName: name });
    }
  }

  async function callContext(ctx: CallContext, name: string): Promise<Omit<CallContextDto, 'deadlineMs'>> {
    const tenant = await deps.tenants.getById(ctx.tenant.id);
    const pluginConfig = (await deps.tenants.getValues(ctx, TenantKey.pluginConfig(name))).values[0] ?? null;
    return { tenant: { tenantId: tenant.id, apiKey: tenant.apiKey }, pluginConfig, userName: ctx.createdBy, userToken: ctx.userToken };
  }

  /** One protocol call; null when the plugin does not implement it; other failures as Kill Bill's PaymentApiException. */
  async function invoke<T>(ctx: CallContext, name: string, method: string, args: readonly unknown[]): Promise<T | null> {
    const callCtx = await callContext(ctx, name);
    const outcome = await deps.plugins.use(name, (pool, plugin: InstalledPlugin) => pool.call<T>(method, args, { ctx: callCtx, deadlineMs, host: deps.plugins.hostFor(plugin, ctx) }), ctx);
    if (outcome.kind === 'ok') return outcome.value;
    const err: unknown = outcome.error;
    if (isUnsupported(err)) return null;
    logger.warn({ plugin: name, method, err: isBillingError(err) ? err.message : String(err) }, 'payment gateway call failed');
    if (isPluginCallError(err) && err.code === 'PLUGIN_TIMEOUT') {
      throw new BillingError('PAYMENT_PLUGIN_TIMEOUT', `Plugin timeout for ${name}: ${err.message}`, { pluginName: name });
    }
    if (isBillingError(err) && (isPluginCallError(err) || err.code === 'PLUGIN_UNAVAILABLE')) {
      throw new BillingError('PAYMENT_PLUGIN_EXCEPTION', `Plugin exception ${err.message}`, { pluginName: name, pluginCode: err.code });
    }
    throw err;
  }

  return {
    async processNotification(ctx, req) {
      requirePaymentPlugin(req.pluginName);
      if (req.pluginName === EXTERNAL_PAYMENT_PLUGIN) return NO_OP_NOTIFICATION;
      const answer = await invoke<GatewayNotificationDto>(ctx, req.pluginName, '$processNotification', [req.notification, req.headers, protocolProperties(req.properties ?? [])]);
      return notificationOf(answer);
    },

    async buildFormDescriptor(ctx, req) {
      const account = await deps.accounts.getById(ctx, req.accountId as AccountId);
      const paymentMethodId = req.paymentMethodId ?? account.paymentMethodId;
      if (!paymentMethodId) throw new BillingError('PAYMENT_INVALID_PARAMETER', 'Invalid parameter paymentMethodId: should not be null', { parameter: 'paymentMethodId' });
      // Kill Bill's validatePaymentMethodForAccount: an active method of this account.
      const method = await deps.payments.getPaymentMethod(ctx, paymentMethodId);
      if (method.accountId !== account.id) {
        throw new BillingError('PAYMENT_NO_SUCH_PAYMENT_METHOD', `No such payment method id ${paymentMethodId}`, { paymentMethodId });
      }
      requirePaymentPlugin(method.pluginName);
      if (method.pluginName === EXTERNAL_PAYMENT_PLUGIN) return formDescriptorOf(account.id, null);
      const customFields = req.customFields ?? [];
      // As DefaultPaymentGatewayApi: the plugin gets the custom fields, and its properties merged with them.
      const properties = mergeProperties(customFields, req.properties ?? []);
      const answer = await invoke<HostedPaymentPageFormDescriptorDto>(ctx, method.pluginName, '$buildFormDescriptor', [account.id, protocolProperties(customFields), protocolProperties(properties)]);
      return formDescriptorOf(account.id, answer);
    },
  };
}
