/**
 * Test support for the generator's tests: billing-event fixtures, a run helper, and feeding a run's output
 * back as existing items (what the dispatcher does once it has written an invoice).
 */
import { existingItem } from './existing.js';
import { Decimal } from 'decimal.js';
import { DateTime } from 'luxon';
import { AccountTime, type LocalDate } from '../../subscription/account-time.js';
import type { BillingEvent } from '../../subscription/billing-events.js';
import type { Currency } from '../../values/currency.js';
import { generateItems } from './generate.js';
import type { ExistingItem, GeneratorConfig, GeneratorResult, ProposedItem } from './types.js';

export const utc = new AccountTime('UTC', DateTime.fromISO('2012-01-01T00:00:00Z', { zone: 'utc' }));

export const d = (s: string) => s as LocalDate;

export interface EventSpec extends Partial<Omit<BillingEvent, 'recurringPrice' | 'fixedPrice' | 'effectiveDate'>> {
  readonly recurringPrice?: string | null;
  readonly fixedPrice?: string | null;
}

let counter = 0;

/** A billing event on `date` (UTC midnight): a monthly in-advance EVERGREEN plan at 10 unless told otherwise. */
export function ev(date: string, spec: EventSpec = {}): BillingEvent {
  const { recurringPrice, fixedPrice, ...rest } = spec;
  const planName = spec.planName ?? 'pistol-monthly';
  return {
    subscriptionId: 'sub-1',
    bundleId: 'bundle-1',
    eventId: `event-${++counter}`,
    type: 'CREATE',
    planName,
    phaseName: `${planName}-${(spec.phaseType ?? 'EVERGREEN').toLowerCase()}`,
    phaseType: 'EVERGREEN',
    productName: 'Pistol',
    category: 'BASE',
    priceListName: 'DEFAULT',
    currency: 'USD',
    billingPeriod: 'MONTHLY',
    billingMode: 'IN_ADVANCE',
    billingAlignment: 'ACCOUNT',
    billCycleDayLocal: Number(date.slice(8, 10)),
    quantity: 1,
    catalogEffectiveDate: DateTime.fromISO('2011-01-01T00:00:00Z', { zone: 'utc' }),
    ...rest,
    effectiveDate: DateTime.fromISO(`${date}T00:00:00Z`, { zone: 'utc' }),
    recurringPrice: recurringPrice === undefined ? new Decimal('10') : recurringPrice === null ? null : new Decimal(recurringPrice),
    fixedPrice: fixedPrice === undefined || fixedPrice === null ? null : new Decimal(fixedPrice),
  };
}

/** The billing event that ends a subscription (no prices, as Kill Bill builds it). */
export function stop(date: string, type: 'CANCEL' | 'EXPIRED' | 'START_BILLING_DISABLED', spec: EventSpec = {}): BillingEvent {
  return ev(date, { ...spec, type, recurringPrice: null, fixedPrice: null, billingPeriod: 'NO_BILLING_PERIOD' });
}

export interface RunOptions {
  readonly existing?: readonly ExistingItem[];
  readonly currency?: Currency;
  readonly config?: GeneratorConfig;
  readonly today?: string;
}

export function run(events: readonly BillingEvent[], target: string, options: RunOptions = {}): GeneratorResult {
  return generateItems({
    time: utc,
    currency: options.currency ?? 'USD',
    targetDate: d(target),
    events,
    existing: options.existing ?? [],
    ...(options.config ? { config: options.config } : {}),
    ...(options.today ? { today: d(options.today) } : {}),
  });
}

let itemCounter = 0;

/** The items as the dispatcher would have written them: fresh ids, on one invoice; a REPAIR_ADJ keeps its link. */
export function asExisting(items: readonly ProposedItem[], invoiceId = `invoice-${++itemCounter}`): ExistingItem[] {
  return items.map((i) => existingItem(i, { id: `item-${++itemCounter}`, invoiceId }));
}

export interface History {
  readonly existing: ExistingItem[];
  /** Each run's new items, in run order. */
  readonly runs: ProposedItem[][];
}

/** Runs the generator on each target date in turn, writing each run's items before the next (an account's life). */
export function invoiceThrough(events: readonly BillingEvent[], targets: readonly string[], options: RunOptions = {}): History {
  const existing: ExistingItem[] = [...(options.existing ?? [])];
  const runs: ProposedItem[][] = [];
  for (const t of targets) {
    const { items } = run(events, t, { ...options, existing });
    runs.push([...items]);
    existing.push(...asExisting(items));
  }
  return { existing, runs };
}

/** An item as a compact row: type, start, end, amount. */
export const row = (i: { type: string; startDate: string | null; endDate: string | null; amount: Decimal }) =>
  `${i.type} ${i.startDate ?? '-'} ${i.endDate ?? '-'} ${i.amount.toFixed()}`;

export const rows = (items: readonly ProposedItem[]) => items.map(row);
