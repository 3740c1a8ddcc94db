import { describe, expect, it } from 'vitest';
import { DEFAULT_PUSH_RETRIES, retryDelay } from './retries.js';
import { newSigningSecret, signPushNotification, verifyPushSignature } from './signature.js';

describe('the push notification retry schedule', () => {
  it('waits 15m, 30m, 2h, 12h and 1d between attempts, then gives up', () => {
    const minutes = [1, 2, 3, 4, 5].map((n) => retryDelay(DEFAULT_PUSH_RETRIES, n)!.as('minutes'));
    expect(minutes).toEqual([15, 30, 120, 720, 1440]);
    expect(retryDelay(DEFAULT_PUSH_RETRIES, 6)).toBeNull();
    expect(retryDelay(DEFAULT_PUSH_RETRIES, 0)).toBeNull();
  });
});

describe('the push notification signature', () => {
  it('verifies the exact body and timestamp it was made for, and nothing else', () => {
    const secret = newSigningSecret();
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    const body = '{"eventType":"ACCOUNT_CREATION"}';
    const signature = signPushNotification(secret, '1700000000', body);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyPushSignature(secret, '1700000000', body, signature)).toBe(true);
    expect(verifyPushSignature(secret, '1700000001', body, signature)).toBe(false);
    expect(verifyPushSignature(secret, '1700000000', `${body} `, signature)).toBe(false);
    expect(verifyPushSignature(newSigningSecret(), '1700000000', body, signature)).toBe(false);
    expect(verifyPushSignature(secret, '1700000000', body, 'sha256=00')).toBe(false);
  });
});
