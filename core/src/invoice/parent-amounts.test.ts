import { Decimal } from 'decimal.js';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { Currency } from '../values/currency.js';
import { childInvoiceBalance } from './balance.js';
import type { InvoiceItemType } from './invoice.js';
import { childInvoiceAmount, ignoredWithoutDraft, parentCommitInstant } from './parent-amounts.js';

const USD = 'USD' as Currency;
const item = (type: InvoiceItemType, amount: string) => ({ type, amount: new Decimal(amount) });

describe('a child invoice on its parent invoice (computeChildInvoiceAmount, shouldIgnoreChildInvoice)', () => {
  it('counts charges, adjustments and the credit the child used', () => {
    expect(childInvoiceAmount([item('RECURRING', '249.95')], USD).toFixed(2)).toBe('249.95');
    expect(childInvoiceAmount([item('RECURRING', '29.95'), item('CBA_ADJ', '-10')], USD).toFixed(2)).toBe('19.95');
    expect(childInvoiceAmount([item('RECURRING', '249.95'), item('ITEM_ADJ', '-10')], USD).toFixed(2)).toBe('239.95');
    expect(childInvoiceAmount([item('RECURRING', '100'), item('REPAIR_ADJ', '-40'), item('CBA_ADJ', '0')], USD).toFixed(2)).toBe('60.00');
  });

  it('counts a credit invoice as minus the credit it gives', () => {
    expect(childInvoiceAmount([item('CREDIT_ADJ', '-10'), item('CBA_ADJ', '10')], USD).toFixed(2)).toBe('-10.00');
  });

  it('starts no parent invoice for a credit, nor for 0 without a FIXED or RECURRING item, but does for a $0 trial', () => {
    expect(ignoredWithoutDraft([item('CREDIT_ADJ', '-10'), item('CBA_ADJ', '10')], new Decimal(-10))).toBe(true);
    expect(ignoredWithoutDraft([item('EXTERNAL_CHARGE', '50'), item('CBA_ADJ', '-50')], new Decimal(0))).toBe(true);
    expect(ignoredWithoutDraft([item('FIXED', '0')], new Decimal(0))).toBe(false);
    expect(ignoredWithoutDraft([item('EXTERNAL_CHARGE', '5')], new Decimal(5))).toBe(false);
  });
});

describe('the parent invoice commit time (parent.commit.local.utc.time 23:59:59.999)', () => {
  it('is the end of the UTC day the parent invoice was made', () => {
    expect(parentCommitInstant(DateTime.fromISO('2015-05-15T00:00:00Z', { zone: 'utc' })).toISO()).toBe('2015-05-15T23:59:59.999Z');
    expect(parentCommitInstant(DateTime.fromISO('2015-05-15T23:00:00-08:00')).toISO()).toBe('2015-05-16T23:59:59.999Z');
  });

  it('takes the next day when the time has passed', () => {
    expect(parentCommitInstant(DateTime.fromISO('2015-05-15T12:00:00Z', { zone: 'utc' }), '06:00:00.000').toISO()).toBe('2015-05-16T06:00:00.000Z');
  });
});

describe('a child invoice balance (DefaultInvoice.hasZeroParentBalance)', () => {
  it('reads 0 while its parent invoice reads 0, else its own', () => {
    expect(childInvoiceBalance(new Decimal('249.95'), new Decimal(0)).toFixed(2)).toBe('0.00');
    expect(childInvoiceBalance(new Decimal('249.95'), new Decimal('279.90')).toFixed(2)).toBe('249.95');
    expect(childInvoiceBalance(new Decimal('249.95'), null).toFixed(2)).toBe('249.95');
  });
});
