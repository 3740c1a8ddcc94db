import { DateTime, FixedOffsetZone } from 'luxon';
import { BillingError } from '../errors/index.js';

declare const brand: unique symbol;
/** A calendar day with no zone, `YYYY-MM-DD`; ISO strings of one length compare in date order. */
export type LocalDate = string & { readonly [brand]: 'LocalDate' };

const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function parseLocalDate(value: string, what: string): LocalDate {
  if (!LOCAL_DATE.test(value) || !DateTime.fromISO(value, { zone: 'utc' }).isValid) {
    throw new BillingError('INVALID_PARAMETER', `Invalid ${what}: '${value.slice(0, 64)}' is not a date such as 2024-01-31`, { [what]: value });
  }
  return value as LocalDate;
}

/** A date as a caller may give it: a day in the account's time zone, or an exact instant (Kill Bill accepts both). */
export type DateInput = { readonly kind: 'local'; readonly date: LocalDate } | { readonly kind: 'instant'; readonly at: DateTime };

/**
 * Kill Bill's TimeAwareContext (killbill-semantics.md §2): an account's dates live in a fixed-offset zone,
 * the offset its time zone had at the account's reference time (a Los Angeles account created in summer
 * is UTC-7 all year), and a local date stands for that day at the reference time's local time of day.
 */
export class AccountTime {
  readonly zone: FixedOffsetZone;
  readonly #reference: DateTime;

  constructor(timeZone: string, referenceTime: DateTime) {
    const offset = referenceTime.setZone(timeZone).offset;
    this.zone = FixedOffsetZone.instance(offset);
    this.#reference = referenceTime.setZone(this.zone);
  }

  toLocalDate(instant: DateTime): LocalDate {
    return instant.setZone(this.zone).toISODate() as LocalDate;
  }

  /** ClockUtil.toUTCDateTime(localDate, referenceLocalTime, fixedOffset). */
  toInstant(date: LocalDate): DateTime {
    const day = DateTime.fromISO(date, { zone: this.zone });
    const r = this.#reference;
    return day.set({ hour: r.hour, minute: r.minute, second: r.second, millisecond: r.millisecond }).toUTC();
  }

  resolve(input: DateInput): DateTime {
    return input.kind === 'instant' ? input.at.toUTC() : this.toInstant(input.date);
  }

  /** An instant seen in the account's fixed offset, for calendar arithmetic (phase durations, BCD days). */
  local(instant: DateTime): DateTime {
    return instant.setZone(this.zone);
  }
}
