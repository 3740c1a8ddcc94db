import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { testCallContext } from '../../../test/support/engine.js';
import type { Account } from '../account/account.js';
import { BillingError, isBillingError } from '../errors/index.js';
import { PluginCallError, type PluginOutcome } from '../plugins/errors.js';
import type { InstalledPlugin } from '../plugins/store.js';
import type { TenantId } from '../values/ids.js';
import { createPaymentGatewayService, formDescriptorOf, mergeProperties, NO_OP_NOTIFICATION, notificationOf, type PaymentGatewayServiceDeps } from './gateway.js';
import { EXTERNAL_PAYMENT_PLUGIN, type PaymentMethod } from './payment-service.js';

/**
 * The gateway API (notifications, hosted pages) against fakes of the plugin host, accounts and payment
 * methods: what goes to the plugin, how its answer is read, and Kill Bill's refusals. The real worker
 * path is in test/e2e/payment-gateways.test.ts.
 */
const ctx = testCallContext(31);
const accountId = '0c6a1f20-0000-4000-8000-000000000a01';
const otherAccountId = '0c6a1f20-0000-4000-8000-000000000a02';

interface Call {
  readonly method: string;
  readonly args: readonly unknown[];
  readonly pluginConfig: string | null;
}

function setup(answer: (method: string) => PluginOutcome, account: Partial<Account> = {}) {
  const calls: Call[] = [];
  const methods = new Map<string, Pick<PaymentMethod, 'id' | 'accountId' | 'pluginName'>>([
    ['pm-gw', { id: 'pm-gw', accountId, pluginName: 'gw' }],
    ['pm-ext', { id: 'pm-ext', accountId, pluginName: EXTERNAL_PAYMENT_PLUGIN }],
    ['pm-other', { id: 'pm-other', accountId: otherAccountId, pluginName: 'gw' }],
    ['pm-notifier', { id: 'pm-notifier', accountId, pluginName: 'notifier' }],
  ]);
  const running = (name: string) => (name === 'gw' || name === 'notifier' ? ({ manifest: { name, extensionPoints: name === 'gw' ? ['payment'] : ['notification'] } } as unknown as InstalledPlugin) : null);
  const deps: PaymentGatewayServiceDeps = {
    plugins: {
      running,
      hostFor: () => null,
      use: (async (name: string, fn: (pool: unknown, plugin: InstalledPlugin) => Promise<PluginOutcome>) => {
        const pool = {
          call: async (method: string, args: readonly unknown[], opts: { ctx: { pluginConfig: string | null } }) => {
            calls.push({ method, args, pluginConfig: opts.ctx.pluginConfig });
            return answer(method);
          },
        };
        return fn(pool, running(name)!);
      }) as unknown as PaymentGatewayServiceDeps['plugins']['use'],
    },
    tenants: {
      getById: async (id: TenantId) => ({ recordId: 31, id, externalKey: null, apiKey: 'gw-tenant', createdDate: new Date() }) as never,
      getValues: async (_c, key) => ({ key, values: key === 'PLUGIN_CONFIG_gw' ? ['formUrl=https://x'] : [] }),
    },
    accounts: {
      getById: async (_c, id) => {
        if (id !== accountId) throw new BillingError('ACCOUNT_DOES_NOT_EXIST_FOR_ID', `Account does not exist for id ${id}`);
        return { id: accountId, paymentMethodId: 'pm-gw', ...account } as Account;
      },
    },
    payments: {
      getPaymentMethod: async (_c, id) => {
        const m = methods.get(id);
        if (!m) throw new BillingError('PAYMENT_NO_SUCH_PAYMENT_METHOD', `No such payment method id ${id}`);
        return m as PaymentMethod;
      },
    },
    logger: pino({ level: 'silent' }),
  };
  return { calls, service: createPaymentGatewayService(deps) };
}

const ok = (value: unknown): PluginOutcome => ({ kind: 'ok', value });
const failed = (code: 'PLUGIN_ERROR' | 'PLUGIN_TIMEOUT', details: Record<string, unknown> = {}): PluginOutcome => ({ kind: 'failed', error: new PluginCallError(code, 'boom', details) });

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (e) {
    if (isBillingError(e)) return e.code;
    throw e;
  }
  throw new Error('expected a BillingError');
}

describe('gateway notifications', () => {
  it('hands the plugin the raw notification, its headers and properties, and reads back its answer', async () => {
    const { calls, service } = setup(() => ok({ status: 202, body: '[accepted]', headers: { 'X-One': 'a', 'X-Many': ['b', 'c'] }, kbPaymentId: 'p1', properties: [{ key: 'k', value: 'v' }] }));
    const n = await service.processNotification(ctx, { pluginName: 'gw', notification: 'id=evt_1', headers: { 'x-sig': 's' }, properties: [{ key: 'q', value: '1' }] });
    expect(calls).toEqual([{ method: '$processNotification', args: ['id=evt_1', { 'x-sig': 's' }, [{ key: 'q', value: '1' }]], pluginConfig: 'formUrl=https://x' }]);
    expect(n).toEqual({ kbPaymentId: 'p1', status: 202, entity: '[accepted]', headers: { 'X-One': ['a'], 'X-Many': ['b', 'c'] }, properties: [{ key: 'k', value: 'v' }] });
  });

  it('answers the no-op notification for the built-in plugin and for a plugin that does not implement it', async () => {
    const { calls, service } = setup(() => failed('PLUGIN_ERROR', { errorName: 'UnsupportedOperationError' }));
    expect(await service.processNotification(ctx, { pluginName: EXTERNAL_PAYMENT_PLUGIN, notification: 'x', headers: {} })).toEqual(NO_OP_NOTIFICATION);
    expect(calls).toEqual([]);
    expect(await service.processNotification(ctx, { pluginName: 'gw', notification: 'x', headers: {} })).toEqual(NO_OP_NOTIFICATION);
  });

  it('refuses a plugin that is not a running payment plugin, and maps plugin failures to Kill Bill codes', async () => {
    const { service } = setup((m) => (m === '$processNotification' ? failed('PLUGIN_ERROR', { errorName: 'Error' }) : ok(null)));
    expect(await codeOf(service.processNotification(ctx, { pluginName: 'nope', notification: '', headers: {} }))).toBe('PAYMENT_NO_SUCH_PAYMENT_PLUGIN');
    expect(await codeOf(service.processNotification(ctx, { pluginName: 'notifier', notification: '', headers: {} }))).toBe('PAYMENT_NO_SUCH_PAYMENT_PLUGIN');
    expect(await codeOf(service.processNotification(ctx, { pluginName: 'gw', notification: '', headers: {} }))).toBe('PAYMENT_PLUGIN_EXCEPTION');
    const slow = setup(() => failed('PLUGIN_TIMEOUT')).service;
    expect(await codeOf(slow.processNotification(ctx, { pluginName: 'gw', notification: '', headers: {} }))).toBe('PAYMENT_PLUGIN_TIMEOUT');
  });

  it('reads a malformed answer as the no-op parts', () => {
    expect(notificationOf(null)).toEqual(NO_OP_NOTIFICATION);
    expect(notificationOf({ status: 42, body: 7 as unknown as string, headers: { A: [1 as unknown as string] } })).toEqual(NO_OP_NOTIFICATION);
  });
});

describe('hosted payment page form descriptors', () => {
  it("asks the plugin of the account's default method, with the custom fields merged into the properties", async () => {
    const { calls, service } = setup(() => ok({ kbAccountId: accountId, formMethod: 'POST', formUrl: 'https://x', formFields: [{ key: 'token', value: 't' }], properties: [] }));
    const d = await service.buildFormDescriptor(ctx, { accountId, customFields: [{ key: 'amount', value: '5' }, { key: 'lang', value: 'en' }], properties: [{ key: 'lang', value: 'fr' }] });
    expect(calls).toEqual([{ method: '$buildFormDescriptor', args: [accountId, [{ key: 'amount', value: '5' }, { key: 'lang', value: 'en' }], [{ key: 'amount', value: '5' }, { key: 'lang', value: 'fr' }]], pluginConfig: 'formUrl=https://x' }]);
    expect(d).toEqual({ kbAccountId: accountId, formMethod: 'POST', formUrl: 'https://x', formFields: [{ key: 'token', value: 't' }], properties: [] });
  });

  it('answers the no-op descriptor for __EXTERNAL_PAYMENT__ and for an empty answer', async () => {
    const { calls, service } = setup(() => ok(null));
    expect(await service.buildFormDescriptor(ctx, { accountId, paymentMethodId: 'pm-ext' })).toEqual({ kbAccountId: accountId, formMethod: null, formUrl: null, formFields: [], properties: [] });
    expect(calls).toEqual([]);
    expect(await service.buildFormDescriptor(ctx, { accountId })).toEqual(formDescriptorOf(accountId, null));
  });

  it("refuses an unknown account, another account's method, an account without a default and a non-payment plugin", async () => {
    const { service } = setup(() => ok(null));
    expect(await codeOf(service.buildFormDescriptor(ctx, { accountId: otherAccountId }))).toBe('ACCOUNT_DOES_NOT_EXIST_FOR_ID');
    expect(await codeOf(service.buildFormDescriptor(ctx, { accountId, paymentMethodId: 'pm-other' }))).toBe('PAYMENT_NO_SUCH_PAYMENT_METHOD');
    expect(await codeOf(service.buildFormDescriptor(ctx, { accountId, paymentMethodId: 'pm-none' }))).toBe('PAYMENT_NO_SUCH_PAYMENT_METHOD');
    expect(await codeOf(service.buildFormDescriptor(ctx, { accountId, paymentMethodId: 'pm-notifier' }))).toBe('PAYMENT_NO_SUCH_PAYMENT_PLUGIN');
    const noDefault = setup(() => ok(null), { paymentMethodId: null }).service;
    expect(await codeOf(noDefault.buildFormDescriptor(ctx, { accountId }))).toBe('PAYMENT_INVALID_PARAMETER');
  });

  it('merges properties as Kill Bill: one per key, the last value winning', () => {
    expect(mergeProperties([{ key: 'a', value: '1' }, { key: 'b', value: '2' }], [{ key: 'a', value: '3' }])).toEqual([{ key: 'a', value: '3' }, { key: 'b', value: '2' }]);
  });
});
