import type { AccountDto } from '@billwright/plugin-api';
import type { Logger } from 'pino';
import type { AccountService } from '../account/service.js';
import type { CallContext, TenantContext } from '../context.js';
import { SYSTEM_SUBJECT } from '../security/subject.js';
import type { TenantService } from '../tenant/service.js';
import { parseId } from '../values/ids.js';
import type { HostBackend } from './host-api.js';

/** A plugin's own storage lives in the tenant store under this prefix, out of reach of the user key API. */
export const PLUGIN_STORAGE_PREFIX = 'PLUGIN_STORAGE:';

/**
 * What `ctx.killbill` reaches in the host: the engine's own services, on the tenant of the plugin call
 * (host-api.ts has already checked the manifest's permission). Plugin storage writes are the host's
 * own writes (system subject, audited as `plugin:<name>`), not the HTTP caller's.
 */
export function createHostBackend(deps: { accounts: AccountService; tenants: TenantService; logger: Logger }): HostBackend {
  const { accounts, tenants } = deps;
  const storageKey = (pluginName: string, key: string) => `${PLUGIN_STORAGE_PREFIX}${pluginName}:${key}`;
  const asPlugin = (ctx: TenantContext, pluginName: string): CallContext => ({
    subject: SYSTEM_SUBJECT,
    userToken: ctx.userToken,
    tenant: ctx.tenant,
    createdBy: `plugin:${pluginName}`.slice(0, 100),
    reasonCode: null,
    comment: null,
  });

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
      return (await tenants.getValues(ctx, storageKey(pluginName, key))).values.at(-1) ?? null;
    },
    async putPluginValue(ctx, pluginName, key, value) {
      await tenants.putValue(asPlugin(ctx, pluginName), storageKey(pluginName, key), value);
    },
    log(pluginName, level, message, fields) {
      deps.logger.child({ plugin: pluginName })[level](fields, message);
    },
  };
}
