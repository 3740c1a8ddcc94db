import type { CallContextDto, OnFailurePaymentControlResultDto, PaymentControlContextDto, PluginProperty, PriorPaymentControlResultDto } from '@billwright/plugin-api';
import { Decimal } from 'decimal.js';
import { DateTime } from 'luxon';
import type { Logger } from 'pino';
import type { CallContext } from '../context.js';
import { BillingError, isBillingError } from '../errors/index.js';
import type { PluginService } from '../plugins/service.js';
import type { InstalledPlugin } from '../plugins/store.js';
import type { TenantService } from '../tenant/service.js';
import { TenantKey } from '../tenant/tenant.js';
import type { PaymentPluginProperty, TransactionStatus, TransactionType } from './payment-service.js';

/**
 * The `paymentControl` extension point, host side (Kill Bill's ControlPluginRunner around
 * PaymentControlPluginApi): the plugins a request names (`controlPluginName` query params), in that
 * order, around one payment transaction:
 * - priorCall before step (a): each plugin may abort (PAYMENT_PLUGIN_API_ABORTED 7106 → 422, nothing is
 *   recorded) or adjust the amount, currency, payment method or properties; the next plugin sees the
 *   adjusted request, as Kill Bill chains them;
 * - onSuccessCall after a SUCCESS/PENDING result, onFailureCall after any other; onFailureCall may answer a
 *   nextRetryDate, the earliest of which retries.ts schedules.
 * All calls run outside any database transaction (like the gateway call). The built-in
 * `__INVOICE_PAYMENT_CONTROL_PLUGIN__` is not a worker: invoice-payments.ts and retries.ts are it. A named
 * plugin that is not running (or lacks the extension point) is skipped with a warning, as Kill Bill skips
 * an unregistered one; a priorCall that throws or times out aborts the call with PAYMENT_PLUGIN_EXCEPTION
 * (the payment cannot be judged); an onSuccess/onFailure failure is only logged (money already moved).
 */

export const INVOICE_CONTROL_PLUGIN = '__INVOICE_PAYMENT_CONTROL_PLUGIN__';
export const CONTROL_PLUGIN_DEADLINE_MS = 10_000;

/** What the control plugins see of a transaction (Kill Bill's PaymentControlContext). */
export interface ControlRequest {
  readonly accountId: string;
  readonly paymentId: string | null;
  readonly paymentExternalKey: string | null;
  readonly transactionId: string | null;
  readonly transactionExternalKey: string | null;
  readonly transactionType: TransactionType;
  readonly paymentMethodId: string | null;
  readonly amount: Decimal | null;
  readonly currency: string | null;
  readonly isApiPayment: boolean;
  readonly properties: readonly PaymentPluginProperty[];
}

/** The request after every priorCall. */
export interface PriorOutcome {
  readonly amount: Decimal | null;
  readonly currency: string | null;
  readonly paymentMethodId: string | null;
  readonly properties: readonly PaymentPluginProperty[];
}

export interface ControlResult {
  readonly status: TransactionStatus;
  readonly processedAmount: Decimal | null;
  readonly processedCurrency: string | null;
}

export interface PaymentControl {
  prior(ctx: CallContext, names: readonly string[], req: ControlRequest): Promise<PriorOutcome>;
  /** onSuccessCall or onFailureCall by the result; the earliest nextRetryDate any onFailureCall answered, or null. */
  after(ctx: CallContext, names: readonly string[], req: ControlRequest, result: ControlResult): Promise<DateTime | null>;
}

export interface PaymentControlDeps {
  readonly plugins: Pick<PluginService, 'running' | 'use' | 'hostFor'>;
  readonly tenants: Pick<TenantService, 'getById' | 'getValues'>;
  readonly logger: Logger;
  readonly deadlineMs?: number;
}

const toProtocol = (properties: readonly PaymentPluginProperty[]): PluginProperty[] => properties.map((p) => ({ key: p.key, value: p.value }));
const fromProtocol = (properties: readonly PluginProperty[]): PaymentPluginProperty[] =>
  properties.filter((p) => p && typeof p.key === 'string').map((p) => ({ key: p.key, value: (p.value ?? null) as PaymentPluginProperty['value'] }));

function decimalOrNull(value: unknown): Decimal | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  try {
    return new Decimal(value);
  } catch {
    return null;
  }
}

export function createPaymentControl(deps: PaymentControlDeps): PaymentControl {
  const deadlineMs = deps.deadlineMs ?? CONTROL_PLUGIN_DEADLINE_MS;
  const logger = deps.logger.child({ component: 'payment-control' });

  /** The worker plugins to call: named, running, declaring paymentControl; the built-in invoice control is not one. */
  function controlPlugins(names: readonly string[]): string[] {
    return names.filter((name) => {
      if (name === INVOICE_CONTROL_PLUGIN) return false;
      const plugin = deps.plugins.running(name);
      if (!plugin || !plugin.manifest.extensionPoints.includes('paymentControl')) {
        logger.warn({ plugin: name }, 'skipping a payment control plugin that is not running with the paymentControl extension point');
        return false;
      }
      return true;
    });
  }

  async function callContext(ctx: CallContext, name: string): Promise<Omit<CallContextDto, 'deadlineMs'>> {
    const tenant = await deps.tenants.getById(ctx.tenant.id);
    const pluginConfig = (await deps.tenants.getValues(ctx, TenantKey.pluginConfig(name))).values[0] ?? null;
    return { tenant: { tenantId: tenant.id, apiKey: tenant.apiKey }, pluginConfig, userName: ctx.createdBy, userToken: ctx.userToken };
  }

  async function call<T>(ctx: CallContext, name: string, method: string, control: PaymentControlContextDto, properties: readonly PaymentPluginProperty[]): Promise<T> {
    const callCtx = await callContext(ctx, name);
    const outcome = await deps.plugins.use(name, (pool, plugin: InstalledPlugin) => pool.call<T>(method, [control, toProtocol(properties)], { ctx: callCtx, deadlineMs, host: deps.plugins.hostFor(plugin, ctx) }), ctx);
    if (outcome.kind === 'failed') throw outcome.error;
    return outcome.value;
  }

  function dto(req: ControlRequest, result: ControlResult | null): PaymentControlContextDto {
    return {
      accountId: req.accountId, paymentId: req.paymentId, attemptId: null, paymentExternalKey: req.paymentExternalKey, transactionId: req.transactionId,
      transactionExternalKey: req.transactionExternalKey, paymentApiType: 'PAYMENT_TRANSACTION', transactionType: req.transactionType, paymentMethodId: req.paymentMethodId,
      amount: req.amount?.toFixed() ?? null, currency: req.currency, processedAmount: result?.processedAmount?.toFixed() ?? null, processedCurrency: result?.processedCurrency ?? null,
      isApiPayment: req.isApiPayment,
    };
  }

  return {
    async prior(ctx, names, req) {
      let current: PriorOutcome = { amount: req.amount, currency: req.currency, paymentMethodId: req.paymentMethodId, properties: req.properties };
      for (const name of controlPlugins(names)) {
        let answer: PriorPaymentControlResultDto;
        try {
          answer = (await call<PriorPaymentControlResultDto>(ctx, name, '$controlPriorCall', dto({ ...req, ...current }, null), current.properties)) ?? {};
        } catch (err) {
          if (!isBillingError(err)) throw err;
          throw new BillingError('PAYMENT_PLUGIN_EXCEPTION', `Plugin exception in payment control plugin ${name}: ${err.message}`, { pluginName: name, pluginCode: err.code });
        }
        if (answer.isAborted) {
          throw new BillingError('PAYMENT_PLUGIN_API_ABORTED', `Payment plugin API call aborted by ${name}`, { pluginName: name });
        }
        current = {
          amount: decimalOrNull(answer.adjustedAmount) ?? current.amount,
          currency: answer.adjustedCurrency || current.currency,
          paymentMethodId: answer.adjustedPaymentMethodId || current.paymentMethodId,
          properties: answer.adjustedPluginProperties ? fromProtocol(answer.adjustedPluginProperties) : current.properties,
        };
      }
      return current;
    },

    async after(ctx, names, req, result) {
      const succeeded = result.status === 'SUCCESS' || result.status === 'PENDING';
      let next: DateTime | null = null;
      let properties = req.properties;
      for (const name of controlPlugins(names)) {
        try {
          if (succeeded) {
            const answer = await call<{ adjustedPluginProperties?: readonly PluginProperty[] | null }>(ctx, name, '$controlOnSuccessCall', dto(req, result), properties);
            if (answer?.adjustedPluginProperties) properties = fromProtocol(answer.adjustedPluginProperties);
          } else {
            const answer = await call<OnFailurePaymentControlResultDto>(ctx, name, '$controlOnFailureCall', dto(req, result), properties);
            if (answer?.adjustedPluginProperties) properties = fromProtocol(answer.adjustedPluginProperties);
            const date = answer?.nextRetryDate ? DateTime.fromISO(answer.nextRetryDate, { zone: 'utc' }) : null;
            if (date?.isValid && (!next || date < next)) next = date;
          }
        } catch (err) {
          if (!isBillingError(err)) throw err;
          logger.warn({ plugin: name, err: err.message, paymentId: req.paymentId }, 'payment control plugin failed after the payment call; ignored');
        }
      }
      return next;
    },
  };
}
