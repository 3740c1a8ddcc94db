import type { EntityManager } from '@mikro-orm/core';
import type { AccountTime, LocalDate } from '../../subscription/account-time.js';
import type { BillingEvent } from '../../subscription/billing-events.js';
import { TenantKey } from '../../tenant/tenant.js';
import { tenantValuesInTx } from '../../tenant/values-in-tx.js';
import { accountUsageUpTo } from '../../usage/store.js';
import type { Currency } from '../../values/currency.js';
import type { GeneratorResult } from '../generator/types.js';
import type { Invoice } from '../invoice.js';
import { activeTrackingRecords, type TrackingRecord } from '../tracking.js';
import { usageConfigOf } from './config.js';
import { usageItems, type UsageItemsResult } from './items.js';
import { newTrackingRecords } from './tracking.js';

/** A run's usage: its items and dates, and the records it bills for the first time. */
export interface UsageRun extends UsageItemsResult {
  /** To write with the run's invoice (usage/tracking.ts). */
  readonly tracking: readonly TrackingRecord[];
}

/**
 * The invoice run's usage step (dispatcher.ts calls it right after the generator): the account's usage records
 * read in the run's transaction (the account lock held), priced against the run's billing events and the
 * items of its non-VOID invoices, with the tenant's usage settings (its PER_TENANT_CONFIG, read on the same
 * transaction: values-in-tx.ts says why); with the records it bills for the first time (invoice_tracking_ids).
 */
export async function usageForRun(
  em: EntityManager,
  run: { accountRecordId: number; time: AccountTime; currency: Currency; targetDate: LocalDate; events: readonly BillingEvent[]; invoices: readonly Invoice[]; dryRun?: boolean },
): Promise<UsageRun> {
  const empty: UsageRun = { items: [], nextBillingDates: new Map(), tracking: [] };
  if (!run.events.some((e) => e.usages?.length)) return empty;
  const records = await accountUsageUpTo(em, run.accountRecordId, run.targetDate);
  const existing = run.invoices.filter((i) => i.status !== 'VOID').flatMap((i) => i.items);
  const config = usageConfigOf((await tenantValuesInTx(em, TenantKey.PER_TENANT_CONFIG)).at(-1));
  const result = usageItems({ time: run.time, currency: run.currency, targetDate: run.targetDate, events: run.events, records, existing, config, dryRun: run.dryRun ?? false });
  // A dry run writes no invoice, so no tracking rows either.
  if (run.dryRun) return { ...result, tracking: [] };
  const tracked = await activeTrackingRecords(em, run.accountRecordId, run.targetDate);
  return { ...result, tracking: newTrackingRecords({ time: run.time, targetDate: run.targetDate, events: run.events, records, tracked }) };
}

/**
 * The generator's result with the runs usage needs added to its next billing dates. Keys are
 * `<subscriptionId>/usage`, so a subscription's recurring date and its usage date are both scheduled
 * (only the values are read, by afterRun).
 */
export function withUsageDates(result: GeneratorResult, usage: UsageItemsResult): GeneratorResult {
  if (usage.nextBillingDates.size === 0) return result;
  const dates = new Map(result.nextBillingDates);
  for (const [sub, date] of usage.nextBillingDates) dates.set(`${sub}/usage`, date);
  return { ...result, nextBillingDates: dates };
}
