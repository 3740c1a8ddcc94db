import type { EntityManager, EventSubscriber, FlushEventArgs } from '@mikro-orm/core';
import { ChangeSetType } from '@mikro-orm/core';
import type { Clock } from '../clock/clock.js';
import type { CallContext } from '../context.js';
import { newId } from '../values/ids.js';
import type { BusEventInput } from './event.js';
import { BusEventEntity, type BusEventRow } from './model.js';

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

/**
 * Whether the dispatcher lately found no one listening for this tenant's events of this type (Bus.knownQuiet):
 * only a hint for when to wake it, never for delivery, which the dispatcher decides again on its own reading.
 */
export type QuietHint = (tenantRecordId: number, eventType: string) => boolean;

/**
 * Wakes the dispatcher when a transaction that wrote outbox rows commits (it also polls, as a backstop).
 * `quietOnly` tells the bus that every event written since the last wake-up was one it lately found no
 * one listening for, so it may gather them into one batch under load (Bus.wake).
 */
export class OutboxWaker implements EventSubscriber {
  #pending = false;
  #loud = false;
  #wake: (quietOnly: boolean) => void = () => {};
  #quiet: QuietHint = () => false;

  onCommit(wake: (quietOnly: boolean) => void, quiet: QuietHint = () => false): void {
    this.#wake = wake;
    this.#quiet = quiet;
  }

  afterFlush(args: FlushEventArgs): void {
    for (const cs of args.uow.getChangeSets()) {
      if (cs.type !== ChangeSetType.CREATE || cs.meta.className !== BusEventEntity.meta.className) continue;
      this.#pending = true;
      const row = cs.entity as BusEventRow;
      if (!this.#quiet(row.tenantRecordId, row.eventType)) this.#loud = true;
    }
  }

  afterTransactionCommit(): void {
    if (!this.#pending) return;
    const quietOnly = !this.#loud;
    this.#pending = false;
    this.#loud = false;
    this.#wake(quietOnly);
  }
}
