import { randomUUID } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import type { Logger } from 'pino';
import type { Engine } from '@billwright/core';
import type { AppEnv } from '../env.js';

const INCOMING = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * Gives every request an id (the caller's X-Request-Id when it is sane, else a new UUID), a child logger
 * that carries it, and one access-log line when the response is ready. The id is also Kill Bill's
 * "user token" recorded in the audit log.
 */
export function requestContext(engine: Engine, logger: Logger) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const incoming = c.req.header('X-Request-Id');
    const requestId = incoming && INCOMING.test(incoming) ? incoming : randomUUID();
    const log = logger.child({ requestId });
    c.set('engine', engine);
    c.set('requestId', requestId);
    c.set('logger', log);
    const started = performance.now();
    // Set before the route answers: hono copies it into the response it builds. Setting a header on a
    // finished response makes @hono/node-server build a full fetch Response twice (~0.2 ms a request);
    // only a route that returns its own Response object (plugin endpoints, gateway notifications) gets
    // it added afterwards.
    c.header('X-Request-Id', requestId);
    await next();
    if (!c.res.headers.has('X-Request-Id')) c.header('X-Request-Id', requestId);
    const ms = Math.round((performance.now() - started) * 10) / 10;
    log.info({ method: c.req.method, path: c.req.path, status: c.res.status, ms }, 'request');
  });
}
