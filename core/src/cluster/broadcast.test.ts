import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL } from '../../../test/support/db.js';
import { Broadcast } from './broadcast.js';

const deployment = `bw_test_broadcast_${randomUUID().slice(0, 8)}`;
const logger = pino({ level: 'silent' });
const a = new Broadcast(TEST_REDIS_URL, deployment, logger);
const b = new Broadcast(TEST_REDIS_URL, deployment, logger);
const elsewhere = new Broadcast(TEST_REDIS_URL, `${deployment}_other`, logger);

beforeAll(async () => {
  await Promise.all([a.start(), b.start(), elsewhere.start()]);
});
afterAll(async () => {
  await Promise.all([a.stop(), b.stop(), elsewhere.stop()]);
});

describe('Broadcast', () => {
  it('delivers a message to every node of the deployment, in order, and to no other deployment', async () => {
    const seenByB: number[] = [];
    const seenElsewhere: number[] = [];
    await b.subscribe<number>('counter', (n) => seenByB.push(n));
    await elsewhere.subscribe<number>('counter', (n) => seenElsewhere.push(n));
    for (let i = 1; i <= 5; i++) await a.publish('counter', i);
    await expect.poll(() => seenByB).toEqual([1, 2, 3, 4, 5]);
    expect(seenElsewhere).toEqual([]);
  });

  it('skips a node its own messages when asked', async () => {
    const own: string[] = [];
    const all: string[] = [];
    await a.subscribe<string>('echo', (m) => own.push(m), { othersOnly: true });
    await a.subscribe<string>('echo', (m) => all.push(m));
    await a.publish('echo', 'from a');
    await b.publish('echo', 'from b');
    await expect.poll(() => all).toEqual(['from a', 'from b']);
    expect(own).toEqual(['from b']);
  });
});
