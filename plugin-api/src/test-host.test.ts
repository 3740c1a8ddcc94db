import { describe, expect, it } from 'vitest';
import { definePlugin } from './define-plugin.js';
import { PluginCallError } from './errors.js';
import { createTestHost } from './test-host.js';

const gateway = definePlugin({
  payment: {
    purchase: (req, ctx) => {
      const { declineOver } = ctx.config.json<{ declineOver: string }>({ declineOver: '1000' })!;
      ctx.logger.info('purchase', { amount: req.amount });
      return Number(req.amount) > Number(declineOver) ? { status: 'ERROR', gatewayErrorCode: 'card_declined' } : { status: 'PROCESSED' };
    },
    refund: () => {
      throw new Error('refunds are not supported by this gateway');
    },
  },
  healthcheck: async (ctx) => ({ healthy: (await ctx.killbill.getTenantValues('gateway-key')).length > 0 }),
});

describe('createTestHost', () => {
  it('runs a payment through the dispatcher with the tenant config and records the log lines', async () => {
    const host = createTestHost({ plugin: gateway, config: { declineOver: '50' } });
    expect(await host.purchase({ amount: '20.00' })).toMatchObject({ status: 'PROCESSED', transactionType: 'PURCHASE', amount: '20.00', currency: 'USD' });
    expect(await host.purchase({ amount: '70.00' })).toMatchObject({ status: 'ERROR', gatewayErrorCode: 'card_declined' });
    expect(host.logs).toEqual([
      { level: 'info', message: 'purchase', fields: { amount: '20.00' } },
      { level: 'info', message: 'purchase', fields: { amount: '70.00' } },
    ]);
  });

  it('throws a PluginCallError for a plugin error', async () => {
    const error = await createTestHost({ plugin: gateway }).refund({ amount: '1.00' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginCallError);
    expect(error).toMatchObject({ errorName: 'Error', message: 'Error: refunds are not supported by this gateway' });
  });

  it('serves tenant values and refuses host calls the manifest did not ask for', async () => {
    expect(await createTestHost({ plugin: gateway, tenantValues: { 'gateway-key': ['sk_1'] } }).healthcheck()).toEqual({ healthy: true });
    const denied = await createTestHost({ plugin: gateway, permissions: ['storage'] }).healthcheck().catch((e: unknown) => e);
    expect(denied).toMatchObject({ errorName: 'HostCallError', message: 'HostCallError: getTenantValues needs the "tenant:read" permission in the manifest' });
  });

  it('refuses a result that could not cross a thread boundary', async () => {
    const leaky = definePlugin({ routes: () => ({ body: 'ok', headers: { x: (() => 'fn') as unknown as string } }) });
    await expect(createTestHost({ plugin: leaky }).request('GET', '/')).rejects.toThrow();
  });
});
