/**
 * One breaker per plugin pool. After `failureThreshold` consecutive failed calls it opens for
 * `coolDownMs`: calls fail fast (PLUGIN_UNAVAILABLE) instead of queueing on a plugin that keeps failing.
 * When the cool-down ends it is half-open: one trial call goes through; its success closes the breaker,
 * its failure opens it again for another cool-down. Any success resets the failure count.
 */

export type CircuitState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit (default 5). */
  readonly failureThreshold?: number;
  /** How long an open circuit refuses calls (default 30 s). */
  readonly coolDownMs?: number;
  /** Injectable for tests; defaults to Date.now. */
  readonly now?: () => number;
}

/** What pluginsInfo and the healthcheck show. */
export interface CircuitSnapshot {
  readonly state: CircuitState;
  readonly consecutiveFailures: number;
  /** When an open circuit lets a trial call through again (epoch ms), or null when not open. */
  readonly retryAt: number | null;
}

export class CircuitBreaker {
  readonly #threshold: number;
  readonly #coolDownMs: number;
  readonly #now: () => number;
  #failures = 0;
  #openedAt: number | null = null;
  #trialInFlight = false;

  constructor(options: CircuitBreakerOptions = {}) {
    this.#threshold = options.failureThreshold ?? 5;
    this.#coolDownMs = options.coolDownMs ?? 30_000;
    this.#now = options.now ?? Date.now;
  }

  get state(): CircuitState {
    if (this.#openedAt === null) return 'CLOSED';
    return this.#now() - this.#openedAt >= this.#coolDownMs ? 'HALF_OPEN' : 'OPEN';
  }

  /** Whether a call may go through now; in HALF_OPEN only one trial call at a time does. */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'CLOSED') return true;
    if (state === 'OPEN' || this.#trialInFlight) return false;
    this.#trialInFlight = true;
    return true;
  }

  recordSuccess(): void {
    this.#failures = 0;
    this.#openedAt = null;
    this.#trialInFlight = false;
  }

  recordFailure(): void {
    this.#failures += 1;
    if (this.#trialInFlight || this.#failures >= this.#threshold) this.#openedAt = this.#now();
    this.#trialInFlight = false;
  }

  snapshot(): CircuitSnapshot {
    const state = this.state;
    return {
      state,
      consecutiveFailures: this.#failures,
      retryAt: this.#openedAt === null ? null : this.#openedAt + this.#coolDownMs,
    };
  }
}
