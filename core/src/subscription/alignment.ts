import type { DateTime, Zone } from 'luxon';
import { catalogRules, phasesOf, type CatalogVersion, type Duration, type Phase, type PhaseType, type Plan, type PlanAlignmentChange } from '../catalog/index.js';
import { BillingError } from '../errors/index.js';

/**
 * Kill Bill's PlanAligner for creation (kb:subscription alignment/PlanAligner.java, killbill-semantics.md
 * §5.1): a plan's phases laid out from an alignment start, each starting where the previous one's duration
 * ends. Durations are added in the account's fixed-offset zone (BaseAligner.addDuration), so "1 month"
 * is a calendar month of the account. Pure functions.
 */

export interface TimedPhase {
  readonly phase: Phase;
  readonly start: DateTime;
}

/** The instant `duration` after `from`, counted in `zone`; null for UNLIMITED (a phase that never ends). */
export function addDuration(from: DateTime, duration: Duration, zone: Zone): DateTime | null {
  if (duration.unit === 'UNLIMITED') return null;
  const n = duration.number ?? 0;
  const local = from.setZone(zone);
  const moved =
    duration.unit === 'DAYS' ? local.plus({ days: n }) : duration.unit === 'WEEKS' ? local.plus({ weeks: n }) : duration.unit === 'MONTHS' ? local.plus({ months: n }) : local.plus({ years: n });
  return moved.toUTC();
}

/**
 * The phases from `initialPhase` on (or from the first one), the first starting at `planStart`
 * (PlanAligner.getPhaseAlignments). Asking for a phase type the plan does not have is SUB_CREATE_BAD_PHASE.
 */
export function phaseTimeline(plan: Plan, initialPhase: PhaseType | null, planStart: DateTime, zone: Zone): TimedPhase[] {
  const out: TimedPhase[] = [];
  let start: DateTime | null = initialPhase === null ? planStart : null;
  for (const phase of phasesOf(plan)) {
    if (start === null) {
      if (phase.type !== initialPhase) continue;
      start = planStart;
    }
    out.push({ phase, start });
    if (phase.type === 'EVERGREEN') continue;
    const next = addDuration(start, phase.duration, zone);
    if (next === null) break;
    start = next;
  }
  if (out.length === 0) {
    throw new BillingError('SUB_CREATE_BAD_PHASE', `Can't create plan initial phase ${initialPhase}`, { planName: plan.name, phaseType: initialPhase });
  }
  return out;
}

/** The phase in force at `at` and the one after it (PlanAligner.getTimedPhase: a phase starting exactly at `at` is current). */
export function currentAndNext(timed: readonly TimedPhase[], at: DateTime): { current: TimedPhase | null; next: TimedPhase | null } {
  let current: TimedPhase | null = null;
  for (const t of timed) {
    if (t.start.toMillis() > at.toMillis()) return { current, next: t };
    current = t;
  }
  return { current, next: null };
}

/** Where a new subscription's phases start: the catalog's createAlignment picks the subscription's or the bundle's start. */
export function createPlanStart(version: CatalogVersion, planName: string, alignStart: DateTime, bundleStart: DateTime): DateTime {
  return catalogRules.createAlignment(version, { planName }) === 'START_OF_SUBSCRIPTION' ? alignStart : bundleStart;
}

/**
 * Where a new plan's phases start on a change, and from which phase (PlanAligner.getTimedPhaseOnChange):
 * START_OF_SUBSCRIPTION / START_OF_BUNDLE lay them from the subscription's / bundle's start, keeping the
 * phase type the subscription was created in when the new plan has it (so a change in TRIAL keeps the
 * rest of the trial); CHANGE_OF_PLAN restarts them at the change date. CHANGE_OF_PRICELIST is "Not
 * implemented yet" in Kill Bill too, refused here as NOT_IMPLEMENTED.
 */
export function changePlanStart(
  alignment: PlanAlignmentChange,
  newPlan: Plan,
  dates: { readonly startDate: DateTime; readonly bundleStartDate: DateTime; readonly changeDate: DateTime },
  originalInitialPhase: PhaseType | null,
  requestedPhase: PhaseType | null,
): { planStart: DateTime; initialPhase: PhaseType | null } {
  const keep = requestedPhase ?? (originalInitialPhase !== null && phasesOf(newPlan).some((p) => p.type === originalInitialPhase) ? originalInitialPhase : null);
  switch (alignment) {
    case 'START_OF_SUBSCRIPTION':
      return { planStart: dates.startDate, initialPhase: keep };
    case 'START_OF_BUNDLE':
      return { planStart: dates.bundleStartDate, initialPhase: keep };
    case 'CHANGE_OF_PLAN':
      return { planStart: dates.changeDate, initialPhase: requestedPhase };
    case 'CHANGE_OF_PRICELIST':
      throw new BillingError('NOT_IMPLEMENTED', `Not implemented yet ${alignment}: the catalog's changeAlignment for this change is CHANGE_OF_PRICELIST`, { alignment });
  }
}
