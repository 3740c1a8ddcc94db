import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';

/**
 * A database name of its own for each test file (`bw_test_<file>_<random>`), so files run in parallel
 * against one MariaDB without seeing each other's rows. Callers drop it in afterAll.
 */
export function testDatabaseUrl(file: string): string {
  const name = basename(file).replace(/\.test\.ts$/, '').replace(/[^A-Za-z0-9]/g, '_').slice(0, 40);
  const host = process.env['KB_TEST_DB_HOST_URL'] ?? 'mysql://root@127.0.0.1:3306';
  return `${host}/bw_test_${name}_${randomBytes(4).toString('hex')}`;
}

/** Redis for tests: db 1 (never the default db 0 a developer's server uses). */
export const TEST_REDIS_URL = process.env['KB_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/1';
