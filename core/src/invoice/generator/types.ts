import type { Decimal } from 'decimal.js';
import type { DateTime } from 'luxon';
import type { AccountTime, LocalDate } from '../../subscription/account-time.js';
import type { BillingEvent } from '../../subscription/billing-events.js';
import type { Currency } from '../../values/currency.js';
import type { InvoiceItemType, ItemExplanation } from '../invoice.js';

/**
 * The contract of the pure invoice generator (Kill Bill's DefaultInvoiceGenerator +
 * FixedAndRecurringInvoiceItemGenerator + SubscriptionItemTree; killbill-semantics.md §4.2–4.5, §4.12).
 * No database, no clock: the dispatcher gathers the inputs and writes the output.
 */

export interface GeneratorConfig {
  /** org.killbill.invoice.maxDailyNumberOfItemsSafetyBound (15): more items than this for one subscription and one day is a bug; -1 turns the check off. */
  readonly maxDailyItemsPerSubscription: number;
  /** org.killbill.invoice.proration.fixed.days (0 = calendar days). */
  readonly fixedProrationDays: number;
  /** org.killbill.invoice.inArrear.mode: DEFAULT (absent) bills an in-arrear period once it has ended, GREEDY as soon as a target date falls in it. */
  readonly inArrearMode?: 'DEFAULT' | 'GREEDY';
}

export const DEFAULT_GENERATOR_CONFIG: GeneratorConfig = { maxDailyItemsPerSubscription: 15, fixedProrationDays: 0 };

/** An item already on a COMMITTED (or reused DRAFT) invoice, as the generator needs it. */
export interface ExistingItem {
  readonly id: string;
  readonly invoiceId: string;
  readonly type: InvoiceItemType;
  readonly subscriptionId: string | null;
  readonly planName: string | null;
  readonly phaseName: string | null;
  readonly startDate: LocalDate | null;
  readonly endDate: LocalDate | null;
  readonly amount: Decimal;
  readonly rate: Decimal | null;
  readonly linkedItemId: string | null;
  /** The day (account zone) the item was written; with `GeneratorInput.today`, counts towards the daily safety bound. */
  readonly createdDay?: LocalDate;
}

export interface GeneratorInput {
  readonly time: AccountTime;
  readonly currency: Currency;
  /** The run's target date, in the account's zone. */
  readonly targetDate: LocalDate;
  /**
   * The account's billing events (subscription service `billingEvents`), ordered by date. Every subscription
   * with existing items must have its events here: one left out would have all its billed days repaired
   * (Kill Bill leaves out AUTO_INVOICING_OFF subscriptions from both the events and the existing items).
   */
  readonly events: readonly BillingEvent[];
  /** Every item of the account's COMMITTED invoices (and of the DRAFT being reused); VOID and other DRAFT invoices are left out. */
  readonly existing: readonly ExistingItem[];
  /** Today in the account's zone: existing items with this `createdDay` count towards `maxDailyItemsPerSubscription`. */
  readonly today?: LocalDate;
  readonly config?: GeneratorConfig;
}

/** An item the run must write: RECURRING, FIXED or REPAIR_ADJ (credit and plugin items come after). */
export interface ProposedItem {
  readonly type: Extract<InvoiceItemType, 'RECURRING' | 'FIXED' | 'REPAIR_ADJ'>;
  /** Null for REPAIR_ADJ, as Kill Bill writes it (it names only the item it repairs, `linkedItemId`). */
  readonly subscriptionId: string | null;
  readonly bundleId: string | null;
  readonly productName: string | null;
  readonly planName: string | null;
  readonly phaseName: string | null;
  readonly catalogEffectiveDate: DateTime | null;
  readonly startDate: LocalDate;
  /** Null for a FIXED item of a phase that has a recurring price or is EVERGREEN (§4.4). */
  readonly endDate: LocalDate | null;
  /** Rounded half-up to the currency's minor unit; negative for REPAIR_ADJ. */
  readonly amount: Decimal;
  /** rate × quantity for RECURRING; null otherwise. */
  readonly rate: Decimal | null;
  readonly quantity: number | null;
  /** REPAIR_ADJ: the existing item it repairs. */
  readonly linkedItemId: string | null;
  readonly explanation: ItemExplanation;
}

export interface GeneratorResult {
  /** Only the difference against `existing`: empty when nothing changed (re-running yields no new items). */
  readonly items: readonly ProposedItem[];
  /**
   * Per subscription, the date the next run is due (§4.12): IN_ADVANCE = the end of the last recurring
   * period billed; IN_ARREAR = the next BCD. Absent when nothing recurring is left to bill, and (IN_ADVANCE)
   * when this run writes no RECURRING item for the subscription and no item starting or ending that day
   * (InvoiceWithMetadata: a run that changes nothing schedules nothing; the date scheduled before stands).
   */
  readonly nextBillingDates: ReadonlyMap<string, LocalDate>;
  /**
   * Per subscription, the charged-through date the committed items give (§4.12): the end of the last
   * billed recurring period, or the end of a fixed-price-only phase (a $0 trial's end).
   */
  readonly chargedThroughDates: ReadonlyMap<string, LocalDate>;
}

/** The generator's entry point; generator/generate.ts implements it. */
export type GenerateItems = (input: GeneratorInput) => GeneratorResult;
