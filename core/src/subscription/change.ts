import type { DateTime, Zone } from 'luxon';
import { catalogRules, phaseName, type BillingActionPolicy, type BillingPeriod, type PhaseType, type Plan, type PlanAlignmentChange, type PlanSpecifier } from '../catalog/index.js';
import type { CallContext } from '../context.js';
import { BillingError } from '../errors/index.js';
import type { DateInput } from './account-time.js';
import { addDuration, changePlanStart, currentAndNext, phaseTimeline, type TimedPhase } from './alignment.js';
import { checkNotBlocked } from './blocking.js';
import { cascadeToAddOns, effectiveDateForPolicy, policyInputs, undoAddOnCascade, type BillingPolicy, type PolicyInputs } from './cancel.js';
import {
  activeEvents,
  addEvent,
  deactivate,
  dt,
  earliestValidDate,
  emitRequested,
  inFrame,
  isApi,
  restoreNextPhase,
  viewOf,
  type LifecycleDeps,
} from './lifecycle.js';
import type { SubscriptionId } from './subscription.js';
import { lastPlanTransition } from './timeline.js';

/**
 * Change plan and undo change (killbill-semantics.md §5.2; Kill Bill's SubscriptionResource.changeSubscriptionPlan,
 * DefaultEntitlement.changePlan*, DefaultSubscriptionBaseApiService.changePlan* / undoChangePlan, PlanAligner).
 * The date (policy, requested date, or the catalog's changePolicy) and the new plan's phase layout
 * (changeAlignment) are pure; the apply part replaces the events from the change date on with a CHANGE,
 * its next PHASE (or EXPIRED of a fixed term), and cancels the add-ons the new base no longer allows.
 */

export interface ChangeSpec {
  readonly planName?: string | null;
  readonly productName?: string | null;
  readonly billingPeriod?: BillingPeriod | null;
  readonly priceListName?: string | null;
  /** Start the new plan in this phase. */
  readonly phaseType?: PhaseType | null;
  readonly billCycleDayLocal?: number | null;
  /** Price overrides are not supported yet: any given is refused. */
  readonly hasPriceOverrides?: boolean;
}

export interface ChangeRequest {
  readonly subscriptionId: SubscriptionId;
  readonly spec: ChangeSpec;
  readonly requestedDate: DateInput | null;
  readonly billingPolicy: BillingActionPolicy | null;
}

const latest = (a: DateTime, min: DateTime) => (a.toMillis() < min.toMillis() ? min : a);

/**
 * dryRunChangePlan: the policy's date (the catalog's when neither policy nor date is given), else the
 * requested date, else now; never before the last transition in force.
 */
export function decideChangeDate(policy: BillingPolicy | null, requested: DateTime | null, inputs: PolicyInputs, earliestValid: DateTime): DateTime {
  const candidate = policy !== null ? effectiveDateForPolicy(policy, inputs) : (requested ?? inputs.now);
  return latest(candidate, earliestValid);
}

export interface ChangeLayout {
  readonly current: TimedPhase;
  readonly next: TimedPhase | null;
  /** The end of a FIXEDTERM phase the change lands in (getEventsOnChangePlan's EXPIRED). */
  readonly expiry: DateTime | null;
}

/** The new plan's phase at the change date and the one after (getCurrentTimedPhaseOnChange / getNextTimedPhaseOnChange). */
export function changeLayout(
  newPlan: Plan,
  alignment: PlanAlignmentChange,
  dates: { readonly startDate: DateTime; readonly bundleStartDate: DateTime; readonly changeDate: DateTime },
  originalInitialPhase: PhaseType | null,
  requestedPhase: PhaseType | null,
  zone: Zone,
): ChangeLayout {
  const { planStart, initialPhase } = changePlanStart(alignment, newPlan, dates, originalInitialPhase, requestedPhase);
  const { current, next } = currentAndNext(phaseTimeline(newPlan, initialPhase, planStart, zone), dates.changeDate);
  if (!current) {
    throw new BillingError('SUB_INVALID_REQUESTED_DATE', `Requested date ${dates.changeDate.toISO()} is not allowed to be prior to the previous transition ${planStart.toISO()}`);
  }
  const expiry = current.phase.type === 'FIXEDTERM' ? addDuration(current.start, current.phase.duration, zone) : null;
  return { current, next, expiry };
}

function checkChangeSpec(req: ChangeRequest): void {
  const s = req.spec;
  if (s.hasPriceOverrides) throw new BillingError('INVALID_PARAMETER', 'SubscriptionJson priceOverrides are not supported yet', { field: 'priceOverrides' });
  if (s.planName == null) {
    for (const [field, value] of [['productName', s.productName], ['billingPeriod', s.billingPeriod], ['priceList', s.priceListName]] as const) {
      if (value == null) throw new BillingError('INVALID_PARAMETER', `SubscriptionJson ${field} needs to be set`, { field });
    }
  }
  if (s.billCycleDayLocal != null && (s.billCycleDayLocal < 1 || s.billCycleDayLocal > 31)) {
    throw new BillingError('INVALID_PARAMETER', 'SubscriptionJson billCycleDayLocal must be from 1 to 31', { field: 'billCycleDayLocal' });
  }
  if (req.requestedDate !== null && req.billingPolicy !== null) {
    throw new BillingError('INVALID_PARAMETER', 'Only one of requestedDate or billingPolicy should be specified', { field: 'requestedDate' });
  }
  if (req.billingPolicy === 'ILLEGAL') throw new BillingError('INVALID_PARAMETER', 'Unexpected policy type ILLEGAL', { field: 'billingPolicy' });
}

const nonActive = (id: string, state: string) => new BillingError('SUB_CHANGE_NON_ACTIVE', `Subscription ${id} is in state ${state}: Failed to change plan`, { subscriptionId: id, state });

export function changePlan(deps: LifecycleDeps, ctx: CallContext, req: ChangeRequest): Promise<void> {
  checkChangeSpec(req);
  return inFrame(deps, ctx, req.subscriptionId, 'entitlement:change_plan', async (f) => {
    const { sub, now, catalog, time } = f;
    const v = viewOf(f, sub);
    const requested = req.requestedDate ? time.resolve(req.requestedDate) : null;
    // DefaultEntitlement.changePlan needs an active entitlement; with a date, only not before its start.
    if (req.billingPolicy === null && requested === null && v.entitlement.state !== 'ACTIVE') throw nonActive(sub.id, v.entitlement.state);
    if (requested !== null && v.entitlement.startDate && requested.toMillis() < v.entitlement.startDate.toMillis()) throw nonActive(sub.id, v.entitlement.state);
    const from = v.base.state === 'PENDING' ? v.base.lastActive : v.base.current;
    if (!from || v.base.state === 'CANCELLED' || v.base.state === 'EXPIRED') throw nonActive(sub.id, v.base.state);

    const s = req.spec;
    const to: PlanSpecifier =
      s.planName != null ? { planName: s.planName } : { productName: s.productName ?? '', billingPeriod: s.billingPeriod ?? 'NO_BILLING_PERIOD', priceListName: s.priceListName ?? '' };
    const fromSpec = { planName: from.plan.name, phaseType: from.phase.type };
    let policy: BillingPolicy | null = null;
    if (req.billingPolicy !== null) policy = req.billingPolicy as BillingPolicy;
    // The catalog's changePolicy (ILLEGAL is CAT_ILLEGAL_CHANGE_REQUEST) applies when neither a date nor a policy is given.
    else if (requested === null) policy = catalogRules.planChangeResult(catalog.versionAt(now), fromSpec, to).policy;
    const changeDate = decideChangeDate(policy, requested, policyInputs(f, sub), earliestValidDate(v, now));

    await checkNotBlocked(f.em, { subscriptionId: sub.id, bundleId: sub.bundleId, accountId: f.account.id, accountRecordId: f.account.recordId }, changeDate);
    // validateSubscriptionStateForChangePlan.
    if (requested !== null && requested.toMillis() < dt(sub.startDate).toMillis()) throw nonActive(sub.id, v.base.state);
    if (v.base.pending.some((t) => t.type === 'CANCEL')) {
      throw new BillingError('SUB_CHANGE_FUTURE_CANCELLED', `Subscription ${sub.id} is future cancelled: Failed to change plan`, { subscriptionId: sub.id });
    }

    const { plan: newPlan, version } =
      s.planName != null ? catalog.findPlan(s.planName, changeDate) : catalog.findPlanBySpec({ productName: s.productName ?? '', billingPeriod: s.billingPeriod!, priceListName: s.priceListName ?? null }, changeDate);
    const product = version.products.find((p) => p.name === newPlan.product);
    if (!product) throw new BillingError('CAT_NO_SUCH_PRODUCT', `Could not find any product named '${newPlan.product}'`, { productName: newPlan.product });
    if (product.category === 'ADD_ON' && newPlan.plansAllowedInBundle > 0) {
      const same = f.bundleSubs.filter((o) => o.category === 'ADD_ON' && o.id !== sub.id && viewOf(f, o).base.current?.plan.name === newPlan.name).length;
      if (same >= newPlan.plansAllowedInBundle) {
        throw new BillingError(
          'SUB_CHANGE_AO_MAX_PLAN_ALLOWED_BY_BUNDLE',
          `Can't change Plan to AddOn ${newPlan.name}, the number of Subscriptions allowed by this Plan and Bundle has reached its limit`,
          { planName: newPlan.name },
        );
      }
    }
    if (product.category !== sub.category) throw new BillingError('SUB_CHANGE_INVALID', `Invalid change plan for subscription ${sub.id}`, { subscriptionId: sub.id });
    const priceListName = catalog.findPriceListOfPlan(newPlan.name, changeDate).name;

    // PlanAligner aligns from the phase the plan in force (or pending) started with.
    const planT = v.base.state === 'PENDING' ? v.transitions.find((t) => t.next !== null) : lastPlanTransition(v.transitions, now);
    const alignFrom = planT?.next ? { planName: planT.next.plan.name, phaseType: planT.next.phase.type } : fromSpec;
    const { alignment } = catalogRules.planChangeResult(catalog.versionAt(changeDate), alignFrom, { planName: newPlan.name });
    const original = v.transitions[0]?.next?.phase.type ?? null;
    const dates = { startDate: dt(sub.startDate), bundleStartDate: dt(sub.bundleStartDate), changeDate };
    const layout = changeLayout(newPlan, alignment, dates, original, s.phaseType ?? null, time.zone);

    // DefaultSubscriptionDao.changePlan: events from the change date on go (settings kept); a change at the
    // start date replaces the CREATE itself.
    const first = activeEvents(f, sub, (r) => isApi(r, 'CREATE', 'TRANSFER'))[0];
    const onStart = first !== undefined && first.effectiveDate.getTime() === changeDate.toMillis();
    deactivate(f, activeEvents(f, sub, (r) => r.effectiveDate.getTime() >= changeDate.toMillis() && !isApi(r, 'CREATE', 'TRANSFER') && r.eventType !== 'BCD_UPDATE' && r.eventType !== 'QUANTITY_UPDATE'));
    if (onStart) deactivate(f, [first]);
    const plan = { planName: newPlan.name, priceListName };
    const change = addEvent(f, sub, {
      kind: 'API_USER',
      apiType: onStart ? (first.userType as 'CREATE' | 'TRANSFER') : 'CHANGE',
      at: changeDate,
      phaseName: phaseName(newPlan, layout.current.phase),
      ...plan,
    });
    if (layout.expiry) addEvent(f, sub, { kind: 'EXPIRED', apiType: null, at: layout.expiry });
    if (s.billCycleDayLocal != null) addEvent(f, sub, { kind: 'BCD_UPDATE', apiType: null, at: changeDate, bcd: s.billCycleDayLocal });
    if (layout.next && layout.next.start.toMillis() !== changeDate.toMillis()) {
      addEvent(f, sub, { kind: 'PHASE', apiType: null, at: layout.next.start, phaseName: phaseName(newPlan, layout.next.phase), ...plan });
    }
    emitRequested(f, sub, change, 'CHANGE');

    // A base change cancels, at its date, the add-ons the new product includes or does not offer.
    cascadeToAddOns(f, changeDate, changeDate, (_, addOnProduct) => product.included.includes(addOnProduct) || !product.available.includes(addOnProduct));
  });
}

/**
 * undoChangePlan: only while a change is pending (SUB_UNDO_CHANGE_BAD_STATE); the pending CHANGE and the
 * future phases go for an UNDO_CHANGE now and the next phase of the plan in force.
 */
export function undoChangePlan(deps: LifecycleDeps, ctx: CallContext, id: SubscriptionId): Promise<void> {
  return inFrame(deps, ctx, id, 'entitlement:change_plan', async (f) => {
    const pending = activeEvents(f, f.sub, (r) => isApi(r, 'CHANGE') && r.effectiveDate.getTime() > f.now.toMillis());
    if (pending.length === 0) {
      throw new BillingError('SUB_UNDO_CHANGE_BAD_STATE', `Subscription (billing) ${id} does not have a pending change plan: Failed to undo change plan`, { subscriptionId: id });
    }
    deactivate(f, [...pending, ...activeEvents(f, f.sub, (r) => r.eventType === 'PHASE' && r.effectiveDate.getTime() > f.now.toMillis())]);
    const row = addEvent(f, f.sub, { kind: 'API_USER', apiType: 'UNDO_CHANGE', at: f.now });
    restoreNextPhase(f, f.sub);
    emitRequested(f, f.sub, row, 'UNDO_CHANGE');
    for (const c of pending) undoAddOnCascade(f, c.effectiveDate, c.createdDate);
  });
}
