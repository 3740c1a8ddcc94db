import { loadConfig } from '@billwright/core';
import { createLogger, startServer } from './server.js';

/** `npm start`: reads KB_* settings, starts the server, stops cleanly on SIGINT/SIGTERM. */
const config = loadConfig();
const logger = createLogger(config);
try {
  const server = await startServer(config, logger);
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    server.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
} catch (err) {
  logger.fatal({ err }, 'could not start');
  // pino writes asynchronously: say it on stderr too, synchronously, before the process goes.
  process.stderr.write(`billwright could not start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
}
