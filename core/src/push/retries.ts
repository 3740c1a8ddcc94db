import { Duration } from 'luxon';

/**
 * Kill Bill's `org.killbill.billing.server.notifications.retries` default: after the first attempt
 * fails, retry 15m, 30m, 2h, 12h and 1d later (business time, so the test clock moves them), then give up.
 */
export const DEFAULT_PUSH_RETRIES: readonly Duration[] = ['PT15M', 'PT30M', 'PT2H', 'PT12H', 'P1D'].map((iso) => Duration.fromISO(iso));

/**
 * The delay before attempt `next` (the first attempt is 0), or null when the schedule is exhausted:
 * PushNotificationListener.getNextNotificationTime (retries[next - 1], none past the list).
 */
export function retryDelay(retries: readonly Duration[], next: number): Duration | null {
  return next >= 1 && next <= retries.length ? retries[next - 1]! : null;
}
