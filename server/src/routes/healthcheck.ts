import { Hono } from 'hono';
import type { AppEnv } from '../env.js';

/** `GET /1.0/healthcheck`: 200 when MariaDB and Redis both answer, 503 (with which one failed) otherwise. No auth. */
export const healthcheck = new Hono<AppEnv>();

healthcheck.get('/', async (c) => {
  const health = await c.get('engine').health();
  const healthy = health.database && health.redis;
  return c.json(
    {
      database: { healthy: health.database, message: health.database ? 'OK' : 'database is not reachable' },
      redis: { healthy: health.redis, message: health.redis ? 'OK' : 'redis is not reachable' },
    },
    healthy ? 200 : 503,
  );
});
