import { Queue, Worker, type RedisOptions } from 'bullmq';

/**
 * The only file that imports BullMQ. Queues and workers are given connection *options* (never shared
 * ioredis instances), so BullMQ owns and closes its connections (stack-notes: a shared instance keeps the
 * process alive). `prefix` keeps one deployment's queues apart from another's on the same Redis.
 */
export interface JobQueue<T> {
  addBulk(jobs: readonly { id: string; data: T }[]): Promise<void>;
  /** Jobs waiting, running or waiting for a retry. */
  pending(): Promise<number>;
  /** Jobs whose every attempt failed (BullMQ keeps them in its failed set). */
  failed(): Promise<number>;
  close(): Promise<void>;
}

export interface JobWorker {
  close(): Promise<void>;
}

export interface Attempt {
  /** 1 for the first try. */
  readonly number: number;
  readonly isLast: boolean;
}

const ATTEMPTS = 5;

export function redisOptions(url: string): RedisOptions {
  const u = new URL(url);
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    maxRetriesPerRequest: null,
  };
}

export function createJobQueue<T>(name: string, redisUrl: string, prefix: string): JobQueue<T> {
  const queue = new Queue(name, {
    connection: redisOptions(redisUrl),
    prefix,
    defaultJobOptions: {
      attempts: ATTEMPTS,
      backoff: { type: 'exponential', delay: 500 },
      removeOnComplete: true,
      removeOnFail: { count: 10_000 },
    },
  });
  return {
    async addBulk(jobs) {
      if (jobs.length === 0) return;
      await queue.addBulk(jobs.map((j) => ({ name, data: j.data, opts: { jobId: j.id } })));
    },
    async pending() {
      const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
      return Object.values(c).reduce((a, b) => a + b, 0);
    },
    async failed() {
      return (await queue.getJobCounts('failed'))['failed'] ?? 0;
    },
    close: () => closeWithin(queue.close()),
  };
}

export function startJobWorker<T>(
  name: string,
  redisUrl: string,
  prefix: string,
  concurrency: number,
  handle: (data: T, attempt: Attempt) => Promise<void>,
): JobWorker {
  const worker = new Worker<T>(
    name,
    async (job) => {
      const max = job.opts.attempts ?? 1;
      await handle(job.data, { number: job.attemptsMade + 1, isLast: job.attemptsMade + 1 >= max });
    },
    { connection: redisOptions(redisUrl), prefix, concurrency },
  );
  // Failures are recorded by the handler (attempts, last error, DEAD); this only keeps them from being unhandled.
  worker.on('error', () => {});
  return { close: () => closeWithin(worker.close()) };
}

/**
 * BullMQ's close waits for Redis to answer; with Redis down it would wait forever and a node could never
 * stop. Give it a few seconds, then let the process go (its connections die with it).
 */
async function closeWithin(closing: Promise<void>, ms = 3000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([closing.catch(() => {}), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
