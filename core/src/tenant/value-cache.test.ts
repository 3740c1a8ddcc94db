import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL } from '../../../test/support/db.js';
import { Broadcast } from '../cluster/broadcast.js';
import { TenantValueCache } from './value-cache.js';

const deployment = `bw_test_tenant_kv_${randomUUID().slice(0, 8)}`;
const logger = pino({ level: 'silent' });
const nodeA = new Broadcast(TEST_REDIS_URL, deployment, logger);
const nodeB = new Broadcast(TEST_REDIS_URL, deployment, logger);

beforeAll(async () => {
  await Promise.all([nodeA.start(), nodeB.start()]);
});
afterAll(async () => {
  await Promise.all([nodeA.stop(), nodeB.stop()]);
});

describe('TenantValueCache', () => {
  it('loads a key once for concurrent and later readers, separately per tenant', async () => {
    const cache = new TenantValueCache(null);
    let loads = 0;
    const load = async () => {
      loads += 1;
      return ['v'];
    };
    const all = await Promise.all([cache.get(1, 'K', load), cache.get(1, 'K', load), cache.get(1, 'K', load)]);
    expect(all).toEqual([['v'], ['v'], ['v']]);
    await cache.get(1, 'K', load);
    expect(loads).toBe(1);
    await cache.get(2, 'K', load);
    expect(loads).toBe(2);
  });

  it('reloads after an invalidation and after the safety age, and never keeps a failed load', async () => {
    let now = 0;
    const cache = new TenantValueCache(null, { maxAgeMs: 1000, now: () => now });
    let value = 'old';
    await cache.get(1, 'K', async () => [value]);
    value = 'new';
    expect(await cache.get(1, 'K', async () => [value])).toEqual(['old']);
    await cache.invalidate(1, 'K');
    expect(await cache.get(1, 'K', async () => [value])).toEqual(['new']);
    value = 'newer';
    now = 1001;
    expect(await cache.get(1, 'K', async () => [value])).toEqual(['newer']);
    await expect(cache.get(1, 'X', async () => Promise.reject(new Error('database down')))).rejects.toThrow('database down');
    expect(await cache.get(1, 'X', async () => ['back'])).toEqual(['back']);
  });

  it("drops another node's entry when a node invalidates the key", async () => {
    const a = new TenantValueCache(nodeA);
    const b = new TenantValueCache(nodeB);
    await Promise.all([a.start(), b.start()]);
    let stored = 'v1';
    expect(await b.get(7, 'PLUGIN_CONFIG_x', async () => [stored])).toEqual(['v1']);
    stored = 'v2';
    await a.invalidate(7, 'PLUGIN_CONFIG_x');
    await expect.poll(() => b.get(7, 'PLUGIN_CONFIG_x', async () => [stored])).toEqual(['v2']);
  });
});
