import { serve, type ServerType } from '@hono/node-server';
import { DEFAULT_ADMIN_PASSWORD, startEngine, type Config, type Engine } from '@billwright/core';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { createApp } from './app.js';

export interface RunningServer {
  readonly engine: Engine;
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
}

export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({ level: config.logLevel, base: { service: 'billwright' } });
}

/** Starts the engine (database, migrations, Redis) and the HTTP server. Port 0 picks a free port (tests). */
export async function startServer(config: Config, logger: Logger = createLogger(config)): Promise<RunningServer> {
  logger.info({ port: config.httpPort, db: redactUrl(config.dbUrl), redis: redactUrl(config.redisUrl), testMode: config.testMode }, 'starting');
  if (config.adminPassword === DEFAULT_ADMIN_PASSWORD) {
    logger.warn({ user: config.adminUsername }, 'the admin user has the default password: set KB_ADMIN_PASSWORD');
  }
  const engine = await startEngine(config, logger);
  const app = createApp(engine, logger);
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.httpPort, hostname: config.httpHost }, () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  logger.info({ url }, 'listening');
  return {
    engine,
    port,
    url,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await engine.stop();
      logger.info('stopped');
    },
  };
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
