import type { Decimal } from 'decimal.js';
import type { DateTime } from 'luxon';
import type { BillingAlignment, BillingMode, BillingPeriod, Duration, PhaseType, ProductCategory, Usage } from '../catalog/index.js';
import type { Currency } from '../values/currency.js';
import type { TransitionType } from './timeline.js';

/**
 * One billing event as invoicing reads it (Kill Bill's BillingEvent / DefaultBillingEvent). Its own file so
 * that billing-events.ts (which builds them) and billing-blocking.ts (which inserts the blocked ones) share
 * it without importing each other.
 */

/**
 * Kill Bill's SubscriptionBaseTransitionType as billing sees it: the subscription's transitions plus the two
 * BlockingCalculator adds around a billing-blocked interval.
 */
export type BillingEventType = TransitionType | 'START_BILLING_DISABLED' | 'END_BILLING_DISABLED';

export interface BillingEvent {
  readonly subscriptionId: string;
  readonly bundleId: string;
  /** The subscription event's id; for a START/END_BILLING_DISABLED event, the blocking state's that opened/closed the interval. */
  readonly eventId: string;
  readonly type: BillingEventType;
  readonly effectiveDate: DateTime;
  readonly planName: string;
  readonly phaseName: string;
  readonly phaseType: PhaseType;
  /** The phase's catalog duration: a FIXED item of a fixed-price-only phase ends after it when no PHASE event follows (§4.4). */
  readonly phaseDuration?: Duration;
  readonly productName: string;
  readonly category: ProductCategory;
  readonly priceListName: string;
  /** In the account's currency; null when the phase has none (an empty `<fixedPrice/>` is 0), and on a START_BILLING_DISABLED event. */
  readonly fixedPrice: Decimal | null;
  readonly recurringPrice: Decimal | null;
  readonly currency: Currency | null;
  readonly billingPeriod: BillingPeriod;
  readonly billingMode: BillingMode;
  readonly billingAlignment: BillingAlignment;
  readonly billCycleDayLocal: number;
  readonly quantity: number;
  readonly catalogEffectiveDate: DateTime;
  /** The phase's usage sections (catalog), billed in arrear by invoice/usage; absent or empty when it has none. */
  readonly usages?: readonly Usage[];
}
