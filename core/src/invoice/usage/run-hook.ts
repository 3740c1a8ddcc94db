import type { EntityManager } from '@mikro-orm/core';
import type { AccountTime, LocalDate } from '../../subscription/account-time.js';
import type { BillingEvent } from '../../subscription/billing-events.js';
import { accountUsageUpTo } from '../../usage/store.js';
import type { Currency } from '../../values/currency.js';
import type { GeneratorResult } from '../generator/types.js';
import type { Invoice } from '../invoice.js';
import { usageItems, type UsageItemsResult } from './items.js';

/**
 * The invoice run's usage step (dispatcher.ts calls it right after the generator): the account's usage records
 * read in the run's transaction (the account lock held), priced against the run's billing events and the
 * items of its non-VOID invoices.
 */
export async function usageForRun(
  em: EntityManager,
  run: { accountRecordId: number; time: AccountTime; currency: Currency; targetDate: LocalDate; events: readonly BillingEvent[]; invoices: readonly Invoice[] },
): Promise<UsageItemsResult> {
  const empty: UsageItemsResult = { items: [], nextBillingDates: new Map() };
  if (!run.events.some((e) => e.usages?.length)) return empty;
  const records = await accountUsageUpTo(em, run.accountRecordId, run.targetDate);
  const existing = run.invoices.filter((i) => i.status !== 'VOID').flatMap((i) => i.items);
  return usageItems({ time: run.time, currency: run.currency, targetDate: run.targetDate, events: run.events, records, existing });
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
