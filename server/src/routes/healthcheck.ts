import { Hono } from 'hono';
import type { AppEnv } from '../env.js';

/**
 * `GET /1.0/healthcheck` (no auth): 200 when MariaDB and Redis both answer, 503 (with which one
 * failed) otherwise. `plugins` lists every plugin pool running on this node, unhealthy when its circuit
 * is open or its own `healthcheck` says so — but a plugin never makes the node 503 (Kill Bill's would):
 * a load balancer would pull every node at once for a gateway that is down everywhere, turning one
 * broken integration into a full API outage; the calls of that plugin already fail fast on their own.
 */
export const healthcheck = new Hono<AppEnv>();

healthcheck.get('/', async (c) => {
  const engine = c.get('engine');
  const [health, plugins] = await Promise.all([engine.health(), engine.plugins.health()]);
  const healthy = health.database && health.redis;
  const sick = plugins.filter((p) => !p.healthy);
  return c.json(
    {
      database: { healthy: health.database, message: health.database ? 'OK' : 'database is not reachable' },
      redis: { healthy: health.redis, message: health.redis ? 'OK' : 'redis is not reachable' },
      plugins: {
        healthy: sick.length === 0,
        message: sick.length === 0 ? 'OK' : sick.map((p) => `${p.pluginName} ${p.version}: ${p.message}`).join('; '),
        details: plugins.map((p) => ({ pluginName: p.pluginName, version: p.version, healthy: p.healthy, message: p.message, circuit: p.circuit.state })),
      },
    },
    healthy ? 200 : 503,
  );
});
