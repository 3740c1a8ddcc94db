import type { DateTime } from 'luxon';
import type { Currency } from '../values/currency.js';
import type { AccountEmailId, AccountId } from '../values/ids.js';

/** What an account holds, in Kill Bill's AccountData terms (companyName, stateOrProvince, billCycleDayLocal). */
export interface AccountFields {
  readonly externalKey: string;
  readonly name: string | null;
  readonly firstNameLength: number | null;
  readonly email: string | null;
  readonly currency: Currency | null;
  /** 0 until set: invoicing computes and stores it at the first run that needs it (killbill-semantics.md §3). */
  readonly billCycleDayLocal: number;
  readonly parentAccountId: AccountId | null;
  readonly isPaymentDelegatedToParent: boolean;
  readonly paymentMethodId: string | null;
  /** The instant local dates are anchored to, with the zone's offset at that instant (§2). */
  readonly referenceTime: DateTime;
  readonly timeZone: string;
  readonly locale: string | null;
  readonly address1: string | null;
  readonly address2: string | null;
  readonly companyName: string | null;
  readonly city: string | null;
  readonly stateOrProvince: string | null;
  readonly country: string | null;
  readonly postalCode: string | null;
  readonly phone: string | null;
  readonly notes: string | null;
  readonly isMigrated: boolean;
}

export interface Account extends AccountFields {
  /** Every row the account owns carries it as accountRecordId. */
  readonly recordId: number;
  readonly id: AccountId;
  readonly isClosed: boolean;
  readonly createdDate: Date;
  readonly updatedDate: Date;
}

/**
 * The fields a caller may give, unchecked: core validates them itself, so plugin calls get the same
 * rules as HTTP ones. In an update `undefined` keeps the current value and `null` resets it when the
 * caller asked for `treatNullAsReset` (otherwise it keeps it too, as Kill Bill's mergeWithDelegate).
 */
export interface AccountInput {
  readonly externalKey?: string | null;
  readonly name?: string | null;
  readonly firstNameLength?: number | null;
  readonly email?: string | null;
  readonly currency?: string | null;
  readonly billCycleDayLocal?: number | null;
  readonly parentAccountId?: string | null;
  readonly isPaymentDelegatedToParent?: boolean | null;
  readonly paymentMethodId?: string | null;
  readonly referenceTime?: DateTime | null;
  readonly timeZone?: string | null;
  readonly locale?: string | null;
  readonly address1?: string | null;
  readonly address2?: string | null;
  readonly companyName?: string | null;
  readonly city?: string | null;
  readonly stateOrProvince?: string | null;
  readonly country?: string | null;
  readonly postalCode?: string | null;
  readonly phone?: string | null;
  readonly notes?: string | null;
  readonly isMigrated?: boolean | null;
}

export type CreateAccountInput = AccountInput;
export type AccountUpdate = AccountInput;

export interface UpdateAccountOptions {
  /** Kill Bill's `treatNullAsReset`: a field sent as null is cleared instead of kept. */
  readonly treatNullAsReset: boolean;
}

/**
 * Kill Bill's closeAccount flags. Accounts have no subscriptions or invoices yet, so closing only marks
 * the account closed; the subscription, invoice and notification domains act on these flags when they
 * exist (cancel base subscriptions IMMEDIATE/END_OF_TERM, write off or item-adjust unpaid invoices,
 * drop future notifications, tag AUTO_INVOICING_OFF and add the CLOSE_ACCOUNT blocking state).
 * As in Kill Bill's AccountResource.closeAccount, a write-off wins over item adjustments when both are set.
 */
export interface CloseAccountOptions {
  readonly cancelAllSubscriptions: boolean;
  readonly writeOffUnpaidInvoices: boolean;
  readonly itemAdjustUnpaidInvoices: boolean;
  readonly removeFutureNotifications: boolean;
}

export interface AccountEmail {
  readonly id: AccountEmailId;
  readonly accountId: AccountId;
  readonly email: string;
}

export interface PageRequest {
  readonly offset: number;
  readonly limit: number;
}

/** One page of accounts in record-id order, with Kill Bill's TotalNbRecords (`total`) and MaxNbRecords (`max`). */
export interface AccountPage {
  readonly items: readonly Account[];
  readonly offset: number;
  readonly total: number;
  readonly max: number;
}
