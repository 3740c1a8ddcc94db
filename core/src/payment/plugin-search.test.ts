import type { PaymentTransactionInfoDto } from '@billwright/plugin-api';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { testCallContext } from '../../../test/support/engine.js';
import { BillingError } from '../errors/index.js';
import { searchPaymentPlugins, type PluginSearchDeps } from './plugin-search.js';

/**
 * The withPluginInfo payment search against a fake gateway: which plugin is asked with which offset and
 * limit, and what the page holds (Kill Bill's getEntityPaginationFromPlugins + PaymentRefresher.searchPayments).
 */
const ctx = testCallContext(7);
const logger = pino({ level: 'silent' });

function info(paymentId: string | null, transactionId: string): PaymentTransactionInfoDto {
  return {
    kbPaymentId: paymentId as string, kbTransactionPaymentId: transactionId, transactionType: 'PURCHASE', amount: '5.00', currency: 'USD', createdDate: null, effectiveDate: null,
    status: 'PROCESSED', gatewayError: null, gatewayErrorCode: null, firstPaymentReferenceId: `ref-${transactionId}`, secondPaymentReferenceId: null, properties: [],
  };
}

/** Plugins answering from `answers` (sliced by the offset and limit they are given), or failing as `failures` says. */
function deps(answers: Record<string, PaymentTransactionInfoDto[]>, failures: Record<string, Error> = {}) {
  const asked: string[] = [];
  const d: PluginSearchDeps = {
    logger,
    gateway: {
      paymentPlugins: () => Object.keys(answers),
      isPaymentPlugin: (name) => name in answers,
      searchPayments: async (_ctx, pluginName, _key, offset, limit) => {
        asked.push(`${pluginName} ${offset}+${limit}`);
        const failure = failures[pluginName];
        if (failure) throw failure;
        return answers[pluginName]!.slice(offset, offset + limit);
      },
    },
  };
  return { d, asked };
}

const all = async (ids: readonly string[]) => new Set(ids);
const search = (d: PluginSearchDeps, offset: number, limit: number, exists = all, only: string | null = null) => searchPaymentPlugins(d, ctx, 'key', { offset, limit }, [], exists, only);

describe('searching payments in their plugins', () => {
  it('groups a plugin\'s answers into one payment each, in the order it named them, with their transactions\' answers', async () => {
    const { d } = deps({ gw: [info('p1', 't1'), info('p2', 't3'), info('p1', 't2')] });
    const { found, total } = await search(d, 0, 10);
    expect(found.map((f) => [f.paymentId, f.pluginName, f.infos.map((i) => i.kbTransactionPaymentId)])).toEqual([['p1', 'gw', ['t1', 't2']], ['p2', 'gw', ['t3']]]);
    expect(total).toBe(3);
  });

  it('gives the offset to the plugins until one finds something, then asks the next ones only for what the page lacks, and for 1 once it is full', async () => {
    const { d, asked } = deps({ a: [], b: [info('b1', 'tb1'), info('b2', 'tb2'), info('b3', 'tb3')], c: [info('c1', 'tc1'), info('c2', 'tc2')], e: [info('e1', 'te1')] });
    const { found, total } = await search(d, 1, 3);
    expect(asked).toEqual(['a 1+3', 'b 1+3', 'c 0+1', 'e 0+1']);
    expect(found.map((f) => f.paymentId)).toEqual(['b2', 'b3', 'c1']);
    // What each plugin answered counts: 0 + 2 + 1, and 1 from the plugin asked only for its count.
    expect(total).toBe(4);
  });

  it('drops the payments the tenant does not have, answers without a kbPaymentId, and a payment a second plugin names again', async () => {
    const { d } = deps({ a: [info('mine', 't1'), info('theirs', 't2'), info(null, 't3')], b: [info('mine', 't4')] });
    const { found } = await search(d, 0, 10, async (ids) => new Set(ids.filter((id) => id === 'mine')));
    expect(found.map((f) => [f.paymentId, f.pluginName, f.infos.length])).toEqual([['mine', 'a', 1]]);
  });

  it('skips a plugin that fails or times out and searches the others', async () => {
    const { d, asked } = deps(
      { broken: [info('x', 'tx')], slow: [info('y', 'ty')], gw: [info('p1', 't1')] },
      { broken: new BillingError('PAYMENT_PLUGIN_EXCEPTION', 'Plugin exception boom'), slow: new BillingError('PAYMENT_PLUGIN_TIMEOUT', 'Plugin timeout') },
    );
    const { found, total } = await search(d, 0, 10);
    expect(asked).toEqual(['broken 0+10', 'slow 0+10', 'gw 0+10']);
    expect(found.map((f) => f.paymentId)).toEqual(['p1']);
    expect(total).toBe(1);
  });

  it('searches only the plugin named, where its failure fails the search (7105) and a timeout stays a timeout', async () => {
    const timeout = new BillingError('PAYMENT_PLUGIN_TIMEOUT', 'Plugin timeout');
    const { d, asked } = deps({ a: [info('a1', 'ta1')], b: [info('b1', 'tb1'), info('b2', 'tb2')], broken: [], slow: [] }, { broken: new BillingError('PAYMENT_PLUGIN_EXCEPTION', 'Plugin exception boom'), slow: timeout });
    expect((await search(d, 1, 5, all, 'b')).found.map((f) => f.paymentId)).toEqual(['b2']);
    expect(asked).toEqual(['b 1+5']);
    await expect(search(d, 0, 5, all, 'broken')).rejects.toMatchObject({ code: 'PAYMENT_PLUGIN_SEARCH_PAYMENTS' });
    await expect(search(d, 0, 5, all, 'slow')).rejects.toBe(timeout);
    await expect(search(d, 0, 5, all, 'no-such-gateway')).rejects.toMatchObject({ code: 'PAYMENT_NO_SUCH_PAYMENT_PLUGIN' });
  });

  it('lets anything other than a plugin failure through: a bug here is not a gateway being down', async () => {
    const { d } = deps({ gw: [] }, { gw: new TypeError('boom') });
    await expect(search(d, 0, 10)).rejects.toThrow(TypeError);
  });
});
