import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Decimal } from 'decimal.js';
import axios from 'axios';
import type { AxiosInstance as ClientAxios } from 'axios' with { 'resolution-mode': 'require' };
import { Configuration, CreditApi, apiKey as kbApiKey, type Account, type Invoice, type InvoiceItem, type Subscription } from 'killbill';
import { expect } from 'vitest';
import { newTenant, writingHttp, type Kb } from './killbill.js';

/**
 * The shared setup of the invoice life e2e tests (test/e2e/invoice-life-*.test.ts): a tenant on the test
 * clock with the Firearms catalog of Kill Bill's beatrix tests (fixtures/catalogs/invoice-scenarios.xml),
 * one USD account, and readers that turn invoices into lines a test can compare with Kill Bill's figures.
 * No payment is made in these lives: every invoice stays unpaid, as with AUTO_PAY_OFF in Kill Bill.
 */
export const INVOICE_CATALOG = readFileSync(new URL('../fixtures/catalogs/invoice-scenarios.xml', import.meta.url), 'utf8');

/** Control tag definition ids (kbapi ControlTagType, killbill-semantics.md §4.9). */
export const AUTO_INVOICING_OFF = '00000000-0000-0000-0000-000000000002';
export const WRITTEN_OFF = '00000000-0000-0000-0000-000000000004';
export const AUTO_INVOICING_DRAFT = '00000000-0000-0000-0000-000000000008';
export const AUTO_INVOICING_REUSE_DRAFT = '00000000-0000-0000-0000-000000000009';

export interface LifeStart {
  /** The instant the clock is set to before the account is created (its reference time). */
  readonly clock: string;
  readonly timeZone?: string;
  readonly billCycleDayLocal?: number;
}

/**
 * A Kill Bill amount as a decimal string with cents ('249.95', '-233.82', '0.00', '79.80'). Never rounded
 * here: an amount with more than two decimals keeps them all, so an unrounded figure shows in the diff.
 */
export function money(amount: number | string | undefined | null): string {
  const d = new Decimal(String(amount ?? 0));
  return d.decimalPlaces() <= 2 ? d.toFixed(2) : d.toString();
}

/** One invoice item as `TYPE start end amount` (end '-' when absent), e.g. `RECURRING 2012-03-02 2012-03-31 233.82`. */
export const line = (item: InvoiceItem): string => `${item.itemType} ${item.startDate ?? '-'} ${item.endDate ?? '-'} ${money(item.amount)}`;

/** The items of an invoice as sorted lines, so expectations can be written in any order. */
export const lines = (invoice: Invoice): string[] => (invoice.items ?? []).map(line).sort();

/** Compares an invoice's items with the expected lines (any order). */
export function expectLines(invoice: Invoice | undefined, expected: readonly string[]): void {
  expect(invoice, 'the invoice exists').toBeDefined();
  expect(lines(invoice!)).toEqual([...expected].map((l) => normaliseLine(l)).sort());
}

/** Lets tests write amounts as Kill Bill's tests do ('-10', '0.00') and still compare canonically. */
function normaliseLine(l: string): string {
  const parts = l.trim().split(/\s+/);
  parts[3] = money(parts[3]);
  return parts.join(' ');
}

/** The invoice-level figures Kill Bill's InvoiceJson carries, canonical. */
export const summary = (invoice: Invoice) => ({
  status: invoice.status,
  invoiceDate: invoice.invoiceDate,
  targetDate: invoice.targetDate,
  amount: money(invoice.amount),
  creditAdj: money(invoice.creditAdj),
  balance: money(invoice.balance),
});

/** Accounts of the lives of the running test file, retired by `retireLives` (see there). */
const living: { kb: Kb; accountId: string }[] = [];

/**
 * For `afterEach`: puts AUTO_INVOICING_OFF on every account the test's lives created. The test clock is the
 * server's, so a later test that moves it years ahead would otherwise make every earlier account catch up
 * month after month (one invoice per renewal, as Kill Bill) while it waits — slow, and nothing it asserts.
 */
export async function retireLives(): Promise<void> {
  const accounts = living.splice(0);
  await Promise.all(accounts.map(({ kb, accountId }) => kb.accounts.createAccountTags([AUTO_INVOICING_OFF], accountId, 'test').catch(() => undefined)));
}

export async function invoiceLife(url: string, start: LifeStart) {
  const t = await newTenant(url);
  const http = writingHttp(url, t.credentials);
  const config = new Configuration({ username: 'admin', password: 'password', basePath: url, apiKey: kbApiKey(t.credentials.apiKey, t.credentials.apiSecret) });
  const credits = new CreditApi(config, url, axios.create() as unknown as ClientAxios);

  /** Sets the clock to an instant and waits for the tenant's bus and notification queue to drain. */
  const at = async (instant: string) => {
    const res = await http.post(`/1.0/kb/test/clock?requestedDate=${encodeURIComponent(instant)}&timeoutSec=20`);
    expect(res.status).toBe(200);
  };
  /** Moves the clock by whole days (keeping the time of day) and waits likewise. */
  const days = async (n: number) => {
    const res = await http.put(`/1.0/kb/test/clock?days=${n}&timeoutSec=20`);
    expect(res.status).toBe(200);
  };
  /** Waits for the work an API call started (the invoice run after a subscription event) to finish. */
  const settle = async () => {
    const res = await http.get('/1.0/kb/test/queues?timeoutSec=20');
    expect(res.status).toBe(200);
  };

  await at(start.clock);
  await t.kb.catalog.uploadCatalogXml(INVOICE_CATALOG, 'test');
  /** Another USD account of the tenant (a child, say), in the life's time zone unless given. */
  const newAccount = async (fields: Partial<Account> = {}) => {
    const body = {
      name: 'Invoice life',
      externalKey: `life-${randomUUID()}`,
      currency: 'USD',
      timeZone: start.timeZone ?? 'UTC',
      ...(start.billCycleDayLocal !== undefined ? { billCycleDayLocal: start.billCycleDayLocal } : {}),
      ...fields,
    } as Account;
    const id = (await t.kb.accounts.createAccount(body, 'test')).data.accountId!;
    living.push({ kb: t.kb, accountId: id });
    return id;
  };
  const accountId = await newAccount();

  /** Creates a subscription (now, or at `entitlementDate`) and waits for its invoice run. */
  const subscribe = async (planName: string, extra: Partial<Subscription> = {}, entitlementDate?: string) => {
    const { data } = await t.kb.subscriptions.createSubscription({ accountId, planName, ...extra } as Subscription, 'test', entitlementDate, entitlementDate);
    await settle();
    return data;
  };

  /** The account's invoices (items included) in invoice-number order; voided ones only when asked. */
  const invoicesOf = async (id: string, includeVoided = false) => {
    const { data } = await t.kb.accounts.getInvoicesForAccount(id, undefined, undefined, false, false, includeVoided, true);
    return [...data].sort((a, b) => Number(a.invoiceNumber) - Number(b.invoiceNumber));
  };
  const invoices = (includeVoided = false) => invoicesOf(accountId, includeVoided);

  /** accountBalance and accountCBA (accountWithBalanceAndCBA=true), canonical. */
  const balancesOf = async (id: string) => {
    const { data } = await t.kb.accounts.getAccount(id, true, true);
    return { accountBalance: money(data.accountBalance), accountCBA: money(data.accountCBA) };
  };
  const balances = () => balancesOf(accountId);

  /** POST /1.0/kb/invoices?accountId&targetDate as a raw call: 201 with the invoice, or 404 when there is nothing to do. */
  const runInvoice = (targetDate?: string) =>
    http.post(`/1.0/kb/invoices?accountId=${accountId}${targetDate ? `&targetDate=${targetDate}` : ''}`, null);

  return { ...t, http, credits, accountId, newAccount, at, days, settle, subscribe, invoices, invoicesOf, balances, balancesOf, runInvoice };
}

export type Life = Awaited<ReturnType<typeof invoiceLife>>;
