import { Decimal } from 'decimal.js';
import type { DateTime } from 'luxon';
import type { AccountTime, LocalDate } from '../../subscription/account-time.js';
import type { BillingEvent } from '../../subscription/billing-events.js';
import type { UsageRecord } from '../../usage/usage.js';
import { minorDigits, type Currency } from '../../values/currency.js';
import type { InvoiceItem, ItemExplanation } from '../invoice.js';
import { roundMoney } from '../money.js';
import { billablePeriods, usageIntervals, type UsageInterval, type UsagePeriod } from './periods.js';
import { capacityPrice, consumablePrice, unitsOf, type UsagePrice } from './tiers.js';

/**
 * The USAGE items of an invoice run (killbill-semantics.md §6): pure, like the generator. Per subscription and
 * usage section, every in-arrear period ended by the target date is priced from its records (CONSUMABLE: sum,
 * CAPACITY: max), and only the difference against the USAGE items already billed for that period is proposed,
 * so a period is never billed twice; a period billed for the first time gets an item even at $0.
 */

export interface UsageItemsInput {
  readonly time: AccountTime;
  readonly currency: Currency;
  readonly targetDate: LocalDate;
  /** The run's billing events (those the generator got), ordered by date. */
  readonly events: readonly BillingEvent[];
  /** The account's usage records up to the target date. */
  readonly records: readonly UsageRecord[];
  /** The items of the invoices the run counts (all but VOID); only USAGE ones matter here. */
  readonly existing: readonly Pick<InvoiceItem, 'type' | 'subscriptionId' | 'usageName' | 'startDate' | 'endDate' | 'amount'>[];
}

export interface ProposedUsageItem {
  readonly type: 'USAGE';
  readonly subscriptionId: string;
  readonly bundleId: string;
  readonly productName: string;
  readonly planName: string;
  readonly phaseName: string;
  readonly usageName: string;
  readonly catalogEffectiveDate: DateTime;
  readonly startDate: LocalDate;
  readonly endDate: LocalDate;
  readonly amount: Decimal;
  readonly rate: null;
  readonly quantity: null;
  readonly linkedItemId: null;
  /** AGGREGATE mode: `{"tierDetails":[...],"amount":...}` as Kill Bill's UsageConsumableInArrearAggregate. */
  readonly itemDetails: string;
  readonly explanation: ItemExplanation;
}

export interface UsageItemsResult {
  readonly items: readonly ProposedUsageItem[];
  /** Per subscription, the earliest end of a usage period not billed yet: the next run usage needs. */
  readonly nextBillingDates: ReadonlyMap<string, LocalDate>;
}

const ZERO = new Decimal(0);

/** The period's roll-up per unit: sum for CONSUMABLE, max for CAPACITY (ContiguousIntervalUsageInArrear). */
function rollUp(interval: UsageInterval, period: UsagePeriod, records: readonly UsageRecord[]): Map<string, Decimal> {
  const capacity = interval.usage.usageType === 'CAPACITY';
  const units = new Map<string, Decimal>(unitsOf(interval.usage).map((u) => [u, ZERO]));
  const sameDay = period.start === period.end;
  for (const r of records) {
    if (r.subscriptionId !== interval.event.subscriptionId || !units.has(r.unitType)) continue;
    const inside = sameDay ? r.recordDate === period.start : r.recordDate >= period.start && r.recordDate < period.end;
    if (!inside) continue;
    const cur = units.get(r.unitType)!;
    units.set(r.unitType, capacity ? Decimal.max(cur, r.amount) : cur.plus(r.amount));
  }
  return units;
}

const plain = (d: Decimal): string => d.toFixed();

/** Kill Bill's AGGREGATE itemDetails, decimals written exactly (prices at the currency's minor unit). */
function itemDetails(price: UsagePrice, amount: Decimal, currency: Currency): string {
  const digits = minorDigits(currency);
  const tiers = price.tierDetails.map((t) => {
    const block = t.tierBlockSize === null ? '' : `,"tierBlockSize":${plain(t.tierBlockSize)}`;
    return `{"tier":${t.tier},"tierUnit":${JSON.stringify(t.tierUnit)},"tierPrice":${t.tierPrice.toFixed(digits)}${block},"quantity":${plain(t.quantity)},"amount":${plain(t.amount)}}`;
  });
  const tier = price.tier === null ? '' : `"tier":${price.tier},`;
  return `{${tier}"tierDetails":[${tiers.join(',')}],"amount":${plain(amount)}}`;
}

export function usageItems(input: UsageItemsInput): UsageItemsResult {
  const { time, currency, targetDate } = input;
  const bySub = new Map<string, BillingEvent[]>();
  for (const e of input.events) {
    const list = bySub.get(e.subscriptionId) ?? [];
    list.push(e);
    bySub.set(e.subscriptionId, list);
  }
  const billedUsage = input.existing.filter((i) => i.type === 'USAGE');
  const items: ProposedUsageItem[] = [];
  const next = new Map<string, LocalDate>();

  for (const [subscriptionId, events] of bySub) {
    for (const interval of usageIntervals(events, (e) => time.toLocalDate(e.effectiveDate))) {
      if (interval.usage.billingMode !== 'IN_ARREAR') continue;
      const { periods, nextBillingDate } = billablePeriods(interval, targetDate);
      if (nextBillingDate !== null && (!next.has(subscriptionId) || nextBillingDate < next.get(subscriptionId)!)) next.set(subscriptionId, nextBillingDate);
      for (const period of periods) {
        const units = rollUp(interval, period, input.records);
        const price = interval.usage.usageType === 'CAPACITY' ? capacityPrice(interval.usage, units, currency) : consumablePrice(interval.usage, units, currency);
        const periodAmount = roundMoney(price.amount, currency);
        const before = billedUsage.filter(
          (i) => i.subscriptionId === subscriptionId && i.usageName === interval.usage.name && i.startDate === period.start && i.endDate === period.end,
        );
        const billedBefore = before.reduce((s, i) => s.plus(i.amount), ZERO);
        const amount = periodAmount.minus(billedBefore);
        // Billed already: only an increase is billed (a decrease is Kill Bill's error unless usage.missing.lenient; left as billed).
        if (before.length > 0 && amount.lte(0)) continue;
        const e = interval.event;
        items.push({
          type: 'USAGE',
          subscriptionId,
          bundleId: e.bundleId,
          productName: e.productName,
          planName: e.planName,
          phaseName: e.phaseName,
          usageName: interval.usage.name,
          catalogEffectiveDate: e.catalogEffectiveDate,
          startDate: period.start,
          endDate: period.end,
          amount,
          rate: null,
          quantity: null,
          linkedItemId: null,
          itemDetails: itemDetails(price, periodAmount, currency),
          explanation: {
            kind: 'USAGE',
            usageName: interval.usage.name,
            usageType: interval.usage.usageType,
            tierBlockPolicy: interval.usage.tierBlockPolicy,
            billingPeriod: interval.usage.billingPeriod,
            startDate: period.start,
            endDate: period.end,
            units: [...units].map(([unitType, v]) => ({ unitType, amount: plain(v) })),
            tiers: price.tierDetails.map((t) => ({
              tier: t.tier,
              unitType: t.tierUnit,
              price: plain(t.tierPrice),
              blockSize: t.tierBlockSize === null ? null : plain(t.tierBlockSize),
              quantity: plain(t.quantity),
              amount: plain(t.amount),
            })),
            periodAmount: plain(periodAmount),
            billedBefore: plain(billedBefore),
          },
        });
      }
    }
  }
  return { items, nextBillingDates: next };
}
