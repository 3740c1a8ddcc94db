import type { IncomingMessage } from 'node:http';
import { BillingError } from '@billwright/core';
import { createMiddleware } from 'hono/factory';
import { bodyLimit as honoBodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../env.js';

/**
 * Refuses a request body over `maxBytes` (413 PAYLOAD_TOO_LARGE) before any route reads it.
 *
 * Why not hono's bodyLimit alone: it reads `c.req.raw.body`, and on @hono/node-server that one property
 * turns the lightweight request into a full fetch `Request` (headers object, AbortController, a web
 * ReadableStream over the socket), for every request, GETs included, and makes `c.req.text()` leave the
 * direct read of the Node stream. That was ~0.8 ms of CPU per request of the checkout bench. Under the
 * Node server the declared Content-Length is checked on the Node request instead (Node itself refuses a
 * body longer than it declares); only a chunked body (no length given) or a request from outside the
 * Node server (tests' `app.request`) goes through hono's counting reader.
 */
export function bodyLimit(maxBytes: number) {
  const tooLarge = (): never => {
    throw new BillingError('PAYLOAD_TOO_LARGE', `Request body is larger than ${maxBytes} bytes`);
  };
  const counting = honoBodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return createMiddleware<AppEnv>(async (c, next) => {
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    if (!incoming || incoming.headers['transfer-encoding'] !== undefined) return counting(c, next);
    const declared = incoming.headers['content-length'];
    if (declared !== undefined && Number(declared) > maxBytes) tooLarge();
    await next();
  });
}
