import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * Messages to every node of one deployment (all servers sharing one database): clock changes, cache
 * invalidations, credential changes. Redis pub/sub, on channels named `billwright:<database>:<topic>`
 * because pub/sub channels are global to a Redis server whatever db number a node uses.
 *
 * Contract: at-most-once and best effort (pub/sub keeps nothing), in publish order per publisher; a
 * handler also gets the node's own messages unless it asks `othersOnly`. Whatever a message announces
 * must also be readable from the database, so a node that missed it catches up on start. Proved by
 * cluster/broadcast.test.ts.
 */
export class Broadcast {
  readonly #prefix: string;
  readonly #origin = randomUUID();
  readonly #handlers = new Map<string, ((message: unknown, fromSelf: boolean) => void)[]>();
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #logger: Logger;

  constructor(redisUrl: string, deployment: string, logger: Logger) {
    this.#prefix = `billwright:${deployment}:`;
    this.#logger = logger.child({ component: 'broadcast' });
    const options = { lazyConnect: true, maxRetriesPerRequest: 2 } as const;
    this.#publisher = new Redis(redisUrl, options);
    this.#subscriber = new Redis(redisUrl, options);
    for (const r of [this.#publisher, this.#subscriber]) r.on('error', (err: Error) => this.#logger.warn({ err: err.message }, 'redis error'));
    this.#subscriber.on('message', (channel: string, raw: string) => this.#deliver(channel, raw));
  }

  /** Connects; with Redis down the node still starts (health says 503) and ioredis keeps reconnecting. */
  async start(): Promise<void> {
    await Promise.all([this.#publisher.connect(), this.#subscriber.connect()]).catch((err: Error) =>
      this.#logger.error({ err: err.message }, 'redis is not reachable: node messages are paused'),
    );
  }

  async stop(): Promise<void> {
    this.#publisher.disconnect();
    this.#subscriber.disconnect();
  }

  /** Registers a handler and resolves once Redis confirms the subscription (so nothing after it is missed). */
  async subscribe<T>(topic: string, handler: (message: T) => void, options: { othersOnly?: boolean } = {}): Promise<void> {
    const channel = this.#prefix + topic;
    const list = this.#handlers.get(channel) ?? [];
    list.push((message, fromSelf) => {
      if (!(options.othersOnly && fromSelf)) handler(message as T);
    });
    if (!this.#handlers.has(channel)) {
      this.#handlers.set(channel, list);
      // ioredis queues the command while disconnected and resubscribes after a reconnect; wait for the
      // confirmation only when connected, so a node without Redis still starts.
      const confirmed = this.#subscriber.subscribe(channel);
      if (this.#subscriber.status === 'ready') await confirmed;
      else confirmed.catch((err: Error) => this.#logger.warn({ err: err.message, channel }, 'subscription failed'));
    }
  }

  /** Publishes; a failure is logged, not thrown: the change itself is already committed in the database. */
  async publish(topic: string, message: unknown): Promise<void> {
    await this.#publisher
      .publish(this.#prefix + topic, JSON.stringify({ origin: this.#origin, message }))
      .catch((err: Error) => this.#logger.warn({ err: err.message, topic }, 'broadcast not sent'));
  }

  #deliver(channel: string, raw: string): void {
    let parsed: { origin: string; message: unknown };
    try {
      parsed = JSON.parse(raw) as { origin: string; message: unknown };
    } catch {
      this.#logger.warn({ channel }, 'ignored a malformed broadcast');
      return;
    }
    for (const handler of this.#handlers.get(channel) ?? []) {
      try {
        handler(parsed.message, parsed.origin === this.#origin);
      } catch (err) {
        this.#logger.error({ err, channel }, 'broadcast handler failed');
      }
    }
  }
}
