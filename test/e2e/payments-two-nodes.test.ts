import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dropDatabase } from '@billwright/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../support/db.js';
import { queryDb } from '../support/mysql.js';
import { ensureBuilt, startServerProcess, type ServerProcess } from '../support/process.js';

/**
 * Issue #8's "two concurrent requests with one key charge at most once, on one node or two": 50 parallel
 * purchases with the same transactionExternalKey, alternating between two server processes on one
 * database, each node running plugins/test-payment in its own worker pool. Exactly one is charged — one
 * SUCCESS transaction in the database and one call recorded by the plugin itself — and every other request
 * is refused before any gateway call: 400 PAYMENT_ACTIVE_TRANSACTION_KEY_EXISTS (7030), or 409 while the
 * winner is still in flight. The plugin answers slowly (test.mode=slow) so the 50 overlap the winning call.
 */
const dbUrl = testDatabaseUrl(import.meta.filename);
const testPayment = fileURLToPath(new URL('../../plugins/test-payment', import.meta.url));
const nodes: ServerProcess[] = [];
const dirs: string[] = [];
const admin = { Authorization: `Basic ${Buffer.from('admin:password').toString('base64')}`, 'X-Killbill-CreatedBy': 'payments-two-nodes', 'Content-Type': 'application/json' };

/** INSTALL_PLUGIN then START_PLUGIN on this node only (each node has its own KB_PLUGINS_DIR). */
async function startTestPayment(node: ServerProcess): Promise<void> {
  for (const [type, props] of [
    ['INSTALL_PLUGIN', { pluginUri: testPayment }],
    ['START_PLUGIN', { pluginName: 'test-payment' }],
  ] as const) {
    const nodeCommandProperties = Object.entries(props).map(([key, value]) => ({ key, value }));
    const res = await fetch(`${node.base}/1.0/kb/nodesInfo?localNodeOnly=true`, { method: 'POST', headers: admin, body: JSON.stringify({ nodeCommandType: type, isSystemCommandType: false, nodeCommandProperties }) });
    expect(res.status, `${type} on ${node.base}`).toBe(202);
  }
}

beforeAll(async () => {
  ensureBuilt();
  for (let i = 0; i < 2; i++) {
    const dir = await mkdtemp(join(tmpdir(), `payments-two-nodes-${i}-`));
    dirs.push(dir);
    // The first node creates and migrates the database; the second joins it.
    const node = startServerProcess(dbUrl, { KB_PLUGINS_DIR: dir });
    nodes.push(node);
    await node.ready();
  }
  await Promise.all(nodes.map(startTestPayment));
}, 60_000);

afterAll(async () => {
  for (const n of nodes) await n.kill();
  await dropDatabase(dbUrl);
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('one transactionExternalKey, 50 concurrent purchases, two nodes', () => {
  it('charges exactly once; the others are refused with 7030 or 409 before reaching the gateway', async () => {
    const tenant = { apiKey: `pay2-${randomUUID()}`, apiSecret: 'secret' };
    expect((await fetch(`${nodes[0]!.base}/1.0/kb/tenants`, { method: 'POST', headers: admin, body: JSON.stringify(tenant) })).status).toBe(201);
    const headers = { ...admin, 'X-Killbill-ApiKey': tenant.apiKey, 'X-Killbill-ApiSecret': tenant.apiSecret };
    const account = await fetch(`${nodes[0]!.base}/1.0/kb/accounts`, { method: 'POST', headers, body: JSON.stringify({ name: 'Racer', currency: 'USD' }) });
    const accountId = ((await fetch(account.headers.get('location')!, { headers }).then((r) => r.json())) as { accountId: string }).accountId;
    const method = await fetch(`${nodes[1]!.base}/1.0/kb/accounts/${accountId}/paymentMethods?isDefault=true`, { method: 'POST', headers, body: JSON.stringify({ pluginName: 'test-payment' }) });
    expect(method.status).toBe(201);

    const key = `once-${randomUUID()}`;
    const answers = await Promise.all(
      Array.from({ length: 50 }, async (_, n) => {
        const res = await fetch(`${nodes[n % 2]!.base}/1.0/kb/accounts/${accountId}/payments?pluginProperty=test.mode=slow&pluginProperty=test.slowMs=300`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ transactionType: 'PURCHASE', amount: 10, currency: 'USD', transactionExternalKey: key }),
        });
        const body = (await res.json().catch(() => null)) as { code?: number } | null;
        return { status: res.status, code: body?.code ?? null };
      }),
    );

    const charged = answers.filter((a) => a.status === 201);
    const refused = answers.filter((a) => (a.status === 400 && a.code === 7030) || a.status === 409);
    const tally = JSON.stringify(answers.reduce<Record<string, number>>((t, a) => ({ ...t, [`${a.status}/${a.code}`]: (t[`${a.status}/${a.code}`] ?? 0) + 1 }), {}));
    expect(charged, tally).toHaveLength(1);
    expect(refused, tally).toHaveLength(49);

    const tenantRecordId = (await queryDb<{ record_id: number }>(dbUrl, 'select record_id from tenants where api_key = ?', [tenant.apiKey]))[0]!.record_id;
    const transactions = await queryDb<{ transaction_status: string }>(dbUrl, 'select transaction_status from payment_transactions where tenant_record_id = ? and transaction_external_key = ?', [tenantRecordId, key]);
    expect(transactions.map((t) => t.transaction_status)).toEqual(['SUCCESS']);
    // The plugin's own count: test-payment's ledger keeps, per payment, every transaction call it answered.
    const ledgers = await queryDb<{ storage_value: string }>(dbUrl, "select storage_value from plugin_kvs where tenant_record_id = ? and plugin_name = 'test-payment' and storage_key like 'payment:%'", [tenantRecordId]);
    expect(ledgers.flatMap((l) => JSON.parse(l.storage_value) as unknown[])).toHaveLength(1);
  }, 40_000);
});
