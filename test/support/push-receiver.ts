import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A push notification as the receiver got it: the exact body text, its parsed JSON, the headers. */
export interface ReceivedPush {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly json: { eventType: string; accountId: string | null; objectType: string | null; objectId: string | null; metaData: string | null };
}

/**
 * A local push notification receiver on 127.0.0.1 (a free port). Every request is recorded; `status`
 * decides the answer per path (200 unless told otherwise).
 */
export async function startPushReceiver(status: (path: string) => number = () => 200) {
  const received: ReceivedPush[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers, body, json: JSON.parse(body) as ReceivedPush['json'] });
      res.writeHead(status(path)).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    received,
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    /** What reached one path, optionally of one event type. */
    at: (path: string, eventType?: string) => received.filter((r) => r.path === path && (eventType === undefined || r.json.eventType === eventType)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
