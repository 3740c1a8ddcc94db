import { SIGNATURE_HEADER, signPushNotification, TIMESTAMP_HEADER } from './signature.js';

/** What one attempt sends: Kill Bill's PushNotificationKey, less the tenant (the notification row has it). */
export interface PushNotificationKey {
  readonly url: string;
  readonly eventType: string;
  readonly accountId: string | null;
  readonly objectType: string | null;
  readonly objectId: string | null;
  readonly metaData: string | null;
  /** 0 for the first attempt. */
  readonly attempt: number;
}

export type DeliveryOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Kill Bill's PushNotificationListener constants. */
const USER_AGENT = 'KillBill/1.0';
const CONTENT_TYPE = 'application/json; charset=UTF-8';
export const PUSH_TIMEOUT_MS = 15_000;

/** Kill Bill's NotificationJson, in its field order; metaData stays a JSON *string*, as Kill Bill sends it. */
export function notificationBody(key: PushNotificationKey): string {
  return JSON.stringify({ eventType: key.eventType, accountId: key.accountId, objectType: key.objectType, objectId: key.objectId, metaData: key.metaData });
}

/**
 * One POST. 2xx is delivered; any other status (redirects are not followed, as Java's HttpClient by
 * default), a network error or the timeout is a failed attempt with Kill Bill's reason text.
 * `timestamp` is wall-clock Unix seconds, not business time: receivers compare it with their own clock.
 */
export async function postNotification(key: PushNotificationKey, secret: string | null, timestamp: string, timeoutMs = PUSH_TIMEOUT_MS): Promise<DeliveryOutcome> {
  const body = notificationBody(key);
  const headers: Record<string, string> = { 'User-Agent': USER_AGENT, 'Content-Type': CONTENT_TYPE };
  if (secret !== null) {
    headers[TIMESTAMP_HEADER] = timestamp;
    headers[SIGNATURE_HEADER] = signPushNotification(secret, timestamp, body);
  }
  try {
    const response = await fetch(key.url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    // The answer's body is not read: drop it so the connection goes back to the pool.
    await response.body?.cancel().catch(() => {});
    return response.status >= 200 && response.status < 300 ? { ok: true } : { ok: false, reason: `statusCode=${response.status}` };
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return { ok: false, reason: `${err instanceof Error ? err.message : String(err)}${cause}`.slice(0, 512) };
  }
}
