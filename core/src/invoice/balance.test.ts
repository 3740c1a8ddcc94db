import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { accountBalanceOf, invoiceAmounts } from './balance.js';
import { invoice, item, payment } from './test-values.js';

const usd = { currency: 'USD' as const, status: 'COMMITTED' as const, writtenOff: false, migrated: false };

describe('invoice amounts (§4.8)', () => {
  it('charges recurring, fixed, repairs and item adjustments, and subtracts what was paid', () => {
    const a = invoiceAmounts([item('RECURRING', '249.95'), item('FIXED', '10'), item('REPAIR_ADJ', '-7.70'), item('ITEM_ADJ', '-2.25')], [payment('ATTEMPT', '100')], usd);
    expect(a.amount.toFixed(2)).toBe('250.00');
    expect(a.paidAmount.toFixed(2)).toBe('100.00');
    expect(a.balance.toFixed(2)).toBe('150.00');
  });

  it('counts only successful payments, and refunds (negative rows) re-open the balance', () => {
    const a = invoiceAmounts([item('RECURRING', '249.95')], [payment('ATTEMPT', '249.95'), payment('ATTEMPT', '249.95', false), payment('REFUND', '-233.82')], usd);
    expect(a.paidAmount.toFixed(2)).toBe('249.95');
    expect(a.refundAdj.toFixed(2)).toBe('-233.82');
    expect(a.balance.toFixed(2)).toBe('233.82');
  });

  it('adds credit used (CBA_ADJ) to what is owed as "credited"', () => {
    const a = invoiceAmounts([item('RECURRING', '249.95'), item('CBA_ADJ', '-249.95')], [], usd);
    expect(a.creditAdj.toFixed(2)).toBe('-249.95');
    expect(a.balance.toFixed(2)).toBe('0.00');
  });

  it('gives a credit invoice (CREDIT_ADJ -x, CBA_ADJ +x) a zero charged amount and balance', () => {
    const a = invoiceAmounts([item('CREDIT_ADJ', '-1000'), item('CBA_ADJ', '1000')], [], usd);
    expect(a.amount.toFixed(2)).toBe('0.00');
    expect(a.creditAdj.toFixed(2)).toBe('1000.00');
    expect(a.balance.toFixed(2)).toBe('0.00');
  });

  it('counts a CREDIT_ADJ on an ordinary invoice as a charge', () => {
    const a = invoiceAmounts([item('RECURRING', '100'), item('CREDIT_ADJ', '-30')], [], usd);
    expect(a.amount.toFixed(2)).toBe('70.00');
    expect(a.balance.toFixed(2)).toBe('70.00');
  });

  it('reads a zero balance for DRAFT, VOID, written-off and migration invoices', () => {
    const items = [item('RECURRING', '249.95')];
    expect(invoiceAmounts(items, [], { ...usd, status: 'DRAFT' }).balance.isZero()).toBe(true);
    expect(invoiceAmounts(items, [], { ...usd, status: 'VOID' }).balance.isZero()).toBe(true);
    expect(invoiceAmounts(items, [], { ...usd, writtenOff: true }).balance.isZero()).toBe(true);
    expect(invoiceAmounts(items, [], { ...usd, migrated: true }).balance.isZero()).toBe(true);
    expect(invoiceAmounts(items, [], { ...usd, status: 'DRAFT' }).amount.toFixed(2)).toBe('249.95');
  });

  it('rounds to the currency (JPY has no minor unit)', () => {
    const a = invoiceAmounts([item('RECURRING', '100.5')], [], { ...usd, currency: 'JPY' });
    expect(a.balance.toFixed()).toBe('101');
  });
});

describe('account balance (§4.8)', () => {
  it('is the committed balances minus the credit, with DRAFT invoices not counted', () => {
    const invoices = [
      invoice(1, '2012-04-01', [['CREDIT_ADJ', '-1000'], ['CBA_ADJ', '1000']]),
      invoice(2, '2012-04-01', [['RECURRING', '249.95'], ['CBA_ADJ', '-249.95']]),
      invoice(3, '2012-05-01', [['RECURRING', '249.95'], ['CBA_ADJ', '-249.95']]),
      invoice(4, '2012-05-02', [['EXTERNAL_CHARGE', '40']], { status: 'DRAFT' }),
    ];
    const b = accountBalanceOf(invoices);
    expect(b.accountBalance.toFixed(2)).toBe('-500.10');
    expect(b.accountCBA.toFixed(2)).toBe('500.10');
  });

  it('is zero for an account without invoices', () => {
    expect(accountBalanceOf([])).toEqual({ accountBalance: new Decimal(0), accountCBA: new Decimal(0) });
  });
});
