import type { DateTime } from 'luxon';
import { catalogRules, type BillingActionPolicy, type BillingPeriod } from '../catalog/index.js';
import type { CallContext } from '../context.js';
import { BillingError } from '../errors/index.js';
import type { AccountTime, DateInput, LocalDate } from './account-time.js';
import {
  activeEvents,
  addEntitlementCancel,
  addEvent,
  addOnsOf,
  currentPhaseStart,
  deactivate,
  dt,
  earliestValidDate,
  emitRequested,
  entitlementCancels,
  inFrame,
  isApi,
  restoreNextPhase,
  sameTime,
  viewOf,
  type Frame,
  type LifecycleDeps,
} from './lifecycle.js';
import type { SubscriptionRow } from './model.js';
import type { SubscriptionId } from './subscription.js';

/**
 * Cancel and uncancel (killbill-semantics.md §5.3; Kill Bill's SubscriptionResource.cancelSubscriptionPlan,
 * DefaultEntitlement.cancelEntitlementWith*, DefaultSubscriptionBaseApiService.cancel* / uncancel). The
 * entitlement end (an ENT_CANCELLED blocking state) and the billing end (a CANCEL event) are decided apart
 * by the pure functions below; the apply part writes them, and a base takes its add-ons along at the same dates.
 */

export type EntitlementActionPolicy = 'IMMEDIATE' | 'END_OF_TERM';
export type BillingPolicy = Exclude<BillingActionPolicy, 'ILLEGAL'>;

/** What getEffectiveDateForPolicy reads from the subscription. */
export interface PolicyInputs {
  readonly now: DateTime;
  readonly time: AccountTime;
  /** The billing start (Kill Bill's startDate). */
  readonly startDate: DateTime;
  /** Set by invoicing; null until the subscription is invoiced. */
  readonly chargedThroughDate: DateTime | null;
  /** No policy date comes before the phase in force started (getCurrentPhaseStart). */
  readonly currentPhaseStart: DateTime;
  readonly billingPeriod: BillingPeriod;
  /** The day START_OF_TERM aligns on; null = the charged-through date's own day. */
  readonly billCycleDayLocal: number | null;
}

/** Kill Bill's BillingPeriod periods; NO_BILLING_PERIOD is zero. */
const PERIOD: Record<BillingPeriod, { months?: number; days?: number }> = {
  DAILY: { days: 1 }, WEEKLY: { days: 7 }, BIWEEKLY: { days: 14 }, THIRTY_DAYS: { days: 30 }, THIRTY_ONE_DAYS: { days: 31 }, SIXTY_DAYS: { days: 60 },
  NINETY_DAYS: { days: 90 }, MONTHLY: { months: 1 }, BIMESTRIAL: { months: 2 }, QUARTERLY: { months: 3 }, TRIANNUAL: { months: 4 }, BIANNUAL: { months: 6 },
  ANNUAL: { months: 12 }, SESQUIENNIAL: { months: 18 }, BIENNIAL: { months: 24 }, TRIENNIAL: { months: 36 }, NO_BILLING_PERIOD: {},
};

/**
 * DefaultSubscriptionBase.getEffectiveDateForPolicy: IMMEDIATE = now; END_OF_TERM = the CTD when it is
 * ahead, else now; START_OF_TERM = the start when never invoiced, the CTD when it is not ahead, else the
 * start of the billed period now in (the CTD stepped back one period at a time, on the BCD); never before
 * the phase in force started.
 */
export function effectiveDateForPolicy(policy: BillingPolicy, p: PolicyInputs): DateTime {
  const ctd = p.chargedThroughDate;
  const now = p.now.toMillis();
  let candidate: DateTime;
  if (policy === 'IMMEDIATE') candidate = p.now;
  else if (policy === 'END_OF_TERM') candidate = ctd !== null && ctd.toMillis() > now ? ctd : p.now;
  else if (ctd === null) candidate = p.startDate;
  else if (ctd.toMillis() <= now) candidate = ctd;
  else {
    const period = PERIOD[p.billingPeriod];
    if (!period.months && !period.days) candidate = p.now;
    else {
      let proposed = ctd.toUTC();
      while (proposed.toMillis() > now) proposed = proposed.minus(period);
      let local = p.time.local(proposed);
      if (period.months) {
        // BillCycleDayCalculator.alignProposedBillCycleDate: month-based periods land on the BCD (or the month's last day).
        const bcd = p.billCycleDayLocal ?? p.time.local(ctd).day;
        local = local.set({ day: Math.min(bcd, local.daysInMonth ?? 28) });
      }
      candidate = p.time.toInstant(local.toISODate() as LocalDate);
    }
  }
  return candidate.toMillis() < p.currentPhaseStart.toMillis() ? p.currentPhaseStart : candidate;
}

export interface CancelRequest {
  readonly subscriptionId: SubscriptionId;
  readonly requestedDate: DateInput | null;
  readonly entitlementPolicy: EntitlementActionPolicy | null;
  readonly billingPolicy: BillingActionPolicy | null;
  readonly useRequestedDateForBilling: boolean;
}

export interface CancelEnv extends PolicyInputs {
  /** The ENT_STARTED date. */
  readonly entitlementStart: DateTime;
  /** The catalog's cancelPolicy for the plan in force (or pending). */
  readonly catalogPolicy: BillingActionPolicy;
}

export interface CancelDates {
  readonly entitlementDate: DateTime;
  readonly billingDate: DateTime;
}

const latest = (a: DateTime, min: DateTime) => (a.toMillis() < min.toMillis() ? min : a);
const badDate = (date: unknown, start: DateTime) =>
  new BillingError('SUB_INVALID_REQUESTED_DATE', `Requested date ${String(date)} is not allowed to be prior to the previous transition ${start.toISO()}`, { requestedDate: String(date) });

function billingPolicyOf(policy: BillingActionPolicy, fromCatalog: boolean): BillingPolicy {
  if (policy === 'ILLEGAL') throw new BillingError('INVALID_PARAMETER', 'Unexpected policy type ILLEGAL', { field: 'billingPolicy' });
  // DefaultSubscriptionBaseApiService.cancel: "A default START_OF_TERM policy is not available".
  if (fromCatalog && policy === 'START_OF_TERM') throw new BillingError('INVALID_PARAMETER', 'A default START_OF_TERM policy is not available', { policy });
  return policy;
}

/** DefaultEntitlement.getLocalDateFromEntitlementPolicy: today, or the CTD's day (today when never invoiced), never before the start. */
function entitlementPolicyDay(policy: EntitlementActionPolicy, env: CancelEnv): LocalDate {
  const today = env.time.toLocalDate(env.now);
  const day = policy === 'END_OF_TERM' && env.chargedThroughDate !== null ? env.time.toLocalDate(env.chargedThroughDate) : today;
  const start = env.time.toLocalDate(env.entitlementStart);
  return day < start ? start : day;
}

/** fromLocalDateAndReferenceTimeWithMinimum: the day at the reference time (now when absent), not before `min`. */
const dayAt = (day: LocalDate | null, min: DateTime, env: CancelEnv) => latest(day === null ? env.now : env.time.toInstant(day), min);

/**
 * The entitlement and billing end dates of a cancellation, by SubscriptionResource.cancelSubscriptionPlan's
 * four branches: no policy (entitlement at the requested date or now; billing there too with
 * useRequestedDateForBilling or an instant requestedDate, else by the catalog policy); only entitlementPolicy
 * (its day; billing by the catalog); only billingPolicy (the requested day; billing by it); both (each by its own).
 */
export function decideCancel(req: Omit<CancelRequest, 'subscriptionId'>, env: CancelEnv): CancelDates {
  const catalogBilling = () => effectiveDateForPolicy(billingPolicyOf(env.catalogPolicy, true), env);
  if (req.billingPolicy === null && req.entitlementPolicy === null) {
    const r = req.requestedDate;
    if (r?.kind === 'instant') {
      if (r.at.toMillis() < env.entitlementStart.toMillis()) throw badDate(r.at.toISO(), env.entitlementStart);
      if (r.at.toMillis() < env.startDate.toMillis()) throw badDate(r.at.toISO(), env.startDate);
      return { entitlementDate: r.at, billingDate: r.at };
    }
    const day = r?.date ?? null;
    if (day !== null && day < env.time.toLocalDate(env.entitlementStart)) throw badDate(day, env.entitlementStart);
    const entitlementDate = dayAt(day, env.entitlementStart, env);
    return { entitlementDate, billingDate: req.useRequestedDateForBilling ? dayAt(day, env.startDate, env) : catalogBilling() };
  }
  if (req.billingPolicy === null) {
    const day = entitlementPolicyDay(req.entitlementPolicy!, env);
    return { entitlementDate: dayAt(day, env.entitlementStart, env), billingDate: catalogBilling() };
  }
  const policy = billingPolicyOf(req.billingPolicy, false);
  const r = req.requestedDate;
  const day =
    req.entitlementPolicy !== null ? entitlementPolicyDay(req.entitlementPolicy, env) : r === null ? null : r.kind === 'local' ? r.date : env.time.toLocalDate(r.at);
  return { entitlementDate: dayAt(day, env.entitlementStart, env), billingDate: effectiveDateForPolicy(policy, env) };
}

// ---------------------------------------------------------------------------------------------------------
// Apply

export function policyInputs(f: Frame, sub: SubscriptionRow): PolicyInputs {
  const v = viewOf(f, sub);
  const pp = v.base.current ?? v.base.lastActive;
  return {
    now: f.now,
    time: f.time,
    startDate: dt(sub.startDate),
    chargedThroughDate: sub.chargedThroughDate ? dt(sub.chargedThroughDate) : null,
    currentPhaseStart: currentPhaseStart(v, f.now),
    billingPeriod: pp?.phase.recurring?.billingPeriod ?? 'NO_BILLING_PERIOD',
    billCycleDayLocal: v.base.billCycleDayLocal,
  };
}

/**
 * The subscription-level cancel (doCancelPlan + cancelOrExpireSubscriptionFromTransaction): refused when it
 * has ended or ends sooner already; every active event from the date on is deactivated (its start kept), the
 * CANCEL appended; and the ENT_CANCELLED at `entitlementDate` replaces a pending one.
 */
export function writeCancel(f: Frame, sub: SubscriptionRow, billingDate: DateTime, entitlementDate: DateTime | null): void {
  const v = viewOf(f, sub);
  if (v.base.state === 'CANCELLED' || v.base.state === 'EXPIRED') {
    throw new BillingError('SUB_CANCEL_BAD_STATE', `Subscription ${sub.id} is in state ${v.base.state}: Failed to cancel`, { subscriptionId: sub.id, state: v.base.state });
  }
  // A pending cancellation (or expiry) before the new date must be undone first; a later one is superseded.
  const sooner = v.base.pending.find((t) => (t.type === 'CANCEL' || t.type === 'EXPIRED') && t.effectiveDate.toMillis() < billingDate.toMillis());
  if (sooner) {
    const state = sooner.type === 'CANCEL' ? 'PENDING CANCELLED' : 'PENDING EXPIRY';
    throw new BillingError('SUB_CANCEL_BAD_STATE', `Subscription ${sub.id} is in state ${state}: Failed to cancel`, { subscriptionId: sub.id, state });
  }
  const earliest = earliestValidDate(v, f.now);
  if (billingDate.toMillis() < earliest.toMillis()) throw badDate(billingDate.toISO(), earliest);

  deactivate(f, activeEvents(f, sub, (r) => r.effectiveDate.getTime() >= billingDate.toMillis() && !isApi(r, 'CREATE', 'TRANSFER')));
  const row = addEvent(f, sub, { kind: 'API_USER', apiType: 'CANCEL', at: billingDate });
  emitRequested(f, sub, row, 'CANCEL');
  if (entitlementDate === null) return;
  deactivate(f, entitlementCancels(f, sub).filter((s) => s.effectiveDate.getTime() > f.now.toMillis()));
  addEntitlementCancel(f, sub, entitlementDate);
}

/**
 * Add-ons follow their base at its dates (addCancellationAddOnForEventsIfRequired with no base product, and
 * the entitlement's computeAddOnBlockingStates): every add-on still running that does not already end by
 * then. `onlyIf` narrows it to the add-ons a base change leaves included or unavailable.
 */
export function cascadeToAddOns(f: Frame, billingDate: DateTime, entitlementDate: DateTime, onlyIf: (addOn: SubscriptionRow, planProduct: string) => boolean = () => true): void {
  if (f.sub.category !== 'BASE') return;
  for (const addOn of addOnsOf(f)) {
    const v = viewOf(f, addOn);
    if (v.base.state === 'CANCELLED' || v.base.state === 'EXPIRED') continue;
    const product = (v.base.current ?? v.base.lastActive)?.plan.product;
    if (product === undefined || !onlyIf(addOn, product)) continue;
    if (v.base.endDate !== null && v.base.endDate.toMillis() <= billingDate.toMillis()) continue;
    writeCancel(f, addOn, latest(billingDate, dt(addOn.startDate)), null);
    const ent = v.entitlement;
    if (ent.endDate !== null && ent.endDate.toMillis() <= entitlementDate.toMillis()) continue;
    deactivate(f, entitlementCancels(f, addOn).filter((s) => s.effectiveDate.getTime() > f.now.toMillis()));
    addEntitlementCancel(f, addOn, ent.startDate ? latest(entitlementDate, ent.startDate) : entitlementDate);
  }
}

export function cancelSubscription(deps: LifecycleDeps, ctx: CallContext, req: CancelRequest): Promise<void> {
  return inFrame(deps, ctx, req.subscriptionId, 'entitlement:cancel', async (f) => {
    const v = viewOf(f, f.sub);
    if (v.entitlement.state === 'CANCELLED') {
      throw new BillingError('SUB_CANCEL_BAD_STATE', `Subscription ${f.sub.id} is in state CANCELLED: Failed to cancel`, { subscriptionId: f.sub.id, state: 'CANCELLED' });
    }
    const pp = v.base.current ?? v.base.lastActive;
    if (!pp) throw new BillingError('SUB_CANCEL_BAD_STATE', `Subscription ${f.sub.id} is in state ${v.base.state}: Failed to cancel`, { subscriptionId: f.sub.id });
    // DefaultSubscriptionBaseApiService.cancel asks the catalog with the plan only (no phase type).
    const catalogPolicy = catalogRules.cancelPolicy(pp.version, { planName: pp.plan.name });
    const env: CancelEnv = { ...policyInputs(f, f.sub), entitlementStart: v.entitlement.startDate ?? dt(f.sub.startDate), catalogPolicy };
    const { entitlementDate, billingDate } = decideCancel(req, env);
    writeCancel(f, f.sub, billingDate, entitlementDate);
    cascadeToAddOns(f, billingDate, entitlementDate);
  });
}

/**
 * What a base's cancel or change wrote on its add-ons in the same call (same date, same instant written) is
 * undone with it: Kill Bill never stores those until the base event is in force, so undoing the base undoes them.
 */
export function undoAddOnCascade(f: Frame, at: Date, writtenAt: Date): void {
  if (f.sub.category !== 'BASE') return;
  for (const addOn of addOnsOf(f)) {
    const cancels = activeEvents(f, addOn, (r) => isApi(r, 'CANCEL') && sameTime(r.effectiveDate, at) && sameTime(r.createdDate, writtenAt));
    if (cancels.length === 0) continue;
    deactivate(f, cancels);
    deactivate(f, entitlementCancels(f, addOn).filter((s) => sameTime(s.createdDate, writtenAt)));
    restoreNextPhase(f, addOn);
  }
}

/**
 * DefaultEntitlement.uncancelEntitlement + DefaultSubscriptionBaseApiService.uncancel: refused once billing
 * has ended (SUB_UNCANCEL_BAD_STATE) or when nothing was cancelled (ENT_UNCANCEL_BAD_STATE); the
 * ENT_CANCELLED goes, and a pending CANCEL with the future phases goes for an UNCANCEL now and the next phase.
 */
export function uncancelSubscription(deps: LifecycleDeps, ctx: CallContext, id: SubscriptionId): Promise<void> {
  return inFrame(deps, ctx, id, 'entitlement:cancel', async (f) => {
    const v = viewOf(f, f.sub);
    if (v.base.state === 'CANCELLED') {
      throw new BillingError('SUB_UNCANCEL_BAD_STATE', `Subscription (billing) ${id} is not in pending cancelled state: Failed to uncancel plan`, { subscriptionId: id });
    }
    const own = entitlementCancels(f, f.sub);
    const toLift = v.entitlement.state === 'CANCELLED' ? own : own.filter((s) => s.effectiveDate.getTime() >= f.now.toMillis());
    if (toLift.length === 0) {
      throw new BillingError('ENT_UNCANCEL_BAD_STATE', `Subscription (entitlement) ${id} was not previously cancelled or is not in a pending cancelled state: Failed to uncancel plan`, {
        subscriptionId: id,
      });
    }
    deactivate(f, toLift);
    const pendingCancel = activeEvents(f, f.sub, (r) => isApi(r, 'CANCEL') && r.effectiveDate.getTime() > f.now.toMillis());
    if (pendingCancel.length === 0) return;
    const future = activeEvents(f, f.sub, (r) => r.eventType === 'PHASE' && r.effectiveDate.getTime() > f.now.toMillis());
    deactivate(f, [...pendingCancel, ...future]);
    const row = addEvent(f, f.sub, { kind: 'API_USER', apiType: 'UNCANCEL', at: f.now });
    restoreNextPhase(f, f.sub);
    emitRequested(f, f.sub, row, 'UNCANCEL');
    for (const c of pendingCancel) undoAddOnCascade(f, c.effectiveDate, c.createdDate);
  });
}
