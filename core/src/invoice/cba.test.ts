import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import type { LocalDate } from '../subscription/account-time.js';
import { accountBalanceOf } from './balance.js';
import { cbaForInvoice, useExistingCredit } from './cba.js';
import { invoice, item, payment, withItems } from './test-values.js';

const day = '2012-05-01' as LocalDate;

describe('credit for one invoice (§4.6)', () => {
  it('turns a negative balance into credit', () => {
    const cba = cbaForInvoice({ currency: 'USD', status: 'COMMITTED', writtenOff: false, items: [item('RECURRING', '10'), item('REPAIR_ADJ', '-17.70')] }, new Decimal(0), day);
    expect(cba?.type).toBe('CBA_ADJ');
    expect(cba?.amount.toFixed(2)).toBe('7.70');
    expect(cba?.startDate).toBe(day);
    expect(cba?.endDate).toBe(day);
    expect(cba?.explanation).toEqual({ kind: 'CBA_ADJ', reason: 'CREDIT_GENERATED' });
  });

  it('uses the account credit up to the balance of a COMMITTED invoice', () => {
    const inv = { currency: 'USD' as const, status: 'COMMITTED' as const, writtenOff: false, items: [item('RECURRING', '249.95')] };
    expect(cbaForInvoice(inv, new Decimal('750.05'), day)?.amount.toFixed(2)).toBe('-249.95');
    expect(cbaForInvoice(inv, new Decimal('100'), day)?.amount.toFixed(2)).toBe('-100.00');
    expect(cbaForInvoice(inv, new Decimal(0), day)).toBeNull();
  });

  it('leaves DRAFT and written-off invoices unpaid by credit', () => {
    const items = [item('RECURRING', '249.95')];
    expect(cbaForInvoice({ currency: 'USD', status: 'DRAFT', writtenOff: false, items }, new Decimal(1000), day)).toBeNull();
    expect(cbaForInvoice({ currency: 'USD', status: 'COMMITTED', writtenOff: true, items }, new Decimal(1000), day)).toBeNull();
  });

  it('credits 10 when a paid 249.95 invoice is adjusted by 10 (ITEM_ADJ -10, CBA_ADJ +10)', () => {
    const paid = { currency: 'USD' as const, status: 'COMMITTED' as const, writtenOff: false, items: [item('RECURRING', '249.95'), item('ITEM_ADJ', '-10')], payments: [payment('ATTEMPT', '249.95')] };
    const cba = cbaForInvoice(paid, new Decimal(0), day);
    expect(cba?.amount.toFixed(2)).toBe('10.00');
    const inv = withItems(invoice(1, '2012-04-01', [['RECURRING', '249.95'], ['ITEM_ADJ', '-10']], { payments: [payment('ATTEMPT', '249.95')] }), [item('CBA_ADJ', '10', 'inv-1')]);
    expect(inv.balance.toFixed(2)).toBe('0.00');
    expect(accountBalanceOf([inv]).accountBalance.toFixed(2)).toBe('-10.00');
  });
});

describe('existing credit pushed onto unpaid invoices (§4.6)', () => {
  it('pays the unpaid 249.95 invoice and then next month’s, leaving -500.10 from a 1000 credit', () => {
    const unpaid = invoice(1, '2012-04-01', [['RECURRING', '249.95']]);
    const credit = invoice(2, '2012-04-15', [['CREDIT_ADJ', '-1000'], ['CBA_ADJ', '1000']]);
    const uses = useExistingCredit([unpaid, credit], day);
    expect(uses).toHaveLength(1);
    expect(uses[0]!.invoiceId).toBe(unpaid.id);
    expect(uses[0]!.item.amount.toFixed(2)).toBe('-249.95');
    const paid = withItems(unpaid, [item('CBA_ADJ', '-249.95', unpaid.id)]);
    // Next month's invoice consumes what is left of the credit at creation.
    const next = cbaForInvoice({ currency: 'USD', status: 'COMMITTED', writtenOff: false, items: [item('RECURRING', '249.95')] }, accountBalanceOf([paid, credit]).accountCBA, day);
    expect(next?.amount.toFixed(2)).toBe('-249.95');
    const nextInvoice = invoice(3, '2012-05-01', [['RECURRING', '249.95'], ['CBA_ADJ', '-249.95']]);
    expect(accountBalanceOf([paid, credit, nextInvoice]).accountBalance.toFixed(2)).toBe('-500.10');
  });

  it('goes oldest invoice first and stops when the credit runs out', () => {
    const a = invoice(3, '2012-03-01', [['RECURRING', '50']]);
    const b = invoice(1, '2012-04-01', [['RECURRING', '80']]);
    const c = invoice(2, '2012-04-01', [['RECURRING', '80']]);
    const credit = invoice(4, '2012-04-15', [['CREDIT_ADJ', '-100'], ['CBA_ADJ', '100']]);
    const uses = useExistingCredit([b, c, credit, a], day);
    expect(uses.map((u) => [u.invoiceId, u.item.amount.toFixed(2)])).toEqual([
      ['inv-3', '-50.00'],
      ['inv-1', '-50.00'],
    ]);
  });

  it('does nothing without credit, and skips DRAFT and written-off invoices', () => {
    expect(useExistingCredit([invoice(1, '2012-04-01', [['RECURRING', '50']])], day)).toEqual([]);
    const draft = invoice(1, '2012-04-01', [['RECURRING', '50']], { status: 'DRAFT' });
    const off = invoice(2, '2012-04-01', [['RECURRING', '50']], { writtenOff: true });
    const credit = invoice(3, '2012-04-15', [['CREDIT_ADJ', '-100'], ['CBA_ADJ', '100']]);
    expect(useExistingCredit([draft, off, credit], day)).toEqual([]);
  });
});
