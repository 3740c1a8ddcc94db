import type { PaymentTransactionInfoDto } from '@billwright/plugin-api';
import { Decimal } from 'decimal.js';
import { DateTime } from 'luxon';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { testCallContext } from '../../../test/support/engine.js';
import { BillingError } from '../errors/index.js';
import type { Payment, PaymentTransaction } from './payment-service.js';
import { askPaymentInfos, settledByPlugin, withPaymentInfo, type PluginInfoDeps, type PluginInfoRead } from './plugin-info.js';

const ctx = testCallContext(5);
const logger = pino({ level: 'silent' });
const at = DateTime.fromISO('2026-12-01T10:00:00Z', { zone: 'utc' });

function transaction(id: string, paymentId: string): PaymentTransaction {
  return {
    id, externalKey: id, paymentId, paymentExternalKey: paymentId, transactionType: 'PURCHASE', amount: new Decimal('10.00'), currency: 'USD', effectiveDate: at,
    processedAmount: new Decimal('10.00'), processedCurrency: 'USD', status: 'PENDING', gatewayErrorCode: null, gatewayErrorMsg: null,
    firstPaymentReferenceId: 'stored-ref', secondPaymentReferenceId: null, properties: [], paymentInfoPlugin: null, createdDate: at, updatedDate: at,
  };
}

function payment(id: string, methodId: string, transactionIds: string[]): Payment {
  return {
    id, accountId: 'acc', paymentMethodId: methodId, paymentNumber: 1, externalKey: id, currency: 'USD', authAmount: new Decimal(0), capturedAmount: new Decimal(0),
    purchasedAmount: new Decimal(0), refundedAmount: new Decimal(0), creditedAmount: new Decimal(0), isAuthVoided: false, stateName: 'PURCHASE_PENDING',
    lastSuccessStateName: null, transactions: transactionIds.map((t) => transaction(t, id)), attempts: [], createdDate: at, updatedDate: at,
  };
}

function info(paymentId: string, transactionId: string, extra: Partial<PaymentTransactionInfoDto> = {}): PaymentTransactionInfoDto {
  return {
    kbPaymentId: paymentId, kbTransactionPaymentId: transactionId, transactionType: 'PURCHASE', amount: '10.00', currency: 'USD', createdDate: null, effectiveDate: null,
    status: 'PROCESSED', gatewayError: null, gatewayErrorCode: null, firstPaymentReferenceId: `gw-${transactionId}`, secondPaymentReferenceId: 'second', properties: [{ key: 'k', value: 1 }], ...extra,
  };
}

/** A gateway whose plugins answer from `answers` (a function of the payment), or fail as `failures` says. */
function deps(answers: (paymentId: string) => PaymentTransactionInfoDto[], failures: Record<string, BillingError> = {}) {
  const asked: string[] = [];
  const d: PluginInfoDeps = {
    logger,
    gateway: {
      getPaymentInfo: async (_ctx, pluginName, _accountId, paymentId) => {
        asked.push(`${pluginName}:${paymentId}`);
        const failure = failures[pluginName];
        if (failure) throw failure;
        return answers(paymentId);
      },
    },
  };
  return { d, asked };
}

const plugins = new Map([['pm-a', 'gw-a'], ['pm-b', 'gw-b']]);
const pluginOf = (id: string) => plugins.get(id);
const read = async (d: PluginInfoDeps, payments: Payment[], kind: PluginInfoRead, properties: { key: string; value: string }[] = []) =>
  withPaymentInfo(payments, await askPaymentInfos(d, ctx, payments, pluginOf, kind, properties));

describe('withPluginInfo on payment reads', () => {
  it("asks the payment's plugin and gives each transaction what the plugin reported for it, null for what it did not report", async () => {
    const { d, asked } = deps((p) => [info(p, 't1', { status: 'PENDING' })]);
    const [one] = await read(d, [payment('p1', 'pm-a', ['t1', 't2'])], 'one', [{ key: 'x', value: 'y' }]);
    expect(asked).toEqual(['gw-a:p1']);
    expect(one!.transactions.map((t) => t.paymentInfoPlugin)).toEqual([
      { status: 'PENDING', amount: '10.00', currency: 'USD', gatewayErrorCode: null, gatewayError: null, firstPaymentReferenceId: 'gw-t1', secondPaymentReferenceId: 'second', properties: [{ key: 'k', value: 1 }] },
      null,
    ]);
    // What was recorded stays as it was: the plugin's view is beside it, not over it.
    expect(one!.transactions[0]!.firstPaymentReferenceId).toBe('stored-ref');
  });

  it("fails a read of one payment with PAYMENT_PLUGIN_GET_PAYMENT_INFO when its plugin fails, as Kill Bill's getPaymentTransactionInfoPlugins", async () => {
    const { d } = deps(() => [], { 'gw-a': new BillingError('PAYMENT_PLUGIN_EXCEPTION', 'Plugin exception boom') });
    await expect(read(d, [payment('p1', 'pm-a', ['t1'])], 'one')).rejects.toMatchObject({ code: 'PAYMENT_PLUGIN_GET_PAYMENT_INFO' });
  });

  it('shows the other payments of a list with their plugin info and the failing plugin\'s without, instead of failing the read', async () => {
    const { d, asked } = deps((p) => [info(p, `${p}-t`)], { 'gw-b': new BillingError('PAYMENT_PLUGIN_EXCEPTION', 'Plugin exception boom') });
    const many = await read(d, [payment('p1', 'pm-a', ['p1-t']), payment('p2', 'pm-b', ['p2-t'])], 'many');
    expect(asked).toEqual(['gw-a:p1', 'gw-b:p2']);
    expect(many.map((p) => p.transactions[0]!.paymentInfoPlugin?.firstPaymentReferenceId ?? null)).toEqual(['gw-p1-t', null]);
  });

  it('keeps a timeout a timeout (PAYMENT_PLUGIN_TIMEOUT, 504) on a read of one payment, and skips it in a list', async () => {
    const { d } = deps((p) => [info(p, `${p}-t`)], { 'gw-a': new BillingError('PAYMENT_PLUGIN_TIMEOUT', 'Plugin timeout') });
    await expect(read(d, [payment('p1', 'pm-a', ['t1'])], 'one')).rejects.toMatchObject({ code: 'PAYMENT_PLUGIN_TIMEOUT' });
    const many = await read(d, [payment('p1', 'pm-a', ['p1-t']), payment('p2', 'pm-b', ['p2-t'])], 'many');
    expect(many.map((p) => p.transactions[0]!.paymentInfoPlugin?.firstPaymentReferenceId ?? null)).toEqual([null, 'gw-p2-t']);
  });

  it('names the unsettled transactions the plugin reports settled, as the janitor would repair them; an UNDEFINED or unchanged answer is no news', async () => {
    const p = payment('p1', 'pm-a', ['t1', 't2', 't3']);
    const { d } = deps(() => [info('p1', 't1', { status: 'PROCESSED' }), info('p1', 't2', { status: 'UNDEFINED' }), info('p1', 't3', { status: 'PENDING' })]);
    const infos = await askPaymentInfos(d, ctx, [p], pluginOf, 'one', []);
    expect(settledByPlugin([p], infos).map((s) => [s.transactionId, s.current, s.info.status])).toEqual([['t1', 'PENDING', 'PROCESSED']]);
  });
});
