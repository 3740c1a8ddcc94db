import { AuditRecorder, dropDatabase, entities, migrations, openDatabase, type CallContext, type Database, type TenantId } from '@billwright/core';
import { pino } from 'pino';
import { testDatabaseUrl } from './db.js';

/** A migrated database of the test file's own, with the audit recorder on, for core integration tests. */
export async function openTestDatabase(file: string): Promise<Database & { drop(): Promise<void> }> {
  const url = testDatabaseUrl(file);
  const db = await openDatabase({ url, entities, migrations, subscribers: [new AuditRecorder()], logger: pino({ level: 'silent' }) });
  return Object.assign(db, {
    async drop() {
      await db.close();
      await dropDatabase(url);
    },
  });
}

/** A call context for tenant `recordId`, as the HTTP layer would build it, with every permission. */
export function testCallContext(recordId: number, overrides: Partial<CallContext> = {}): CallContext {
  return {
    subject: { username: 'admin', roles: ['root'], grants: ['*'] },
    userToken: `token-${recordId}`,
    tenant: { recordId, id: `00000000-0000-4000-8000-${String(recordId).padStart(12, '0')}` as TenantId },
    createdBy: 'tester',
    reasonCode: 'because',
    comment: 'a comment',
    ...overrides,
  };
}
