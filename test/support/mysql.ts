import { parseDatabaseUrl } from '@billwright/core';
import mysql from 'mysql2/promise';
import { expect } from 'vitest';

/** A raw query on a test database, for tests that look behind the API (crash and multi-node tests). */
export async function queryDb<T>(dbUrl: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = parseDatabaseUrl(dbUrl);
  const conn = await mysql.createConnection({ host: c.host, port: c.port, user: c.user, password: c.password, database: c.dbName });
  try {
    return (await conn.query(sql, params))[0] as T[];
  } finally {
    await conn.end();
  }
}

/** Waits until the outbox is empty: every committed event handled (or DEAD) by whichever node. */
export async function waitForBusDrained(dbUrl: string, timeoutMs = 30_000): Promise<void> {
  await expect
    .poll(async () => Number((await queryDb<{ n: number }>(dbUrl, 'select count(*) as n from bus_events'))[0]!.n), { timeout: timeoutMs, interval: 200 })
    .toBe(0);
}
