import { readFileSync } from 'node:fs';
import type { PaymentTransactionInfoDto } from '@billwright/plugin-api';
import { parseManifest } from '@billwright/core';
import { createTestHost } from '@billwright/plugin-api/test-host';
import { describe, expect, it } from 'vitest';
import plugin from './index.js';

const packageJson: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const manifest = parseManifest(packageJson, 'plugins/external-payment');
const accountId = '3f1c2d9e-0000-4000-8000-00000000e0e0';
const host = () => createTestHost({ plugin, accounts: [{ accountId }], permissions: manifest.permissions });
const fail = (what: string, value: string | boolean = 'true') => [{ key: `killbill.external.payment.fail.${what}`, value }];

/** Resolves 'still pending' when `call` has not settled within `ms`. */
const within = (call: Promise<unknown>, ms: number) => Promise.race([call.then(() => 'settled', () => 'settled'), new Promise((r) => setTimeout(() => r('still pending'), ms))]);

describe('external-payment plugin (the built-in __EXTERNAL_PAYMENT__ as a worker package)', () => {
  it('is a valid package, named apart from the reserved built-in name core serves in-process', () => {
    expect(manifest).toMatchObject({ name: 'external-payment', extensionPoints: ['payment'], permissions: [] });
  });

  it('records every transaction as PROCESSED for the requested amount and currency', async () => {
    const h = host();
    for (const [call, type] of [
      [h.authorize, 'AUTHORIZE'],
      [h.capture, 'CAPTURE'],
      [h.purchase, 'PURCHASE'],
      [h.credit, 'CREDIT'],
      [h.refund, 'REFUND'],
    ] as const) {
      const result = await call({ amount: '12.34', currency: 'EUR' });
      expect(result).toMatchObject({ status: 'PROCESSED', transactionType: type, amount: '12.34', currency: 'EUR', gatewayErrorCode: null });
    }
    const voided = (await h.call('$voidPayment', { kbAccountId: accountId, kbPaymentId: 'p', kbTransactionId: 't', kbPaymentMethodId: 'm', properties: [] })) as PaymentTransactionInfoDto;
    expect(voided).toMatchObject({ status: 'PROCESSED', transactionType: 'VOID', kbPaymentId: 'p', kbTransactionPaymentId: 't' });
  });

  it('answers ERROR with fail.error and CANCELED with fail.cancellation', async () => {
    const h = host();
    expect(await h.purchase({ amount: '5', properties: fail('error') })).toMatchObject({ status: 'ERROR', amount: '5' });
    expect(await h.refund({ amount: '5', properties: fail('cancellation') })).toMatchObject({ status: 'CANCELED' });
  });

  it('throws with fail.exception', async () => {
    await expect(host().purchase({ amount: '5', properties: fail('exception') })).rejects.toThrow(/fail\.exception/);
  });

  it('never answers with fail.timeout, leaving the deadline to the host', async () => {
    expect(await within(host().authorize({ amount: '5', properties: fail('timeout') }), 100)).toBe('still pending');
  });

  it('ignores a switch set to false', async () => {
    expect(await host().purchase({ amount: '5', properties: fail('error', false) })).toMatchObject({ status: 'PROCESSED' });
  });

  it('accepts payment methods and knows no payments', async () => {
    const h = host();
    const method = { kbPaymentMethodId: 'pm-1', externalPaymentMethodId: null, isDefaultPaymentMethod: true, properties: [] };
    await expect(h.call('$addPaymentMethod', accountId, method, true, [])).resolves.toBeUndefined();
    await expect(h.call('$deletePaymentMethod', accountId, 'pm-1', [])).resolves.toBeUndefined();
    expect(await h.call('$getPaymentMethodDetail', accountId, 'pm-1', [])).toEqual({ kbPaymentMethodId: 'pm-1', externalPaymentMethodId: null, isDefaultPaymentMethod: false, properties: [] });
    expect(await h.call('$getPaymentMethods', accountId, true, [])).toEqual([]);
    expect(await h.call('$getPaymentInfo', accountId, 'p', [])).toEqual([]);
    expect(await h.call('$searchPayments', 'x', 0, 10, [])).toEqual([]);
  });
});
