import type { LocalDate } from '../../subscription/account-time.js';

/**
 * Calendar-day arithmetic on LocalDates as Joda's LocalDate does it (ISO chronology, no zone): day counts,
 * month steps that clamp to the month's last day, and the BCD clamp. Plain integer arithmetic rather than
 * luxon: the generator steps through every period of an account's history on each run, and a date here is
 * only ever a day.
 */

export interface Ymd {
  readonly y: number;
  readonly m: number;
  readonly d: number;
}

const digit = (s: string, i: number) => s.charCodeAt(i) - 48;

export function toYmd(date: LocalDate): Ymd {
  return {
    y: digit(date, 0) * 1000 + digit(date, 1) * 100 + digit(date, 2) * 10 + digit(date, 3),
    m: digit(date, 5) * 10 + digit(date, 6),
    d: digit(date, 8) * 10 + digit(date, 9),
  };
}

const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);

export function fromYmd({ y, m, d }: Ymd): LocalDate {
  const year = y >= 1000 ? `${y}` : String(y).padStart(4, '0');
  return `${year}-${two(m)}-${two(d)}` as LocalDate;
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function lastDayOfMonth(y: number, m: number): number {
  return m === 2 && isLeapYear(y) ? 29 : MONTH_DAYS[m - 1]!;
}

/** Days since 1970-01-01 (H. Hinnant's days_from_civil). */
export function epochDay(date: LocalDate): number {
  const { y: y0, m, d } = toYmd(date);
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The inverse of epochDay (civil_from_days). */
export function fromEpochDay(n: number): LocalDate {
  const z = n + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return fromYmd({ y: era * 400 + yoe + (m <= 2 ? 1 : 0), m, d });
}

/** Joda Days.daysBetween: negative when `to` is before `from`. */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return epochDay(to) - epochDay(from);
}

export function plusDays(date: LocalDate, days: number): LocalDate {
  return fromEpochDay(epochDay(date) + days);
}

/** Joda LocalDate.plusMonths (negative: minusMonths): the day is clamped to the target month's last day (2013-09-30 − 1 month = 2013-08-30; 2012-03-31 − 1 month = 2012-02-29). */
export function plusMonths(date: LocalDate, months: number): LocalDate {
  const { y, m, d } = toYmd(date);
  const index = y * 12 + (m - 1) + months;
  const ty = Math.floor(index / 12);
  const tm = index - ty * 12 + 1;
  return fromYmd({ y: ty, m: tm, d: Math.min(d, lastDayOfMonth(ty, tm)) });
}

/** BillCycleDayCalculator.alignProposedBillCycleDate for month-based periods: the BCD in that date's month, clamped to its last day. */
export function withBillCycleDay(date: LocalDate, billCycleDay: number): LocalDate {
  const { y, m } = toYmd(date);
  return fromYmd({ y, m, d: Math.min(billCycleDay, lastDayOfMonth(y, m)) });
}

export const minDate = (a: LocalDate, b: LocalDate): LocalDate => (a <= b ? a : b);
export const maxDate = (a: LocalDate, b: LocalDate): LocalDate => (a >= b ? a : b);
