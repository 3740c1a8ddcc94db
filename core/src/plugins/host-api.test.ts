import { afterAll, describe, expect, it } from 'vitest';
import type { AccountDto } from '@billwright/plugin-api';
import type { TenantContext } from '../context.js';
import type { TenantId } from '../values/ids.js';
import { createHostApi, type HostBackend } from './host-api.js';
import { PluginPool } from './pool.js';
import { behave, testCallContext } from '../../../test/support/plugin-calls.js';

function tenantCtx(recordId: number): TenantContext {
  return {
    subject: { username: 'admin', roles: ['root'], grants: ['*'] },
    userToken: `token-${recordId}`,
    tenant: { recordId, id: `00000000-0000-4000-8000-${String(recordId).padStart(12, '0')}` as TenantId },
  };
}

/** A backend that answers from memory and records which tenant each call was bound to. */
function memoryBackend() {
  const seen: { method: string; tenantRecordId: number }[] = [];
  const storage = new Map<string, string>();
  const logs: string[] = [];
  const backend: HostBackend = {
    async getAccount(ctx, accountId): Promise<AccountDto> {
      seen.push({ method: 'getAccount', tenantRecordId: ctx.tenant.recordId });
      return { accountId, externalKey: `ext-${ctx.tenant.recordId}`, name: null, email: null, currency: 'USD', timeZone: 'UTC', locale: null, billCycleDayLocal: 0, country: null, parentAccountId: null };
    },
    async getTenantValues() {
      return [];
    },
    async getPluginValue(ctx, pluginName, key) {
      return storage.get(`${ctx.tenant.recordId}/${pluginName}/${key}`) ?? null;
    },
    async putPluginValue(ctx, pluginName, key, value) {
      storage.set(`${ctx.tenant.recordId}/${pluginName}/${key}`, value);
    },
    log(pluginName, level, message) {
      logs.push(`${pluginName} ${level} ${message}`);
    },
  };
  return { backend, seen, storage, logs };
}

const pool = new PluginPool({ name: 'host-caller', version: '1.0.0', entry: new URL('./test-plugins/host-caller.mjs', import.meta.url).href });
afterAll(() => pool.close());


describe('the host API seen from a plugin worker', () => {
  it('reaches host-api.ts bound to the tenant of each call', async () => {
    const { backend, seen } = memoryBackend();
    const [a, b] = await Promise.all(
      [7, 8].map((recordId) =>
        behave(pool, 'getAccount', ['acc-1'], { host: createHostApi({ pluginName: 'host-caller', permissions: ['accounts:read'], ctx: tenantCtx(recordId), backend }) }),
      ),
    );
    expect(a).toMatchObject({ kind: 'ok', value: { accountId: 'acc-1', externalKey: 'ext-7' } });
    expect(b).toMatchObject({ kind: 'ok', value: { accountId: 'acc-1', externalKey: 'ext-8' } });
    expect(seen.map((s) => s.tenantRecordId).sort()).toEqual([7, 8]);
  });

  it('refuses a host call the manifest has no permission for, and the plugin sees the code', async () => {
    const { backend, seen } = memoryBackend();
    const host = createHostApi({ pluginName: 'host-caller', permissions: ['storage'], ctx: tenantCtx(7), backend });
    const outcome = await behave(pool, 'tryGetAccount', ['acc-1'], { host });
    expect(outcome).toMatchObject({ kind: 'ok', value: { ok: false, code: 'PERMISSION_DENIED' } });
    expect(seen).toEqual([]);
  });

  it('an uncaught refused host call fails the plugin call with PLUGIN_ERROR', async () => {
    const { backend } = memoryBackend();
    const host = createHostApi({ pluginName: 'host-caller', permissions: [], ctx: tenantCtx(7), backend });
    const outcome = await behave(pool, 'getAccount', ['acc-1'], { host });
    expect(outcome.kind === 'failed' && outcome.error.code).toBe('PLUGIN_ERROR');
  });

  it('keeps plugin storage per plugin and tenant, and logging needs no permission', async () => {
    const { backend, storage, logs } = memoryBackend();
    const host = createHostApi({ pluginName: 'host-caller', permissions: ['storage'], ctx: tenantCtx(9), backend });
    expect(await behave(pool, 'storeAndRead', ['k', 'v'], { host })).toEqual({ kind: 'ok', value: 'v' });
    expect([...storage.keys()]).toEqual(['9/host-caller/k']);
    expect(logs).toEqual(['host-caller info stored']);
  });

  it('a call without a tenant may log but not read tenant data', async () => {
    const { backend, logs } = memoryBackend();
    const host = createHostApi({ pluginName: 'host-caller', permissions: ['accounts:read', 'storage'], ctx: null, backend });
    const outcome = await behave(pool, 'tryGetAccount', ['acc-1'], { host, ctx: { ...testCallContext, tenant: null } });
    expect(outcome).toMatchObject({ kind: 'ok', value: { ok: false, code: 'TENANT_NOT_SUPPLIED' } });
    const health = await pool.call('$healthcheck', [], { ctx: { ...testCallContext, tenant: null }, host });
    expect(health.kind === 'failed' && health.error.code).toBe('PLUGIN_ERROR');
    expect(logs).toEqual(['host-caller debug checked']);
  });
});

describe('ctx.killbill.notifyPendingTransaction on the host', () => {
  const settled = { kbPaymentId: 'pay-1', kbTransactionId: 'tx-1', transactionType: 'PURCHASE', status: 'SUCCESS' } as const;

  it('needs the payments:notify permission, and hands the payment domain the call\'s tenant and the plugin\'s name', async () => {
    const { backend } = memoryBackend();
    const calls: [number, string, string, boolean][] = [];
    const withPayments: HostBackend = { ...backend, notifyPendingTransaction: async (ctx, pluginName, transactionId, isSuccess) => (calls.push([ctx.tenant.recordId, pluginName, transactionId, isSuccess]), settled) };
    const refused = createHostApi({ pluginName: 'gw', permissions: ['storage'], ctx: tenantCtx(7), backend: withPayments });
    await expect(refused.$notifyPendingTransaction('tx-1', true)).rejects.toMatchObject({ code: 'SECURITY_NOT_ENOUGH_PERMISSIONS' });
    const host = createHostApi({ pluginName: 'gw', permissions: ['payments:notify'], ctx: tenantCtx(7), backend: withPayments });
    expect(await host.$notifyPendingTransaction('tx-1', true)).toEqual(settled);
    await expect(host.$notifyPendingTransaction('tx-1', 'yes' as unknown as boolean)).rejects.toMatchObject({ code: 'INVALID_PARAMETER' });
    expect(calls).toEqual([[7, 'gw', 'tx-1', true]]);
  });

  it('is refused where no payment domain runs, and on a call without a tenant', async () => {
    const { backend } = memoryBackend();
    await expect(createHostApi({ pluginName: 'gw', permissions: ['payments:notify'], ctx: tenantCtx(7), backend }).$notifyPendingTransaction('tx-1', true)).rejects.toMatchObject({ code: 'PAYMENT_NO_SUCH_PAYMENT' });
    await expect(createHostApi({ pluginName: 'gw', permissions: ['payments:notify'], ctx: null, backend }).$notifyPendingTransaction('tx-1', true)).rejects.toMatchObject({ code: 'TENANT_NOT_SUPPLIED' });
  });
});
