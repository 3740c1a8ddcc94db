import type { DateTime } from 'luxon';
import type { Account } from '../account/account.js';
import {
  BILLING_ACTION_POLICIES,
  catalogRules,
  phaseName,
  type BillingActionPolicy,
  type BillingPeriod,
  type CatalogVersion,
  type Phase,
  type PhaseType,
  type Plan,
  type PlanSpecifier,
  type VersionedCatalog,
} from '../catalog/index.js';
import { BillingError } from '../errors/index.js';
import { changePlanStart, currentAndNext, phaseTimeline } from '../subscription/alignment.js';
import type { AccountTime } from '../subscription/account-time.js';
import type { BillingEvent } from '../subscription/billing-events.js';
import { priceIn } from '../subscription/billing-events.js';
import { effectiveDateForPolicy, type BillingPolicy, type PolicyInputs } from '../subscription/cancel.js';
import { newId } from '../values/ids.js';
import { generateItems } from './generator/generate.js';
import type { DryRunRequest } from './invoice-service.js';

/**
 * Dry run SUBSCRIPTION_ACTION (§4.11): the action becomes synthetic billing events added to the account's
 * real ones, and the run is generated as usual without writing anything.
 *
 * - The plan: by `planName`, else by product + billing period + price list (InvoiceResource.generateDryRunInvoice
 *   builds a PlanSpecifier from one or the other), in the catalog version in force at the action's date.
 * - START_BILLING: a CREATE of a new subscription (new ids, or the given bundle) in the given phase or the
 *   plan's first, effective at the requested date (else now).
 * - CHANGE: a CHANGE of the given subscription at the date `billingPolicy` gives (IMMEDIATE = now,
 *   END_OF_TERM = its charged-through date when ahead, START_OF_TERM = the start of the billed period), else
 *   the requested date, else the catalog's changePolicy; the new plan's phase by the catalog's changeAlignment
 *   (a change in TRIAL keeps the rest of the trial, ...), with the next phase's PHASE event; the
 *   subscription's real events from that date on are dropped.
 * - STOP_BILLING: a CANCEL at the date `billingPolicy` gives, else the requested date, else the catalog's
 *   cancelPolicy; later real events dropped. A cancel at the end of the term bills nothing now, so the dry
 *   run is "nothing to do" (204), as §4.11 says.
 *
 * The charged-through date END_OF_TERM uses is the caller's (`chargedThroughDate`, the subscription's
 * stored one) or, without it, what the generator bills the subscription through today from its events
 * (the same date while invoicing is up to date: runs follow every event and next billing date).
 */
export interface SimulationContext {
  readonly account: Account;
  readonly time: AccountTime;
  readonly catalog: VersionedCatalog | null;
  /** The requested date when the action has an `effectiveDate`, else now. */
  readonly at: DateTime;
  /** The clock's now (policies are evaluated from it); absent: `at`. */
  readonly now?: DateTime;
  /** The subscription's stored charged-through date; absent: computed from its billing events. */
  readonly chargedThroughDate?: (subscriptionId: string) => DateTime | null;
}

type Action = NonNullable<DryRunRequest['action']>;

export function simulateAction(events: readonly BillingEvent[], action: Action, ctx: SimulationContext): BillingEvent[] {
  const invalid = (message: string) => new BillingError('INVALID_PARAMETER', message, { dryRunAction: action.dryRunAction });
  const now = ctx.now ?? ctx.at;
  const requested = action.effectiveDate ? ctx.at : null;
  const policy = billingPolicyOf(action.billingPolicy);
  const subscriptionId = action.subscriptionId ?? null;
  const own = subscriptionId === null ? [] : events.filter((e) => e.subscriptionId === subscriptionId);

  if (action.dryRunAction === 'START_BILLING') {
    const catalog = requireCatalog(ctx.catalog, invalid);
    const { plan, version } = resolvePlan(catalog, action, ctx.at, invalid);
    const phases = phaseTimeline(plan, (action.phaseType as PhaseType | null | undefined) ?? null, ctx.at, ctx.time.zone);
    const created = planEvent({ type: 'CREATE', at: ctx.at, plan, version, phase: phases[0]!.phase, action, ctx, subscriptionId: newId(), bundleId: action.bundleId ?? newId(), last: null });
    return sortEvents([...events, created, ...nextPhase(plan, phases, ctx.at, created)]);
  }

  const last = lastBefore(own, now) ?? own[0];
  if (!last) throw invalid(`Dry run ${action.dryRunAction} needs an active subscriptionId (got ${subscriptionId ?? 'none'})`);
  const inputs = policyInputs(own, last, now, ctx);
  const fromSpec = { planName: last.planName, phaseType: last.phaseType };

  if (action.dryRunAction === 'STOP_BILLING') {
    const chosen = policy ?? (requested === null && ctx.catalog ? defaultPolicy(catalogRules.cancelPolicy(ctx.catalog.versionAt(now), fromSpec)) : null);
    const date = chosen !== null ? effectiveDateForPolicy(chosen, inputs) : (requested ?? now);
    const kept = events.filter((e) => e.subscriptionId !== subscriptionId || e.effectiveDate.toMillis() <= date.toMillis());
    const before = lastBefore(own, date) ?? last;
    return sortEvents([...kept, { ...before, eventId: newId(), type: 'CANCEL', effectiveDate: date }]);
  }

  const catalog = requireCatalog(ctx.catalog, invalid);
  const to = planSpecifier(action, invalid);
  const chosen = policy ?? (requested === null ? catalogRules.planChangeResult(catalog.versionAt(now), fromSpec, to).policy : null);
  const date = latest(chosen !== null ? effectiveDateForPolicy(chosen, inputs) : (requested ?? now), last.effectiveDate);
  const { plan, version } = resolvePlan(catalog, action, date, invalid);
  const alignment = catalogRules.changeAlignment(version, fromSpec, to);
  const first = own[0]!;
  const { planStart, initialPhase } = changePlanStart(
    alignment,
    plan,
    { startDate: first.effectiveDate, bundleStartDate: first.effectiveDate, changeDate: date },
    first.phaseType,
    (action.phaseType as PhaseType | null | undefined) ?? null,
  );
  const timeline = phaseTimeline(plan, initialPhase, planStart, ctx.time.zone);
  const { current } = currentAndNext(timeline, date);
  const phase = (current ?? timeline[0]!).phase;
  const before = lastBefore(own, date) ?? last;
  const changed = planEvent({ type: 'CHANGE', at: date, plan, version, phase, action, ctx, subscriptionId: before.subscriptionId, bundleId: before.bundleId, last: before });
  const kept = events.filter((e) => e.subscriptionId !== subscriptionId || e.effectiveDate.toMillis() < date.toMillis());
  return sortEvents([...kept, changed, ...nextPhase(plan, timeline, date, changed)]);
}

function billingPolicyOf(value: string | null | undefined): BillingPolicy | null {
  if (value === null || value === undefined || value === '') return null;
  if (!(BILLING_ACTION_POLICIES as readonly string[]).includes(value) || value === 'ILLEGAL') {
    throw new BillingError('INVALID_PARAMETER', `Invalid billingPolicy ${value.slice(0, 32)}: one of IMMEDIATE, END_OF_TERM, START_OF_TERM`, { field: 'billingPolicy' });
  }
  return value as BillingPolicy;
}

/** The catalog's cancelPolicy; ILLEGAL (no cancel allowed by policy) falls back to the requested date / now. */
function defaultPolicy(policy: BillingActionPolicy): BillingPolicy | null {
  return policy === 'ILLEGAL' ? null : policy;
}

function requireCatalog(catalog: VersionedCatalog | null, invalid: (m: string) => BillingError): VersionedCatalog {
  if (!catalog) throw invalid('Dry run SUBSCRIPTION_ACTION needs a catalog');
  return catalog;
}

/** InvoiceResource.generateDryRunInvoice's PlanSpecifier: the plan name, else product + billing period + price list. */
function planSpecifier(action: Action, invalid: (m: string) => BillingError): PlanSpecifier {
  if (action.planName) return { planName: action.planName };
  if (!action.productName || !action.billingPeriod) throw invalid('Dry run SUBSCRIPTION_ACTION needs a planName, or a productName and billingPeriod');
  return { productName: action.productName, billingPeriod: action.billingPeriod as BillingPeriod, ...(action.priceListName ? { priceListName: action.priceListName } : {}) };
}

function resolvePlan(catalog: VersionedCatalog, action: Action, at: DateTime, invalid: (m: string) => BillingError): { plan: Plan; version: CatalogVersion } {
  const spec = planSpecifier(action, invalid);
  if (spec.planName !== undefined) return catalog.findPlan(spec.planName, at);
  return catalog.findPlanBySpec({ productName: spec.productName!, billingPeriod: spec.billingPeriod!, priceListName: spec.priceListName ?? null }, at);
}

/** The subscription's last event at or before `at`. */
function lastBefore(own: readonly BillingEvent[], at: DateTime): BillingEvent | undefined {
  let found: BillingEvent | undefined;
  for (const e of own) if (e.effectiveDate.toMillis() <= at.toMillis()) found = e;
  return found;
}

/** What Kill Bill's getEffectiveDateForPolicy reads from the subscription, from its billing events. */
function policyInputs(own: readonly BillingEvent[], last: BillingEvent, now: DateTime, ctx: SimulationContext): PolicyInputs {
  const phaseStart = [...own].reverse().find((e) => e.effectiveDate.toMillis() <= now.toMillis() && (e.type === 'CREATE' || e.type === 'PHASE' || e.type === 'CHANGE' || e.type === 'TRANSFER'));
  return {
    now,
    time: ctx.time,
    startDate: own[0]!.effectiveDate,
    chargedThroughDate: ctx.chargedThroughDate ? ctx.chargedThroughDate(last.subscriptionId) : billedThrough(own, now, ctx),
    currentPhaseStart: (phaseStart ?? own[0]!).effectiveDate,
    billingPeriod: last.billingPeriod,
    billCycleDayLocal: last.billCycleDayLocal,
  };
}

/** The charged-through date a run today gives the subscription (the generator on its events alone). */
function billedThrough(own: readonly BillingEvent[], now: DateTime, ctx: SimulationContext): DateTime | null {
  const currency = ctx.account.currency ?? own.find((e) => e.currency !== null)?.currency ?? null;
  if (currency === null) return null;
  const result = generateItems({ time: ctx.time, currency, targetDate: ctx.time.toLocalDate(now), events: own, existing: [], config: { maxDailyItemsPerSubscription: -1, fixedProrationDays: 0 } });
  const date = result.chargedThroughDates.get(own[0]!.subscriptionId);
  return date === undefined ? null : ctx.time.toInstant(date);
}

interface PlanEventInput {
  readonly type: 'CREATE' | 'CHANGE';
  readonly at: DateTime;
  readonly plan: Plan;
  readonly version: CatalogVersion;
  readonly phase: Phase;
  readonly action: Action;
  readonly ctx: SimulationContext;
  readonly subscriptionId: string;
  readonly bundleId: string;
  readonly last: BillingEvent | null;
}

function planEvent(p: PlanEventInput): BillingEvent {
  const { plan, version, ctx, last } = p;
  const phase = p.phase;
  const product = ctx.catalog!.findProduct(plan.product, p.at);
  const currency = ctx.account.currency;
  return {
    subscriptionId: p.subscriptionId,
    bundleId: p.bundleId,
    eventId: newId(),
    type: p.type,
    effectiveDate: p.at,
    planName: plan.name,
    phaseName: phaseName(plan, phase),
    phaseType: phase.type,
    phaseDuration: phase.duration,
    productName: product.name,
    category: product.category,
    priceListName: p.action.priceListName ?? last?.priceListName ?? 'DEFAULT',
    fixedPrice: priceIn(phase.fixed?.price, currency),
    recurringPrice: priceIn(phase.recurring?.price, currency),
    currency,
    billingPeriod: phase.recurring?.billingPeriod ?? 'NO_BILLING_PERIOD',
    billingMode: plan.recurringBillingMode,
    billingAlignment: catalogRules.billingAlignment(version, { planName: plan.name, phaseType: phase.type }),
    billCycleDayLocal: last?.billCycleDayLocal ?? (ctx.account.billCycleDayLocal || ctx.time.local(p.at).day),
    quantity: last?.quantity ?? 1,
    catalogEffectiveDate: version.effectiveDate,
  };
}

/** The PHASE event of the phase after the one the plan starts in, if it starts later (a trial's end). */
function nextPhase(plan: Plan, timeline: ReturnType<typeof phaseTimeline>, at: DateTime, from: BillingEvent): BillingEvent[] {
  const { next } = currentAndNext(timeline, at);
  if (!next) return [];
  const phase = next.phase;
  const currency = from.currency;
  return [
    {
      ...from,
      eventId: newId(),
      type: 'PHASE',
      effectiveDate: next.start,
      phaseName: phaseName(plan, phase),
      phaseType: phase.type,
      phaseDuration: phase.duration,
      fixedPrice: priceIn(phase.fixed?.price, currency),
      recurringPrice: priceIn(phase.recurring?.price, currency),
      billingPeriod: phase.recurring?.billingPeriod ?? 'NO_BILLING_PERIOD',
    },
  ];
}

function latest(a: DateTime, b: DateTime): DateTime {
  return a.toMillis() >= b.toMillis() ? a : b;
}

function sortEvents(events: BillingEvent[]): BillingEvent[] {
  return events.sort((a, b) => a.effectiveDate.toMillis() - b.effectiveDate.toMillis());
}
