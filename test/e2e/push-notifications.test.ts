import { verifyPushSignature } from '@billwright/core';
import { DateTime } from 'luxon';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPushReceiver, type ReceivedPush } from '../support/push-receiver.js';
import { newTenant, rawHttp } from '../support/killbill.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let receiver: Awaited<ReturnType<typeof startPushReceiver>>;
const WRITE = { headers: { 'X-Killbill-CreatedBy': 'test' } };

/** The first push of this type about this account, once it arrived. */
async function arrival(path: string, eventType: string, accountId: string): Promise<ReceivedPush> {
  const match = () => receiver.at(path, eventType).filter((r) => r.json.accountId === accountId);
  await expect.poll(() => match().length, { timeout: 10_000, interval: 50 }).toBeGreaterThan(0);
  return match()[0]!;
}

beforeAll(async () => {
  server = await startTestServer(import.meta.filename, { testMode: true });
  receiver = await startPushReceiver((path) => (path.startsWith('/failing') ? 500 : 200));
});
afterEach(async () => {
  // The test clock is one per server: put it back to real time after a test that moved it.
  await rawHttp(server.url).post('/1.0/kb/test/clock', null, WRITE);
});
afterAll(async () => {
  await server?.close();
  await receiver?.close();
});

describe('push notification callbacks', () => {
  it('are registered, read and deleted with the official client, the signing secret shown once in a header', async () => {
    const { kb, credentials } = await newTenant(server.url);
    const url = receiver.url('/register');
    const res = await kb.tenants.registerPushNotificationCallback('test', url);
    expect(res.status).toBe(201);
    expect(res.data).toMatchObject({ key: 'PUSH_NOTIFICATION_CB', values: [url] });
    const secret = res.headers['x-billwright-signing-secret'] as string;
    expect(secret).toMatch(/^[0-9a-f]{64}$/);

    const read = await kb.tenants.getPushNotificationCallbacks();
    expect(read.data).toMatchObject({ key: 'PUSH_NOTIFICATION_CB', values: [url] });
    expect(read.headers['x-billwright-signing-secret']).toBeUndefined();

    // Registering again replaces the callback (a single-value key in Kill Bill) and rotates the secret.
    const again = await kb.tenants.registerPushNotificationCallback('test', receiver.url('/register-2'));
    expect(again.data.values).toEqual([receiver.url('/register-2')]);
    expect(again.headers['x-billwright-signing-secret']).not.toBe(secret);

    expect((await kb.tenants.deletePushNotificationCallbacks('test')).status).toBe(204);
    expect((await kb.tenants.getPushNotificationCallbacks()).data).toMatchObject({ key: 'PUSH_NOTIFICATION_CB', values: [] });

    const http = rawHttp(server.url, credentials);
    for (const bad of ['ftp://example.com/cb', 'not a url', '/relative', 'javascript:alert(1)']) {
      const r = await http.post(`/1.0/kb/tenants/registerNotificationCallback?cb=${encodeURIComponent(bad)}`, null, WRITE);
      expect(r.status, bad).toBe(400);
    }
    expect((await http.post('/1.0/kb/tenants/registerNotificationCallback', null, WRITE)).status).toBe(400);
    expect((await rawHttp(server.url).get('/1.0/kb/tenants/registerNotificationCallback')).status).toBe(401);
  });
});

describe('push notifications', () => {
  it('deliver an account creation as Kill Bill JSON, signed with the tenant secret', async () => {
    const { kb } = await newTenant(server.url);
    const secret = (await kb.tenants.registerPushNotificationCallback('test', receiver.url('/signed'))).headers['x-billwright-signing-secret'] as string;
    const accountId = (await kb.accounts.createAccount({ name: 'Grace' }, 'test')).data.accountId!;

    const push = await arrival('/signed', 'ACCOUNT_CREATION', accountId);
    expect(push.body).toBe(`{"eventType":"ACCOUNT_CREATION","accountId":"${accountId}","objectType":"ACCOUNT","objectId":"${accountId}","metaData":null}`);
    expect(push.headers['user-agent']).toBe('KillBill/1.0');
    expect(push.headers['content-type']).toBe('application/json; charset=UTF-8');
    const timestamp = push.headers['x-billwright-timestamp'] as string;
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
    expect(verifyPushSignature(secret, timestamp, push.body, push.headers['x-billwright-signature'] as string)).toBe(true);
    expect(verifyPushSignature(secret, String(Number(timestamp) + 1), push.body, push.headers['x-billwright-signature'] as string)).toBe(false);

    // After a rotation, deliveries are signed with the new secret only.
    const rotated = (await kb.tenants.registerPushNotificationCallback('test', receiver.url('/signed'))).headers['x-billwright-signing-secret'] as string;
    await kb.accounts.updateAccount({ name: 'Grace H.' }, accountId, 'test');
    const change = await arrival('/signed', 'ACCOUNT_CHANGE', accountId);
    const sig = change.headers['x-billwright-signature'] as string;
    expect(verifyPushSignature(rotated, change.headers['x-billwright-timestamp'] as string, change.body, sig)).toBe(true);
    expect(verifyPushSignature(secret, change.headers['x-billwright-timestamp'] as string, change.body, sig)).toBe(false);
  });

  it('retry an answer of 500 at 15m, 30m, 2h, 12h and 1d of business time, then give up and say so', async () => {
    const { kb, credentials } = await newTenant(server.url);
    const http = rawHttp(server.url, credentials);
    const start = DateTime.fromISO('2031-03-01T00:00:00Z');
    const setClock = (at: DateTime) => http.post(`/1.0/kb/test/clock?requestedDate=${encodeURIComponent(at.toISO()!)}&timeoutSec=10`, null, WRITE);
    await setClock(start);
    await kb.tenants.registerPushNotificationCallback('test', receiver.url('/failing'));
    const accountId = (await kb.accounts.createAccount({ name: 'Unlucky' }, 'test')).data.accountId!;
    const attempts = () => receiver.at('/failing', 'ACCOUNT_CREATION').filter((r) => r.json.accountId === accountId).length;
    await expect.poll(attempts, { timeout: 10_000 }).toBe(1);
    // The retry is recorded once the failed attempt is over: wait for it before moving time.
    await expect.poll(async () => (await retries(http, accountId)).length, { timeout: 10_000 }).toBe(1);

    // Each move lands a minute past the next retry; the clock call returns once it was attempted and recorded.
    let at = start;
    for (const [minutes, expected] of [[14, 1], [2, 2], [31, 3], [121, 4], [721, 5], [1441, 6], [2 * 1440, 6]] as const) {
      at = at.plus({ minutes });
      expect((await setClock(at)).status).toBe(200);
      expect(attempts(), `at +${at.diff(start, 'minutes').minutes}m`).toBe(expected);
    }

    const queues = (await http.get('/1.0/kb/admin/queues')).data.notifications as QueueEntry[];
    const failed = queues.filter((n) => n.name === 'push-notification-failed' && n.payload['accountId'] === accountId);
    expect(failed).toMatchObject([{ processingState: 'PROCESSED', payload: { eventType: 'ACCOUNT_CREATION', attempts: 6, lastError: 'statusCode=500' } }]);
    expect(await retries(http, accountId)).toEqual([]);
  });

  it('never reach another tenant, and cost nothing for a tenant without a callback', async () => {
    const a = await newTenant(server.url);
    const b = await newTenant(server.url);
    const c = await newTenant(server.url);
    await a.kb.tenants.registerPushNotificationCallback('test', receiver.url('/tenant-a'));
    await b.kb.tenants.registerPushNotificationCallback('test', receiver.url('/tenant-b'));
    const ofB = (await b.kb.accounts.createAccount({ name: 'B' }, 'test')).data.accountId!;
    const ofC = (await c.kb.accounts.createAccount({ name: 'C' }, 'test')).data.accountId!;
    const ofA = (await a.kb.accounts.createAccount({ name: 'A' }, 'test')).data.accountId!;
    await arrival('/tenant-b', 'ACCOUNT_CREATION', ofB);
    await arrival('/tenant-a', 'ACCOUNT_CREATION', ofA);

    expect(receiver.at('/tenant-a').filter((r) => r.body.includes(ofB) || r.body.includes(ofC))).toEqual([]);
    expect(receiver.at('/tenant-b').filter((r) => r.body.includes(ofA) || r.body.includes(ofC))).toEqual([]);
    expect(receiver.received.filter((r) => r.body.includes(ofC))).toEqual([]);
    // C's event was handled, and no delivery was even scheduled for it.
    const queuesOfC = (await rawHttp(server.url, c.credentials).get('/1.0/kb/admin/queues')).data as { busEvents: QueueEntry[]; notifications: QueueEntry[] };
    expect(queuesOfC.busEvents.filter((e) => e.name === 'ACCOUNT_CREATION')).toMatchObject([{ processingState: 'PROCESSED' }]);
    expect(queuesOfC.notifications).toEqual([]);
  });

  it('stop once the callback is deleted', async () => {
    const { kb, credentials } = await newTenant(server.url);
    await kb.tenants.registerPushNotificationCallback('test', receiver.url('/deleted'));
    await kb.tenants.deletePushNotificationCallbacks('test');
    const accountId = (await kb.accounts.createAccount({ name: 'Quiet' }, 'test')).data.accountId!;
    const http = rawHttp(server.url, credentials);
    await expect
      .poll(async () => ((await http.get('/1.0/kb/admin/queues')).data.busEvents as QueueEntry[]).some((e) => e.name === 'ACCOUNT_CREATION' && e.processingState === 'PROCESSED'), { timeout: 10_000 })
      .toBe(true);
    expect(receiver.received.filter((r) => r.body.includes(accountId))).toEqual([]);
  });
});

interface QueueEntry {
  name: string;
  processingState: string;
  payload: Record<string, unknown>;
}

/** The push notification retries of the account's creation still waiting to fire. */
async function retries(http: ReturnType<typeof rawHttp>, accountId: string): Promise<QueueEntry[]> {
  const entries = (await http.get('/1.0/kb/admin/queues')).data.notifications as QueueEntry[];
  return entries.filter((n) => n.name === 'push-notification' && n.processingState === 'AVAILABLE' && n.payload['accountId'] === accountId && n.payload['eventType'] === 'ACCOUNT_CREATION');
}

describe('the signing secret', () => {
  it('cannot be read, written or deleted through the user key/value API', async () => {
    const { credentials } = await newTenant(server.url);
    const http = rawHttp(server.url, credentials);
    const headers = { 'X-Killbill-CreatedBy': 't', 'Content-Type': 'text/plain' };
    expect((await http.get('/1.0/kb/tenants/userKeyValue/PUSH_NOTIFICATION_SECRET')).status).toBe(400);
    expect((await http.post('/1.0/kb/tenants/userKeyValue/PUSH_NOTIFICATION_SECRET', 'forged', { headers })).status).toBe(400);
    expect((await http.delete('/1.0/kb/tenants/userKeyValue/PUSH_NOTIFICATION_SECRET', { headers })).status).toBe(400);
  });
});
