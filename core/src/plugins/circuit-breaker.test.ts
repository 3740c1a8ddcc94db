import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.js';

function breaker(now: { t: number }) {
  return new CircuitBreaker({ failureThreshold: 3, coolDownMs: 1_000, now: () => now.t });
}

describe('CircuitBreaker', () => {
  it('opens after the threshold of consecutive failures and refuses calls during the cool-down', () => {
    const now = { t: 0 };
    const b = breaker(now);
    b.recordFailure();
    b.recordFailure();
    expect(b.tryAcquire()).toBe(true);
    b.recordFailure();
    expect(b.snapshot()).toEqual({ state: 'OPEN', consecutiveFailures: 3, retryAt: 1_000 });
    now.t = 999;
    expect(b.tryAcquire()).toBe(false);
  });

  it('a success in between resets the count', () => {
    const b = breaker({ t: 0 });
    b.recordFailure();
    b.recordFailure();
    b.recordSuccess();
    b.recordFailure();
    b.recordFailure();
    expect(b.state).toBe('CLOSED');
  });

  it('lets one trial call through after the cool-down and closes on its success', () => {
    const now = { t: 0 };
    const b = breaker(now);
    for (let i = 0; i < 3; i++) b.recordFailure();
    now.t = 1_000;
    expect(b.state).toBe('HALF_OPEN');
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false);
    b.recordSuccess();
    expect(b.snapshot()).toEqual({ state: 'CLOSED', consecutiveFailures: 0, retryAt: null });
  });

  it('reopens for a new cool-down when the trial call fails', () => {
    const now = { t: 0 };
    const b = breaker(now);
    for (let i = 0; i < 3; i++) b.recordFailure();
    now.t = 1_500;
    expect(b.tryAcquire()).toBe(true);
    b.recordFailure();
    expect(b.snapshot()).toMatchObject({ state: 'OPEN', retryAt: 2_500 });
  });
});
