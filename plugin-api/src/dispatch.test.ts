import { describe, expect, it } from 'vitest';
import { definePlugin, type PluginDefinition } from './define-plugin.js';
import { dispatchPluginCall } from './dispatch.js';
import type { CallContextDto, HostShape, InvoiceDto, PaymentRequestDto } from './protocol.js';

const ctx: CallContextDto = { tenant: { tenantId: 't1', apiKey: 'k' }, pluginConfig: '{"fee":"1.50"}', userName: 'admin', userToken: null, deadlineMs: 1000 };
const host: HostShape = {
  $getAccount: () => Promise.reject(new Error('unused')),
  $getTenantValues: () => Promise.resolve([]),
  $getPluginValue: () => Promise.resolve(null),
  $putPluginValue: () => Promise.resolve(),
  $notifyPendingTransaction: () => Promise.reject(new Error('unused')),
  $log: () => Promise.resolve(),
};
const req: PaymentRequestDto = { kbAccountId: 'a1', kbPaymentId: 'p1', kbTransactionId: 'tx1', kbPaymentMethodId: 'pm1', amount: '10.00', currency: 'EUR', properties: [] };
const run = (plugin: PluginDefinition, method: string, ...args: unknown[]) => dispatchPluginCall(plugin, method, [ctx, ...args], host);

describe('dispatchPluginCall', () => {
  it('fills a payment result from its request and leaves the dates to the host', async () => {
    const plugin = definePlugin({ payment: { purchase: () => ({ status: 'PROCESSED', firstPaymentReferenceId: 'ch_1' }) } });
    expect(await run(plugin, '$purchasePayment', req)).toEqual({
      kind: 'ok',
      value: {
        kbPaymentId: 'p1', kbTransactionPaymentId: 'tx1', transactionType: 'PURCHASE', amount: '10.00', currency: 'EUR',
        createdDate: null, effectiveDate: null, gatewayError: null, gatewayErrorCode: null,
        status: 'PROCESSED', firstPaymentReferenceId: 'ch_1', secondPaymentReferenceId: null, properties: [],
      },
    });
  });

  it('passes the protocol arguments in order as one named input, with ctx second', async () => {
    const seen: unknown[] = [];
    const plugin = definePlugin({
      payment: {
        getPaymentInfo: (input, c) => {
          seen.push(input, c.tenant, c.config.json(), c.userName);
          return [];
        },
      },
    });
    await run(plugin, '$getPaymentInfo', 'a1', 'p1', [{ key: 'k', value: 1 }]);
    expect(seen).toEqual([{ kbAccountId: 'a1', kbPaymentId: 'p1', properties: [{ key: 'k', value: 1 }] }, ctx.tenant, { fee: '1.50' }, 'admin']);
  });

  it('hands a notification its headers and fills what the answer leaves out as Kill Bill no-op notification', async () => {
    const plugin = definePlugin({ payment: { processNotification: ({ notification, headers }) => (headers['x-sig'] === 's1' ? { body: `ok ${notification}`, headers: { 'X-A': ['1', '2'] } } : undefined) } });
    expect(await run(plugin, '$processNotification', 'n1', { 'x-sig': 's1' }, [])).toEqual({ kind: 'ok', value: { status: 200, body: 'ok n1', headers: { 'X-A': ['1', '2'] }, kbPaymentId: null, properties: [] } });
    expect(await run(plugin, '$processNotification', 'n2', {}, [])).toEqual({ kind: 'ok', value: { status: 200, body: null, headers: {}, kbPaymentId: null, properties: [] } });
  });

  it('turns a throw, a missing handler, an unknown method and a bad status into plugin errors', async () => {
    const plugin = definePlugin({ payment: { purchase: () => { throw new RangeError('card declined badly'); }, refund: () => ({ status: 'DONE' as 'PROCESSED' }) } });
    expect(await run(plugin, '$purchasePayment', req)).toMatchObject({ kind: 'plugin-error', name: 'RangeError', message: 'card declined badly' });
    expect(await run(plugin, '$capturePayment', req)).toMatchObject({ kind: 'plugin-error', name: 'UnsupportedOperationError', message: 'this plugin does not implement payment.capture' });
    expect(await run(plugin, '$nope')).toMatchObject({ kind: 'plugin-error', message: 'unknown plugin method $nope' });
    expect(await run(plugin, '$refundPayment', req)).toMatchObject({ kind: 'plugin-error', name: 'TypeError' });
    expect(await dispatchPluginCall(plugin, '$healthcheck', [], host)).toMatchObject({ kind: 'plugin-error', name: 'TypeError' });
  });

  it('wraps additional invoice items and defaults absent invoice and control hooks to "go on"', async () => {
    const item = { itemType: 'TAX', amount: '0.80' };
    const plugin = definePlugin({ invoice: { getAdditionalInvoiceItems: () => [item as never] } });
    expect(await run(plugin, '$getAdditionalInvoiceItems', {} as InvoiceDto, false, [])).toEqual({ kind: 'ok', value: { additionalItems: [item] } });
    expect(await run(plugin, '$invoicePriorCall', {}, [])).toEqual({ kind: 'ok', value: {} });
    // Kill Bill's 4-argument form: the InvoiceContext reaches the handler; a host that sends none gets an empty one.
    const contexts: unknown[] = [];
    const reading = definePlugin({ invoice: { getAdditionalInvoiceItems: ({ invoiceContext }) => (contexts.push(invoiceContext.existingInvoices.length), []) } });
    await run(reading, '$getAdditionalInvoiceItems', { targetDate: null } as InvoiceDto, false, [], { existingInvoices: [{}, {}] });
    await run(reading, '$getAdditionalInvoiceItems', { targetDate: null } as InvoiceDto, false, []);
    expect(contexts).toEqual([2, 0]);
    expect(await run(plugin, '$controlOnFailureCall', {}, [])).toEqual({ kind: 'ok', value: {} });
  });

  it('lets a payment control change the amount or schedule a retry', async () => {
    const plugin = definePlugin({
      paymentControl: { priorCall: () => ({ adjustedAmount: '9.00' }), onFailureCall: () => ({ nextRetryDate: '2026-12-08T00:00:00.000Z' }) },
    });
    expect(await run(plugin, '$controlPriorCall', {}, [])).toEqual({ kind: 'ok', value: { adjustedAmount: '9.00' } });
    expect(await run(plugin, '$controlOnFailureCall', {}, [])).toEqual({ kind: 'ok', value: { nextRetryDate: '2026-12-08T00:00:00.000Z' } });
  });

  it('routes by method and path with parameters, JSON bodies, 404 and 405', async () => {
    const plugin = definePlugin({
      routes: {
        'GET /items/:id': (r) => ({ body: { id: r.params['id'], q: r.query['q'] } }),
        'POST /items': (r) => ({ status: 201, body: r.json() }),
      },
    });
    const http = (method: string, path: string, body: string | null = null) => run(plugin, '$handle', { method, path, query: { q: 'x' }, headers: {}, body });
    expect(await http('GET', '/items/a%20b')).toEqual({ kind: 'ok', value: { status: 200, headers: { 'content-type': 'application/json' }, body: '{"id":"a b","q":"x"}' } });
    expect(await http('POST', '/items', '{"n":1}')).toMatchObject({ value: { status: 201, body: '{"n":1}' } });
    expect(await http('GET', '/other')).toMatchObject({ value: { status: 404 } });
    expect(await http('DELETE', '/items/1')).toMatchObject({ value: { status: 405, headers: { allow: 'GET' } } });
  });

  it('answers healthy for a plugin without a healthcheck', async () => {
    expect(await run(definePlugin({}), '$healthcheck')).toEqual({ kind: 'ok', value: { healthy: true } });
  });
});
