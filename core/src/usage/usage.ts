import type { Decimal } from 'decimal.js';
import type { LocalDate } from '../subscription/account-time.js';

/** One recorded amount of one unit on one day (a rolled_up_usage row as invoicing reads it). */
export interface UsageRecord {
  readonly subscriptionId: string;
  readonly unitType: string;
  /** The day, in the account's zone. */
  readonly recordDate: LocalDate;
  readonly amount: Decimal;
  readonly trackingId: string;
}

/** A `POST /1.0/kb/usages` body (Kill Bill's SubscriptionUsageRecord). */
export interface UsageSubmission {
  readonly subscriptionId: string;
  /** Null or empty: a random one is given (Kill Bill's DefaultUsageUserApi), so the call cannot be de-duplicated. */
  readonly trackingId: string | null;
  readonly units: readonly { readonly unitType: string; readonly records: readonly { readonly recordDate: string; readonly amount: Decimal }[] }[];
}

/** Kill Bill's RolledUpUsage: per unit, the amounts of [startDate, endDate) summed. */
export interface RolledUpUsage {
  readonly subscriptionId: string;
  readonly startDate: string;
  readonly endDate: string;
  readonly rolledUpUnits: readonly { readonly unitType: string; readonly amount: Decimal }[];
}
