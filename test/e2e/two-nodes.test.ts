import { randomUUID } from 'node:crypto';
import { dropDatabase } from '@billwright/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../support/db.js';
import { queryDb, waitForBusDrained } from '../support/mysql.js';
import { ensureBuilt, startServerProcess, type ServerProcess } from '../support/process.js';

const dbUrl = testDatabaseUrl(import.meta.filename);
const nodes: ServerProcess[] = [];
const auth = { Authorization: `Basic ${Buffer.from('admin:password').toString('base64')}`, 'X-Killbill-CreatedBy': 'two-nodes', 'Content-Type': 'application/json' };

beforeAll(async () => {
  ensureBuilt();
  // The first node creates and migrates the database; the second joins it.
  nodes.push(startServerProcess(dbUrl));
  await nodes[0]!.ready();
  nodes.push(startServerProcess(dbUrl));
  await nodes[1]!.ready();
});
afterAll(async () => {
  for (const n of nodes) await n.kill();
  await dropDatabase(dbUrl);
});

const query = <T>(sql: string, params: unknown[] = []) => queryDb<T>(dbUrl, sql, params);

describe('two server processes on one database and one Redis', () => {
  it('handle every event of concurrent changes to the same accounts once, in order per account', async () => {
    const tenant = { apiKey: `two-${randomUUID()}`, apiSecret: 'secret' };
    expect((await fetch(`${nodes[0]!.base}/1.0/kb/tenants`, { method: 'POST', headers: auth, body: JSON.stringify(tenant) })).status).toBe(201);
    const headers = { ...auth, 'X-Killbill-ApiKey': tenant.apiKey, 'X-Killbill-ApiSecret': tenant.apiSecret };
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${nodes[i % 2]!.base}/1.0/kb/accounts`, { method: 'POST', headers, body: JSON.stringify({ name: `Shared ${i}`, currency: 'EUR' }) });
      ids.push(((await res.json()) as { accountId: string }).accountId);
    }
    // 80 updates, alternating nodes, 8 at a time, all on the same four accounts.
    const statuses = await Promise.all(
      Array.from({ length: 80 }, async (_, n) => {
        const res = await fetch(`${nodes[n % 2]!.base}/1.0/kb/accounts/${ids[n % 4]}`, { method: 'PUT', headers, body: JSON.stringify({ notes: `update ${n}` }) });
        return res.status;
      }),
    );
    expect(statuses.filter((s) => s !== 204)).toEqual([]);
    await waitForBusDrained(dbUrl);

    const changes = await query<{ record_id: number; account_record_id: number; state: string }>(
      "select record_id, account_record_id, state from bus_events_history where event_type = 'ACCOUNT_CHANGE' order by handled_date, record_id",
    );
    expect(changes).toHaveLength(80);
    expect(changes.every((c) => c.state === 'HANDLED')).toBe(true);
    // Per account, events were retired in the order they were emitted.
    const byAccount = new Map<number, number[]>();
    for (const c of changes) byAccount.set(c.account_record_id, [...(byAccount.get(c.account_record_id) ?? []), Number(c.record_id)]);
    for (const list of byAccount.values()) expect(list).toEqual([...list].sort((a, b) => a - b));
    // Every update was audited once, whichever node served it.
    const updatedBy = await query<{ n: number }>("select count(*) as n from audit_log where table_name = 'ACCOUNT' and change_type = 'UPDATE'");
    expect(Number(updatedBy[0]!.n)).toBe(80);
  }, 90_000);
});
