import { Decimal } from 'decimal.js';
import { BillingError } from '../errors/index.js';
import type { TransactionStatus, TransactionType } from './payment-service.js';

/**
 * Kill Bill's payment state machine (PaymentStates.xml, killbill-semantics.md §7.2), pure. A payment's
 * state is "<PREFIX>_<OUTCOME>"; a new transaction is judged from the payment's last SUCCESS state
 * (BIG_BANG for a payment with none), so a failed transaction can be retried into the same payment and a
 * failed capture leaves the authorization capturable.
 */

export const BIG_BANG = 'BIG_BANG';

const PREFIX: Record<TransactionType, string> = {
  AUTHORIZE: 'AUTH',
  CAPTURE: 'CAPTURE',
  PURCHASE: 'PURCHASE',
  REFUND: 'REFUND',
  CREDIT: 'CREDIT',
  VOID: 'VOID',
  CHARGEBACK: 'CHARGEBACK',
};

/** The transitions PaymentStates.xml links: from a state, which transaction types may start. */
const LINKS: Readonly<Record<string, readonly TransactionType[]>> = {
  [BIG_BANG]: ['AUTHORIZE', 'PURCHASE', 'CREDIT'],
  AUTH_SUCCESS: ['CAPTURE', 'VOID'],
  CAPTURE_SUCCESS: ['REFUND', 'CAPTURE', 'CHARGEBACK'],
  REFUND_SUCCESS: ['REFUND', 'CHARGEBACK'],
  PURCHASE_SUCCESS: ['REFUND', 'CHARGEBACK'],
  CHARGEBACK_SUCCESS: ['CHARGEBACK'],
  CHARGEBACK_FAILED: ['REFUND'],
};

export type StateOutcome = 'INIT' | 'PENDING' | 'SUCCESS' | 'FAILED' | 'ERRORED';

export function stateName(type: TransactionType, outcome: StateOutcome): string {
  return `${PREFIX[type]}_${outcome}`;
}

/** Kill Bill's mapping of a transaction status onto the state it leaves the payment in. */
export function outcomeOf(status: TransactionStatus): StateOutcome {
  switch (status) {
    case 'SUCCESS':
      return 'SUCCESS';
    case 'PENDING':
      return 'PENDING';
    case 'PAYMENT_FAILURE':
      return 'FAILED';
    case 'PLUGIN_FAILURE':
    case 'UNKNOWN':
    case 'PAYMENT_SYSTEM_OFF':
      return 'ERRORED';
  }
}

/** The state a new transaction of the payment is judged from. */
export function sourceState(payment: { readonly lastSuccessStateName?: string | null | undefined } | null): string {
  return payment?.lastSuccessStateName ?? BIG_BANG;
}

export function isAllowed(from: string, type: TransactionType): boolean {
  return (LINKS[from] ?? []).includes(type);
}

/** PAYMENT_INVALID_OPERATION (7032) unless `type` may start from `from`. */
export function checkTransition(from: string, type: TransactionType): void {
  if (!isAllowed(from, type)) {
    throw new BillingError('PAYMENT_INVALID_OPERATION', `Invalid payment transition ${type} from state ${from}`, { transactionType: type, stateName: from });
  }
}

/**
 * The payment's state after a transaction ends with `status`. A chargeback reversal (a CHARGEBACK ending
 * in PAYMENT_FAILURE) counts as reached: CHARGEBACK_FAILED links to REFUND.
 */
export function nextStates(
  payment: { readonly lastSuccessStateName?: string | null | undefined },
  type: TransactionType,
  status: TransactionStatus,
): { stateName: string; lastSuccessStateName: string | null } {
  const name = stateName(type, outcomeOf(status));
  const reached = status === 'SUCCESS' || (type === 'CHARGEBACK' && status === 'PAYMENT_FAILURE' && payment.lastSuccessStateName === 'CHARGEBACK_SUCCESS');
  return { stateName: name, lastSuccessStateName: reached ? name : (payment.lastSuccessStateName ?? null) };
}

// ---------------------------------------------------------------------------------------------------
// Amounts

export interface TransactionFigures {
  readonly transactionType: TransactionType;
  readonly status: TransactionStatus;
  readonly externalKey: string;
  readonly amount: Decimal;
  readonly currency: string;
  readonly processedAmount: Decimal | null;
  readonly processedCurrency: string | null;
}

export interface PaymentAmounts {
  readonly authAmount: Decimal;
  readonly capturedAmount: Decimal;
  readonly purchasedAmount: Decimal;
  readonly refundedAmount: Decimal;
  readonly creditedAmount: Decimal;
  readonly isAuthVoided: boolean;
}

const ZERO = new Decimal(0);

/** What a successful transaction moved, in the payment's currency. */
function moved(t: TransactionFigures, currency: string): Decimal {
  if (t.processedAmount !== null && t.processedCurrency === currency) return t.processedAmount;
  return t.amount;
}

/**
 * Kill Bill's DefaultPayment figures from the transactions, oldest first: only SUCCESS ones count; each
 * VOID voids the latest earlier successful transaction not yet voided (so after voiding an authorization
 * authAmount reads 0); a chargeback whose key was later reversed (a CHARGEBACK PAYMENT_FAILURE with the
 * same key) counts nothing; chargebacks lower what was captured, else what was purchased.
 */
export function paymentAmounts(transactions: readonly TransactionFigures[], currency: string): PaymentAmounts {
  const kept: TransactionFigures[] = [];
  let toVoid = 0;
  let isAuthVoided = false;
  for (let i = transactions.length - 1; i >= 0; i--) {
    const t = transactions[i]!;
    if (t.status !== 'SUCCESS') continue;
    if (t.transactionType === 'VOID') toVoid++;
    else if (toVoid > 0) {
      toVoid--;
      if (t.transactionType === 'AUTHORIZE') isAuthVoided = true;
    } else kept.unshift(t);
  }
  const sum = (type: TransactionType) => kept.filter((t) => t.transactionType === type).reduce((acc, t) => acc.plus(moved(t, currency)), ZERO);

  // The last CHARGEBACK of each key decides: SUCCESS counts, a reversal cancels it.
  const lastChargeback = new Map<string, TransactionFigures>();
  for (const t of transactions) if (t.transactionType === 'CHARGEBACK' && (t.status === 'SUCCESS' || t.status === 'PAYMENT_FAILURE')) lastChargeback.set(t.externalKey, t);
  const chargedBack = [...lastChargeback.values()].filter((t) => t.status === 'SUCCESS').reduce((acc, t) => acc.plus(moved(t, currency)), ZERO);

  let capturedAmount = sum('CAPTURE');
  let purchasedAmount = sum('PURCHASE');
  if (chargedBack.gt(0)) {
    if (capturedAmount.gt(0)) capturedAmount = Decimal.max(ZERO, capturedAmount.minus(chargedBack));
    else purchasedAmount = Decimal.max(ZERO, purchasedAmount.minus(chargedBack));
  }
  return {
    authAmount: sum('AUTHORIZE'),
    capturedAmount,
    purchasedAmount,
    refundedAmount: sum('REFUND'),
    creditedAmount: sum('CREDIT'),
    isAuthVoided,
  };
}

/**
 * The amount rules Kill Bill's callers rely on: a capture up to what is authorised and not yet captured,
 * a refund up to what was captured or purchased and not yet refunded (PAYMENT_INVALID_PARAMETER otherwise).
 */
export function checkAmount(type: TransactionType, amount: Decimal, figures: PaymentAmounts): void {
  if (type === 'CAPTURE') {
    const capturable = figures.authAmount.minus(figures.capturedAmount);
    if (amount.gt(capturable)) {
      throw new BillingError('PAYMENT_INVALID_PARAMETER', `Invalid parameter amount: ${amount.toString()} exceeds the ${capturable.toString()} still authorized`, { amount: amount.toString(), capturable: capturable.toString() });
    }
  }
  if (type === 'REFUND') {
    const refundable = figures.capturedAmount.plus(figures.purchasedAmount).minus(figures.refundedAmount);
    if (amount.gt(refundable)) {
      throw new BillingError('PAYMENT_INVALID_PARAMETER', `Invalid parameter amount: ${amount.toString()} exceeds the ${refundable.toString()} still refundable`, { amount: amount.toString(), refundable: refundable.toString() });
    }
  }
}
