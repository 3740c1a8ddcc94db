import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testCallContext } from '../../../test/support/engine.js';
import { madeUpObjects } from '../../../test/support/objects.js';
import { AuditLogEntity } from '../audit/model.js';
import { systemClock } from '../clock/clock.js';
import { BillingError } from '../errors/index.js';
import type { Database } from '../persistence/database.js';
import { readEm } from '../persistence/scope.js';
import type { CustomFieldId } from '../values/ids.js';
import type { ObjectType } from '../values/object-type.js';
import { createCustomFieldService, type CustomFieldService } from './service.js';

let db: Database & { drop(): Promise<void> };
let fields: CustomFieldService;

const { registry: objects, object } = madeUpObjects(['ACCOUNT', 'PAYMENT']);

beforeAll(async () => {
  db = await openTestDatabase(import.meta.filename);
  fields = createCustomFieldService({ db, clock: systemClock, objects });
});
afterAll(async () => {
  await db?.drop();
});

const ctx = testCallContext(21);
const other = testCallContext(22);
const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof BillingError ? e.code : String(e)));
const page = { offset: 0, limit: 100 };

describe('custom fields', () => {
  it('adds fields to an object, with the owning account and an audit row naming who and why', async () => {
    const account = object(21, 'ACCOUNT', 1);
    const added = await fields.add(ctx, 'ACCOUNT', account, [{ name: 'colour', value: 'blue' }, { name: 'size', value: 'L' }]);
    expect(added.map((f) => [f.name, f.value, f.objectType, f.objectId])).toEqual([['colour', 'blue', 'ACCOUNT', account], ['size', 'L', 'ACCOUNT', account]]);
    expect(await fields.forObject(ctx, 'ACCOUNT', account)).toEqual(added);
    const audit = await readEm(db, ctx).find(AuditLogEntity, { targetId: added[0]!.id });
    expect(audit).toMatchObject([{ changeType: 'INSERT', objectType: 'CUSTOM_FIELD', accountRecordId: 1, reasonCode: 'because', comments: 'a comment' }]);
    expect(audit[0]!.history).toMatchObject({ fieldName: 'colour', fieldValue: 'blue' });
  });

  it('refuses the same name and value twice on one object, all or nothing', async () => {
    const account = object(21, 'ACCOUNT', 2);
    await fields.add(ctx, 'ACCOUNT', account, [{ name: 'k', value: 'v' }]);
    expect(await codeOf(fields.add(ctx, 'ACCOUNT', account, [{ name: 'new', value: 'x' }, { name: 'k', value: 'v' }]))).toBe('CUSTOM_FIELD_ALREADY_EXISTS');
    expect(await codeOf(fields.add(ctx, 'ACCOUNT', account, [{ name: 'a', value: 'b' }, { name: 'a', value: 'b' }]))).toBe('CUSTOM_FIELD_ALREADY_EXISTS');
    expect((await fields.forObject(ctx, 'ACCOUNT', account)).map((f) => f.name)).toEqual(['k']);
    // Kill Bill's CustomFieldModelDao.isSame compares the value too: another value under the same name is a new field.
    await fields.add(ctx, 'ACCOUNT', account, [{ name: 'k', value: 'w' }]);
    // The same pair on another object is fine.
    await fields.add(ctx, 'ACCOUNT', object(21, 'ACCOUNT', 2), [{ name: 'k', value: 'v' }]);
  });

  it('refuses empty or too long names and values', async () => {
    const account = object(21, 'ACCOUNT', 3);
    expect(await codeOf(fields.add(ctx, 'ACCOUNT', account, [{ name: '', value: 'v' }]))).toBe('INVALID_PARAMETER');
    expect(await codeOf(fields.add(ctx, 'ACCOUNT', account, [{ name: 'n', value: '' }]))).toBe('INVALID_PARAMETER');
    expect(await codeOf(fields.add(ctx, 'ACCOUNT', account, [{ name: 'n'.repeat(65), value: 'v' }]))).toBe('INVALID_PARAMETER');
    expect(await codeOf(fields.add(ctx, 'ACCOUNT', account, [{ name: 'n', value: 'v'.repeat(256) }]))).toBe('INVALID_PARAMETER');
    await fields.add(ctx, 'ACCOUNT', account, [{ name: 'n'.repeat(64), value: 'v'.repeat(255) }]);
  });

  it('changes only the value of a field of that object', async () => {
    const account = object(21, 'ACCOUNT', 4);
    const [f] = await fields.add(ctx, 'ACCOUNT', account, [{ name: 'plan', value: 'basic' }]);
    await fields.update(ctx, 'ACCOUNT', account, [{ id: f!.id, value: 'pro' }]);
    await fields.update(ctx, 'ACCOUNT', account, [{ id: f!.id, name: 'plan', value: 'max' }]);
    expect((await fields.forObject(ctx, 'ACCOUNT', account))[0]).toMatchObject({ name: 'plan', value: 'max' });
    expect(await codeOf(fields.update(ctx, 'ACCOUNT', account, [{ id: f!.id, name: 'renamed', value: 'x' }]))).toBe('CUSTOM_FIELD_INVALID_UPDATE');
    expect(await codeOf(fields.update(ctx, 'ACCOUNT', object(21, 'ACCOUNT', 4), [{ id: f!.id, value: 'x' }]))).toBe('CUSTOM_FIELD_INVALID_UPDATE');
    expect(await codeOf(fields.update(ctx, 'ACCOUNT', account, [{ id: randomUUID() as CustomFieldId, value: 'x' }]))).toBe('CUSTOM_FIELD_DOES_NOT_EXISTS_FOR_ID');
    const audit = await readEm(db, ctx).find(AuditLogEntity, { targetId: f!.id }, { orderBy: { recordId: 'asc' } });
    expect(audit.map((a) => a.changeType)).toEqual(['INSERT', 'UPDATE', 'UPDATE']);
  });

  it('removes the listed fields, ignores unknown ids, and removes all when none is listed', async () => {
    const account = object(21, 'ACCOUNT', 5);
    const [a, , c] = await fields.add(ctx, 'ACCOUNT', account, [{ name: 'a', value: '1' }, { name: 'b', value: '2' }, { name: 'c', value: '3' }]);
    await fields.remove(ctx, 'ACCOUNT', account, [a!.id, c!.id, randomUUID() as CustomFieldId]);
    expect((await fields.forObject(ctx, 'ACCOUNT', account)).map((f) => f.name)).toEqual(['b']);
    await fields.remove(ctx, 'ACCOUNT', account, []);
    expect(await fields.forObject(ctx, 'ACCOUNT', account)).toEqual([]);
    expect((await fields.getById(ctx, a!.id)).name).toBe('a');
    const audit = await readEm(db, ctx).find(AuditLogEntity, { targetId: a!.id }, { orderBy: { recordId: 'asc' } });
    expect(audit.map((x) => x.changeType)).toEqual(['INSERT', 'DELETE']);
    // A removed pair may be added again.
    await fields.add(ctx, 'ACCOUNT', account, [{ name: 'a', value: '1' }]);
  });

  it('lists the fields of an account and of the objects it owns', async () => {
    const account = object(21, 'ACCOUNT', 6);
    const payment = object(21, 'PAYMENT', 6);
    await fields.add(ctx, 'ACCOUNT', account, [{ name: 'on-account', value: '1' }]);
    await fields.add(ctx, 'PAYMENT', payment, [{ name: 'on-payment', value: '2' }]);
    expect((await fields.forAccount(ctx, account)).map((f) => f.name)).toEqual(['on-account', 'on-payment']);
    expect((await fields.forAccount(ctx, account, 'PAYMENT')).map((f) => f.name)).toEqual(['on-payment']);
  });

  it('pages and searches by key, and by object type, name and value', async () => {
    const tenant = testCallContext(23);
    const account = object(23, 'ACCOUNT', 7);
    const payment = object(23, 'PAYMENT', 7);
    await fields.add(tenant, 'ACCOUNT', account, [{ name: 'alpha', value: 'one' }, { name: 'beta', value: 'two' }]);
    const [p] = await fields.add(tenant, 'PAYMENT', payment, [{ name: 'alpha', value: 'three' }]);
    expect(await fields.list(tenant, { offset: 1, limit: 1 })).toMatchObject({ offset: 1, total: 3, max: 3, items: [{ name: 'beta' }] });
    expect((await fields.search(tenant, 'alph', page)).total).toBe(2);
    expect((await fields.search(tenant, 'thre', page)).items.map((f) => f.id)).toEqual([p!.id]);
    expect((await fields.search(tenant, 'PAYMENT', page)).items.map((f) => f.id)).toEqual([p!.id]);
    expect((await fields.search(tenant, payment.slice(0, 8), page)).items.map((f) => f.id)).toEqual([p!.id]);
    expect(await fields.search(tenant, p!.id, page)).toMatchObject({ total: 1, max: 3 });
    expect(await fields.searchByTypeName(tenant, { objectType: 'ACCOUNT', name: 'alpha' }, page)).toMatchObject({ total: 1, max: 3, items: [{ value: 'one' }] });
    expect((await fields.searchByTypeName(tenant, { objectType: 'PAYMENT', name: 'alpha', value: 'three' }, page)).total).toBe(1);
    expect((await fields.searchByTypeName(tenant, { objectType: 'PAYMENT', name: 'alpha', value: 'one' }, page)).total).toBe(0);
  });

  it('never lets another tenant read, add, change, remove or find the fields of an object', async () => {
    const account = object(21, 'ACCOUNT', 8);
    const [f] = await fields.add(ctx, 'ACCOUNT', account, [{ name: 'private', value: 'zzz-private' }]);
    expect(await codeOf(fields.forObject(other, 'ACCOUNT', account))).toBe('NOT_FOUND');
    expect(await codeOf(fields.add(other, 'ACCOUNT', account, [{ name: 'x', value: 'y' }]))).toBe('NOT_FOUND');
    expect(await codeOf(fields.remove(other, 'ACCOUNT', account, []))).toBe('NOT_FOUND');
    expect(await codeOf(fields.getById(other, f!.id))).toBe('CUSTOM_FIELD_DOES_NOT_EXISTS_FOR_ID');
    expect((await fields.search(other, 'zzz-private', page)).total).toBe(0);
    expect((await fields.forObject(ctx, 'ACCOUNT', account)).map((x) => x.value)).toEqual(['zzz-private']);
  });

  it('needs custom_field:add, custom_field:update and custom_field:delete', async () => {
    const account = object(21, 'ACCOUNT', 9);
    const none = testCallContext(21, { subject: { username: 'ro', roles: [], grants: [] } });
    expect(await codeOf(fields.add(none, 'ACCOUNT', account, [{ name: 'x', value: 'y' }]))).toBe('SECURITY_NOT_ENOUGH_PERMISSIONS');
    expect(await codeOf(fields.update(none, 'ACCOUNT', account, []))).toBe('SECURITY_NOT_ENOUGH_PERMISSIONS');
    expect(await codeOf(fields.remove(none, 'ACCOUNT', account, []))).toBe('SECURITY_NOT_ENOUGH_PERMISSIONS');
  });
});
