import type { EntityManager, EventSubscriber, FlushEventArgs } from '@mikro-orm/core';
import { ChangeSetType } from '@mikro-orm/core';
import type { Clock } from '../clock/clock.js';
import type { CallContext } from '../context.js';
import { newId } from '../values/ids.js';
import type { BusEventInput } from './event.js';
import { BusEventEntity } from './model.js';

/**
 * Appends an event to the outbox inside the caller's write transaction: it commits or rolls back with the
 * change that caused it, so no event is lost between MariaDB and Redis and none is sent for a change that
 * did not happen. The dispatcher hands it to BullMQ after the commit.
 */
export function emitEvent(em: EntityManager, ctx: CallContext, clock: Clock, event: BusEventInput): void {
  em.create(BusEventEntity, {
    id: newId(),
    tenantRecordId: ctx.tenant.recordId,
    accountRecordId: event.accountRecordId,
    eventType: event.eventType,
    objectType: event.objectType,
    objectId: event.objectId,
    payload: event.payload ?? {},
    userToken: ctx.userToken,
    createdDate: clock.now().toJSDate(),
    dispatchedDate: null,
    attempts: 0,
    lastError: null,
  });
}

/** Wakes the dispatcher when a transaction that wrote outbox rows commits (it also polls, as a backstop). */
export class OutboxWaker implements EventSubscriber {
  #pending = false;
  #wake: () => void = () => {};

  onCommit(wake: () => void): void {
    this.#wake = wake;
  }

  afterFlush(args: FlushEventArgs): void {
    if (args.uow.getChangeSets().some((cs) => cs.type === ChangeSetType.CREATE && cs.meta.className === BusEventEntity.meta.className)) this.#pending = true;
  }

  afterTransactionCommit(): void {
    if (!this.#pending) return;
    this.#pending = false;
    this.#wake();
  }
}
