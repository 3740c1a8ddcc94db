import { DateTime } from 'luxon';

/** Every "now" in core comes from here, never from `new Date()`, so the test clock can move time. */
export interface Clock {
  now(): DateTime;
}

export const systemClock: Clock = {
  now: () => DateTime.utc(),
};

/**
 * Real time shifted by an offset, as Kill Bill's ClockMock: after the clock is set to T, time keeps
 * flowing from T. The offset is shared by every node through clock/test-clock.ts.
 */
export class OffsetClock implements Clock {
  #offsetMs = 0;

  now(): DateTime {
    return DateTime.fromMillis(Date.now() + this.#offsetMs, { zone: 'utc' });
  }

  get offsetMs(): number {
    return this.#offsetMs;
  }

  setOffset(offsetMs: number): void {
    this.#offsetMs = offsetMs;
  }
}
