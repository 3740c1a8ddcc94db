import type { AccountDto, NotifiedTransactionDto } from '@billwright/plugin-api';
import type { Logger } from 'pino';
import type { AccountService } from '../account/service.js';

import type { TenantService } from '../tenant/service.js';
import { parseId } from '../values/ids.js';
import { BillingError } from '../errors/billing-error.js';
import type { HostBackend } from './host-api.js';
import type { PaymentService } from '../payment/payment-service.js';
import type { CallContext, TenantContext } from '../context.js';
import { SYSTEM_SUBJECT } from '../security/subject.js';
import { MAX_PLUGIN_STORAGE_KEY, MAX_PLUGIN_STORAGE_VALUE, type PluginStorage } from './storage.js';

/**
 * Tenant keys under this prefix are refused by the user key API. A plugin's own storage lived there before it
 * moved to its own table (storage-model.ts); the prefix stays reserved so no user key can pose as it.
 */
export const PLUGIN_STORAGE_PREFIX = 'PLUGIN_STORAGE:';

/**
 * The part of the payment domain the host API reaches (the engine builds the plugins before the payments,
 * so it hands over a forwarder to the service built after).
 */
export type HostPayments = Pick<PaymentService, 'notifyPendingTransactionOfStateChanged'>;

/**
 * What `ctx.killbill` reaches in the host: the engine's own services, on the tenant of the plugin call
 * (host-api.ts has already checked the manifest's permission). Plugin storage writes are the host's
 * own writes (system subject, audited as `plugin:<name>`), not the HTTP caller's.
 */
export function createHostBackend(deps: { accounts: AccountService; tenants: TenantService; storage: PluginStorage; logger: Logger; payments?: HostPayments | null }): HostBackend {
  const { accounts, tenants, storage } = deps;
  const checkKey = (key: string) => {
    if (key.length === 0 || key.length > MAX_PLUGIN_STORAGE_KEY) {
      throw new BillingError('INVALID_PARAMETER', `A plugin storage key must have 1 to ${MAX_PLUGIN_STORAGE_KEY} characters`);
    }
  };

  return {
    async getAccount(ctx, accountId): Promise<AccountDto> {
      const a = await accounts.getById(ctx, parseId<'Account'>(accountId, 'accountId'));
      return {
        accountId: a.id,
        externalKey: a.externalKey,
        name: a.name,
        email: a.email,
        currency: a.currency,
        timeZone: a.timeZone,
        locale: a.locale,
        billCycleDayLocal: a.billCycleDayLocal,
        country: a.country,
        parentAccountId: a.parentAccountId,
      };
    },
    async getTenantValues(ctx, key) {
      return (await tenants.getValues(ctx, key)).values;
    },
    async getPluginValue(ctx, pluginName, key) {
      checkKey(key);
      return storage.get(ctx.tenant.recordId, pluginName, key);
    },
    async putPluginValue(ctx, pluginName, key, value) {
      checkKey(key);
      if (value.length > MAX_PLUGIN_STORAGE_VALUE) throw new BillingError('PAYLOAD_TOO_LARGE', 'The plugin storage value is too large');
      await storage.put(ctx.tenant.recordId, pluginName, key, value, new Date());
    },
    ...(deps.payments ? { notifyPendingTransaction: notifyWith(deps.payments) } : {}),
    log(pluginName, level, message, fields) {
      deps.logger.child({ plugin: pluginName })[level](fields, message);
    },
  };
}

/** The plugin's own write (system subject, audited as `plugin:<name>`), bound to that plugin's payment methods. */
function notifyWith(payments: HostPayments): NonNullable<HostBackend['notifyPendingTransaction']> {
  return async (ctx: TenantContext, pluginName, transactionId, isSuccess): Promise<NotifiedTransactionDto> => {
    const asPlugin: CallContext = { subject: SYSTEM_SUBJECT, userToken: ctx.userToken, tenant: ctx.tenant, createdBy: `plugin:${pluginName}`.slice(0, 100), reasonCode: null, comment: null };
    const { transaction } = await payments.notifyPendingTransactionOfStateChanged(asPlugin, transactionId, isSuccess, { pluginName });
    return { kbPaymentId: transaction.paymentId, kbTransactionId: transaction.id, transactionType: transaction.transactionType, status: isSuccess ? 'SUCCESS' : 'PAYMENT_FAILURE' };
  };
}
