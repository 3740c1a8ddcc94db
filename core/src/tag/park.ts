import type { EntityManager } from '@mikro-orm/core';
import { emitEvent } from '../bus/outbox.js';
import type { Clock } from '../clock/clock.js';
import type { CallContext } from '../context.js';
import { creationStamps, touch } from '../persistence/stamps.js';
import { PARK_TAG } from './control-tags.js';
import { TagEntity } from './model.js';
import { newId } from '../values/ids.js';

/**
 * Kill Bill's ParkedAccountsManager: an account whose invoicing hit an illegal state carries the system
 * tag `__PARK__` (00000000-0000-0001-0000-000000000001); runs from the bus and the next-billing queue skip
 * it (with a warning) until an API run succeeds and removes the tag. Only invoicing sets it (the tag API
 * refuses system tags, TAG_IS_SYSTEM); invoice/run-guard.ts decides when. Inside the caller's transaction.
 */

export interface ParkableAccount {
  readonly id: string;
  readonly recordId: number;
}

const tagEvent = (name: 'TAG_CREATION' | 'TAG_DELETION', tagId: string, accountRecordId: number) => ({
  eventType: name,
  objectType: 'TAG' as const,
  objectId: tagId,
  accountRecordId,
  payload: { metaData: JSON.stringify({ tagDefinitionName: PARK_TAG.name }) },
});

export async function isParked(em: EntityManager, accountId: string): Promise<boolean> {
  return (await em.count(TagEntity, { objectId: accountId, tagDefinitionId: PARK_TAG.id, isActive: true })) > 0;
}

/**
 * Adds `__PARK__` (idempotent). `emit`: with Kill Bill's TAG_CREATION; a transaction of its own opened
 * while the failed run's transaction is still open passes false (its outbox insert could wait on that
 * transaction's locks on the account's events).
 */
export async function parkAccount(em: EntityManager, ctx: CallContext, clock: Clock, account: ParkableAccount, emit: boolean): Promise<void> {
  if (await isParked(em, account.id)) return;
  const tag = em.create(TagEntity, {
    id: newId(),
    tenantRecordId: ctx.tenant.recordId,
    accountRecordId: account.recordId,
    tagDefinitionId: PARK_TAG.id,
    objectId: account.id,
    objectType: 'ACCOUNT',
    isActive: true,
    ...creationStamps(ctx, clock.now().toJSDate()),
  });
  if (emit) emitEvent(em, ctx, clock, tagEvent('TAG_CREATION', tag.id, account.recordId));
  await em.flush();
}

/** Removes `__PARK__` when present, with TAG_DELETION; answers whether it was there. */
export async function unparkAccount(em: EntityManager, ctx: CallContext, clock: Clock, account: ParkableAccount): Promise<boolean> {
  const tags = await em.find(TagEntity, { objectId: account.id, tagDefinitionId: PARK_TAG.id, isActive: true });
  if (tags.length === 0) return false;
  const at = clock.now().toJSDate();
  for (const t of tags) {
    t.isActive = false;
    touch(t, ctx, at);
    emitEvent(em, ctx, clock, tagEvent('TAG_DELETION', t.id, account.recordId));
  }
  await em.flush();
  return true;
}
