import type { DateTime } from 'luxon';

/**
 * Tells whether work is still due: a bus event not yet handled, or a notification whose effective date
 * is not after `now`. `tenantRecordId` null means any tenant. The bus and notification queues register
 * one each with the test clock; until they exist nothing can be pending.
 */
export type PendingCheck = (scope: { readonly tenantRecordId: number | null; readonly now: DateTime }) => Promise<boolean>;

/** How often the state is looked at while waiting. Kill Bill polls once a second; a tenth keeps tests quick. */
export const DRAIN_POLL_MS = 100;

/**
 * Kill Bill's TestResource.waitForNotificationToComplete: poll until every check reports nothing pending
 * twice in a row (handling a notification may post a bus event that schedules another notification), for
 * at most `timeoutSec` seconds. Resolves true when drained, false on timeout.
 * Unlike Kill Bill, the state is always checked once, so `timeoutSec=0` asks "is it drained now?" instead
 * of answering "not drained" without looking.
 */
export async function waitUntilDrained(
  checks: readonly PendingCheck[],
  scope: { readonly tenantRecordId: number | null; readonly now: () => DateTime },
  timeoutSec: number,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<boolean> {
  const pending = async () => {
    for (const check of checks) if (await check({ tenantRecordId: scope.tenantRecordId, now: scope.now() })) return true;
    return false;
  };
  for (let pollsLeft = Math.ceil((timeoutSec * 1000) / DRAIN_POLL_MS); ; pollsLeft--) {
    if (!(await pending()) && !(await pending())) return true;
    if (pollsLeft <= 0) return false;
    await sleep(DRAIN_POLL_MS);
  }
}
