import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testCallContext } from '../../../test/support/engine.js';
import { madeUpObjects } from '../../../test/support/objects.js';
import { AuditLogEntity } from '../audit/model.js';
import { systemClock } from '../clock/clock.js';
import { BillingError } from '../errors/index.js';
import type { Database } from '../persistence/database.js';
import { readEm } from '../persistence/scope.js';
import type { TagDefinitionId } from '../values/ids.js';
import type { ObjectType } from '../values/object-type.js';
import { CONTROL_TAGS, controlTag, PARK_TAG } from './control-tags.js';
import { createTagDefinitionService, type TagDefinitionService } from './definition-service.js';
import { createTagService, type TagService } from './service.js';

let db: Database & { drop(): Promise<void> };
let definitions: TagDefinitionService;
let tags: TagService;

/** Made-up objects: each belongs to one tenant and one account record id. */
const { registry: objects, object } = madeUpObjects(['ACCOUNT', 'INVOICE']);

beforeAll(async () => {
  db = await openTestDatabase(import.meta.filename);
  definitions = createTagDefinitionService({ db, clock: systemClock });
  tags = createTagService({ db, clock: systemClock, objects });
});
afterAll(async () => {
  await db?.drop();
});

const ctx = testCallContext(11);
const other = testCallContext(12);
const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof BillingError ? e.code : String(e)));
const defId = (n: number) => controlTag(CONTROL_TAGS[n - 1]!.name).id;

describe('tag definitions', () => {
  it('lists the nine control tags with their fixed ids, and the system park tag, after the tenant own', async () => {
    const mine = await definitions.create(ctx, { name: 'vip', description: 'Very important', applicableObjectTypes: ['ACCOUNT'] });
    const all = await definitions.list(ctx);
    expect(all[0]).toEqual({ ...mine, isControlTag: false });
    const control = all.filter((d) => d.isControlTag);
    expect(control.map((d) => [d.id, d.name])).toEqual([
      ['00000000-0000-0000-0000-000000000001', 'AUTO_PAY_OFF'],
      ['00000000-0000-0000-0000-000000000002', 'AUTO_INVOICING_OFF'],
      ['00000000-0000-0000-0000-000000000003', 'OVERDUE_ENFORCEMENT_OFF'],
      ['00000000-0000-0000-0000-000000000004', 'WRITTEN_OFF'],
      ['00000000-0000-0000-0000-000000000005', 'MANUAL_PAY'],
      ['00000000-0000-0000-0000-000000000006', 'TEST'],
      ['00000000-0000-0000-0000-000000000007', 'PARTNER'],
      ['00000000-0000-0000-0000-000000000008', 'AUTO_INVOICING_DRAFT'],
      ['00000000-0000-0000-0000-000000000009', 'AUTO_INVOICING_REUSE_DRAFT'],
    ]);
    expect(control.find((d) => d.name === 'WRITTEN_OFF')!.applicableObjectTypes).toEqual(['INVOICE']);
    expect(all.find((d) => d.name === '__PARK__')).toMatchObject({ id: PARK_TAG.id, isControlTag: false });
    expect((await definitions.get(ctx, mine.id)).name).toBe('vip');
    expect((await definitions.get(ctx, defId(1))).description).toBe('Suspends payments until removed.');
  });

  it('refuses a duplicate name, a control tag name, an uppercase name and unknown object types', async () => {
    await definitions.create(ctx, { name: 'dup', description: 'd', applicableObjectTypes: ['ACCOUNT'] });
    expect(await codeOf(definitions.create(ctx, { name: 'dup', description: 'd', applicableObjectTypes: ['ACCOUNT'] }))).toBe('TAG_DEFINITION_ALREADY_EXISTS');
    expect(await codeOf(definitions.create(ctx, { name: 'AUTO_PAY_OFF', description: 'd', applicableObjectTypes: ['ACCOUNT'] }))).toBe('TAG_DEFINITION_CONFLICTS_WITH_CONTROL_TAG');
    expect(await codeOf(definitions.create(ctx, { name: 'Shouty', description: 'd', applicableObjectTypes: ['ACCOUNT'] }))).toBe('TAG_DEFINITION_HAS_UPPERCASE');
    expect(await codeOf(definitions.create(ctx, { name: 'x', description: 'd', applicableObjectTypes: ['NOPE'] }))).toBe('INVALID_PARAMETER');
    expect(await codeOf(definitions.create(ctx, { name: 'x', description: 'd', applicableObjectTypes: [] }))).toBe('INVALID_PARAMETER');
    expect(await codeOf(definitions.create(ctx, { name: 'x'.repeat(51), description: 'd', applicableObjectTypes: ['ACCOUNT'] }))).toBe('INVALID_PARAMETER');
    expect(await codeOf(definitions.create(ctx, { name: 'x', description: '', applicableObjectTypes: ['ACCOUNT'] }))).toBe('INVALID_PARAMETER');
  });

  it('keeps each tenant to its own definitions', async () => {
    const mine = await definitions.create(ctx, { name: 'secret', description: 'd', applicableObjectTypes: ['ACCOUNT'] });
    expect((await definitions.list(other)).map((d) => d.name)).not.toContain('secret');
    expect(await codeOf(definitions.get(other, mine.id))).toBe('TAG_DEFINITION_DOES_NOT_EXIST');
    expect(await codeOf(definitions.delete(other, mine.id))).toBe('TAG_DEFINITION_DOES_NOT_EXIST');
    await definitions.create(other, { name: 'secret', description: 'same name, other tenant', applicableObjectTypes: ['ACCOUNT'] });
  });

  it('refuses to delete a definition in use or a control tag, and deletes a free one', async () => {
    const def = await definitions.create(ctx, { name: 'in-use', description: 'd', applicableObjectTypes: ['ACCOUNT'] });
    const account = object(11, 'ACCOUNT', 101);
    await tags.add(ctx, 'ACCOUNT', account, [def.id]);
    expect(await codeOf(definitions.delete(ctx, def.id))).toBe('TAG_DEFINITION_IN_USE');
    expect(await codeOf(definitions.delete(ctx, defId(1)))).toBe('TAG_DEFINITION_DOES_NOT_EXIST');
    await tags.remove(ctx, 'ACCOUNT', account, [def.id]);
    await definitions.delete(ctx, def.id);
    expect(await codeOf(definitions.get(ctx, def.id))).toBe('TAG_DEFINITION_DOES_NOT_EXIST');
    // The deleted tag still names its definition.
    expect((await tags.forObject(ctx, 'ACCOUNT', account, true)).map((t) => t.tagDefinitionName)).toEqual(['in-use']);
  });

  it('needs tag:create_tag_definition and tag:delete_tag_definition', async () => {
    const readOnly = testCallContext(11, { subject: { username: 'ro', roles: [], grants: ['tag:add'] } });
    expect(await codeOf(definitions.create(readOnly, { name: 'nope', description: 'd', applicableObjectTypes: ['ACCOUNT'] }))).toBe('SECURITY_NOT_ENOUGH_PERMISSIONS');
    expect(await codeOf(definitions.delete(readOnly, defId(1)))).toBe('SECURITY_NOT_ENOUGH_PERMISSIONS');
  });
});

describe('tags', () => {
  it('adds control and user tags once, records the owning account and audits with reason and comment', async () => {
    const def = await definitions.create(ctx, { name: 'gold', description: 'd', applicableObjectTypes: ['ACCOUNT'] });
    const account = object(11, 'ACCOUNT', 201);
    await tags.add(ctx, 'ACCOUNT', account, [defId(1), def.id, defId(1)]);
    await tags.add(ctx, 'ACCOUNT', account, [defId(1)]);
    const found = await tags.forObject(ctx, 'ACCOUNT', account);
    expect(found.map((t) => t.tagDefinitionName)).toEqual(['AUTO_PAY_OFF', 'gold']);
    const audit = await readEm(db, ctx).find(AuditLogEntity, { targetId: found[0]!.id });
    expect(audit).toMatchObject([{ changeType: 'INSERT', objectType: 'TAG', accountRecordId: 201, reasonCode: 'because', comments: 'a comment' }]);
  });

  it('refuses a definition that is unknown, of another tenant, for another object type, or reserved to the system', async () => {
    const theirs = await definitions.create(other, { name: 'theirs', description: 'd', applicableObjectTypes: ['ACCOUNT'] });
    const invoiceOnly = await definitions.create(ctx, { name: 'invoice-only', description: 'd', applicableObjectTypes: ['INVOICE'] });
    const account = object(11, 'ACCOUNT', 301);
    expect(await codeOf(tags.add(ctx, 'ACCOUNT', account, [randomUUID() as TagDefinitionId]))).toBe('TAG_DEFINITION_DOES_NOT_EXIST_FOR_TAG');
    expect(await codeOf(tags.add(ctx, 'ACCOUNT', account, [theirs.id]))).toBe('TAG_DEFINITION_DOES_NOT_EXIST_FOR_TAG');
    expect(await codeOf(tags.add(ctx, 'ACCOUNT', account, [defId(4)]))).toBe('TAG_NOT_APPLICABLE');
    expect(await codeOf(tags.add(ctx, 'ACCOUNT', account, [invoiceOnly.id]))).toBe('TAG_NOT_APPLICABLE');
    expect(await codeOf(tags.add(ctx, 'ACCOUNT', account, [PARK_TAG.id]))).toBe('TAG_IS_SYSTEM');
    // All or nothing: the good tag before the bad one was not kept.
    expect(await codeOf(tags.add(ctx, 'ACCOUNT', account, [defId(6), defId(4)]))).toBe('TAG_NOT_APPLICABLE');
    expect(await tags.forObject(ctx, 'ACCOUNT', account)).toEqual([]);
    const invoice = object(11, 'INVOICE', 301);
    await tags.add(ctx, 'INVOICE', invoice, [defId(4), invoiceOnly.id]);
    expect(await tags.hasControlTag(ctx, invoice, 'WRITTEN_OFF')).toBe(true);
  });

  it('removes a tag the object has, and refuses one it has not', async () => {
    const account = object(11, 'ACCOUNT', 401);
    await tags.add(ctx, 'ACCOUNT', account, [defId(2), defId(8)]);
    expect(await tags.controlTagsOf(ctx, account)).toEqual(new Set(['AUTO_INVOICING_OFF', 'AUTO_INVOICING_DRAFT']));
    expect(await codeOf(tags.remove(ctx, 'ACCOUNT', account, [defId(3)]))).toBe('TAG_DOES_NOT_EXIST');
    await tags.remove(ctx, 'ACCOUNT', account, [defId(2)]);
    expect(await tags.hasControlTag(ctx, account, 'AUTO_INVOICING_OFF')).toBe(false);
    expect((await tags.forObject(ctx, 'ACCOUNT', account)).map((t) => t.tagDefinitionName)).toEqual(['AUTO_INVOICING_DRAFT']);
    const withDeleted = await tags.forObject(ctx, 'ACCOUNT', account, true);
    expect(withDeleted.map((t) => [t.tagDefinitionName, t.isActive])).toEqual([['AUTO_INVOICING_OFF', false], ['AUTO_INVOICING_DRAFT', true]]);
    const audit = await readEm(db, ctx).find(AuditLogEntity, { targetId: withDeleted[0]!.id }, { orderBy: { recordId: 'asc' } });
    expect(audit.map((a) => a.changeType)).toEqual(['INSERT', 'DELETE']);
    // A tag can be put back after removal.
    await tags.add(ctx, 'ACCOUNT', account, [defId(2)]);
    expect(await tags.hasControlTag(ctx, account, 'AUTO_INVOICING_OFF')).toBe(true);
  });

  it('lists the tags of an account and of the objects it owns, by type if asked', async () => {
    const account = object(11, 'ACCOUNT', 501);
    const invoice = object(11, 'INVOICE', 501);
    await tags.add(ctx, 'ACCOUNT', account, [defId(6)]);
    await tags.add(ctx, 'INVOICE', invoice, [defId(4)]);
    await tags.remove(ctx, 'INVOICE', invoice, [defId(4)]);
    await tags.add(ctx, 'ACCOUNT', object(11, 'ACCOUNT', 502), [defId(6)]);
    expect((await tags.forAccount(ctx, account)).map((t) => t.objectId)).toEqual([account]);
    expect((await tags.forAccount(ctx, account, { includeDeleted: true })).map((t) => t.objectId)).toEqual([account, invoice]);
    expect((await tags.forAccount(ctx, account, { objectType: 'INVOICE', includeDeleted: true })).map((t) => t.objectId)).toEqual([invoice]);
  });

  it('never lets another tenant read, tag or untag an object, or find its tags', async () => {
    const account = object(11, 'ACCOUNT', 601);
    await tags.add(ctx, 'ACCOUNT', account, [defId(7)]);
    const [tag] = await tags.forObject(ctx, 'ACCOUNT', account);
    expect(await codeOf(tags.forObject(other, 'ACCOUNT', account))).toBe('NOT_FOUND');
    expect(await codeOf(tags.add(other, 'ACCOUNT', account, [defId(6)]))).toBe('NOT_FOUND');
    expect(await codeOf(tags.remove(other, 'ACCOUNT', account, [defId(7)]))).toBe('NOT_FOUND');
    expect(await codeOf(tags.getById(other, tag!.id))).toBe('TAG_DOES_NOT_EXIST');
    expect(await tags.hasControlTag(other, account, 'PARTNER')).toBe(false);
    expect((await tags.search(other, 'PARTNER', { offset: 0, limit: 100 })).items.map((t) => t.objectId)).not.toContain(account);
  });

  it('pages through the tenant tags and searches them by id, object type and definition', async () => {
    const tenant = testCallContext(13);
    const def = await definitions.create(tenant, { name: 'searchable', description: 'find me', applicableObjectTypes: ['ACCOUNT', 'INVOICE'] });
    const a = object(13, 'ACCOUNT', 701);
    const inv = object(13, 'INVOICE', 701);
    await tags.add(tenant, 'ACCOUNT', a, [defId(1), def.id]);
    await tags.add(tenant, 'INVOICE', inv, [def.id]);
    const first = await tags.list(tenant, { offset: 0, limit: 2 });
    expect(first).toMatchObject({ offset: 0, total: 3, max: 3 });
    expect(first.items).toHaveLength(2);
    expect((await tags.list(tenant, { offset: 2, limit: 2 })).items.map((t) => t.objectId)).toEqual([inv]);
    expect((await tags.search(tenant, 'searchable', { offset: 0, limit: 10 })).total).toBe(2);
    expect((await tags.search(tenant, 'find', { offset: 0, limit: 10 })).total).toBe(2);
    expect((await tags.search(tenant, 'pay_off', { offset: 0, limit: 10 })).items.map((t) => t.tagDefinitionName)).toEqual(['AUTO_PAY_OFF']);
    expect((await tags.search(tenant, 'INVOICE', { offset: 0, limit: 10 })).items.map((t) => t.objectId)).toEqual([inv]);
    const byId = await tags.search(tenant, first.items[0]!.id, { offset: 0, limit: 10 });
    expect(byId).toMatchObject({ total: 1, max: 3 });
    expect((await tags.search(tenant, '%', { offset: 0, limit: 10 })).total).toBe(0);
  });

  it('needs tag:add and tag:delete', async () => {
    const account = object(11, 'ACCOUNT', 801);
    const none = testCallContext(11, { subject: { username: 'ro', roles: [], grants: [] } });
    expect(await codeOf(tags.add(none, 'ACCOUNT', account, [defId(6)]))).toBe('SECURITY_NOT_ENOUGH_PERMISSIONS');
    expect(await codeOf(tags.remove(none, 'ACCOUNT', account, [defId(6)]))).toBe('SECURITY_NOT_ENOUGH_PERMISSIONS');
  });
});
