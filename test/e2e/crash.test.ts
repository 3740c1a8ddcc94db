import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dropDatabase } from '@billwright/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../support/db.js';
import { queryDb, waitForBusDrained } from '../support/mysql.js';
import { ensureBuilt, startServerProcess, type ServerProcess } from '../support/process.js';

const dbUrl = testDatabaseUrl(import.meta.filename);
const servers: ServerProcess[] = [];
const auth = { Authorization: `Basic ${Buffer.from('admin:password').toString('base64')}`, 'X-Killbill-CreatedBy': 'crash-test', 'Content-Type': 'application/json' };

beforeAll(ensureBuilt);
afterAll(async () => {
  for (const s of servers) await s.kill();
  await dropDatabase(dbUrl);
});

const query = <T>(sql: string, params: unknown[] = []) => queryDb<T>(dbUrl, sql, params);

describe('a server killed with SIGKILL in the middle of a stream of writes', () => {
  it('leaves every committed change with its events handled exactly once after a restart, and no trace of the rest', async () => {
    const first = startServerProcess(dbUrl);
    servers.push(first);
    await first.ready();
    const tenant = { apiKey: `crash-${randomUUID()}`, apiSecret: 'secret' };
    expect((await fetch(`${first.base}/1.0/kb/tenants`, { method: 'POST', headers: auth, body: JSON.stringify(tenant) })).status).toBe(201);
    const headers = { ...auth, 'X-Killbill-ApiKey': tenant.apiKey, 'X-Killbill-ApiSecret': tenant.apiSecret };

    // Eight writers create accounts until the server dies under them.
    let acknowledged = 0;
    let stop = false;
    const writers = Array.from({ length: 8 }, async () => {
      while (!stop) {
        try {
          const res = await fetch(`${first.base}/1.0/kb/accounts`, { method: 'POST', headers, body: JSON.stringify({ name: 'Crash', currency: 'USD', externalKey: randomUUID() }) });
          if (res.status === 201) acknowledged++;
        } catch {
          return; // the server is gone
        }
      }
    });
    // Killed once the stream is well under way (a fixed delay found only one write done on a loaded machine).
    await expect.poll(() => acknowledged, { timeout: 30_000, interval: 50 }).toBeGreaterThan(10);
    await new Promise((r) => setTimeout(r, 200));
    await first.kill();
    stop = true;
    await Promise.all(writers);
    expect(acknowledged).toBeGreaterThan(10);

    const second = startServerProcess(dbUrl);
    servers.push(second);
    await second.ready();
    await waitForBusDrained(dbUrl);

    const accounts = await query<{ id: string }>('select id from accounts');
    const creations = await query<{ object_id: string; state: string }>("select object_id, state from bus_events_history where event_type = 'ACCOUNT_CREATION'");
    const audits = await query<{ target_id: string }>("select target_id from audit_log where table_name = 'ACCOUNT' and change_type = 'INSERT'");
    // Every acknowledged creation was committed; some in flight at the kill may have been too.
    expect(accounts.length).toBeGreaterThanOrEqual(acknowledged);
    // Each committed account: one creation event, handled; each audit row belongs to a committed account.
    expect(creations.map((e) => e.object_id).sort()).toEqual(accounts.map((a) => a.id).sort());
    expect(creations.every((e) => e.state === 'HANDLED')).toBe(true);
    expect(audits.map((a) => a.target_id).sort()).toEqual(accounts.map((a) => a.id).sort());
    expect(await second.stop()).toBe(0);
  }, 90_000);

  it('does the same for a stream of subscription creations: each committed one has its events once, in order', async () => {
    const first = startServerProcess(dbUrl);
    servers.push(first);
    await first.ready();
    const tenant = { apiKey: `crash-subs-${randomUUID()}`, apiSecret: 'secret' };
    expect((await fetch(`${first.base}/1.0/kb/tenants`, { method: 'POST', headers: auth, body: JSON.stringify(tenant) })).status).toBe(201);
    const headers = { ...auth, 'X-Killbill-ApiKey': tenant.apiKey, 'X-Killbill-ApiSecret': tenant.apiSecret };
    const catalog = readFileSync(new URL('../../examples/catalogs/saas.xml', import.meta.url), 'utf8');
    expect((await fetch(`${first.base}/1.0/kb/catalog/xml`, { method: 'POST', headers: { ...headers, 'Content-Type': 'text/xml' }, body: catalog })).status).toBe(201);
    const accountIds: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${first.base}/1.0/kb/accounts`, { method: 'POST', headers, body: JSON.stringify({ name: `Sub ${i}`, currency: 'USD' }) });
      accountIds.push(((await res.json()) as { accountId: string }).accountId);
    }

    let acknowledged = 0;
    let stop = false;
    const writers = Array.from({ length: 6 }, async (_, w) => {
      while (!stop) {
        try {
          const body = JSON.stringify({ accountId: accountIds[w % 4], planName: 'starter-monthly', externalKey: randomUUID() });
          const res = await fetch(`${first.base}/1.0/kb/subscriptions`, { method: 'POST', headers, body });
          if (res.status === 201) acknowledged++;
        } catch {
          return;
        }
      }
    });
    await new Promise((r) => setTimeout(r, 2000));
    await first.kill();
    stop = true;
    await Promise.all(writers);
    expect(acknowledged).toBeGreaterThan(5);

    const second = startServerProcess(dbUrl);
    servers.push(second);
    await second.ready();
    await waitForBusDrained(dbUrl);

    const subscriptions = await query<{ id: string }>('select id from subscriptions');
    expect(subscriptions.length).toBeGreaterThanOrEqual(acknowledged);
    const events = await query<{ object_id: string; event_type: string; state: string; account_record_id: number; record_id: number }>(
      "select object_id, event_type, state, account_record_id, record_id from bus_events_history where event_type in ('SUBSCRIPTION_CREATION', 'ENTITLEMENT_CREATION') order by handled_date, record_id",
    );
    for (const type of ['SUBSCRIPTION_CREATION', 'ENTITLEMENT_CREATION']) {
      expect(events.filter((e) => e.event_type === type).map((e) => e.object_id).sort()).toEqual(subscriptions.map((x) => x.id).sort());
    }
    expect(events.every((e) => e.state === 'HANDLED')).toBe(true);
    const byAccount = new Map<number, number[]>();
    for (const e of events) byAccount.set(e.account_record_id, [...(byAccount.get(e.account_record_id) ?? []), Number(e.record_id)]);
    for (const list of byAccount.values()) expect(list).toEqual([...list].sort((a, b) => a - b));
    expect(await second.stop()).toBe(0);
  }, 90_000);
});
