import type { InvoiceItem } from 'killbill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoicePayer, txn } from '../support/invoice-payments.js';
import { startPaymentServer, transactionLines, type PaymentServer } from '../support/payments.js';

/**
 * Refunds and chargebacks of invoice payments with the official client (Kill Bill's InvoicePaymentResource,
 * §7.3 / §4.8): without adjustment a refund re-opens the invoice balance (and uses the account's credit),
 * with item adjustments the balance stays; chargebacks re-open it and their reversal closes it again.
 */
let ps: PaymentServer;
let url: string;

beforeAll(async () => {
  ps = await startPaymentServer(import.meta.filename);
  url = ps.server.url;
});

afterAll(async () => {
  await ps?.close();
});

const payer = (method?: string | null) => invoicePayer(url, ps.server.config.dbUrl, method);

describe('refunds of an invoice payment', () => {
  it('re-opens the invoice balance by the refund without adjustment', async () => {
    const t = await payer();
    const inv = await t.subscribe();
    const [payment] = await t.invoicePayments();
    const refunded = (await t.kb.invoicePayments.createRefundWithAdjustments(txn({ amount: 100, isAdjusted: false }), payment!.paymentId!, 'test')).data;
    expect(refunded.refundedAmount).toBe(100);
    expect(refunded.targetInvoiceId).toBe(inv.invoiceId);
    expect(await t.balances(inv.invoiceId!)).toEqual({ invoice: 100, account: 100, cba: 0 });
    expect((await t.invoice(inv.invoiceId!)).refundAdj).toBe(-100);
    expect(await t.events(inv.invoiceId!)).toEqual(['INVOICE_PAYMENT_SUCCESS', 'INVOICE_PAYMENT_SUCCESS']);
  });

  it('lets the re-opened balance use the credit the account holds', async () => {
    const t = await payer();
    const inv = await t.subscribe();
    await t.kb.credits.createCredits([{ accountId: t.accountId, amount: 50, currency: 'USD' } as InvoiceItem], 'test', true);
    expect(await t.balances(inv.invoiceId!)).toEqual({ invoice: 0, account: -50, cba: 50 });
    const [payment] = await t.invoicePayments();
    await t.kb.invoicePayments.createRefundWithAdjustments(txn({ amount: 100, isAdjusted: false }), payment!.paymentId!, 'test');
    expect(await t.balances(inv.invoiceId!)).toEqual({ invoice: 50, account: 50, cba: 0 });
    expect((await t.invoice(inv.invoiceId!)).items!.filter((i) => i.itemType === 'CBA_ADJ').map((i) => i.amount)).toEqual([-50]);
  });

  it('keeps the balance at 0 with an item adjustment of the refunded amount', async () => {
    const t = await payer();
    const inv = await t.subscribe();
    const [payment] = await t.invoicePayments();
    const item = inv.items!.find((i) => i.itemType === 'RECURRING')!;
    await t.kb.invoicePayments.createRefundWithAdjustments(
      txn({ amount: 100, isAdjusted: true, adjustments: [{ invoiceItemId: item.invoiceItemId, amount: 100 } as InvoiceItem] }), payment!.paymentId!, 'test');
    expect(await t.balances(inv.invoiceId!)).toEqual({ invoice: 0, account: 0, cba: 0 });
    const after = await t.invoice(inv.invoiceId!);
    expect(after.amount).toBe(149.95);
    expect(after.items!.filter((i) => i.itemType === 'ITEM_ADJ').map((i) => [i.amount, i.linkedInvoiceItemId])).toEqual([[-100, item.invoiceItemId]]);
  });

  it('refuses an adjustment above what is left of the item (400) and refunds nothing', async () => {
    const t = await payer();
    const inv = await t.subscribe();
    const [payment] = await t.invoicePayments();
    const item = inv.items!.find((i) => i.itemType === 'RECURRING')!;
    const res = await t.http.post(`/1.0/kb/invoicePayments/${payment!.paymentId}/refunds`, {
      amount: 249.95, isAdjusted: true, adjustments: [{ invoiceItemId: item.invoiceItemId, amount: 300 }],
    });
    expect(res.status).toBe(400);
    expect(res.data.code).toBe(4020);
    const missing = await t.http.post(`/1.0/kb/invoicePayments/${payment!.paymentId}/refunds`, { amount: 10, isAdjusted: true, adjustments: [] });
    expect([missing.status, missing.data.code]).toEqual([400, 4025]);
    expect((await t.kb.invoicePayments.getInvoicePayment(payment!.paymentId!)).data.refundedAmount).toBe(0);
    expect(await t.balances(inv.invoiceId!)).toEqual({ invoice: 0, account: 0, cba: 0 });
  });

  it('records a refund made through /payments against the invoice, without adjustment', async () => {
    const t = await payer();
    const inv = await t.subscribe();
    const [payment] = await t.invoicePayments();
    await t.kb.payments.refundPayment(txn({ amount: 49.95 }), payment!.paymentId!, 'test');
    expect(await t.balances(inv.invoiceId!)).toEqual({ invoice: 49.95, account: 49.95, cba: 0 });
  });
});

describe('chargebacks of an invoice payment', () => {
  it('re-opens the balance on a chargeback and closes it again on its reversal', async () => {
    const t = await payer();
    const inv = await t.subscribe();
    const [payment] = await t.invoicePayments();
    const cb = (await t.kb.invoicePayments.createChargeback(txn({ amount: 249.95, transactionExternalKey: 'cb-1' }), payment!.paymentId!, 'test')).data;
    expect(transactionLines(cb)).toEqual(['PURCHASE SUCCESS 249.95/249.95', 'CHARGEBACK SUCCESS 249.95/249.95']);
    expect(await t.balances(inv.invoiceId!)).toEqual({ invoice: 249.95, account: 249.95, cba: 0 });

    const res = await t.http.post(`/1.0/kb/invoicePayments/${payment!.paymentId}/chargebackReversals`, { transactionExternalKey: 'cb-1' });
    expect(res.status).toBe(402);
    expect(res.data.targetInvoiceId).toBe(inv.invoiceId);
    expect(await t.balances(inv.invoiceId!)).toEqual({ invoice: 0, account: 0, cba: 0 });
  });
});

