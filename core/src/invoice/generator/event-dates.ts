import type { DateTime } from 'luxon';
import type { Duration } from '../../catalog/index.js';
import type { AccountTime, LocalDate } from '../../subscription/account-time.js';
import type { BillingEvent } from '../../subscription/billing-events.js';
import { fromEpochDay, plusDays, plusMonths } from './dates.js';

/**
 * Billing events as the generator walks them: each subscription's events in order, each with its day in
 * the account's zone and the next event of the same subscription (the end of what it bills).
 */
export interface DatedEvent {
  readonly event: BillingEvent;
  readonly date: LocalDate;
  /** The catalog version's effective date as the explanations show it (ISO). */
  readonly catalogEffectiveDate: string;
  readonly next: DatedEvent | null;
}

/** Events that bill nothing after them (Kill Bill gives them no prices and NO_BILLING_PERIOD). */
export const STOPS_BILLING: ReadonlySet<BillingEvent['type']> = new Set(['CANCEL', 'EXPIRED', 'START_BILLING_DISABLED']);

/** Per subscription, in the order the events came (billingEvents orders them by date), first-seen subscription first. */
const DAY_MS = 86_400_000;

/**
 * AccountTime.toLocalDate without luxon on the hot path: the account zone is a fixed offset, so the day is
 * plain arithmetic on the instant (cached, as many events share an instant).
 */
function localDates(time: AccountTime): (instant: DateTime) => LocalDate {
  const offsetMs = time.zone.offset(0) * 60_000;
  const cache = new Map<number, LocalDate>();
  return (instant) => {
    const ms = instant.toMillis();
    let date = cache.get(ms);
    if (date === undefined) {
      date = fromEpochDay(Math.floor((ms + offsetMs) / DAY_MS));
      cache.set(ms, date);
    }
    return date;
  };
}

export function eventsBySubscription(events: readonly BillingEvent[], time: AccountTime): Map<string, DatedEvent[]> {
  const toLocalDate = localDates(time);
  // Few catalog versions, many events: format each version's date once.
  const isoByMillis = new Map<number, string>();
  const isoOf = (instant: DateTime) => {
    const ms = instant.toMillis();
    let iso = isoByMillis.get(ms);
    if (iso === undefined) {
      iso = instant.toISO() ?? '';
      isoByMillis.set(ms, iso);
    }
    return iso;
  };
  const raw = new Map<string, BillingEvent[]>();
  for (const e of events) {
    const list = raw.get(e.subscriptionId);
    if (list) list.push(e);
    else raw.set(e.subscriptionId, [e]);
  }
  const out = new Map<string, DatedEvent[]>();
  for (const [id, list] of raw) {
    const dated: DatedEvent[] = new Array<DatedEvent>(list.length);
    let next: DatedEvent | null = null;
    for (let i = list.length - 1; i >= 0; i--) {
      const e = list[i]!;
      next = { event: e, date: toLocalDate(e.effectiveDate), catalogEffectiveDate: isoOf(e.catalogEffectiveDate), next };
      dated[i] = next;
    }
    out.set(id, dated);
  }
  return out;
}

/** Duration.addToLocalDate; null for UNLIMITED. */
export function addDurationToDate(date: LocalDate, duration: Duration): LocalDate | null {
  const n = duration.number ?? 0;
  switch (duration.unit) {
    case 'DAYS':
      return plusDays(date, n);
    case 'WEEKS':
      return plusDays(date, 7 * n);
    case 'MONTHS':
      return plusMonths(date, n);
    case 'YEARS':
      return plusMonths(date, 12 * n);
    case 'UNLIMITED':
      return null;
  }
}
