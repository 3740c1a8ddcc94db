import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../../test/support/engine.js';
import { createPluginStorage, type PluginStorage } from './storage.js';

let db: Awaited<ReturnType<typeof openTestDatabase>>;
let storage: PluginStorage;

beforeAll(async () => {
  db = await openTestDatabase(import.meta.filename);
  storage = createPluginStorage(db);
});
afterAll(async () => {
  await db.drop();
});

describe('plugin storage', () => {
  it('answers null for a key never written, then the last value put', async () => {
    expect(await storage.get(1, 'gw', 'payment:1')).toBeNull();
    await storage.put(1, 'gw', 'payment:1', '[1]', new Date());
    await storage.put(1, 'gw', 'payment:1', '[1,2]', new Date());
    expect(await storage.get(1, 'gw', 'payment:1')).toBe('[1,2]');
  });

  it("keeps each tenant's and each plugin's keys apart", async () => {
    await storage.put(1, 'gw', 'shared', 'tenant 1, gw', new Date());
    await storage.put(2, 'gw', 'shared', 'tenant 2, gw', new Date());
    await storage.put(1, 'other', 'shared', 'tenant 1, other', new Date());
    expect(await storage.get(1, 'gw', 'shared')).toBe('tenant 1, gw');
    expect(await storage.get(2, 'gw', 'shared')).toBe('tenant 2, gw');
    expect(await storage.get(1, 'other', 'shared')).toBe('tenant 1, other');
    expect(await storage.get(3, 'gw', 'shared')).toBeNull();
  });

  it('keeps one row per key under concurrent puts, holding one of the values put', async () => {
    const values = Array.from({ length: 20 }, (_, i) => `v${i}`);
    await Promise.all(values.map((v) => storage.put(1, 'gw', 'race', v, new Date())));
    const rows = (await db.fork().getConnection().execute("select count(*) as n from plugin_kvs where storage_key = 'race'", [], 'all')) as { n: number }[];
    expect(Number(rows[0]!.n)).toBe(1);
    expect(values).toContain(await storage.get(1, 'gw', 'race'));
  });
});
