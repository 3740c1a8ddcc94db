import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Billwright's signature of a push notification (Kill Bill sends none). The receiver recomputes
 * `HMAC-SHA256(secret, "<timestamp>.<body>")` over the exact bytes it received and compares it with
 * `X-Billwright-Signature: sha256=<hex>`; the timestamp is signed too, so a captured request cannot be
 * replayed later under a fresh timestamp. The key is the secret string exactly as registration returned it.
 */
export const SIGNATURE_HEADER = 'X-Billwright-Signature';
export const TIMESTAMP_HEADER = 'X-Billwright-Timestamp';

/** 32 random bytes, hex: what registration returns once (X-Billwright-Signing-Secret). */
export function newSigningSecret(): string {
  return randomBytes(32).toString('hex');
}

export function signPushNotification(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

/** Constant-time check of a received signature header (what a receiver does; the tests use it too). */
export function verifyPushSignature(secret: string, timestamp: string, body: string, signature: string): boolean {
  const expected = Buffer.from(signPushNotification(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
