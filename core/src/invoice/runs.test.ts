import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantWithAccount } from '../../../test/support/entitlement-setup.js';
import { testCallContext } from '../../../test/support/engine.js';
import { queryDb, waitForBusDrained } from '../../../test/support/mysql.js';
import { startTestServer, type TestServer } from '../../../test/support/server.js';
import type { CallContext } from '../context.js';
import { BillingError } from '../errors/index.js';
import { lockAccount } from '../persistence/account-lock.js';
import { writeTx } from '../persistence/scope.js';
import type { LocalDate } from '../subscription/account-time.js';
import { controlTag } from '../tag/control-tags.js';
import { TagEntity } from '../tag/model.js';
import type { AccountId, TenantId } from '../values/ids.js';
import type { Invoice } from './invoice.js';
import { NEXT_BILLING_QUEUE } from './next-billing.js';
import type { InvoicePluginHook } from './plugin-hook.js';
import { createDispatcher } from './dispatcher.js';
import { generateItems } from './generator/generate.js';
import { createGuardedRun } from './run-guard.js';
import { createInvoiceService } from './service.js';
import { insertInvoice } from './store.js';
import { applyCredit } from './credit.js';

/**
 * Invoice runs end to end on a real server (MariaDB, Redis, bus, queues, test clock): the entitlement
 * catalog's plan has a 30-day $0 trial then $500/month, ACCOUNT aligned; the clock starts 2012-04-01T10:00Z.
 */

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(import.meta.filename, { testMode: true });
});
afterAll(async () => {
  await server?.close();
});

async function setup() {
  const t = await tenantWithAccount(server.url);
  const tenant = await server.engine.tenants.getById(t.tenantId as TenantId);
  const ctx: CallContext = { ...testCallContext(tenant.recordId), tenant: { recordId: tenant.recordId, id: tenant.id } };
  const accountId = t.accountId as AccountId;
  const drained = () => waitForBusDrained(server.config.dbUrl);
  const invoices = async (): Promise<Invoice[]> => server.engine.invoices.accountInvoices(ctx, accountId, {});
  const items = (inv: Invoice) => inv.items.map((i) => `${i.type} ${i.startDate}..${i.endDate ?? ''} ${i.amount.toFixed(2)}`);
  const tag = (name: 'AUTO_INVOICING_OFF' | 'AUTO_INVOICING_DRAFT' | 'AUTO_INVOICING_REUSE_DRAFT') => t.kb.accounts.createAccountTags([controlTag(name).id], accountId, 'test');
  const untag = (name: 'AUTO_INVOICING_OFF' | 'AUTO_INVOICING_DRAFT') => t.kb.accounts.deleteAccountTags(accountId, 'test', [controlTag(name).id]);
  return { ...t, ctx, accountId, drained, invoices, items, tag, untag };
}

async function rejection(p: Promise<unknown>): Promise<BillingError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BillingError);
  return err as BillingError;
}

describe('invoice runs', () => {
  it('writes the first invoice when a subscription is created: the trial’s FIXED $0', async () => {
    const t = await setup();
    await t.subscribe();
    await t.drained();
    const [first, ...rest] = await t.invoices();
    expect(rest).toEqual([]);
    expect(first!.status).toBe('COMMITTED');
    expect(first!.invoiceDate).toBe('2012-04-01');
    expect(t.items(first!)).toEqual(['FIXED 2012-04-01..2012-05-01 0.00']);
    expect(first!.items[0]!.explanation?.kind).toBe('FIXED');
    expect(first!.balance.toFixed(2)).toBe('0.00');
  });

  it('bills the first month when the clock passes the trial, sets the CTD and the account BCD, and schedules the next run', async () => {
    const t = await setup();
    const sub = await t.subscribe();
    await t.drained();
    await t.moveDays(30);
    const invoices = await t.invoices();
    expect(invoices.map(t.items)).toEqual([['FIXED 2012-04-01..2012-05-01 0.00'], ['RECURRING 2012-05-01..2012-06-01 500.00']]);
    expect((await t.kb.subscriptions.getSubscription(sub.subscriptionId!)).data.chargedThroughDate).toBe('2012-06-01');
    expect((await t.kb.accounts.getAccount(t.accountId)).data.billCycleDayLocal).toBe(1);
    const balance = await server.engine.invoices.accountBalance(t.ctx, t.accountId);
    expect(balance.accountBalance.toFixed(2)).toBe('500.00');
    expect(balance.accountCBA.toFixed(2)).toBe('0.00');
    const pending = await queryDb<{ effective_date: Date }>(server.config.dbUrl, 'select effective_date from notifications where queue_name = ? and account_record_id = ?', [NEXT_BILLING_QUEUE, invoices[0]!.accountRecordId]);
    // At the account's reference time of day (its creation instant, a few ms after 10:00 on the moving test clock).
    expect(pending.map((p) => p.effective_date.toISOString().slice(0, 19))).toEqual(['2012-06-01T10:00:00']);
  });

  it('writes nothing when run again: INVOICE_NOTHING_TO_DO (4007)', async () => {
    const t = await setup();
    await t.subscribe();
    await t.drained();
    const err = await rejection(server.engine.invoices.runInvoice(t.ctx, t.accountId, null));
    expect(err.code).toBe('INVOICE_NOTHING_TO_DO');
    expect(err.kbCode).toBe(4007);
    expect(err.message).toBe(`No invoice to generate for account ${t.accountId} and date 2012-04-01`);
    expect(await t.invoices()).toHaveLength(1);
  });

  it('refuses a target date more than 36 months ahead (4005)', async () => {
    const t = await setup();
    const err = await rejection(server.engine.invoices.runInvoice(t.ctx, t.accountId, '2015-04-02' as never));
    expect(err.code).toBe('INVOICE_TARGET_DATE_TOO_FAR_IN_THE_FUTURE');
    expect(err.kbCode).toBe(4005);
  });

  it('catches up in one invoice when AUTO_INVOICING_OFF is removed', async () => {
    const t = await setup();
    await t.tag('AUTO_INVOICING_OFF');
    await t.subscribe();
    await t.drained();
    await t.moveDays(30);
    expect(await t.invoices()).toEqual([]);
    await t.untag('AUTO_INVOICING_OFF');
    await t.drained();
    const invoices = await t.invoices();
    expect(invoices.map(t.items)).toEqual([['FIXED 2012-04-01..2012-05-01 0.00', 'RECURRING 2012-05-01..2012-06-01 500.00']]);
  });

  it('writes DRAFT invoices under AUTO_INVOICING_DRAFT, which the balance does not count and which set no CTD', async () => {
    const t = await setup();
    await t.tag('AUTO_INVOICING_DRAFT');
    const sub = await t.subscribe();
    await t.drained();
    await t.moveDays(30);
    const invoices = await t.invoices();
    expect(invoices.length).toBeGreaterThan(0);
    expect(invoices.every((i) => i.status === 'DRAFT' && i.balance.isZero())).toBe(true);
    expect(invoices.at(-1)!.items.some((i) => i.type === 'RECURRING' && i.amount.toFixed(2) === '500.00')).toBe(true);
    expect((await server.engine.invoices.accountBalance(t.ctx, t.accountId)).accountBalance.toFixed(2)).toBe('0.00');
    expect((await t.kb.subscriptions.getSubscription(sub.subscriptionId!)).data.chargedThroughDate ?? null).toBeNull();
  });

  it('appends to the DRAFT under AUTO_INVOICING_REUSE_DRAFT and commits it at the first run after AUTO_INVOICING_DRAFT is removed', async () => {
    const t = await setup();
    await t.tag('AUTO_INVOICING_DRAFT');
    await t.tag('AUTO_INVOICING_REUSE_DRAFT');
    await t.subscribe();
    await t.drained();
    await t.moveDays(30);
    const [draft, ...others] = await t.invoices();
    expect(others).toEqual([]);
    expect(draft!.status).toBe('DRAFT');
    expect(t.items(draft!)).toEqual(['FIXED 2012-04-01..2012-05-01 0.00', 'RECURRING 2012-05-01..2012-06-01 500.00']);
    await t.untag('AUTO_INVOICING_DRAFT');
    await t.drained();
    // Removing the tag starts nothing (Kill Bill's InvoiceTagHandler reacts to AUTO_INVOICING_OFF only)...
    expect((await t.invoices())[0]!.status).toBe('DRAFT');
    // ...the next run commits the DRAFT, even with nothing new to add.
    await server.engine.invoices.runInvoice(t.ctx, t.accountId, null).catch(() => undefined);
    const [committed] = await t.invoices();
    expect(committed!.id).toBe(draft!.id);
    expect(committed!.status).toBe('COMMITTED');
    expect(committed!.balance.toFixed(2)).toBe('500.00');
  });

  it('parks the account when an invoice plugin fails in a bus run; bus runs skip it until an API run succeeds', async () => {
    const t = await setup();
    const failing: InvoicePluginHook = {
      additionalItems: async () => {
        throw new BillingError('PLUGIN_ERROR', 'tax plugin is down', {});
      },
    };
    const e = server.engine;
    const deps = { db: e.db, clock: e.clock, logger: e.logger, accounts: e.accounts, subscriptions: e.subscriptions, plugins: failing };
    const guarded = createGuardedRun(deps, createDispatcher({ ...deps, generate: generateItems }));
    await t.tag('AUTO_INVOICING_OFF');
    await t.subscribe();
    await t.drained();
    // What the bus consumer does for an event, with the failing plugin (the tag is lifted without an event
    // first, so this run is the only one): the run is undone, the account parked, the event handled.
    await writeTx(e.db, t.ctx, async (em) => {
      const account = await e.accounts.getIn(em, t.accountId);
      await lockAccount(em, t.ctx.tenant.recordId, account.recordId);
      await em.nativeUpdate(TagEntity, { objectId: t.accountId, tagDefinitionId: controlTag('AUTO_INVOICING_OFF').id }, { isActive: false });
      expect(await guarded(em, t.ctx, t.accountId, 'BUS')).toBeNull();
    });
    const parked = async () =>
      Number(
        (await queryDb<{ n: number }>(server.config.dbUrl, "select count(*) as n from tags where object_id = ? and tag_definition_id = '00000000-0000-0001-0000-000000000001' and is_active = 1", [t.accountId]))[0]!.n,
      );
    expect(await parked()).toBe(1);
    expect(await t.invoices()).toEqual([]);

    // The next bus-triggered run (a tag removal) skips the parked account.
    await t.tag('AUTO_INVOICING_DRAFT');
    await t.untag('AUTO_INVOICING_DRAFT');
    await t.drained();
    expect(await t.invoices()).toEqual([]);

    // An API run that succeeds writes the invoice and un-parks.
    const invoice = await e.invoices.runInvoice(t.ctx, t.accountId, null);
    expect(t.items(invoice)).toEqual(['FIXED 2012-04-01..2012-05-01 0.00']);
    expect(await parked()).toBe(0);
  });

  it('answers a failing plugin’s error to an API run without parking (Kill Bill parks API runs only on UNEXPECTED_ERROR)', async () => {
    const t = await setup();
    const failing: InvoicePluginHook = {
      additionalItems: async () => {
        throw new BillingError('PLUGIN_ERROR', 'tax plugin is down', {});
      },
    };
    const e = server.engine;
    const withFailingPlugin = createInvoiceService({
      db: e.db, clock: e.clock, logger: e.logger, accounts: e.accounts, subscriptions: e.subscriptions, catalog: e.catalog,
      tags: e.tags, tenants: e.tenants, objects: e.objects, notifications: e.notifications, plugins: failing,
    });
    await t.tag('AUTO_INVOICING_OFF');
    await t.subscribe();
    await t.drained();
    const err = await rejection(withFailingPlugin.runInvoice(t.ctx, t.accountId, null));
    expect(err.code).toBe('PLUGIN_ERROR');
    const tags = await queryDb<{ n: number }>(server.config.dbUrl, "select count(*) as n from tags where object_id = ? and tag_definition_id = '00000000-0000-0001-0000-000000000001'", [t.accountId]);
    expect(Number(tags[0]!.n)).toBe(0);
    expect(await t.invoices()).toEqual([]);
  });
});

describe('credit in runs', () => {
  it('pays a new invoice from the account credit (CBA_ADJ -500 of a 1000 credit)', async () => {
    const t = await setup();
    await t.tag('AUTO_INVOICING_OFF');
    await t.subscribe();
    await t.drained();
    const e = server.engine;
    const account = await e.accounts.getById(t.ctx, t.accountId);
    await writeTx(e.db, t.ctx, (em) =>
      insertInvoice(em, t.ctx, e.clock, {
        account,
        status: 'COMMITTED',
        invoiceDate: '2012-04-01' as LocalDate,
        targetDate: null,
        currency: 'USD',
        items: [
          { type: 'CREDIT_ADJ', amount: new Decimal(-1000) },
          { type: 'CBA_ADJ', amount: new Decimal(1000) },
        ],
      }),
    );
    expect((await e.invoices.accountBalance(t.ctx, t.accountId)).accountBalance.toFixed(2)).toBe('-1000.00');
    await t.moveDays(30);
    const invoice = await e.invoices.runInvoice(t.ctx, t.accountId, null);
    expect(t.items(invoice)).toEqual(['FIXED 2012-04-01..2012-05-01 0.00', 'RECURRING 2012-05-01..2012-06-01 500.00', 'CBA_ADJ 2012-05-01..2012-05-01 -500.00']);
    expect(invoice.balance.toFixed(2)).toBe('0.00');
    const balance = await e.invoices.accountBalance(t.ctx, t.accountId);
    expect([balance.accountBalance.toFixed(2), balance.accountCBA.toFixed(2)]).toEqual(['-500.00', '500.00']);
  });
});

describe('credit applied after a write', () => {
  it('pays the unpaid invoice from a new credit and posts INVOICE_ADJUSTMENT for it', async () => {
    const t = await setup();
    await t.subscribe();
    await t.drained();
    await t.moveDays(30);
    const unpaid = (await t.invoices()).find((i) => i.balance.gt(0))!;
    const e = server.engine;
    const account = await e.accounts.getById(t.ctx, t.accountId);
    const touched = await writeTx(e.db, t.ctx, async (em) => {
      await lockAccount(em, t.ctx.tenant.recordId, account.recordId);
      const credit = await insertInvoice(em, t.ctx, e.clock, {
        account, status: 'COMMITTED', invoiceDate: '2012-05-01' as LocalDate, targetDate: null, currency: 'USD',
        items: [{ type: 'CREDIT_ADJ', amount: new Decimal(-1000) }, { type: 'CBA_ADJ', amount: new Decimal(1000) }],
      });
      return applyCredit(em, t.ctx, e.clock, account, { invoiceIds: [credit.id], created: new Set([credit.id]) });
    });
    expect([...touched]).toEqual([unpaid.id]);
    const paid = await e.invoices.getById(t.ctx, unpaid.id);
    expect(paid.items.at(-1)!.type).toBe('CBA_ADJ');
    expect(paid.items.at(-1)!.amount.toFixed(2)).toBe('-500.00');
    expect(paid.items.at(-1)!.description).toBe('Adjustment (use of account credit)');
    expect(paid.balance.toFixed(2)).toBe('0.00');
    const balance = await e.invoices.accountBalance(t.ctx, t.accountId);
    expect([balance.accountBalance.toFixed(2), balance.accountCBA.toFixed(2)]).toEqual(['-500.00', '500.00']);
    await t.drained();
    const events = await queryDb<{ object_id: string }>(server.config.dbUrl, "select object_id from bus_events_history where event_type = 'INVOICE_ADJUSTMENT' and account_record_id = ?", [account.recordId]);
    expect(events.map((r) => r.object_id)).toEqual([unpaid.id]);
  });
});

describe('invoice reads', () => {
  it('finds an invoice by id, number and item, and answers Kill Bill’s errors for unknown ones', async () => {
    const t = await setup();
    await t.subscribe();
    await t.drained();
    const [inv] = await t.invoices();
    const svc = server.engine.invoices;
    expect((await svc.getById(t.ctx, inv!.id)).id).toBe(inv!.id);
    expect((await svc.getByNumber(t.ctx, inv!.invoiceNumber)).id).toBe(inv!.id);
    expect((await svc.getByItemId(t.ctx, inv!.items[0]!.id)).id).toBe(inv!.id);
    expect((await svc.getItem(t.ctx, inv!.items[0]!.id)).type).toBe('FIXED');
    const unknown = '00000000-0000-4000-8000-000000000abc';
    const notFound = await rejection(svc.getById(t.ctx, unknown));
    expect([notFound.code, notFound.kbCode, notFound.message]).toEqual(['INVOICE_NOT_FOUND', 4006, `No invoice could be found for id ${unknown}.`]);
    expect((await rejection(svc.getItem(t.ctx, unknown))).kbCode).toBe(4011);
    expect((await rejection(svc.getByNumber(t.ctx, 999999))).kbCode).toBe(4018);
    const byAccount = await svc.search(t.ctx, t.accountId, { offset: 0, limit: 10 });
    expect(byAccount.items.map((i) => i.id)).toEqual([inv!.id]);
    expect((await svc.search(t.ctx, String(inv!.invoiceNumber), { offset: 0, limit: 10 })).items.map((i) => i.id)).toEqual([inv!.id]);
    expect((await svc.list(t.ctx, { offset: 0, limit: 10 })).total).toBe(1);
  });

  it('answers a dry run without writing anything, and null when there is nothing to bill', async () => {
    const t = await setup();
    await t.subscribe();
    await t.drained();
    const svc = server.engine.invoices;
    const dry = await svc.dryRun(t.ctx, t.accountId, { dryRunType: 'TARGET_DATE', targetDate: '2012-05-01' as never });
    expect(dry && t.items(dry)).toEqual(['RECURRING 2012-05-01..2012-06-01 500.00']);
    expect(await svc.dryRun(t.ctx, t.accountId, { dryRunType: 'TARGET_DATE', targetDate: '2012-04-15' as never })).toBeNull();
    // The next run is due at the trial's end (the PHASE event).
    const upcoming = await svc.dryRun(t.ctx, t.accountId, { dryRunType: 'UPCOMING_INVOICE', targetDate: null });
    expect(upcoming && t.items(upcoming)).toEqual(['RECURRING 2012-05-01..2012-06-01 500.00']);
    expect(await t.invoices()).toHaveLength(1);
  });

  it('stores no account BCD on a dry run', async () => {
    // An account with no subscription yet: a START_BILLING dry run computes a BCD it must not store (a real
    // run stores it, even under AUTO_INVOICING_OFF, as Kill Bill's processAccount does).
    const t = await setup();
    const dry = await server.engine.invoices.dryRun(t.ctx, t.accountId, {
      dryRunType: 'SUBSCRIPTION_ACTION',
      targetDate: null,
      action: { dryRunAction: 'START_BILLING', productName: 'Sports', billingPeriod: 'MONTHLY', priceListName: 'DEFAULT', phaseType: 'EVERGREEN' },
    });
    expect(dry?.items.map((i) => `${i.type} ${i.amount.toFixed(2)}`)).toEqual(['RECURRING 500.00']);
    expect(await t.invoices()).toEqual([]);
    expect((await t.kb.accounts.getAccount(t.accountId)).data.billCycleDayLocal).toBe(0);
  });

  it('simulates a subscription action: STOP_BILLING at the trial’s end leaves nothing to bill', async () => {
    const t = await setup();
    const sub = await t.subscribe();
    await t.drained();
    const stop = await server.engine.invoices.dryRun(t.ctx, t.accountId, {
      dryRunType: 'SUBSCRIPTION_ACTION',
      targetDate: '2012-05-01' as never,
      action: { dryRunAction: 'STOP_BILLING', subscriptionId: sub.subscriptionId!, effectiveDate: '2012-05-01' as never },
    });
    expect(stop).toBeNull();
    const start = await server.engine.invoices.dryRun(t.ctx, t.accountId, {
      dryRunType: 'SUBSCRIPTION_ACTION',
      targetDate: null,
      action: { dryRunAction: 'START_BILLING', productName: 'Sports', billingPeriod: 'MONTHLY', priceListName: 'DEFAULT', phaseType: 'EVERGREEN' },
    });
    expect(start?.items.map((i) => `${i.type} ${i.amount.toFixed(2)}`)).toEqual(['RECURRING 500.00']);
    expect(await t.invoices()).toHaveLength(1);
  });
});
