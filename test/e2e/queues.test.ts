import { randomUUID } from 'node:crypto';
import { emitEvent, scheduleNotification, writeTx, type CallContext } from '@billwright/core';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant, rawHttp } from '../support/killbill.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(import.meta.filename, { testMode: true });
  const { engine } = server;
  // A stand-in for the subscription domain: at "trial end" a notification fires, emits an event, and a
  // consumer of that event writes a tenant key/value the test then reads through the API.
  engine.notifications.register('test-trial-end', async (em, n, ctx) => {
    emitEvent(em, ctx, engine.clock, { eventType: 'SUBSCRIPTION_PHASE', objectType: 'ACCOUNT', objectId: null, accountRecordId: n.accountRecordId, payload: n.payload });
  });
  engine.bus.subscribe('test-recorder', ['SUBSCRIPTION_PHASE'], async (_em, event, ctx) => {
    await engine.tenants.addValue(ctx, 'phase-events', `${String(event.payload['plan'])}@${engine.clock.now().toISODate()}`);
  });
});
afterAll(async () => {
  await server?.close();
});

/** Schedules trial-end work the way a domain would: inside its write transaction. */
async function scheduleTrialEnd(tenantId: string, at: DateTime, plan: string): Promise<void> {
  const engine = server.engine;
  const tenant = await engine.tenants.getById(tenantId as never);
  const ctx: CallContext = {
    subject: { username: 'admin', roles: ['root'], grants: ['*'] },
    userToken: randomUUID(),
    tenant: { recordId: tenant.recordId, id: tenant.id },
    createdBy: 'test',
    reasonCode: null,
    comment: null,
  };
  await writeTx(engine.db, ctx, async (em) => scheduleNotification(em, ctx, engine.clock, { queueName: 'test-trial-end', effectiveDate: at, accountRecordId: null, payload: { plan } }));
}

describe('moving the test clock', () => {
  it('fires what became due and returns only once the bus and the queue have drained', async () => {
    const { tenantId, credentials, kb } = await newTenant(server.url);
    const http = rawHttp(server.url, credentials);
    await http.post('/1.0/kb/test/clock?requestedDate=2030-01-01T00:00:00.000Z', null, { headers: { 'X-Killbill-CreatedBy': 't' } });
    await scheduleTrialEnd(tenantId, DateTime.fromISO('2030-01-31T00:00:00Z'), 'pro-monthly');

    await http.put('/1.0/kb/test/clock?days=29&timeoutSec=5', null, { headers: { 'X-Killbill-CreatedBy': 't' } });
    expect((await kb.tenants.getUserKeyValue('phase-events')).data.values).toEqual([]);

    const moved = await http.put('/1.0/kb/test/clock?days=2&timeoutSec=5', null, { headers: { 'X-Killbill-CreatedBy': 't' } });
    expect(moved.status).toBe(200);
    // No waiting here: the clock call itself returned after the notification fired and its event was handled.
    expect((await kb.tenants.getUserKeyValue('phase-events')).data.values).toEqual(['pro-monthly@2030-02-01']);

    const queues = await http.get('/1.0/kb/admin/queues');
    expect(queues.status).toBe(200);
    expect(queues.data.notifications).toMatchObject([{ name: 'test-trial-end', processingState: 'PROCESSED' }]);
    expect(queues.data.busEvents.filter((e: { name: string }) => e.name === 'SUBSCRIPTION_PHASE')).toMatchObject([{ processingState: 'PROCESSED', errorCount: 0 }]);
  });

  it('never shows one tenant the queue entries of another', async () => {
    const a = await newTenant(server.url);
    const b = await newTenant(server.url);
    await scheduleTrialEnd(a.tenantId, DateTime.fromISO('2100-01-01T00:00:00Z'), 'far-future');
    const seenByB = await rawHttp(server.url, b.credentials).get('/1.0/kb/admin/queues');
    expect(seenByB.data.notifications).toEqual([]);
    const seenByA = await rawHttp(server.url, a.credentials).get('/1.0/kb/admin/queues');
    expect(seenByA.data.notifications).toMatchObject([{ name: 'test-trial-end', processingState: 'AVAILABLE' }]);
  });
});
