import type { EntityManager } from '@mikro-orm/core';
import { DateTime, type Zone } from 'luxon';
import type { AccountService } from '../account/index.js';
import { catalogRules, phaseName, type CatalogService } from '../catalog/index.js';
import type { Clock } from '../clock/clock.js';
import type { CallContext } from '../context.js';
import type { NotificationHandler } from '../notification/queue.js';
import { creationStamps } from '../persistence/stamps.js';
import type { AccountId } from '../values/ids.js';
import { newId } from '../values/ids.js';
import { AccountTime } from './account-time.js';
import { changePlanStart, createPlanStart, currentAndNext, phaseTimeline, type TimedPhase } from './alignment.js';
import type { BlockingStateType } from './entitlement-events.js';
import { emitBlockingState, emitTransition, parseNotification, scheduleSubscriptionWork } from './events.js';
import { BlockingStateEntity, BundleEntity, SubscriptionEntity, SubscriptionEventEntity, type SubscriptionRow } from './model.js';
import { lastPlanTransition, transitionsOf, transitionType, type ApiEventType, type SubscriptionEventKind, type Transition } from './timeline.js';
import { toEventRecord } from './views.js';

const dt = (d: Date) => DateTime.fromJSDate(d, { zone: 'utc' });

/**
 * The phase after the one starting at `at` (PlanAligner.getNextTimedPhase), laid out from the transition
 * that chose the current plan. Counting from the phase event's own date, not from now, keeps every phase
 * when the clock jumps over several at once.
 */
export function nextPhaseAfter(sub: Pick<SubscriptionRow, 'startDate' | 'bundleStartDate'>, transitions: readonly Transition[], at: DateTime, zone: Zone): TimedPhase | null {
  const chosen = lastPlanTransition(transitions, at);
  if (!chosen?.next) return null;
  switch (chosen.type) {
    case 'CREATE':
    case 'TRANSFER': {
      const { plan, phase, version } = chosen.next;
      const planStart = createPlanStart(version, plan.name, dt(sub.startDate), dt(sub.bundleStartDate));
      return currentAndNext(phaseTimeline(plan, phase.type, planStart, zone), at).next;
    }
    case 'CHANGE': {
      // PlanAligner.getNextTimedPhase for a CHANGE: the alignment of the phase it left → its plan, laid out again.
      const { plan, phase, version } = chosen.next;
      if (!chosen.prev) return null;
      const from = { planName: chosen.prev.plan.name, phaseType: chosen.prev.phase.type };
      const { alignment } = catalogRules.planChangeResult(version, from, { planName: plan.name });
      const original = transitions[0]?.next?.phase.type ?? null;
      const dates = { startDate: dt(sub.startDate), bundleStartDate: dt(sub.bundleStartDate), changeDate: chosen.effectiveDate };
      const { planStart, initialPhase } = changePlanStart(alignment, plan, dates, original, alignment === 'CHANGE_OF_PLAN' ? phase.type : null);
      return currentAndNext(phaseTimeline(plan, initialPhase, planStart, zone), at).next;
    }
    default:
      return null;
  }
}

export interface QueueDeps {
  readonly clock: Clock;
  readonly catalog: CatalogService;
  readonly accounts: AccountService;
}

async function onEvent(deps: QueueDeps, em: EntityManager, ctx: CallContext, eventId: string): Promise<void> {
  const row = await em.findOne(SubscriptionEventEntity, { id: eventId });
  // Deactivated since it was scheduled (cancelled, undone): nothing happens at its date.
  if (!row || !row.isActive) return;
  const sub = await em.findOneOrFail(SubscriptionEntity, { id: row.subscriptionId });
  const bundle = await em.findOneOrFail(BundleEntity, { id: sub.bundleId });
  const type = transitionType({ kind: row.eventType as SubscriptionEventKind, apiType: (row.userType ?? null) as ApiEventType | null });
  const effectiveDate = dt(row.effectiveDate);
  emitTransition(em, ctx, deps.clock, {
    type,
    subscriptionId: sub.id,
    eventId: row.id,
    bundleExternalKey: bundle.externalKey,
    effectiveDate,
    accountRecordId: sub.accountRecordId,
  });
  if (type !== 'PHASE') return;

  // DefaultSubscriptionBaseService.onPhaseEvent: the phase that just started schedules the one after it.
  const account = await deps.accounts.getById(ctx, bundle.accountId as AccountId);
  const time = new AccountTime(account.timeZone, account.referenceTime);
  const catalog = await deps.catalog.require(ctx);
  const events = (await em.find(SubscriptionEventEntity, { subscriptionId: sub.id })).map(toEventRecord);
  const transitions = transitionsOf(events, catalog);
  const next = nextPhaseAfter(sub, transitions, effectiveDate, time.zone);
  if (!next) return;
  const current = transitions.find((t) => t.eventId === row.id)?.next;
  if (!current) return;
  if (events.some((e) => e.isActive && e.kind === 'PHASE' && e.effectiveDate.toMillis() === next.start.toMillis())) return;
  const now = deps.clock.now();
  const phaseRow = em.create(SubscriptionEventEntity, {
    id: newId(),
    tenantRecordId: ctx.tenant.recordId,
    accountRecordId: sub.accountRecordId,
    subscriptionId: sub.id,
    eventType: 'PHASE',
    userType: null,
    effectiveDate: next.start.toJSDate(),
    requestedDate: next.start.toJSDate(),
    planName: current.plan.name,
    phaseName: phaseName(current.plan, next.phase),
    priceListName: current.priceListName,
    billingCycleDayLocal: null,
    quantity: null,
    isActive: true,
    ...creationStamps(ctx, now.toJSDate()),
  });
  scheduleSubscriptionWork(em, ctx, deps.clock, next.start, sub.accountRecordId, { kind: 'event', subscriptionId: sub.id, eventId: phaseRow.id });
}

async function onBlockingState(deps: QueueDeps, em: EntityManager, ctx: CallContext, id: string): Promise<void> {
  const row = await em.findOne(BlockingStateEntity, { id });
  if (!row || !row.isActive) return;
  emitBlockingState(em, ctx, deps.clock, { ...row, type: row.type as BlockingStateType, effectiveDate: dt(row.effectiveDate), accountRecordId: row.accountRecordId });
}

/** The `subscription-events` queue: a future subscription event or blocking state has become effective. */
export function subscriptionQueueHandler(deps: QueueDeps): NotificationHandler {
  return async (em, n, ctx) => {
    const work = parseNotification(n.payload);
    // A payload this queue never writes: nothing to do, and retrying would not change that.
    if (!work) return;
    if (work.kind === 'event') await onEvent(deps, em, ctx, work.eventId);
    else await onBlockingState(deps, em, ctx, work.blockingStateId);
  };
}
