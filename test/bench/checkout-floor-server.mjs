// The checkout's floor server (checkout-floor.ts): `POST /<step>/<flowId>` runs that step's captured
// statements on one pooled raw mysql2 connection, as Billwright ran them, with fresh ids per flow: every
// UUID is replaced consistently within a flow, and the record ids the statements name (the account lock,
// updates by record id, account_record_id values) become the ones this flow's inserts got. Nothing else:
// no ORM, no plugin worker, no auth, no bus. Env: FLOOR_DB, FLOOR_PORT, FLOOR_PLAN (a JSON file:
// { steps: {name: [sql]}, recordIds: {table: id} }). Prints `listening` once up.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import mysql from 'mysql2/promise';

const plan = JSON.parse(readFileSync(process.env['FLOOR_PLAN'], 'utf8'));
const original = plan.recordIds;
const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const pool = mysql.createPool({ host: '127.0.0.1', user: 'root', database: process.env['FLOOR_DB'], connectionLimit: 20 });
const flows = new Map();
const lastStep = Object.keys(plan.steps).at(-1);

function rewrite(sql, flow) {
  let s = sql.replace(uuid, (u) => {
    if (!flow.uuids.has(u)) flow.uuids.set(u, randomUUID());
    return flow.uuids.get(u);
  });
  const account = original.accounts;
  if (account !== undefined && flow.ids.accounts !== undefined) {
    if (s.startsWith('insert')) s = s.replaceAll(`'${account}'`, `'${flow.ids.accounts}'`);
    s = s.replace(`from accounts where record_id = ${account} `, `from accounts where record_id = ${flow.ids.accounts} `);
  }
  const updated = /^update `(\w+)` set/.exec(s);
  if (updated && original[updated[1]] !== undefined && flow.ids[updated[1]] !== undefined) {
    s = s.replace(`\`record_id\` in (${original[updated[1]]})`, `\`record_id\` in (${flow.ids[updated[1]]})`);
  }
  // A multi-table UPDATE (`update \`a\` t0, \`b\` t1 set ... where t0.\`record_id\` = N and ...`): each alias's row.
  const tables = /^update ((?:`\w+` t\d+(?:, )?)+) set/.exec(s);
  if (tables) {
    for (const [, table, alias] of tables[1].matchAll(/`(\w+)` (t\d+)/g)) {
      if (original[table] !== undefined && flow.ids[table] !== undefined) s = s.replace(`${alias}.\`record_id\` = ${original[table]}`, `${alias}.\`record_id\` = ${flow.ids[table]}`);
    }
  }
  return s;
}

async function run(step, flowId) {
  let flow = flows.get(flowId);
  if (!flow) flows.set(flowId, (flow = { uuids: new Map(), ids: {} }));
  const conn = await pool.getConnection();
  try {
    for (const sql of plan.steps[step]) {
      const s = rewrite(sql, flow);
      const [result] = await conn.query(s);
      const inserted = /^insert into `(\w+)`/.exec(s);
      if (inserted && result.insertId) flow.ids[inserted[1]] ??= Number(result.insertId);
    }
  } finally {
    conn.release();
  }
  if (step === lastStep) flows.delete(flowId);
}

const app = new Hono();
app.post('/:step/:flow', async (c) => {
  await c.req.json();
  const step = c.req.param('step');
  if (!plan.steps[step]) return c.json({ error: 'no such step' }, 404);
  await run(step, c.req.param('flow'));
  return c.json({ ok: true }, 201);
});
const server = serve({ fetch: app.fetch, port: Number(process.env['FLOOR_PORT']), hostname: '127.0.0.1' }, () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => {
  server.close();
  pool.end().finally(() => process.exit(0));
});
