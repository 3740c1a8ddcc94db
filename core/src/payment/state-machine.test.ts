import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { isBillingError } from '../errors/index.js';
import type { TransactionStatus, TransactionType } from './payment-service.js';
import { BIG_BANG, checkAmount, checkTransition, isAllowed, nextStates, paymentAmounts, sourceState, type TransactionFigures } from './state-machine.js';

function tx(transactionType: TransactionType, amount: string, status: TransactionStatus = 'SUCCESS', externalKey = `${transactionType}-${amount}`): TransactionFigures {
  return { transactionType, status, externalKey, amount: new Decimal(amount), currency: 'USD', processedAmount: status === 'SUCCESS' ? new Decimal(amount) : new Decimal(0), processedCurrency: 'USD' };
}

function codeOf(fn: () => void): string | null {
  try {
    fn();
    return null;
  } catch (err) {
    return isBillingError(err) ? err.code : 'THROWN';
  }
}

describe('payment state machine', () => {
  it('starts a payment only with an authorization, a purchase or a credit', () => {
    expect(isAllowed(BIG_BANG, 'AUTHORIZE')).toBe(true);
    expect(isAllowed(BIG_BANG, 'PURCHASE')).toBe(true);
    expect(isAllowed(BIG_BANG, 'CREDIT')).toBe(true);
    for (const type of ['CAPTURE', 'REFUND', 'VOID', 'CHARGEBACK'] as const) expect(isAllowed(BIG_BANG, type)).toBe(false);
  });

  it('allows captures and a void after an authorization, and refunds after captures', () => {
    expect(isAllowed('AUTH_SUCCESS', 'CAPTURE')).toBe(true);
    expect(isAllowed('AUTH_SUCCESS', 'VOID')).toBe(true);
    expect(isAllowed('AUTH_SUCCESS', 'REFUND')).toBe(false);
    expect(isAllowed('CAPTURE_SUCCESS', 'CAPTURE')).toBe(true);
    expect(isAllowed('CAPTURE_SUCCESS', 'REFUND')).toBe(true);
    expect(isAllowed('CAPTURE_SUCCESS', 'VOID')).toBe(false);
    expect(isAllowed('PURCHASE_SUCCESS', 'CHARGEBACK')).toBe(true);
    expect(isAllowed('CHARGEBACK_FAILED', 'REFUND')).toBe(true);
    expect(isAllowed('CREDIT_SUCCESS', 'REFUND')).toBe(false);
  });

  it('refuses a capture after a void with PAYMENT_INVALID_OPERATION', () => {
    const after = nextStates({ lastSuccessStateName: 'AUTH_SUCCESS' }, 'VOID', 'SUCCESS');
    expect(after).toEqual({ stateName: 'VOID_SUCCESS', lastSuccessStateName: 'VOID_SUCCESS' });
    expect(codeOf(() => checkTransition(sourceState(after), 'CAPTURE'))).toBe('PAYMENT_INVALID_OPERATION');
  });

  it('judges a retry from the last successful state, so a failed purchase can be retried into its payment', () => {
    const failed = nextStates({ lastSuccessStateName: null }, 'PURCHASE', 'PAYMENT_FAILURE');
    expect(failed).toEqual({ stateName: 'PURCHASE_FAILED', lastSuccessStateName: null });
    expect(sourceState(failed)).toBe(BIG_BANG);
    const erroredCapture = nextStates({ lastSuccessStateName: 'AUTH_SUCCESS' }, 'CAPTURE', 'PLUGIN_FAILURE');
    expect(erroredCapture).toEqual({ stateName: 'CAPTURE_ERRORED', lastSuccessStateName: 'AUTH_SUCCESS' });
  });

  it('treats a chargeback reversal as reaching CHARGEBACK_FAILED, from which a refund may follow', () => {
    const reversed = nextStates({ lastSuccessStateName: 'CHARGEBACK_SUCCESS' }, 'CHARGEBACK', 'PAYMENT_FAILURE');
    expect(reversed).toEqual({ stateName: 'CHARGEBACK_FAILED', lastSuccessStateName: 'CHARGEBACK_FAILED' });
    expect(codeOf(() => checkTransition(sourceState(reversed), 'REFUND'))).toBeNull();
  });
});

describe('payment amounts', () => {
  it('adds auth, two captures and a refund as Kill Bill shows them', () => {
    const figures = paymentAmounts([tx('AUTHORIZE', '10'), tx('CAPTURE', '4'), tx('CAPTURE', '5'), tx('REFUND', '3')], 'USD');
    expect(figures.authAmount.toString()).toBe('10');
    expect(figures.capturedAmount.toString()).toBe('9');
    expect(figures.refundedAmount.toString()).toBe('3');
    expect(figures.purchasedAmount.toString()).toBe('0');
    expect(figures.isAuthVoided).toBe(false);
  });

  it('reads authAmount 0 after a void', () => {
    const figures = paymentAmounts([tx('AUTHORIZE', '10'), tx('VOID', '0')], 'USD');
    expect(figures.authAmount.toString()).toBe('0');
    expect(figures.isAuthVoided).toBe(true);
  });

  it('ignores failed transactions', () => {
    const figures = paymentAmounts([tx('PURCHASE', '10', 'PAYMENT_FAILURE'), tx('PURCHASE', '10', 'PLUGIN_FAILURE'), tx('PURCHASE', '7')], 'USD');
    expect(figures.purchasedAmount.toString()).toBe('7');
  });

  it('lowers the purchased amount by a chargeback, and restores it when the chargeback is reversed', () => {
    const charged = [tx('PURCHASE', '10'), tx('CHARGEBACK', '10', 'SUCCESS', 'cb1')];
    expect(paymentAmounts(charged, 'USD').purchasedAmount.toString()).toBe('0');
    const reversed = [...charged, tx('CHARGEBACK', '10', 'PAYMENT_FAILURE', 'cb1')];
    expect(paymentAmounts(reversed, 'USD').purchasedAmount.toString()).toBe('10');
  });

  it('refuses a capture beyond what is still authorized and a refund beyond what was captured', () => {
    const figures = paymentAmounts([tx('AUTHORIZE', '10'), tx('CAPTURE', '9')], 'USD');
    expect(codeOf(() => checkAmount('CAPTURE', new Decimal('1.01'), figures))).toBe('PAYMENT_INVALID_PARAMETER');
    expect(codeOf(() => checkAmount('CAPTURE', new Decimal('1'), figures))).toBeNull();
    expect(codeOf(() => checkAmount('REFUND', new Decimal('9.01'), figures))).toBe('PAYMENT_INVALID_PARAMETER');
    expect(codeOf(() => checkAmount('REFUND', new Decimal('9'), figures))).toBeNull();
  });
});
