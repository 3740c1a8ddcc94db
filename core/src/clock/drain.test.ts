import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { DRAIN_POLL_MS, waitUntilDrained, type PendingCheck } from './drain.js';

const scope = { tenantRecordId: 7, now: () => DateTime.utc() };
const noSleep = async () => {};

describe('waiting for the queues to drain', () => {
  it('is drained at once when nothing is registered', async () => {
    expect(await waitUntilDrained([], scope, 0, noSleep)).toBe(true);
  });

  it('polls until the checks report nothing pending twice in a row', async () => {
    let pendingFor = 3;
    const check: PendingCheck = async () => pendingFor-- > 0;
    const sleeps: number[] = [];
    expect(await waitUntilDrained([check], scope, 5, async (ms) => void sleeps.push(ms))).toBe(true);
    expect(sleeps).toEqual([DRAIN_POLL_MS, DRAIN_POLL_MS, DRAIN_POLL_MS]);
  });

  it('gives up after timeoutSec seconds of polls and reports not drained', async () => {
    let slept = 0;
    expect(await waitUntilDrained([async () => true], scope, 2, async (ms) => void (slept += ms))).toBe(false);
    expect(slept).toBe(2000);
  });

  it('passes the tenant and the current time to each check', async () => {
    const seen: (number | null)[] = [];
    await waitUntilDrained([async (s) => (seen.push(s.tenantRecordId), false)], scope, 0, noSleep);
    expect(seen).toEqual([7, 7]);
  });
});
