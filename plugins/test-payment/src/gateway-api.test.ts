import { readFileSync } from 'node:fs';
import type { GatewayNotificationDto, HostedPaymentPageFormDescriptorDto, PaymentTransactionInfoDto } from '@billwright/plugin-api';
import { createTestHost } from '@billwright/plugin-api/test-host';
import { describe, expect, it } from 'vitest';
import plugin from './index.js';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { billwright: { permissions: string[] }; files: string[] };
const accountId = '3f1c2d9e-0000-4000-8000-00000000c0c1';
const host = (config?: string) => createTestHost({ plugin, accounts: [{ accountId }], config, permissions: manifest.billwright.permissions });
const notify = (h: ReturnType<typeof host>, body: string, headers: Record<string, string> = {}) =>
  h.call('$processNotification', body, headers, [{ key: 'source', value: 'webhook' }]) as Promise<GatewayNotificationDto>;

describe('test-payment gateway notifications and hosted pages', () => {
  it('echoes a notification with its signature header, headers and properties, and remembers the last one', async () => {
    const h = host();
    const answer = await notify(h, '{"event":"charge.succeeded"}', { 'x-test-payment-signature': 'sig-123', 'content-type': 'application/json' });
    expect(answer.status).toBe(200);
    expect(answer.headers).toEqual({ 'X-Test-Payment-Notification': '1' });
    expect(JSON.parse(answer.body!)).toMatchObject({
      notification: '{"event":"charge.succeeded"}',
      signature: 'sig-123',
      headers: { 'content-type': 'application/json' },
      properties: [{ key: 'source', value: 'webhook' }],
      count: 1,
    });
    expect(answer.properties).toEqual([{ key: 'test.signature', value: 'sig-123' }]);
    await notify(h, 'raw=text');
    expect(JSON.parse(h.storage().get('notification:last')!)).toMatchObject({ notification: 'raw=text', signature: null, count: 2 });
  });

  it('answers as the body asks with respondWith, and reports the kbPaymentId it names', async () => {
    const body = JSON.stringify({ kbPaymentId: 'p-1', respondWith: { status: 202, body: '[accepted]', headers: { 'Content-Type': 'text/plain', 'X-Seen': ['a', 'b'] } } });
    expect(await notify(host(), body)).toEqual({ status: 202, body: '[accepted]', headers: { 'Content-Type': 'text/plain', 'X-Seen': ['a', 'b'] }, kbPaymentId: 'p-1', properties: [] });
  });

  it('settles a PENDING transaction from a settle webhook: the ledger reports it PROCESSED and the host is notified once', async () => {
    const h = host();
    const pending = await h.purchase({ amount: '25.00', properties: [{ key: 'test.mode', value: 'pending' }] });
    h.addPendingTransaction({ kbPaymentId: pending.kbPaymentId, kbTransactionId: pending.kbTransactionPaymentId, transactionType: 'PURCHASE' });
    const webhook = JSON.stringify({ kbPaymentId: pending.kbPaymentId, kbTransactionId: pending.kbTransactionPaymentId, settle: 'processed' });
    const answer = await notify(h, webhook);
    expect(answer).toMatchObject({ status: 200, kbPaymentId: pending.kbPaymentId });
    expect(JSON.parse(answer.body!).settled).toEqual({ kbPaymentId: pending.kbPaymentId, kbTransactionId: pending.kbTransactionPaymentId, transactionType: 'PURCHASE', status: 'SUCCESS' });
    expect(h.notified()).toHaveLength(1);
    const info = (await h.call('$getPaymentInfo', accountId, pending.kbPaymentId, [])) as PaymentTransactionInfoDto[];
    expect(info.map((t) => t.status)).toEqual(['PROCESSED']);
    // The same webhook again: nothing left PENDING on the host, still a 200 so the gateway stops sending it.
    const again = await notify(h, webhook);
    expect(again.status).toBe(200);
    expect(JSON.parse(again.body!)).toMatchObject({ settled: null, refused: 'PAYMENT_NO_SUCH_SUCCESS_PAYMENT' });
    expect(h.notified()).toHaveLength(1);
  });

  it('declines a PENDING transaction from an error webhook with the configured gateway error, and needs the payments:notify permission', async () => {
    const h = host('declineCode=expired_card');
    const pending = await h.authorize({ amount: '3.00', properties: [{ key: 'test.mode', value: 'pending' }] });
    h.addPendingTransaction({ kbPaymentId: pending.kbPaymentId, kbTransactionId: pending.kbTransactionPaymentId, transactionType: 'AUTHORIZE' });
    const answer = await notify(h, JSON.stringify({ kbPaymentId: pending.kbPaymentId, kbTransactionId: pending.kbTransactionPaymentId, settle: 'error' }));
    expect(JSON.parse(answer.body!).settled).toMatchObject({ status: 'PAYMENT_FAILURE' });
    const info = (await h.call('$getPaymentInfo', accountId, pending.kbPaymentId, [])) as PaymentTransactionInfoDto[];
    expect(info.map((t) => [t.status, t.gatewayErrorCode])).toEqual([['ERROR', 'expired_card']]);

    const unprivileged = createTestHost({ plugin, accounts: [{ accountId }], permissions: ['storage'] });
    const denied = await notify(unprivileged, JSON.stringify({ kbPaymentId: 'p', kbTransactionId: 't', settle: 'processed' }));
    expect(denied.status).toBe(422);
    expect(JSON.parse(denied.body!)).toMatchObject({ refused: 'PERMISSION_DENIED' });
  });

  it('builds a POST form to the configured URL with the custom fields, a token and the account', async () => {
    const d = (await host('formUrl=https://pay.example/hpp').call('$buildFormDescriptor', accountId, [{ key: 'amount', value: '10.00' }], [{ key: 'amount', value: '10.00' }, { key: 'lang', value: 'fr' }])) as HostedPaymentPageFormDescriptorDto;
    expect(d).toMatchObject({ kbAccountId: accountId, formMethod: 'POST', formUrl: 'https://pay.example/hpp', properties: [{ key: 'amount', value: '10.00' }, { key: 'lang', value: 'fr' }] });
    expect(d.formFields.map((f) => f.key)).toEqual(['amount', 'token', 'accountId']);
    expect(d.formFields.find((f) => f.key === 'token')?.value).toMatch(/^tp_hpp_[0-9a-f-]{36}$/);
    const byDefault = (await host().call('$buildFormDescriptor', accountId, [], [])) as HostedPaymentPageFormDescriptorDto;
    expect(byDefault.formUrl).toBe('https://test-payment.invalid/hpp');
  });

  it('ships gateway-api.js in the package files', () => {
    expect(manifest.files).toContain('src/gateway-api.js');
  });
});
