import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import type { BillingMode, BillingPeriod } from '../../catalog/index.js';
import type { BillingEvent } from '../../subscription/billing-events.js';
import { plusDays } from './dates.js';
import { asExisting, d, ev, run, stop, type EventSpec } from './test-events.js';
import type { ExistingItem } from './types.js';

/** A small seeded generator (mulberry32), so a failing history can be replayed. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PLANS: EventSpec[] = [
  { planName: 'pistol', recurringPrice: '29.95' },
  { planName: 'shotgun', recurringPrice: '59.95' },
  { planName: 'rifle', recurringPrice: '0' },
  { planName: 'blowdart', recurringPrice: '9.95', fixedPrice: '5' },
];
const PERIODS: BillingPeriod[] = ['MONTHLY', 'MONTHLY', 'ANNUAL', 'WEEKLY', 'QUARTERLY'];

/** A random life: a creation, then changes, BCD and quantity changes, a pause, maybe a cancellation. */
function randomLife(random: () => number): BillingEvent[] {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const billingPeriod = pick(PERIODS);
  const billingMode: BillingMode = random() < 0.25 ? 'IN_ARREAR' : 'IN_ADVANCE';
  let bcd = 1 + Math.floor(random() * 31);
  let date = plusDays(d('2012-01-01'), Math.floor(random() * 40));
  let plan = pick(PLANS);
  let quantity = 1;
  const at = (extra: EventSpec): EventSpec => ({ ...plan, billingPeriod, billingMode, billCycleDayLocal: bcd, quantity, ...extra });
  const events: BillingEvent[] = [ev(date, at({ type: 'CREATE' }))];
  for (let n = 0; n < 6; n++) {
    date = plusDays(date, 1 + Math.floor(random() * 70));
    const r = random();
    if (r < 0.35) {
      plan = pick(PLANS);
      events.push(ev(date, at({ type: 'CHANGE' })));
    } else if (r < 0.5) {
      bcd = 1 + Math.floor(random() * 31);
      events.push(ev(date, at({ type: 'BCD_CHANGE' })));
    } else if (r < 0.65) {
      quantity = 1 + Math.floor(random() * 3);
      events.push(ev(date, at({ type: 'QUANTITY_CHANGE' })));
    } else if (r < 0.8) {
      events.push(stop(date, 'START_BILLING_DISABLED'));
      date = plusDays(date, 1 + Math.floor(random() * 40));
      events.push(ev(date, at({ type: 'END_BILLING_DISABLED' })));
    } else {
      events.push(stop(date, 'CANCEL'));
      break;
    }
  }
  return events;
}

const net = (items: readonly { amount: Decimal }[]) => items.reduce((s, i) => s.plus(i.amount), new Decimal(0));

describe('the generator over random lives', () => {
  it('writes nothing on a re-run, never repairs below zero, and never bills a day twice', () => {
    const config = { maxDailyItemsPerSubscription: -1, fixedProrationDays: 0 };
    for (let seed = 1; seed <= 40; seed++) {
      const life = randomLife(prng(seed));
      const existing: ExistingItem[] = [];
      let last = d('2012-01-01');
      for (let t = d('2012-01-01'); t <= '2013-03-01'; t = plusDays(t, 9)) {
        last = t;
        const first = run(life, t, { existing, config });
        existing.push(...asExisting(first.items));
        const again = run(life, t, { existing, config });
        expect({ seed, target: t, items: again.items.length }).toEqual({ seed, target: t, items: 0 });
      }
      // Billed run by run or at once, the account owes the same, give or take rounding cents per repair.
      const once = run(life, last, { config });
      const drift = net(existing).minus(net(once.items)).abs();
      expect({ seed, driftUnderTenCents: drift.lessThan('0.10') }).toEqual({ seed, driftUnderTenCents: true });
      // Each billed item keeps a non-negative net after its repairs and adjustments.
      for (const item of existing.filter((i) => i.type === 'RECURRING')) {
        const repaired = existing.filter((i) => i.linkedItemId === item.id);
        expect({ seed, left: net([item, ...repaired]).isNegative() }).toEqual({ seed, left: false });
      }
      // Days still billed (RECURRING minus repaired stretches) never overlap.
      const billedDays = new Map<string, number>();
      for (const item of existing.filter((i) => i.type === 'RECURRING' && !i.amount.isZero())) {
        const repairs = existing.filter((i) => i.linkedItemId === item.id);
        for (let x = item.startDate!; x < item.endDate!; x = plusDays(x, 1)) {
          if (repairs.some((r) => r.startDate! <= x && x < r.endDate!)) continue;
          billedDays.set(x, (billedDays.get(x) ?? 0) + 1);
        }
      }
      expect({ seed, twice: [...billedDays].filter(([, n]) => n > 1).map(([x]) => x) }).toEqual({ seed, twice: [] });
    }
  });
});
