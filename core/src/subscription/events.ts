import type { EntityManager } from '@mikro-orm/core';
import type { DateTime } from 'luxon';
import { emitEvent } from '../bus/outbox.js';
import type { Clock } from '../clock/clock.js';
import type { CallContext } from '../context.js';
import { scheduleNotification } from '../notification/queue.js';
import type { ObjectType } from '../values/object-type.js';
import { ENT_STATE_BLOCKED, ENT_STATE_CANCELLED, ENT_STATE_CLEAR, ENT_STATE_START, ENTITLEMENT_SERVICE } from './entitlement-events.js';
import type { TransitionType } from './timeline.js';

/**
 * The subscription domain's bus events and future work. Kill Bill posts a subscription event on the bus
 * when it becomes effective, at once when it already is, else from a notification at its effective date
 * (DefaultSubscriptionDao.recordBusOrFutureNotificationFromTransaction); blocking states likewise.
 * Event types and metadata are Kill Bill's external ones (BeatrixListener).
 */

/** One queue for every future subscription event and blocking state; the handler reads the row again (it may have been deactivated). */
export const SUBSCRIPTION_EVENTS_QUEUE = 'subscription-events';

export type SubscriptionNotification =
  | { readonly kind: 'event'; readonly subscriptionId: string; readonly eventId: string }
  | { readonly kind: 'blockingState'; readonly blockingStateId: string };

export function parseNotification(payload: Record<string, unknown>): SubscriptionNotification | null {
  if (payload['kind'] === 'event' && typeof payload['subscriptionId'] === 'string' && typeof payload['eventId'] === 'string') {
    return { kind: 'event', subscriptionId: payload['subscriptionId'], eventId: payload['eventId'] };
  }
  if (payload['kind'] === 'blockingState' && typeof payload['blockingStateId'] === 'string') {
    return { kind: 'blockingState', blockingStateId: payload['blockingStateId'] };
  }
  return null;
}

export function scheduleSubscriptionWork(em: EntityManager, ctx: CallContext, clock: Clock, at: DateTime, accountRecordId: number, payload: SubscriptionNotification): void {
  scheduleNotification(em, ctx, clock, { queueName: SUBSCRIPTION_EVENTS_QUEUE, effectiveDate: at, accountRecordId, payload: { ...payload } });
}

/** BeatrixListener's SUBSCRIPTION_TRANSITION mapping; UNDO_CHANGE shows as SUBSCRIPTION_CHANGE. */
const EXT_TYPE: Record<TransitionType, string> = {
  CREATE: 'SUBSCRIPTION_CREATION',
  TRANSFER: 'SUBSCRIPTION_CREATION',
  CHANGE: 'SUBSCRIPTION_CHANGE',
  UNDO_CHANGE: 'SUBSCRIPTION_CHANGE',
  CANCEL: 'SUBSCRIPTION_CANCEL',
  UNCANCEL: 'SUBSCRIPTION_UNCANCEL',
  PHASE: 'SUBSCRIPTION_PHASE',
  BCD_CHANGE: 'SUBSCRIPTION_BCD_CHANGE',
  QUANTITY_CHANGE: 'SUBSCRIPTION_QUANTITY',
  EXPIRED: 'SUBSCRIPTION_EXPIRED',
};

export interface TransitionNotice {
  readonly type: TransitionType;
  readonly subscriptionId: string;
  readonly eventId: string;
  readonly bundleExternalKey: string;
  readonly effectiveDate: DateTime;
  readonly accountRecordId: number;
  /**
   * SubscriptionMetadata.actionType: EFFECTIVE when the event takes effect, REQUESTED when a change, cancel,
   * uncancel or undo is asked for (DefaultSubscriptionDao.notifyBusOfRequestedChange). Default EFFECTIVE.
   */
  readonly actionType?: 'EFFECTIVE' | 'REQUESTED';
}

/** An effective subscription transition on the bus; `metaData` is Kill Bill's SubscriptionMetadata as a JSON string. */
export function emitTransition(em: EntityManager, ctx: CallContext, clock: Clock, n: TransitionNotice): void {
  emitEvent(em, ctx, clock, {
    eventType: EXT_TYPE[n.type],
    objectType: 'SUBSCRIPTION',
    objectId: n.subscriptionId,
    accountRecordId: n.accountRecordId,
    payload: {
      metaData: JSON.stringify({ actionType: n.actionType ?? 'EFFECTIVE', bundleExternalKey: n.bundleExternalKey, isSubscriptionUndo: n.type === 'UNDO_CHANGE' }),
      transitionType: n.type,
      subscriptionEventId: n.eventId,
      effectiveDate: n.effectiveDate.toUTC().toISO(),
    },
  });
}

export interface BlockingNotice {
  readonly id: string;
  readonly blockableId: string;
  readonly type: 'SUBSCRIPTION' | 'SUBSCRIPTION_BUNDLE' | 'ACCOUNT';
  readonly state: string;
  readonly service: string;
  readonly blockChange: boolean;
  readonly blockEntitlement: boolean;
  readonly blockBilling: boolean;
  readonly effectiveDate: DateTime;
  readonly accountRecordId: number;
}

const OBJECT_TYPE: Record<BlockingNotice['type'], ObjectType> = { SUBSCRIPTION: 'SUBSCRIPTION', SUBSCRIPTION_BUNDLE: 'BUNDLE', ACCOUNT: 'ACCOUNT' };

/** BeatrixListener's BLOCKING_STATE mapping: entitlement-service states have their own event types. */
export function emitBlockingState(em: EntityManager, ctx: CallContext, clock: Clock, s: BlockingNotice): void {
  const entitlement: Record<string, string> = {
    [ENT_STATE_START]: 'ENTITLEMENT_CREATION',
    [ENT_STATE_BLOCKED]: 'BUNDLE_PAUSE',
    [ENT_STATE_CLEAR]: 'BUNDLE_RESUME',
    [ENT_STATE_CANCELLED]: 'ENTITLEMENT_CANCEL',
  };
  const own = s.service === ENTITLEMENT_SERVICE ? entitlement[s.state] : undefined;
  emitEvent(em, ctx, clock, {
    eventType: own ?? 'BLOCKING_STATE',
    objectType: OBJECT_TYPE[s.type],
    objectId: s.blockableId,
    accountRecordId: s.accountRecordId,
    payload: {
      ...(own
        ? {}
        : {
            metaData: JSON.stringify({
              blockableId: s.blockableId,
              service: s.service,
              stateName: s.state,
              blockingType: s.type,
              effectiveDate: s.effectiveDate.toUTC().toISO(),
              isTransitionedToBlockedBilling: s.blockBilling,
              isTransitionedToUnblockedBilling: !s.blockBilling,
              isTransitionedToBlockedEntitlement: s.blockEntitlement,
              isTransitionedToUnblockedEntitlement: !s.blockEntitlement,
            }),
          }),
      blockingStateId: s.id,
      stateName: s.state,
      service: s.service,
      effectiveDate: s.effectiveDate.toUTC().toISO(),
    },
  });
}
