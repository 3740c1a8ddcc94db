import type { PaymentTransactionInfoDto } from '@billwright/plugin-api';
import type { Logger } from 'pino';
import type { TenantContext } from '../context.js';
import { BillingError, isBillingError } from '../errors/index.js';
import type { Payment, PaymentPluginProperty, PaymentTransactionPluginInfo, TransactionStatus } from './payment-service.js';
import { statusOf, type PaymentGateway } from './plugin-call.js';

/**
 * `withPluginInfo` on payment reads (Kill Bill's PaymentRefresher): the plugin of each payment's method is
 * asked for the payment (getPaymentInfo), and each transaction carries what the plugin reported for it
 * (its `paymentInfoPlugin`, matched by kbTransactionPaymentId; null when the plugin reported nothing for
 * it). A plugin failure:
 * - on a read of one payment (`one`: by id, by external key, by transaction) fails the read with
 *   PAYMENT_PLUGIN_GET_PAYMENT_INFO 7102 (Kill Bill's getPaymentTransactionInfoPlugins); a timeout stays
 *   PAYMENT_PLUGIN_TIMEOUT, as on every payment-method call;
 * - on a read of several (`many`: an account's payments, a page, a search) is logged and that payment is
 *   shown without plugin info (Kill Bill's getPaymentTransactionInfoPluginsIfNeeded), a timeout too: one
 *   hung gateway does not take a whole list down.
 * As Kill Bill, a PENDING or UNKNOWN transaction that the plugin reports settled is recorded so on the way
 * (`settledByPlugin` says which; service.ts records them as the janitor would), so the read shows it settled.
 */

export type PluginInfoRead = 'one' | 'many';

export interface PluginInfoDeps {
  readonly gateway: Pick<PaymentGateway, 'getPaymentInfo'>;
  readonly logger: Logger;
}

/** What each payment's plugin reported, by payment id (absent: not asked, or its plugin failed in a `many` read). */
export type PaymentInfos = ReadonlyMap<string, readonly PaymentTransactionInfoDto[]>;

/** Asks the plugin of each payment (`pluginOf` names the plugin of a payment method). */
export async function askPaymentInfos(
  deps: PluginInfoDeps,
  ctx: TenantContext,
  payments: readonly Payment[],
  pluginOf: (paymentMethodId: string) => string | undefined,
  read: PluginInfoRead,
  properties: readonly PaymentPluginProperty[],
): Promise<PaymentInfos> {
  const out = new Map<string, readonly PaymentTransactionInfoDto[]>();
  for (const payment of payments) {
    const pluginName = pluginOf(payment.paymentMethodId);
    const infos = pluginName ? await ask(deps, ctx, payment, pluginName, read, properties) : null;
    if (infos) out.set(payment.id, Array.isArray(infos) ? infos.filter((i) => i && typeof i === 'object') : []);
  }
  return out;
}

/** The payments with each transaction's plugin info (null where the plugin reported nothing for it). */
export function withPaymentInfo(payments: readonly Payment[], infos: PaymentInfos): Payment[] {
  return payments.map((payment) => {
    const reported = infos.get(payment.id);
    return reported ? merge(payment, reported) : payment;
  });
}

/** A transaction the host still has PENDING or UNKNOWN and that its plugin now reports otherwise. */
export interface SettledByPlugin {
  readonly paymentId: string;
  readonly transactionId: string;
  readonly current: TransactionStatus;
  readonly info: PaymentTransactionInfoDto;
}

/**
 * Kill Bill's PaymentRefresher.invokeJanitor on a withPluginInfo read (killbill issue 341): the janitor's
 * rule (IncompletePaymentTransactionTask) for each unsettled transaction the plugin reports on: a status
 * that maps to something other than UNKNOWN and other than the recorded one is to be recorded now.
 */
export function settledByPlugin(payments: readonly Payment[], infos: PaymentInfos): SettledByPlugin[] {
  const out: SettledByPlugin[] = [];
  for (const payment of payments) {
    for (const t of payment.transactions) {
      if (t.status !== 'PENDING' && t.status !== 'UNKNOWN') continue;
      const info = infos.get(payment.id)?.find((i) => i.kbTransactionPaymentId === t.id);
      const reported = info ? statusOf(info.status) : 'UNKNOWN';
      if (info && reported !== 'UNKNOWN' && reported !== t.status) out.push({ paymentId: payment.id, transactionId: t.id, current: t.status, info });
    }
  }
  return out;
}

async function ask(deps: PluginInfoDeps, ctx: TenantContext, payment: Payment, pluginName: string, read: PluginInfoRead, properties: readonly PaymentPluginProperty[]): Promise<readonly PaymentTransactionInfoDto[] | null> {
  try {
    return await deps.gateway.getPaymentInfo(ctx, pluginName, payment.accountId, payment.id, properties);
  } catch (err) {
    return pluginReadFailure(
      err,
      read,
      (e) => new BillingError('PAYMENT_PLUGIN_GET_PAYMENT_INFO', `Failed to retrieve payment plugin info for payment ${payment.id}: ${e.message}`, { paymentId: payment.id, pluginName }),
      (e) => deps.logger.warn({ paymentId: payment.id, plugin: pluginName, err: e.message }, 'payment read without its plugin info: the plugin failed'),
    );
  }
}

/**
 * Kill Bill's rule for a read that asks a plugin (payment info, payment method detail) when the plugin fails
 * (PAYMENT_PLUGIN_EXCEPTION or _TIMEOUT; anything else propagates): a single read fails, a timeout as itself
 * and anything else as `failed`; a list read logs it and shows the object without its plugin info (null).
 */
export function pluginReadFailure(err: unknown, read: PluginInfoRead, failed: (err: BillingError) => BillingError, warn: (err: BillingError) => void): null {
  if (!isBillingError(err) || (err.code !== 'PAYMENT_PLUGIN_EXCEPTION' && err.code !== 'PAYMENT_PLUGIN_TIMEOUT')) throw err;
  if (read === 'one') throw err.code === 'PAYMENT_PLUGIN_TIMEOUT' ? err : failed(err);
  warn(err);
  return null;
}

function merge(payment: Payment, infos: readonly PaymentTransactionInfoDto[]): Payment {
  return {
    ...payment,
    transactions: payment.transactions.map((t) => {
      const info = infos.find((i) => i.kbTransactionPaymentId === t.id);
      return { ...t, paymentInfoPlugin: info ? pluginInfo(info) : null };
    }),
  };
}

/** A plugin's answer as plain values (a plugin may leave fields out or send them mistyped). */
function pluginInfo(info: PaymentTransactionInfoDto): PaymentTransactionPluginInfo {
  const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  return {
    status: text(info.status),
    amount: info.amount == null ? null : String(info.amount),
    currency: text(info.currency),
    gatewayErrorCode: text(info.gatewayErrorCode),
    gatewayError: text(info.gatewayError),
    firstPaymentReferenceId: text(info.firstPaymentReferenceId),
    secondPaymentReferenceId: text(info.secondPaymentReferenceId),
    properties: Array.isArray(info.properties) ? info.properties.filter((p) => p && typeof p.key === 'string').map((p) => ({ key: p.key, value: p.value ?? null })) : [],
  };
}
