import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL } from '../../../test/support/db.js';
import { openTestDatabase, testCallContext } from '../../../test/support/engine.js';
import { systemClock } from '../clock/clock.js';
import { Broadcast } from '../cluster/broadcast.js';
import type { Database } from '../persistence/database.js';
import { CatalogVersionEntity } from './model.js';
import { createCatalogService, type CatalogService } from './service.js';

const example = (name: string) => readFileSync(new URL(`../../../examples/catalogs/${name}`, import.meta.url), 'utf8');
const v1 = example('versioned/harbor-v1.xml');
const v2 = example('versioned/harbor-v2.xml');
const v3 = example('versioned/harbor-v3.xml');

let db: Database & { drop(): Promise<void> };
const broadcasts: Broadcast[] = [];
let tenantSeq = 1000;

/** A catalog service as one node has it: its own cache and broadcast connections, the shared database. */
async function node(): Promise<CatalogService> {
  const broadcast = new Broadcast(TEST_REDIS_URL, db.coordinates.dbName, pino({ level: 'silent' }));
  await broadcast.start();
  broadcasts.push(broadcast);
  const service = createCatalogService({ db, clock: systemClock, broadcast, logger: pino({ level: 'silent' }) });
  await service.start();
  return service;
}

async function eventually(assertion: () => Promise<void>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

const code = (p: Promise<unknown>) => p.then(() => 'resolved', (e: { code?: string }) => e.code);
const dates = async (s: CatalogService, ctx: ReturnType<typeof testCallContext>) => (await s.versions(ctx)).map((d) => d.toISODate());

beforeAll(async () => {
  db = await openTestDatabase(import.meta.filename);
});
afterAll(async () => {
  for (const b of broadcasts) await b.stop();
  await db?.drop();
});

describe('the catalog service', () => {
  it('answers null for a tenant without a catalog, and require() is a clear catalog error', async () => {
    const s = await node();
    const ctx = testCallContext(tenantSeq++);
    expect(await s.get(ctx)).toBeNull();
    expect(await s.versions(ctx)).toEqual([]);
    expect(await code(s.require(ctx))).toBe('CAT_NO_CATALOG_FOR_GIVEN_DATE');
  });

  it('adds versions and keeps them ordered by effective date', async () => {
    const s = await node();
    const ctx = testCallContext(tenantSeq++);
    await s.upload(ctx, v2);
    await s.upload(ctx, v1);
    await s.upload(ctx, v3);
    expect(await dates(s, ctx)).toEqual(['2024-01-01', '2024-06-01', '2025-01-01']);
    expect((await s.require(ctx)).catalogName).toBe('Harbor');
  });

  it('refuses an invalid document with every problem listed and changes nothing', async () => {
    const s = await node();
    const ctx = testCallContext(tenantSeq++);
    await s.upload(ctx, v1);
    const broken = v2.replace('<catalogName>Harbor</catalogName>', '').replace('<unit>UNLIMITED</unit>', '<unit>FOREVER</unit>');
    const error = await s.upload(ctx, broken).then(
      () => null,
      (e: { code: string; details: { errors: string[] } }) => e,
    );
    expect(error?.code).toBe('CAT_INVALID_FOR_TENANT');
    expect(error?.details.errors.length).toBeGreaterThanOrEqual(2);
    expect(await dates(s, ctx)).toEqual(['2024-01-01']);
    expect(await code(s.upload(ctx, '<catalog>'))).toBe('CAT_INVALID_FOR_TENANT');
  });

  it('refuses a second version with an existing effective date, or under another catalog name', async () => {
    const s = await node();
    const ctx = testCallContext(tenantSeq++);
    await s.upload(ctx, v1);
    const again = await s.upload(ctx, v1).catch((e: Error) => e);
    expect(again).toMatchObject({ code: 'CAT_INVALID_FOR_TENANT' });
    expect((again as Error).message).toContain("Catalog effective date 'Mon Jan 01 00:00:00 UTC 2024' already exists for a previous version");
    const renamed = v2.replace('<catalogName>Harbor</catalogName>', '<catalogName>Dock</catalogName>');
    const refused = await s.upload(ctx, renamed).then(() => null, (e: Error) => e);
    expect(refused?.message).toContain("Catalog name 'Dock' is different from existing catalog name 'Harbor'");
    expect(await dates(s, ctx)).toEqual(['2024-01-01']);
  });

  it('validates without writing and without throwing, also against the existing versions', async () => {
    const s = await node();
    const ctx = testCallContext(tenantSeq++);
    expect(await s.validate(ctx, v1)).toEqual([]);
    expect((await s.validate(ctx, 'not xml at all')).length).toBeGreaterThan(0);
    await s.upload(ctx, v1);
    expect((await s.validate(ctx, v1))[0]).toContain('already exists for a previous version');
    expect(await s.validate(ctx, v2)).toEqual([]);
    expect(await dates(s, ctx)).toEqual(['2024-01-01']);
  });

  it('keeps tenants apart', async () => {
    const s = await node();
    const a = testCallContext(tenantSeq++);
    const b = testCallContext(tenantSeq++);
    await s.upload(a, v1);
    expect(await s.get(b)).toBeNull();
    await s.upload(b, v1.replace('<catalogName>Harbor</catalogName>', '<catalogName>Other</catalogName>'));
    expect((await s.require(a)).catalogName).toBe('Harbor');
    expect((await s.require(b)).catalogName).toBe('Other');
  });

  it('shows an upload through one node to another node that had cached the catalog', async () => {
    const [a, b] = [await node(), await node()];
    const ctx = testCallContext(tenantSeq++);
    expect(await b.get(ctx)).toBeNull();
    await a.upload(ctx, v1);
    // The writing node sees its write at once; the other once the broadcast arrives.
    expect(await dates(a, ctx)).toEqual(['2024-01-01']);
    await eventually(async () => expect(await dates(b, ctx)).toEqual(['2024-01-01']));
    await b.upload(ctx, v2);
    await eventually(async () => expect(await dates(a, ctx)).toEqual(['2024-01-01', '2024-06-01']));
    await a.delete(ctx);
    expect(await a.get(ctx)).toBeNull();
    await eventually(async () => expect(await b.get(ctx)).toBeNull());
  });

  it('deletes by deactivating every version, which stays in the table', async () => {
    const s = await node();
    const ctx = testCallContext(tenantSeq++);
    await s.upload(ctx, v1);
    await s.upload(ctx, v2);
    await s.delete(ctx);
    expect(await s.get(ctx)).toBeNull();
    const rows = await db.fork().find(CatalogVersionEntity, { tenantRecordId: ctx.tenant.recordId }, { filters: false });
    expect(rows.map((r) => r.isActive)).toEqual([false, false]);
    await s.upload(ctx, v1);
    expect(await dates(s, ctx)).toEqual(['2024-01-01']);
  });

  it('replaces the newest version in place (addSimplePlan), checked against the others', async () => {
    const s = await node();
    const ctx = testCallContext(tenantSeq++);
    await s.upload(ctx, v1);
    await s.upload(ctx, v2);
    const v2b = v2.replace('<catalogName>Harbor</catalogName>', '<catalogName>Harbor</catalogName>\n  <!-- edited -->');
    await s.replaceCurrent(ctx, v2b);
    expect(await dates(s, ctx)).toEqual(['2024-01-01', '2024-06-01']);
    expect(await code(s.replaceCurrent(ctx, v1))).toBe('CAT_INVALID_FOR_TENANT');
  });

  it('requires catalog:config_upload to upload and catalog:delete to delete', async () => {
    const s = await node();
    const ctx = testCallContext(tenantSeq++, { subject: { username: 'reader', roles: [], grants: ['account:create'] } });
    expect(await code(s.upload(ctx, v1))).toBe('SECURITY_NOT_ENOUGH_PERMISSIONS');
    expect(await code(s.delete(ctx))).toBe('SECURITY_NOT_ENOUGH_PERMISSIONS');
  });
});
