/**
 * The invoice generator's cost as an account's history grows (issue #7 bench a and the pure half of b).
 *
 *   history   one subscription billed monthly for Y years with a plan change every Y*12/50 months (50
 *             changes at 5 years), every earlier invoice already written: the time to generate the next
 *             invoice, for Y = 5, 10, 20 — the time must grow no faster than the history (ratio of
 *             ratios ≤ ~1), goal under 50 ms at 5 years
 *   wide      one account with BENCH_SUBSCRIPTIONS (30,000) monthly subscriptions renewing on one day: the
 *             generator's time for that run (the database half is in invoice-run.bench.ts)
 *
 * Pure computation (no database): the figures are the generator's own; medians of BENCH_RUNS runs.
 */
import { randomUUID } from 'node:crypto';
import { Decimal } from 'decimal.js';
import { DateTime } from 'luxon';
import { AccountTime, type BillingEvent, type LocalDate } from '@billwright/core';
import { existingItem } from '../../core/src/invoice/generator/existing.js';
import { generateItems } from '../../core/src/invoice/generator/generate.js';
import { DEFAULT_GENERATOR_CONFIG, type ExistingItem, type GeneratorInput } from '../../core/src/invoice/generator/types.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 7);
const SUBSCRIPTIONS = Number(process.env['BENCH_SUBSCRIPTIONS'] ?? 30_000);
const start = DateTime.fromISO('2015-01-01T08:00:00Z', { zone: 'utc' });
const time = new AccountTime('UTC', start);
const PRICES = ['19.95', '29.95', '49.95', '99.95'];

function log(message: string): void {
  process.stdout.write(`${message}\n`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function event(subscriptionId: string, type: BillingEvent['type'], at: DateTime, planIndex: number): BillingEvent {
  const plan = `plan-${planIndex % PRICES.length}`;
  return {
    subscriptionId,
    bundleId: `bundle-${subscriptionId}`,
    eventId: randomUUID(),
    type,
    effectiveDate: at,
    planName: plan,
    phaseName: `${plan}-evergreen`,
    phaseType: 'EVERGREEN',
    productName: `product-${planIndex % PRICES.length}`,
    category: 'BASE',
    priceListName: 'DEFAULT',
    fixedPrice: null,
    recurringPrice: new Decimal(PRICES[planIndex % PRICES.length]!),
    currency: 'USD',
    billingPeriod: 'MONTHLY',
    billingMode: 'IN_ADVANCE',
    billingAlignment: 'ACCOUNT',
    billCycleDayLocal: 1,
    quantity: 1,
    catalogEffectiveDate: start,
  };
}

/** Y years of one subscription: created on the 1st, 50 × Y/5 mid-month plan changes spread evenly. */
function history(years: number): BillingEvent[] {
  const id = randomUUID();
  const months = years * 12;
  const changes = Math.round((50 * years) / 5);
  const events = [event(id, 'CREATE', start, 0)];
  for (let i = 1; i <= changes; i++) {
    const month = Math.floor((i * months) / (changes + 1));
    events.push(event(id, 'CHANGE', start.plus({ months: month, days: 14 }), i));
  }
  return events;
}

const asExisting = (items: ReturnType<typeof generateItems>['items'], invoiceId: string): ExistingItem[] =>
  items.map((i) => existingItem(i, { id: randomUUID(), invoiceId }));

/**
 * The existing items of an account billed month by month up to `months` after the start: the generator
 * run at each BCD, its output kept (as the dispatcher keeps what it writes).
 */
function billedUpTo(events: BillingEvent[], months: number): ExistingItem[] {
  // One run at the end writes the same items as a run per month would (the difference is what is new), so
  // a single catch-up run stands in for the monthly ones; then one more run per change month adds repairs.
  // The daily safety bound is off for this setup run only: the monthly runs it stands in for were on different days.
  const config = { ...DEFAULT_GENERATOR_CONFIG, maxDailyItemsPerSubscription: -1 };
  const input: GeneratorInput = { time, currency: 'USD', targetDate: time.toLocalDate(start.plus({ months })), events, existing: [], config };
  return asExisting(generateItems(input).items, randomUUID());
}

function timeNextRun(years: number): { ms: number; existing: number; items: number } {
  const events = history(years);
  const months = years * 12;
  const existing = billedUpTo(events, months - 1);
  const targetDate = time.toLocalDate(start.plus({ months })) as LocalDate;
  const input: GeneratorInput = { time, currency: 'USD', targetDate, events, existing };
  generateItems(input); // warm
  const samples: number[] = [];
  let items = 0;
  for (let r = 0; r < RUNS; r++) {
    const t0 = process.hrtime.bigint();
    items = generateItems(input).items.length;
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { ms: median(samples), existing: existing.length, items };
}

function wideRun(): { ms: number; items: number } {
  const events: BillingEvent[] = [];
  for (let s = 0; s < SUBSCRIPTIONS; s++) events.push(event(randomUUID(), 'CREATE', start, s));
  const existing = asExisting(generateItems({ time, currency: 'USD', targetDate: time.toLocalDate(start), events, existing: [] }).items, randomUUID());
  const input: GeneratorInput = { time, currency: 'USD', targetDate: time.toLocalDate(start.plus({ months: 1 })), events, existing };
  const samples: number[] = [];
  let items = 0;
  for (let r = 0; r < Math.min(RUNS, 3); r++) {
    const t0 = process.hrtime.bigint();
    items = generateItems(input).items.length;
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { ms: median(samples), items };
}

log('invoice generator bench');
const rows = [5, 10, 20].map((years) => ({ years, ...timeNextRun(years) }));
for (const r of rows) log(`  history ${String(r.years).padStart(2)} years: ${r.existing} existing items, next run ${r.items} new items in ${r.ms.toFixed(2)} ms`);
for (let i = 1; i < rows.length; i++) {
  const a = rows[i - 1]!;
  const b = rows[i]!;
  const growth = b.ms / a.ms / (b.existing / a.existing);
  log(`  ${a.years}→${b.years} years: history ×${(b.existing / a.existing).toFixed(2)}, time ×${(b.ms / a.ms).toFixed(2)} → growth per unit of history ${growth.toFixed(2)} (≤ ~1 is linear)`);
}
log(`  goal at 5 years: < 50 ms → ${rows[0]!.ms.toFixed(2)} ms`);
const wide = wideRun();
log(`  wide: ${SUBSCRIPTIONS} subscriptions renewing on one day → ${wide.items} items generated in ${wide.ms.toFixed(0)} ms (goal for the whole run < 3 s)`);
