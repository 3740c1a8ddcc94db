// H3, the checkout bench's yardstick (checkout.bench.ts): the least a hono endpoint that writes can do on
// this machine — `POST /h3` parses a small JSON body and runs one single-row insert transaction on MariaDB
// through a mysql2 pool the size of Billwright's (KB_DB_POOL_SIZE default 20), then answers 201 with JSON.
// Run compiled-free as plain ESM in its own process, as the server is: `node test/bench/h3-server.mjs`
// with H3_DB (database name, created here) and H3_PORT; prints `listening` once it is up.
import { randomUUID } from 'node:crypto';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import mysql from 'mysql2/promise';

const db = process.env['H3_DB'];
const port = Number(process.env['H3_PORT']);
const admin = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
await admin.query(`CREATE DATABASE IF NOT EXISTS ${db}`);
await admin.end();
const pool = mysql.createPool({ host: '127.0.0.1', user: 'root', database: db, connectionLimit: 20 });
await pool.query(
  'CREATE TABLE IF NOT EXISTS t (record_id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, id CHAR(36) UNIQUE, tenant_record_id BIGINT, name VARCHAR(100), created_date DATETIME(3)) ENGINE=InnoDB',
);

const app = new Hono();
app.post('/h3', async (c) => {
  const body = await c.req.json();
  const id = randomUUID();
  const conn = await pool.getConnection();
  try {
    await conn.query('START TRANSACTION');
    await conn.query('INSERT INTO t (id, tenant_record_id, name, created_date) VALUES (?, 1, ?, NOW(3))', [id, String(body.name ?? 'bench')]);
    await conn.query('COMMIT');
  } finally {
    conn.release();
  }
  return c.json({ id }, 201);
});

const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => {
  server.close();
  pool.end().finally(() => process.exit(0));
});
