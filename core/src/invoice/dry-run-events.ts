import type { DateTime } from 'luxon';
import type { Account } from '../account/account.js';
import { catalogRules, phaseName, phasesOf, type BillingPeriod, type VersionedCatalog } from '../catalog/index.js';
import { BillingError } from '../errors/index.js';
import type { AccountTime } from '../subscription/account-time.js';
import type { BillingEvent } from '../subscription/billing-events.js';
import { priceIn } from '../subscription/billing-events.js';
import { newId } from '../values/ids.js';
import type { DryRunRequest } from './invoice-service.js';

/**
 * Dry run SUBSCRIPTION_ACTION (§4.11), kept simple: the action becomes one synthetic billing event added to
 * the account's real ones, and the run is generated as usual without writing anything.
 * - START_BILLING: a CREATE of a new subscription (new ids, or the given bundle) on the plan the spec names
 *   (product, billing period, price list), in the given phase or the plan's first, effective at the date.
 * - CHANGE: a CHANGE of the given subscription to that plan at the date; its later real events are dropped.
 * - STOP_BILLING: a CANCEL of the given subscription at the date (its last plan and phase), later events dropped.
 * Billing policies and alignments beyond the catalog's billingAlignment are not simulated.
 */
export function simulateAction(
  events: readonly BillingEvent[],
  action: NonNullable<DryRunRequest['action']>,
  ctx: { readonly account: Account; readonly time: AccountTime; readonly catalog: VersionedCatalog | null; readonly at: DateTime },
): BillingEvent[] {
  const at = ctx.at;
  const invalid = (message: string) => new BillingError('INVALID_PARAMETER', message, { dryRunAction: action.dryRunAction });
  const subscriptionId = action.subscriptionId ?? null;
  const before = (e: BillingEvent) => subscriptionId === null || e.subscriptionId !== subscriptionId || e.effectiveDate.toMillis() <= at.toMillis();
  const kept = events.filter(before);
  const last = subscriptionId ? [...kept].reverse().find((e) => e.subscriptionId === subscriptionId) : undefined;

  if (action.dryRunAction === 'STOP_BILLING') {
    if (!last) throw invalid(`Dry run STOP_BILLING needs an active subscriptionId (got ${subscriptionId ?? 'none'})`);
    return sortEvents([...kept, { ...last, eventId: newId(), type: 'CANCEL', effectiveDate: at }]);
  }

  if (!ctx.catalog) throw invalid('Dry run SUBSCRIPTION_ACTION needs a catalog');
  if (!action.productName || !action.billingPeriod) throw invalid('Dry run SUBSCRIPTION_ACTION needs productName and billingPeriod');
  const { plan, version } = ctx.catalog.findPlanBySpec({ productName: action.productName, billingPeriod: action.billingPeriod as BillingPeriod, priceListName: action.priceListName ?? null }, at);
  const phases = phasesOf(plan);
  const phase = phases.find((p) => p.type === action.phaseType) ?? phases[0]!;
  const product = ctx.catalog.findProduct(plan.product, at);
  if (action.dryRunAction === 'CHANGE' && !last) throw invalid(`Dry run CHANGE needs an active subscriptionId (got ${subscriptionId ?? 'none'})`);
  const alignment = catalogRules.billingAlignment(version, { planName: plan.name, phaseType: phase.type });
  const currency = ctx.account.currency;
  const event: BillingEvent = {
    subscriptionId: last?.subscriptionId ?? newId(),
    bundleId: last?.bundleId ?? action.bundleId ?? newId(),
    eventId: newId(),
    type: action.dryRunAction === 'CHANGE' ? 'CHANGE' : 'CREATE',
    effectiveDate: at,
    planName: plan.name,
    phaseName: phaseName(plan, phase),
    phaseType: phase.type,
    phaseDuration: phase.duration,
    productName: product.name,
    category: product.category,
    priceListName: action.priceListName ?? last?.priceListName ?? 'DEFAULT',
    fixedPrice: priceIn(phase.fixed?.price, currency),
    recurringPrice: priceIn(phase.recurring?.price, currency),
    currency,
    billingPeriod: phase.recurring?.billingPeriod ?? 'NO_BILLING_PERIOD',
    billingMode: plan.recurringBillingMode,
    billingAlignment: alignment,
    billCycleDayLocal: last?.billCycleDayLocal ?? (ctx.account.billCycleDayLocal || ctx.time.local(at).day),
    quantity: last?.quantity ?? 1,
    catalogEffectiveDate: version.effectiveDate,
  };
  return sortEvents([...kept, event]);
}

function sortEvents(events: BillingEvent[]): BillingEvent[] {
  return events.sort((a, b) => a.effectiveDate.toMillis() - b.effectiveDate.toMillis());
}
