import type { BillingMode } from '../../catalog/index.js';
import type { LocalDate } from '../../subscription/account-time.js';
import { addPeriods, alignToBcd, type PeriodStep } from './billing-period.js';
import { lastDayOfMonth, toYmd, fromYmd } from './dates.js';

/**
 * Kill Bill's BillingIntervalDetail (killbill-semantics.md §4.2, §4.3): for one billing event billing
 * [start, end) up to a target date, the first BCD on or after the start, the date up to which to bill
 * (effective end) and the last BCD on or before it. Future BCDs are always recomputed from the first one
 * (firstBCD + n periods, then clamped to the BCD), so BCD 31 gives 03-31, 04-30, 05-31, 06-30.
 * In arrear, the DEFAULT mode bills a period once the target reaches its end; GREEDY
 * (org.killbill.invoice.inArrear.mode) bills the period the target is in, from its start on.
 */
export class BillingInterval {
  readonly billCycleDay: number;
  readonly firstBcd: LocalDate;
  /** Null: nothing to bill yet (in arrear, before the first BCD). */
  readonly effectiveEnd: LocalDate | null;
  readonly lastBcd: LocalDate | null;
  /** n such that lastBcd = futureBcd(n). */
  readonly lastBcdIndex: number;

  constructor(
    readonly start: LocalDate,
    readonly end: LocalDate | null,
    readonly target: LocalDate,
    billCycleDay: number,
    readonly step: PeriodStep,
    readonly mode: BillingMode,
    readonly inArrearGreedy = false,
  ) {
    // Only month-based periods use the BCD; the others bill from the event's own day.
    this.billCycleDay = step.kind === 'months' ? billCycleDay : toYmd(start).d;
    this.firstBcd = this.#firstBillingCycleDate();
    this.effectiveEnd = mode === 'IN_ADVANCE' ? this.#inAdvanceEffectiveEnd() : this.#inArrearEffectiveEnd();
    const last = this.#lastBillingCycleDate();
    this.lastBcd = last?.date ?? null;
    this.lastBcdIndex = last?.index ?? -1;
  }

  /** getFutureBillingDateFor(n). */
  futureBcd(n: number): LocalDate {
    return alignToBcd(addPeriods(this.firstBcd, this.step, n), this.billCycleDay, this.step);
  }

  /** getNextBillingCycleDate: the BCD after the last one billed (the first one when none was). */
  nextBcd(): LocalDate {
    return this.lastBcd === null ? this.firstBcd : alignToBcd(addPeriods(this.lastBcd, this.step, 1), this.billCycleDay, this.step);
  }

  /** hasSomethingToBill: there is an effective end, and an end (if any) after the start (never less than a day). */
  hasSomethingToBill(): boolean {
    return this.effectiveEnd !== null && (this.end === null || this.end > this.start);
  }

  #firstBillingCycleDate(): LocalDate {
    const { y, m } = toYmd(this.start);
    let proposed = fromYmd({ y, m, d: Math.min(this.billCycleDay, lastDayOfMonth(y, m)) });
    while (proposed < this.start) proposed = addPeriods(proposed, this.step, 1);
    return alignToBcd(proposed, this.billCycleDay, this.step);
  }

  #inAdvanceEffectiveEnd(): LocalDate {
    if (this.end !== null && this.target >= this.end) return this.end;
    if (this.target < this.firstBcd) return this.firstBcd;
    let n = 0;
    let proposed = this.firstBcd;
    while (proposed <= this.target) proposed = this.futureBcd(n++);
    return this.end !== null && this.end < proposed ? this.end : proposed;
  }

  #inArrearEffectiveEnd(): LocalDate | null {
    // A change or cancellation ending the period on the target date bills the partial period now (Kill Bill #1907).
    if (this.end !== null && this.target === this.end) return this.target;
    // GREEDY bills from the event's start on, DEFAULT once the first BCD is reached.
    if (this.target < (this.inArrearGreedy ? this.start : this.firstBcd)) return null;
    if (this.end !== null && this.end < this.firstBcd) return this.end;
    let n = 0;
    let proposed = this.firstBcd;
    let next = this.futureBcd(n);
    while (next <= this.target) {
      proposed = next;
      next = this.futureBcd(++n);
    }
    // GREEDY: the period the target is in is billed to its end (unless the target is a BCD itself).
    if (this.inArrearGreedy && proposed !== this.target) proposed = next;
    const cutoff = this.inArrearGreedy ? next : this.target;
    return this.end !== null && this.end <= cutoff ? this.end : proposed;
  }

  #lastBillingCycleDate(): { date: LocalDate; index: number } | null {
    const end = this.effectiveEnd;
    if (end === null || end < this.firstBcd) return null;
    let n = 0;
    while (this.futureBcd(n + 1) <= end) n++;
    return { date: this.futureBcd(n), index: n };
  }
}
