import { Decimal } from 'decimal.js';
import type { DateTime } from 'luxon';
import { BillingError } from '../../errors/index.js';
import type { AccountTime, LocalDate } from '../../subscription/account-time.js';
import type { BillingEvent } from '../../subscription/billing-events.js';
import type { UsageRecord } from '../../usage/usage.js';
import type { Currency } from '../../values/currency.js';
import type { InvoiceItem, ItemExplanation } from '../invoice.js';
import { roundMoney } from '../money.js';
import { DEFAULT_USAGE_CONFIG, type UsageConfig } from './config.js';
import { aggregateJson, billedTiers, tierJson } from './details.js';
import { billablePeriods, eventsOfEachSubscription, inPeriod, usageIntervals, type UsageInterval, type UsagePeriod } from './periods.js';
import { capacityPrice, consumablePrice, unitsOf, type BilledTiers, type Shortfall, type UsagePrice } from './tiers.js';

/**
 * The USAGE items of an invoice run (killbill-semantics.md §6): pure, like the generator. Per subscription and
 * usage section, every in-arrear period ended by the target date is priced from its records (CONSUMABLE: sum,
 * CAPACITY: max), and only the difference against the USAGE items already billed for that period is proposed,
 * so a period is never billed twice; a period billed for the first time gets an item even at $0 (unless the
 * tenant disabled $0 usage items). Kill Bill's ContiguousIntervalConsumableUsageInArrear / ...CapacityUsageInArrear
 * decide the difference: ALL_TIERS re-prices tier by tier beyond the blocks billed before, TOP_TIER and CAPACITY
 * bill the new total minus the amount billed. Less usage than billed fails the run unless usage.missing.lenient.
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
  readonly existing: readonly Pick<InvoiceItem, 'type' | 'subscriptionId' | 'usageName' | 'startDate' | 'endDate' | 'amount' | 'quantity' | 'itemDetails'>[];
  /** The tenant's usage settings (default: Kill Bill's). */
  readonly config?: UsageConfig;
  /** A dry run is lenient about missing usage whatever the setting, as Kill Bill's. */
  readonly dryRun?: boolean;
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
  /** DETAIL mode: the tier price; AGGREGATE: null. */
  readonly rate: Decimal | null;
  /** DETAIL mode: the tier's blocks billed by this item; AGGREGATE: null. */
  readonly quantity: Decimal | null;
  readonly linkedItemId: null;
  /** AGGREGATE: Kill Bill's UsageConsumableInArrearAggregate JSON; DETAIL: one tier line (details.ts). */
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
  for (const r of records) {
    if (r.subscriptionId !== interval.event.subscriptionId || !units.has(r.unitType) || !inPeriod(period, r.recordDate)) continue;
    const cur = units.get(r.unitType)!;
    units.set(r.unitType, capacity ? Decimal.max(cur, r.amount) : cur.plus(r.amount));
  }
  return units;
}

const plain = (d: Decimal): string => d.toFixed();

/** Kill Bill's Preconditions failure for an ALL_TIERS tier that lost blocks already billed. */
function shortfallError(subscriptionId: string, target: LocalDate, period: UsagePeriod, s: Shortfall): BillingError {
  const what = s.mustBeFull ? 'to be full' : 'to contain at least as much as current usage';
  return new BillingError(
    'UNEXPECTED_ERROR',
    `Expected usage for subscription='${subscriptionId}', targetDate='${target}', startDt='${period.start}', endDt='${period.end}', tier='${s.tier}', unit='${s.unit}' ${what}, instead found units='[${plain(s.found)}/${plain(s.billed)}]'`,
    { subscriptionId, startDate: period.start, endDate: period.end, tier: s.tier, unitType: s.unit },
  );
}

/** The lines one period bills: the item's amount, and in DETAIL mode its rate and quantity. */
interface Line {
  readonly amount: Decimal;
  readonly rate: Decimal | null;
  readonly quantity: Decimal | null;
  readonly itemDetails: string;
}

type BilledUsage = UsageItemsInput['existing'][number];

interface PeriodInput {
  readonly input: UsageItemsInput;
  readonly subscriptionId: string;
  readonly usage: UsageInterval['usage'];
  readonly period: UsagePeriod;
  readonly units: ReadonlyMap<string, Decimal>;
  /** The USAGE items already billed for this period and usage. */
  readonly before: readonly BilledUsage[];
}

/**
 * What one period still bills (Kill Bill's computeMissingItemsAndNextNotificationDate and populateResults):
 * nothing when it was billed and nothing was added, else its lines; `full` prices the whole period (the explanation).
 */
function periodLines(p: PeriodInput): { lines: Line[]; full: UsagePrice; billedBefore: Decimal } {
  const { input, usage, period, units, before } = p;
  const { currency } = input;
  const config = input.config ?? DEFAULT_USAGE_CONFIG;
  const lenient = config.missingLenient || input.dryRun === true;
  const capacity = usage.usageType === 'CAPACITY';
  const full = capacity ? capacityPrice(usage, units, currency) : consumablePrice(usage, units, currency);
  const billedBefore = before.reduce((s, i) => s.plus(i.amount), ZERO);
  const previouslyBilled = before.length > 0;
  // Earlier items read tier by tier only when all of them carry their details (areAllBilledItemsWithDetails).
  const billed = !capacity && previouslyBilled && before.every((i) => !!i.itemDetails) ? billedTiers(before) : undefined;
  const priced = billed ? consumablePrice(usage, units, currency, billed) : full;
  const shortfall = priced.shortfalls[0];
  if (shortfall && !lenient) throw shortfallError(p.subscriptionId, input.targetDate, period, shortfall);

  const toBeBilled = roundMoney(priced.amount, currency);
  // ALL_TIERS priced against the earlier items is already the difference; otherwise subtract what was billed.
  const tierByTier = !capacity && usage.tierBlockPolicy === 'ALL_TIERS' && billed !== undefined;
  const amountToBill = tierByTier ? toBeBilled : toBeBilled.minus(billedBefore);
  const none = { lines: [], full, billedBefore };
  if (amountToBill.lt(0)) {
    if (lenient) return none;
    throw new BillingError(
      'UNEXPECTED_ERROR',
      `ILLEGAL INVOICING STATE: Usage period start='${period.start}', end='${period.end}', amountToBill='${plain(amountToBill)}', (previously billed amount='${plain(billedBefore)}', new proposed amount='${plain(toBeBilled)}')`,
      { subscriptionId: p.subscriptionId, usageName: usage.name, startDate: period.start, endDate: period.end },
    );
  }
  if (previouslyBilled && !amountToBill.gt(0)) return none;

  // CAPACITY is one item in either mode (Kill Bill's capacity usage has no DETAIL split); so are earlier items without details.
  if (capacity || config.detailMode === 'AGGREGATE' || (previouslyBilled && billed === undefined)) {
    return { lines: [{ amount: amountToBill, rate: null, quantity: null, itemDetails: aggregateJson(priced, currency) }], full, billedBefore };
  }
  const lines = usage.tierBlockPolicy === 'TOP_TIER' ? topTierDetailLines(priced, billed, previouslyBilled, currency) : priced.tierDetails.map((d) => detailLine(d, roundMoney(d.amount, currency), d.quantity, currency));
  return { lines, full, billedBefore };
}

const detailLine = (d: UsagePrice['tierDetails'][number], amount: Decimal, quantity: Decimal, currency: Currency): Line => ({
  amount,
  rate: d.tierPrice,
  quantity,
  itemDetails: tierJson({ ...d, quantity, amount }, currency),
});

/**
 * DETAIL lines of a TOP_TIER period, one per unit at its top tier. A re-run bills per unit the new total minus
 * what the unit's earlier items billed, its quantity the blocks beyond those billed at that tier. Kill Bill 0.24
 * writes the whole period's amount again here (its TOP_TIER re-run test is a TODO), which bills the earlier
 * blocks twice; the difference is what AGGREGATE mode bills, so DETAIL bills it too. When the top tier moved
 * up, the amount is less than rate × quantity by what the lower tier billed before.
 */
function topTierDetailLines(priced: UsagePrice, billed: ReadonlyMap<string, BilledTiers> | undefined, previouslyBilled: boolean, currency: Currency): Line[] {
  const lines: Line[] = [];
  for (const d of priced.tierDetails) {
    const unitBefore = billed?.get(d.tierUnit);
    const amountBefore = [...(unitBefore?.values() ?? [])].reduce((s, t) => s.plus(t.amount), ZERO);
    const amount = roundMoney(d.amount, currency).minus(amountBefore);
    if (previouslyBilled && !amount.gt(0)) continue;
    lines.push(detailLine(d, amount, d.quantity.minus(unitBefore?.get(d.tier)?.quantity ?? ZERO), currency));
  }
  return lines;
}

/** Kill Bill's InvoiceWithMetadata filter: with disable.usage.zero.amount a $0 USAGE item goes unless it carries a quantity. */
const dropped = (config: UsageConfig, line: Line): boolean => config.zeroAmountDisabled && line.amount.isZero() && !(line.quantity?.gt(0) ?? false);

export function usageItems(input: UsageItemsInput): UsageItemsResult {
  const { time, currency, targetDate } = input;
  const config = input.config ?? DEFAULT_USAGE_CONFIG;
  const bySub = eventsOfEachSubscription(input.events);
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
        const before = billedUsage.filter(
          (i) => i.subscriptionId === subscriptionId && i.usageName === interval.usage.name && i.startDate === period.start && i.endDate === period.end,
        );
        const { lines, full, billedBefore } = periodLines({ input, subscriptionId, usage: interval.usage, period, units, before });
        const explanation = usageExplanation(interval, period, units, full, currency, billedBefore);
        const e = interval.event;
        for (const line of lines) {
          if (dropped(config, line)) continue;
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
            ...line,
            linkedItemId: null,
            explanation,
          });
        }
      }
    }
  }
  return { items, nextBillingDates: next };
}

/** Why the period's items exist: its roll-up, the tiers the whole period is priced at, what was billed before. */
function usageExplanation(interval: UsageInterval, period: UsagePeriod, units: ReadonlyMap<string, Decimal>, full: UsagePrice, currency: Currency, billedBefore: Decimal): ItemExplanation {
  return {
    kind: 'USAGE',
    usageName: interval.usage.name,
    usageType: interval.usage.usageType,
    tierBlockPolicy: interval.usage.tierBlockPolicy,
    billingPeriod: interval.usage.billingPeriod,
    startDate: period.start,
    endDate: period.end,
    units: [...units].map(([unitType, v]) => ({ unitType, amount: plain(v) })),
    tiers: full.tierDetails.map((t) => ({
      tier: t.tier,
      unitType: t.tierUnit,
      price: plain(t.tierPrice),
      blockSize: t.tierBlockSize === null ? null : plain(t.tierBlockSize),
      quantity: plain(t.quantity),
      amount: plain(t.amount),
    })),
    periodAmount: plain(roundMoney(full.amount, currency)),
    billedBefore: plain(billedBefore),
  };
}
