import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testCallContext } from '../../../test/support/engine.js';
import { AuditLogEntity } from '../audit/model.js';
import { InvoiceItemEntity } from '../invoice/model.js';
import type { Database } from './database.js';
import { insertStatements, quote, runPipelined } from './multi-row-insert.js';

const insertRows = (em: Parameters<typeof runPipelined>[0], entityName: string, rows: readonly object[]) => runPipelined(em, insertStatements(em, entityName, rows));
import { readEm, writeTx } from './scope.js';

let db: Database & { drop(): Promise<void> };

beforeAll(async () => {
  db = await openTestDatabase(import.meta.filename);
});
afterAll(async () => {
  await db?.drop();
});

const ctx = testCallContext(3);
const at = new Date('2026-03-04T05:06:07.089Z');
const tricky = `it's a \\ back\\slash, a "quote", a ? mark, a NUL \0, Ctrl-Z \x1a, a tab\t, lines\r\n, 😀 and é`;

function audit(targetId: string, comments: string | null) {
  return {
    tenantRecordId: 3, accountRecordId: 12, objectType: 'INVOICE_ITEM', targetId, targetRecordId: null, tableName: 'INVOICE_ITEMS', changeType: 'INSERT',
    createdDate: at, createdBy: 'tester', reasonCode: null, comments, userToken: null, history: { text: tricky, nested: { amount: '1.10', list: [1, 'two'] } },
  };
}

describe('multi-row inserts built from metadata', () => {
  it('write rows that read back equal to what was given, whatever characters their strings hold', async () => {
    const rows = [audit(crypto.randomUUID(), tricky), audit(crypto.randomUUID(), null)];
    await writeTx(db, ctx, (em) => insertRows(em, AuditLogEntity.meta.className, rows));
    const back = await readEm(db, ctx).find(AuditLogEntity, { targetId: { $in: rows.map((r) => r.targetId) } }, { orderBy: { recordId: 'asc' } });
    expect(back.map(({ recordId: _r, ...rest }) => rest)).toEqual(rows);
  });

  it('convert values through the column types: decimals exact, JSON as JSON, dates in UTC to the millisecond', async () => {
    const id = crypto.randomUUID();
    const item = {
      id, tenantRecordId: 3, accountRecordId: 12, accountId: crypto.randomUUID(), invoiceId: crypto.randomUUID(), type: 'EXTERNAL_CHARGE', childAccountId: null, bundleId: null,
      subscriptionId: null, productName: null, planName: null, phaseName: null, usageName: null,
      description: tricky, startDate: '2026-03-04', endDate: null, amount: '123456.123456789', rate: null, currency: 'USD', linkedItemId: null,
      quantity: null, itemDetails: null, explanation: JSON.stringify({ why: tricky }), createdDate: at, createdBy: 'tester', updatedDate: at, updatedBy: 'tester',
    };
    await writeTx(db, ctx, (em) => insertRows(em, InvoiceItemEntity.meta.className, [item]));
    const back = await readEm(db, ctx).findOneOrFail(InvoiceItemEntity, { id });
    expect(back.description).toBe(tricky);
    expect(String(back.amount)).toBe('123456.123456789');
    expect(new Decimal(back.amount as never).equals('123456.123456789')).toBe(true);
    expect(back.createdDate.toISOString()).toBe(at.toISOString());
    expect(JSON.parse(back.explanation as string)).toEqual({ why: tricky });
  });

  it('split large sets into statements of at most the chunk size, all in the caller transaction', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => audit(crypto.randomUUID(), `row ${i}`));
    const em = db.fork();
    expect(insertStatements(em, AuditLogEntity.meta.className, rows, 10)).toHaveLength(3);
    await expect(
      writeTx(db, ctx, async (tx) => {
        await insertRows(tx, AuditLogEntity.meta.className, rows);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await readEm(db, ctx).count(AuditLogEntity, { targetId: { $in: rows.map((r) => r.targetId) } })).toBe(0);
  });

  it('refuse a row with a field the entity has no column for', () => {
    expect(() => insertStatements(db.fork(), AuditLogEntity.meta.className, [{ ...audit('x', null), bogus: 1 }])).toThrow(/no column for bogus/);
  });

  it('quote strings escaping only what a single-quoted literal needs', () => {
    expect(quote(`a "b" c`)).toBe(`'a "b" c'`);
    expect(quote(`it's \\ \0 \x1a`)).toBe(`'it\\'s \\\\ \\0 \\Z'`);
  });
});
