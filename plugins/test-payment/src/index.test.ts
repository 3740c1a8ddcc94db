import { readFileSync } from 'node:fs';
import type { PaymentTransactionInfoDto, PluginProperty } from '@billwright/plugin-api';
import { createTestHost } from '@billwright/plugin-api/test-host';
import { describe, expect, it } from 'vitest';
import plugin from './index.js';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { billwright: { permissions: string[] } };
const accountId = '3f1c2d9e-0000-4000-8000-00000000c0c0';
const paymentId = '3f1c2d9e-0000-4000-8000-00000000f001';
const host = (config?: string) => createTestHost({ plugin, accounts: [{ accountId }], config, permissions: manifest.billwright.permissions });
const props = (values: Record<string, string>): PluginProperty[] => Object.entries(values).map(([key, value]) => ({ key: `test.${key}`, value }));
const within = (call: Promise<unknown>, ms: number) => Promise.race([call.then(() => 'settled', () => 'settled'), new Promise((r) => setTimeout(() => r('still pending'), ms))]);

describe('test-payment plugin', () => {
  it('succeeds by default with a generated gateway reference that names the payment', async () => {
    const result = await host().purchase({ amount: '10.00', currency: 'USD' });
    expect(result).toMatchObject({ status: 'PROCESSED', transactionType: 'PURCHASE', amount: '10.00', currency: 'USD', gatewayErrorCode: null });
    expect(result.firstPaymentReferenceId).toMatch(new RegExp(`^tp_${result.kbPaymentId}_[0-9a-f]{12}$`));
  });

  it('declines with the configured gateway error code and message', async () => {
    const h = host('mode=decline\ndeclineCode=insufficient_funds\ndeclineMessage=Not enough money\n');
    expect(await h.purchase({ amount: '10' })).toMatchObject({ status: 'ERROR', gatewayErrorCode: 'insufficient_funds', gatewayError: 'Not enough money' });
    expect(await host().purchase({ amount: '10', properties: props({ mode: 'decline' }) })).toMatchObject({ status: 'ERROR', gatewayErrorCode: 'card_declined' });
  });

  it('goes PENDING, CANCELED or UNDEFINED on request', async () => {
    const h = host();
    expect(await h.authorize({ amount: '1', properties: props({ mode: 'pending' }) })).toMatchObject({ status: 'PENDING' });
    expect(await h.purchase({ amount: '1', properties: props({ mode: 'cancel' }) })).toMatchObject({ status: 'CANCELED' });
    expect(await h.purchase({ amount: '1', properties: props({ mode: 'undefined' }) })).toMatchObject({ status: 'UNDEFINED' });
  });

  it('throws in mode throw, and on an unknown mode or a bad slowMs', async () => {
    await expect(host('mode=throw').purchase({ amount: '1' })).rejects.toThrow(/mode=throw/);
    await expect(host().purchase({ amount: '1', properties: props({ mode: 'explode' }) })).rejects.toThrow(/unknown mode "explode"/);
    await expect(host('mode=slow\nslowMs=soon').purchase({ amount: '1' })).rejects.toThrow(/slowMs/);
  });

  it('never answers in mode hang', async () => {
    expect(await within(host('mode=hang').purchase({ amount: '1' }), 100)).toBe('still pending');
  });

  it('succeeds after slowMs in mode slow', async () => {
    const started = performance.now();
    const result = await host().purchase({ amount: '1', properties: props({ mode: 'slow', slowMs: '60' }) });
    expect(result.status).toBe('PROCESSED');
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
  });

  it('lets the call properties override the tenant config', async () => {
    const h = host('mode=decline');
    expect(await h.purchase({ amount: '1', properties: props({ mode: 'succeed' }) })).toMatchObject({ status: 'PROCESSED' });
    h.setConfig(null);
    expect(await h.purchase({ amount: '1' })).toMatchObject({ status: 'PROCESSED' });
  });

  it('captures no more than it authorized, and voids only an uncaptured authorization', async () => {
    const h = host();
    await h.authorize({ kbPaymentId: paymentId, amount: '100.00' });
    expect(await h.capture({ kbPaymentId: paymentId, amount: '60.00' })).toMatchObject({ status: 'PROCESSED' });
    expect(await h.capture({ kbPaymentId: paymentId, amount: '40.01' })).toMatchObject({ status: 'ERROR', gatewayErrorCode: 'amount_exceeds_authorization', gatewayError: 'Capture of 40.01 exceeds the 40 left to capture.' });
    expect(await h.capture({ kbPaymentId: paymentId, amount: '40' })).toMatchObject({ status: 'PROCESSED' });
    const voided = (await h.call('$voidPayment', { kbAccountId: accountId, kbPaymentId: paymentId, kbTransactionId: 't-void', kbPaymentMethodId: 'pm', properties: [] })) as PaymentTransactionInfoDto;
    expect(voided).toMatchObject({ status: 'ERROR', transactionType: 'VOID', gatewayErrorCode: 'already_captured', amount: null });
  });

  it('refuses a capture or a second void after a void', async () => {
    const h = host();
    await h.authorize({ kbPaymentId: paymentId, amount: '10' });
    const voided = (await h.call('$voidPayment', { kbAccountId: accountId, kbPaymentId: paymentId, kbTransactionId: 't-void', kbPaymentMethodId: 'pm', properties: [] })) as PaymentTransactionInfoDto;
    expect(voided.status).toBe('PROCESSED');
    expect(await h.capture({ kbPaymentId: paymentId, amount: '1' })).toMatchObject({ status: 'ERROR', gatewayErrorCode: 'authorization_voided' });
    const again = (await h.call('$voidPayment', { kbAccountId: accountId, kbPaymentId: paymentId, kbTransactionId: 't-void2', kbPaymentMethodId: 'pm', properties: [] })) as PaymentTransactionInfoDto;
    expect(again).toMatchObject({ status: 'ERROR', gatewayErrorCode: 'already_voided' });
  });

  it('refunds no more than was purchased, counting earlier refunds', async () => {
    const h = host();
    await h.purchase({ kbPaymentId: paymentId, amount: '25.50' });
    expect(await h.refund({ kbPaymentId: paymentId, amount: '20' })).toMatchObject({ status: 'PROCESSED' });
    expect(await h.refund({ kbPaymentId: paymentId, amount: '5.51' })).toMatchObject({ status: 'ERROR', gatewayErrorCode: 'amount_exceeds_settled', gatewayError: 'Refund of 5.51 exceeds the 5.5 left to refund.' });
    expect(await h.refund({ kbPaymentId: paymentId, amount: '5.5' })).toMatchObject({ status: 'PROCESSED' });
  });

  it('does not count a declined purchase as settled', async () => {
    const h = host();
    await h.purchase({ kbPaymentId: paymentId, amount: '10', properties: props({ mode: 'decline' }) });
    expect(await h.refund({ kbPaymentId: paymentId, amount: '1' })).toMatchObject({ status: 'ERROR', gatewayErrorCode: 'amount_exceeds_settled' });
  });

  it('reports what it recorded through getPaymentInfo and searchPayments', async () => {
    const h = host();
    const purchase = await h.purchase({ kbPaymentId: paymentId, amount: '3' });
    const refund = await h.refund({ kbPaymentId: paymentId, amount: '1' });

    expect(await h.call('$getPaymentInfo', accountId, paymentId, [])).toEqual([purchase, refund]);
    expect(await h.call('$searchPayments', purchase.firstPaymentReferenceId, 0, 10, [])).toEqual([purchase, refund]);
    expect(await h.call('$searchPayments', paymentId, 1, 10, [])).toEqual([refund]);
    expect(await h.call('$getPaymentInfo', accountId, 'unknown', [])).toEqual([]);
  });

  it('plays the tenant config sequence one call each, then falls back to mode', async () => {
    const h = host('sequence=decline,throw\nmode=succeed');
    expect(await h.purchase({ amount: '1' })).toMatchObject({ status: 'ERROR' });
    await expect(h.purchase({ amount: '1' })).rejects.toThrow(/mode=throw/);
    expect(await h.purchase({ amount: '1' })).toMatchObject({ status: 'PROCESSED' });
    h.setConfig('sequence=decline');
    expect(await h.purchase({ amount: '1' })).toMatchObject({ status: 'ERROR' });
    expect(await h.purchase({ amount: '1' })).toMatchObject({ status: 'PROCESSED' });
  });

  it('processes partialAmount in mode partial', async () => {
    expect(await host('mode=partial\npartialAmount=4.25').purchase({ amount: '10' })).toMatchObject({ status: 'PROCESSED', amount: '4.25' });
  });

  it('records a hung call as UNDEFINED and reports PENDING and UNDEFINED as settled once settle is set', async () => {
    const h = host();
    const pending = await h.purchase({ kbPaymentId: paymentId, amount: '3', properties: props({ mode: 'pending' }) });
    expect(await within(h.purchase({ kbPaymentId: paymentId, amount: '2', properties: props({ mode: 'hang' }) }), 100)).toBe('still pending');
    expect(((await h.call('$getPaymentInfo', accountId, paymentId, [])) as PaymentTransactionInfoDto[]).map((t) => t.status)).toEqual(['PENDING', 'UNDEFINED']);
    h.setConfig('settle=processed');
    const settled = (await h.call('$getPaymentInfo', accountId, paymentId, [])) as PaymentTransactionInfoDto[];
    expect(settled.map((t) => t.status)).toEqual(['PROCESSED', 'PROCESSED']);
    expect(settled[0]!.kbTransactionPaymentId).toBe(pending.kbTransactionPaymentId);
  });

  it('aborts or adjusts a payment as a control plugin when the call asks', async () => {
    const h = host();
    const control = { accountId, paymentId: null, attemptId: null, paymentExternalKey: null, transactionId: null, transactionExternalKey: null, paymentApiType: 'PAYMENT_TRANSACTION', transactionType: 'PURCHASE', paymentMethodId: null, amount: '10', currency: 'USD', processedAmount: null, processedCurrency: null, isApiPayment: true };
    expect(await h.call('$controlPriorCall', control, [{ key: 'test.control', value: 'abort' }])).toEqual({ isAborted: true });
    expect(await h.call('$controlPriorCall', control, [{ key: 'test.control.amount', value: '7.5' }])).toEqual({ adjustedAmount: '7.5' });
    expect(await h.call('$controlPriorCall', control, [])).toEqual({});
    expect(await h.call('$controlOnFailureCall', control, [{ key: 'test.control.retryAt', value: '2026-12-02T00:00:00Z' }])).toEqual({ nextRetryDate: '2026-12-02T00:00:00Z' });
  });

  it('keeps payments per tenant', async () => {
    const h = host();
    await h.purchase({ kbPaymentId: paymentId, amount: '3' });
    h.setTenant({ tenantId: '00000000-0000-4000-8000-0000000000b2', apiKey: 'other' });
    expect(await h.call('$getPaymentInfo', accountId, paymentId, [])).toEqual([]);
  });

  it('stores payment methods per account', async () => {
    const h = host();
    const method = { kbPaymentMethodId: 'pm-1', externalPaymentMethodId: 'card_42', isDefaultPaymentMethod: false, properties: [{ key: 'last4', value: '4242' }] };
    await h.call('$addPaymentMethod', accountId, method, true, []);

    expect(await h.call('$getPaymentMethodDetail', accountId, 'pm-1', [])).toEqual({ ...method, isDefaultPaymentMethod: true });
    expect(await h.call('$getPaymentMethods', accountId, false, [])).toEqual([{ accountId, paymentMethodId: 'pm-1', isDefault: true, externalPaymentMethodId: 'card_42' }]);

    const second = { kbPaymentMethodId: 'pm-2', externalPaymentMethodId: 'card_43', isDefaultPaymentMethod: false, properties: [] };
    await h.call('$addPaymentMethod', accountId, second, false, []);
    expect(await h.call('$getPaymentMethods', accountId, false, [])).toEqual([
      { accountId, paymentMethodId: 'pm-1', isDefault: true, externalPaymentMethodId: 'card_42' },
      { accountId, paymentMethodId: 'pm-2', isDefault: false, externalPaymentMethodId: 'card_43' },
    ]);

    await h.call('$deletePaymentMethod', accountId, 'pm-1', []);
    expect(await h.call('$getPaymentMethods', accountId, false, [])).toEqual([{ accountId, paymentMethodId: 'pm-2', isDefault: false, externalPaymentMethodId: 'card_43' }]);
    // Storage has no delete: a removed method's detail stays readable, as before.
    expect(await h.call('$getPaymentMethodDetail', accountId, 'pm-1', [])).toEqual({ ...method, isDefaultPaymentMethod: true });
  });
});
