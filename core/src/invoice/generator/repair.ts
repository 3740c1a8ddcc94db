import { Decimal } from 'decimal.js';
import type { LocalDate } from '../../subscription/account-time.js';
import type { Currency } from '../../values/currency.js';
import { epochDay, fromEpochDay } from './dates.js';
import { illegalInvoicingState } from './illegal-state.js';
import { proratedAmount, prorate, ratioOf } from './proration.js';
import { normalize, subtract, type Segment } from './segments.js';
import type { ExistingItem, ProposedItem } from './types.js';

/**
 * The diff of one subscription's proposed items against its existing ones (Kill Bill's InvoicePruner +
 * SubscriptionItemTree, killbill-semantics.md §4.5), on day segments instead of Kill Bill's interval tree:
 *
 * - An existing non-zero RECURRING item still covers its days minus those its REPAIR_ADJ items took back
 *   (one fully repaired by amount is dropped with its repairs, as InvoicePruner does).
 * - A proposed RECURRING item's days inside such a stretch of an item of the same kind (plan, phase and
 *   rate — Item.isSameKind) are already billed: dropped, and they keep the stretch covered. Its other days
 *   (none billed, a repaired stretch billed again, or another kind's item) are new: contiguous pieces are
 *   joined, a piece of the item gets round(days/item days × amount).
 * - Days of an existing item no proposed item of its kind covers any more get a REPAIR_ADJ per contiguous
 *   stretch: round(days / the item's days × the item's amount), capped at what is left of the item after
 *   its ITEM_ADJ adjustments and its earlier repairs (never below 0), negative.
 * - $0 RECURRING and FIXED existing items are never repaired; a proposed item matching one (type, start,
 *   end for RECURRING, amount, rate, plan, phase — InvoiceItemBase.matches) is dropped.
 */

/** Existing items by the item they are linked to. */
export interface Links {
  readonly repairs: ReadonlyMap<string, readonly ExistingItem[]>;
  readonly adjusted: ReadonlyMap<string, Decimal>;
}

export function indexLinks(existing: readonly ExistingItem[]): Links {
  const repairs = new Map<string, ExistingItem[]>();
  const adjusted = new Map<string, Decimal>();
  for (const i of existing) {
    if (i.linkedItemId === null) continue;
    if (i.type === 'REPAIR_ADJ') {
      const list = repairs.get(i.linkedItemId);
      if (list) list.push(i);
      else repairs.set(i.linkedItemId, [i]);
    } else if (i.type === 'ITEM_ADJ') {
      adjusted.set(i.linkedItemId, (adjusted.get(i.linkedItemId) ?? new Decimal(0)).plus(i.amount.abs()));
    }
  }
  return { repairs, adjusted };
}

interface Billed {
  readonly item: ExistingItem;
  readonly start: LocalDate;
  readonly end: LocalDate;
  readonly amount: Decimal;
  /** Days still billed: the item's days minus its repaired stretches. */
  readonly remaining: Segment[];
  readonly covered: Segment[];
  /** Amount left to repair: amount − adjustments − earlier repairs. */
  left: Decimal;
}

interface Owned extends Segment {
  readonly owner: Billed;
}

const text = (v: string | null) => v ?? '';
const decimalKey = (v: Decimal | null) => (v === null ? '' : v.toFixed());

function matchKey(type: string, start: LocalDate | null, end: LocalDate | null, amount: Decimal, rate: Decimal | null, plan: string | null, phase: string | null): string {
  return [type, start ?? '', type === 'FIXED' ? '' : (end ?? ''), amount.toFixed(), decimalKey(rate), text(plan), text(phase)].join('\u0000');
}

/** Item.isSameKind: same plan, phase and rate (a null rate counts as 0). */
function sameKind(existing: ExistingItem, proposed: ProposedItem): boolean {
  return (
    text(existing.planName) === text(proposed.planName) &&
    text(existing.phaseName) === text(proposed.phaseName) &&
    (existing.rate ?? new Decimal(0)).equals(proposed.rate ?? new Decimal(0))
  );
}

function billedItem(item: ExistingItem, links: Links): Billed | null {
  if (item.startDate === null || item.endDate === null || item.endDate <= item.startDate) return null;
  const amount = item.amount.abs();
  const repairs = links.repairs.get(item.id) ?? [];
  let repaired = new Decimal(0);
  const taken: Segment[] = [];
  for (const r of repairs) {
    repaired = repaired.plus(r.amount.abs());
    if (r.startDate !== null && r.endDate !== null) taken.push({ start: epochDay(r.startDate), end: epochDay(r.endDate) });
  }
  if (repairs.length > 0 && repaired.equals(amount)) return null;
  const whole = [{ start: epochDay(item.startDate), end: epochDay(item.endDate) }];
  const left = amount.minus(links.adjusted.get(item.id) ?? 0).minus(repaired);
  return { item, start: item.startDate, end: item.endDate, amount, remaining: subtract(whole, normalize(taken)), covered: [], left };
}

/**
 * Kill Bill's "ILLEGAL INVOICING STATE" (ItemsNodeInterval refusing an existing item that overlaps another,
 * FixedAndRecurringInvoiceItemGenerator.generateItems): two existing RECURRING items of one subscription that
 * still both bill a day mean that day was billed twice — a bug or a bad manual write, never something to
 * repair on top of (illegal-state.ts has Kill Bill's other checks).
 */
function checkNoDayBilledTwice(owned: readonly Owned[]): void {
  for (let k = 1; k < owned.length; k++) {
    const prev = owned[k - 1]!;
    const cur = owned[k]!;
    if (cur.start < prev.end) {
      const a = prev.owner.item;
      const b = cur.owner.item;
      throw illegalInvoicingState(
        `subscriptionId='${a.subscriptionId}': items ${a.id} [${a.startDate}, ${a.endDate}) and ${b.id} [${b.startDate}, ${b.endDate}) both bill ${fromEpochDay(cur.start)}`,
        { subscriptionId: a.subscriptionId, itemIds: [a.id, b.id], day: fromEpochDay(cur.start) },
      );
    }
  }
}

/** A piece [from, to) of a proposed item, pro-rated on its own amount and length. */
function piece(p: ProposedItem, from: number, to: number, currency: Currency): ProposedItem {
  const pStart = epochDay(p.startDate);
  const pEnd = epochDay(p.endDate!);
  if (from === pStart && to === pEnd) return p;
  const ratio = ratioOf(to - from, pEnd - pStart);
  const explanation =
    p.explanation.kind === 'RECURRING' ? { ...p.explanation, proration: { days: to - from, periodDays: pEnd - pStart, ratio: ratio.toString() } } : p.explanation;
  return { ...p, startDate: fromEpochDay(from), endDate: fromEpochDay(to), amount: proratedAmount(ratio, p.amount, currency), explanation };
}

export interface SubscriptionItems {
  readonly recurring: readonly ProposedItem[];
  readonly fixed: readonly ProposedItem[];
  /** The subscription's existing RECURRING and FIXED items. */
  readonly existing: readonly ExistingItem[];
}

export function reconcile(sub: SubscriptionItems, links: Links, currency: Currency, fixedProrationDays: number): ProposedItem[] {
  const ignored = new Set<string>();
  const billed: Billed[] = [];
  for (const e of sub.existing) {
    if (e.type === 'FIXED' || (e.type === 'RECURRING' && e.amount.isZero())) {
      ignored.add(matchKey(e.type, e.startDate, e.endDate, e.amount, e.rate, e.planName, e.phaseName));
    } else if (e.type === 'RECURRING') {
      const b = billedItem(e, links);
      if (b) billed.push(b);
    }
  }
  const isIgnored = (p: ProposedItem) => ignored.size > 0 && ignored.has(matchKey(p.type, p.startDate, p.endDate, p.amount, p.rate, p.planName, p.phaseName));

  const owned: Owned[] = billed.flatMap((b) => b.remaining.map((s) => ({ ...s, owner: b }))).sort((a, b) => a.start - b.start);
  checkNoDayBilledTwice(owned);
  const out: ProposedItem[] = [];
  for (const p of sub.fixed) if (!isIgnored(p)) out.push(p);

  for (const p of sub.recurring) {
    if (isIgnored(p) || p.endDate === null) continue;
    const pStart = epochDay(p.startDate);
    const pEnd = epochDay(p.endDate);
    const fresh: Segment[] = [];
    let cursor = pStart;
    // First segment that ends after the item starts (segments are disjoint, so ends are sorted too).
    let lo = 0;
    let hi = owned.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (owned[mid]!.end <= pStart) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < owned.length && owned[k]!.start < pEnd && cursor < pEnd; k++) {
      const s = owned[k]!;
      if (s.start > cursor) fresh.push({ start: cursor, end: s.start });
      const from = Math.max(cursor, s.start);
      const to = Math.min(pEnd, s.end);
      if (to > from) {
        if (sameKind(s.owner.item, p)) s.owner.covered.push({ start: from, end: to });
        else fresh.push({ start: from, end: to });
      }
      cursor = Math.max(cursor, to);
    }
    if (cursor < pEnd) fresh.push({ start: cursor, end: pEnd });
    for (const f of normalize(fresh)) out.push(piece(p, f.start, f.end, currency));
  }

  for (const b of billed) {
    for (const gap of subtract(b.remaining, normalize(b.covered))) {
      const from = fromEpochDay(gap.start);
      const to = fromEpochDay(gap.end);
      const { days, periodDays, ratio } = prorate(from, to, b.start, b.end, fixedProrationDays);
      const prorated = proratedAmount(ratio, b.amount, currency);
      const cap = Decimal.max(b.left, 0);
      const capped = prorated.greaterThan(cap);
      const amount = capped ? cap : prorated;
      b.left = b.left.minus(amount);
      out.push({
        type: 'REPAIR_ADJ',
        subscriptionId: null,
        bundleId: null,
        productName: null,
        planName: null,
        phaseName: null,
        catalogEffectiveDate: null,
        startDate: from,
        endDate: to,
        amount: amount.isZero() ? new Decimal(0) : amount.negated(),
        rate: null,
        quantity: null,
        linkedItemId: b.item.id,
        explanation: { kind: 'REPAIR_ADJ', repairedItemId: b.item.id, repairedDays: days, itemDays: periodDays, ratio: ratio.toString(), cappedAt: capped ? cap.toFixed() : null },
      });
    }
  }
  return out;
}
