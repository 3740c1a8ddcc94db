import { dropDatabase, loadConfig, type Config } from '@billwright/core';
import { startServer, type RunningServer } from '@billwright/server';
import { pino } from 'pino';
import { TEST_REDIS_URL, testDatabaseUrl } from './db.js';

export interface TestServer extends RunningServer {
  readonly config: Config;
  /** Stops the server and drops its database. */
  close(): Promise<void>;
}

/** A real server on a free port, with its own fresh database (migrated on start) and real Redis. */
export async function startTestServer(file: string, overrides: Partial<Config> = {}): Promise<TestServer> {
  const config: Config = {
    ...loadConfig({}),
    httpPort: 0,
    httpHost: '127.0.0.1',
    dbUrl: testDatabaseUrl(file),
    redisUrl: TEST_REDIS_URL,
    logLevel: process.env['KB_TEST_LOG_LEVEL'] ?? 'silent',
    dbPoolSize: 10,
    ...overrides,
  };
  const server = await startServer(config, pino({ level: config.logLevel }));
  return {
    ...server,
    config,
    async close() {
      await server.stop();
      await dropDatabase(config.dbUrl);
    },
  };
}
