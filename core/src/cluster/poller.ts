/**
 * Background work a node runs on a timer and whenever woken: never two runs at once, and a wake-up that
 * arrives during a run starts one more run after it (so no wake-up is lost). Errors are reported, never
 * thrown. The bus dispatcher and the notification queue use it.
 */
export class Poller {
  readonly #work: () => Promise<void>;
  readonly #onError: (err: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = true;

  constructor(work: () => Promise<void>, onError: (err: unknown) => void) {
    this.#work = work;
    this.#onError = onError;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** True while a run is under way. */
  get busy(): boolean {
    return this.#running !== undefined;
  }

  start(intervalMs: number): void {
    this.#stopped = false;
    this.#timer = setInterval(() => this.wake(), intervalMs);
    this.wake();
  }

  /** Stops the timer and waits for the run under way, if any. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#running;
  }

  wake(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#work()
      .catch(this.#onError)
      .finally(() => {
        this.#running = undefined;
        if (this.#again) {
          this.#again = false;
          this.wake();
        }
      });
  }
}
