import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../../test/support/engine.js';

let db: Awaited<ReturnType<typeof openTestDatabase>>;

beforeAll(async () => {
  db = await openTestDatabase(import.meta.filename);
});
afterAll(async () => {
  await db.drop();
});

describe('statements sent to mysql2', () => {
  it('go as MikroORM formatted them, question marks inside values included', async () => {
    const conn = db.fork().getConnection();
    const tricky = "what? 'quoted?' \\\\ ?? -- not a comment ? /* nor this ? */";
    const [row] = (await conn.execute('select ? as v, ? as n', [tricky, 42])) as { v: string; n: number }[];
    expect(row).toEqual({ v: tricky, n: 42 });
    const [plain] = (await conn.execute("select 'a?b' as v")) as { v: string }[];
    expect(plain!.v).toBe('a?b');
  });
});
