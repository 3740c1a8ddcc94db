import type { AddressInfo } from 'node:net';
import { request } from 'node:http';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEnv } from '../env.js';
import { onError } from '../errors.js';
import { bodyLimit } from './body-limit.js';

let server: ServerType;
let port: number;

beforeAll(async () => {
  const app = new Hono<AppEnv>();
  app.onError(onError);
  app.use('*', bodyLimit(1024));
  app.post('/echo', async (c) => c.text(String((await c.req.text()).length)));
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** POSTs `bytes` bytes, with a Content-Length or chunked. */
function post(bytes: number, chunked: boolean): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const body = 'x'.repeat(bytes);
    const headers = chunked ? { 'Transfer-Encoding': 'chunked' } : { 'Content-Length': String(bytes) };
    const req = request({ host: '127.0.0.1', port, path: '/echo', method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    if (chunked) for (let i = 0; i < bytes; i += 256) req.write(body.slice(i, i + 256));
    else req.write(body);
    req.end();
  });
}

describe('the body limit under the Node server', () => {
  it('lets a body within the limit through to the route, declared or chunked', async () => {
    expect(await post(1024, false)).toEqual({ status: 200, body: '1024' });
    expect(await post(1000, true)).toEqual({ status: 200, body: '1000' });
  });

  it('refuses a declared Content-Length over the limit with 413 PAYLOAD_TOO_LARGE', async () => {
    const answer = await post(1025, false);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 90002 });
  });

  it('refuses a chunked body that grows over the limit with 413', async () => {
    const answer = await post(4096, true);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 90002 });
  });
});
