import type { InvoiceItem, InvoicePayment, InvoicePaymentTransaction, Subscription } from 'killbill';
import { expect } from 'vitest';
import { queryDb } from './mysql.js';
import { paymentTenant, TEST_PAYMENT } from './payments.js';

/** The invoice payment e2e tests' setup (test/e2e/invoice-payments*.test.ts), beside payments.ts. */

/** One evergreen plan at 249.95 a month, no trial: the subscription is invoiced at once. */
export const INVOICE_PAYMENT_CATALOG = `<?xml version="1.0" encoding="UTF-8"?>
<catalog xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <effectiveDate>2011-01-01T00:00:00+00:00</effectiveDate>
  <catalogName>InvoicePayments</catalogName>
  <recurringBillingMode>IN_ADVANCE</recurringBillingMode>
  <currencies><currency>USD</currency></currencies>
  <products><product name="Shotgun"><category>BASE</category></product></products>
  <rules>
    <changePolicy><changePolicyCase><policy>IMMEDIATE</policy></changePolicyCase></changePolicy>
    <cancelPolicy><cancelPolicyCase><policy>IMMEDIATE</policy></cancelPolicyCase></cancelPolicy>
    <billingAlignment><billingAlignmentCase><alignment>ACCOUNT</alignment></billingAlignmentCase></billingAlignment>
  </rules>
  <plans>
    <plan name="shotgun-monthly"><product>Shotgun</product>
      <finalPhase type="EVERGREEN"><duration><unit>UNLIMITED</unit></duration>
        <recurring><billingPeriod>MONTHLY</billingPeriod><recurringPrice><price><currency>USD</currency><value>249.95</value></price></recurringPrice></recurring>
      </finalPhase>
    </plan>
  </plans>
  <priceLists><defaultPriceList name="DEFAULT"><plans><plan>shotgun-monthly</plan></plans></defaultPriceList></priceLists>
</catalog>`;

export const AUTO_PAY_OFF = '00000000-0000-0000-0000-000000000001';
export const txn = (body: Partial<InvoicePaymentTransaction>) => body as InvoicePaymentTransaction;

/**
 * A tenant on the clock (2012-04-01) with the catalog and an account; `method` adds a default one. Helpers read
 * balances (invoice, account, CBA), the account's invoice payments, make external charges and list the
 * INVOICE_PAYMENT_* events of an invoice.
 */
export async function invoicePayer(url: string, dbUrl: string, method: string | null = TEST_PAYMENT) {
  const t = await paymentTenant(url);
  await t.http.post('/1.0/kb/test/clock?requestedDate=2012-04-01T10:00:00.000Z', null);
  await t.kb.catalog.uploadCatalogXml(INVOICE_PAYMENT_CATALOG, 'test');
  if (method) await t.addMethod(method, true);
  const drained = async () => expect((await t.http.get('/1.0/kb/test/queues?timeoutSec=10')).status).toBe(200);
  const invoice = async (invoiceId: string) => (await t.kb.invoices.getInvoice(invoiceId, true)).data;
  const subscribe = async () => {
    await t.kb.subscriptions.createSubscription({ accountId: t.accountId, planName: 'shotgun-monthly' } as Subscription, 'test');
    await drained();
    const invoices = (await t.kb.accounts.getInvoicesForAccount(t.accountId)).data;
    expect(invoices).toHaveLength(1);
    return invoice(invoices[0]!.invoiceId!);
  };
  const account = async () => (await t.kb.accounts.getAccount(t.accountId, true, true)).data;
  const balances = async (invoiceId: string) => {
    const [inv, acc] = await Promise.all([invoice(invoiceId), account()]);
    return { invoice: inv.balance, account: acc.accountBalance, cba: acc.accountCBA };
  };
  const invoicePayments = async (): Promise<InvoicePayment[]> => (await t.kb.accounts.getInvoicePayments(t.accountId, false, true)).data;
  const charge = async (amount: number) => {
    const items = [{ accountId: t.accountId, amount, currency: 'USD', description: `charge ${amount}` } as InvoiceItem];
    const invoiceId = (await t.kb.invoices.createExternalCharges(items, t.accountId, 'test', undefined, true)).data[0]!.invoiceId!;
    await drained();
    return invoiceId;
  };
  const events = async (objectId: string) =>
    (await queryDb<{ event_type: string }>(dbUrl,
      "select event_type from (select event_type, record_id from bus_events_history where object_id = ? union all select event_type, record_id from bus_events where object_id = ?) e where event_type like 'INVOICE_PAYMENT%' order by record_id",
      [objectId, objectId])).map((r) => r.event_type);
  return { ...t, drained, subscribe, invoice, account, balances, invoicePayments, charge, events };
}

