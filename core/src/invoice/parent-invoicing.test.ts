import type { Subscription } from 'killbill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCallContext } from '../../../test/support/engine.js';
import { invoiceLife, money } from '../../../test/support/invoice-scenarios.js';
import { startTestServer, type TestServer } from '../../../test/support/server.js';
import type { Bus } from '../bus/bus.js';
import type { CallContext } from '../context.js';
import type { NotificationHandler, NotificationQueue } from '../notification/queue.js';
import { lockAccount } from '../persistence/account-lock.js';
import { readEm, writeTx } from '../persistence/scope.js';
import type { AccountId, TenantId } from '../values/ids.js';
import type { InvoiceDeps } from './deps.js';
import type { Invoice } from './invoice.js';
import { PARENT_COMMIT_QUEUE } from './parent-commit.js';
import { registerParentInvoicing } from './parent-invoicing.js';
import type { InvoicePluginHook } from './plugin-hook.js';
import { mirrorChildAdjustments, summariseChildInvoice } from './parent-summary.js';

/**
 * Parent/child invoicing on a real server (bus, queues, test clock), beyond the e2e test: the parent side
 * is idempotent, and a same-day change of a child's plan moves its one summary item
 * (TestIntegrationParentInvoice.testParentInvoiceGenerationMultipleActionsSameDay). Clock 2015-05-15T00:00Z,
 * BCD 14, the Firearms catalog.
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(import.meta.filename, { testMode: true });
});
afterAll(async () => {
  await server?.close();
});

async function setup() {
  const life = await invoiceLife(server.url, { clock: '2015-05-15T00:00:00.000Z', billCycleDayLocal: 14 });
  const tenant = await server.engine.tenants.getById(life.tenantId as TenantId);
  const ctx: CallContext = { ...testCallContext(tenant.recordId), tenant: { recordId: tenant.recordId, id: tenant.id } };
  const parentId = life.accountId as AccountId;
  const childId = (await life.newAccount({ parentAccountId: parentId, isPaymentDelegatedToParent: true })) as AccountId;
  const invoices = (id: AccountId): Promise<Invoice[]> => server.engine.invoices.accountInvoices(ctx, id, {});
  const summaryLines = async () => (await invoices(parentId)).map((i) => `${i.status} ${i.items.map((it) => `${it.type} ${it.amount.toFixed(2)}`).join(', ')}`);
  /** Runs the parent's side again, as a duplicate event would, under the parent's lock. */
  const replay = (work: typeof summariseChildInvoice, childInvoiceId: string) =>
    writeTx(server.engine.db, ctx, async (em) => {
      const parent = await server.engine.accounts.getIn(em, parentId);
      const child = await server.engine.accounts.getIn(em, childId);
      await lockAccount(em, ctx.tenant.recordId, parent.recordId);
      await work(em, ctx, { clock: server.engine.clock, logger: server.engine.logger }, parent, child, childInvoiceId);
    });
  return { life, ctx, parentId, childId, invoices, summaryLines, replay };
}

describe('the parent side of a child invoice', () => {
  it('counts a child invoice once: a duplicate changes nothing', async () => {
    const t = await setup();
    await t.life.kb.subscriptions.createSubscription({ accountId: String(t.childId), planName: 'pistol-monthly' } as Subscription, 'test');
    await t.life.settle();
    await t.life.days(30);
    const before = await t.summaryLines();
    expect(before).toEqual(['COMMITTED PARENT_SUMMARY 0.00', 'DRAFT PARENT_SUMMARY 29.95']);
    const childInvoice = (await t.invoices(t.childId))[1]!;
    await t.replay(summariseChildInvoice, childInvoice.id);
    expect(await t.summaryLines()).toEqual(before);
    const links = await readEm(server.engine.db, t.ctx).getConnection().execute('select count(*) as n from invoice_parent_children where child_invoice_id = ?', [childInvoice.id]);
    expect(Number((links as { n: number }[])[0]!.n)).toBe(1);
  });

  it('follows each child item adjustment once, on a DRAFT and on a COMMITTED parent invoice', async () => {
    const t = await setup();
    await t.life.kb.subscriptions.createSubscription({ accountId: String(t.childId), planName: 'shotgun-monthly' } as Subscription, 'test');
    await t.life.settle();
    await t.life.days(30);
    const childInvoice = (await t.invoices(t.childId))[1]!;
    const recurring = childInvoice.items.find((i) => i.type === 'RECURRING')!;
    const adjust = async (amount: number) => {
      await t.life.kb.invoices.adjustInvoiceItem({ invoiceItemId: recurring.id, accountId: t.childId, amount, currency: 'USD' }, childInvoice.id, 'test');
      await t.life.settle();
    };
    await adjust(10);
    await t.replay(mirrorChildAdjustments, childInvoice.id);
    expect((await t.summaryLines())[1]).toBe('DRAFT PARENT_SUMMARY 239.95');

    await t.life.days(1);
    await adjust(5);
    await t.replay(mirrorChildAdjustments, childInvoice.id);
    const parent = (await t.invoices(t.parentId))[1]!;
    expect(parent.items.map((i) => `${i.type} ${i.amount.toFixed(2)}`)).toEqual(['PARENT_SUMMARY 239.95', 'ITEM_ADJ -5.00']);
    expect(parent.items[1]!.explanation).toEqual({ kind: 'CHILD_ITEM_ADJ', childInvoiceId: childInvoice.id, childItemId: expect.any(String) });
    expect(money(parent.balance.toFixed(2))).toBe('234.95');
    expect(parent.status).toBe('COMMITTED');
    // The child's invoice reads its own balance now that the parent invoice is COMMITTED and unpaid.
    expect((await t.invoices(t.childId))[1]!.balance.toFixed(2)).toBe('234.95');
  });

  it('moves the one summary item when the child changes plan the same day', async () => {
    const t = await setup();
    const { data: sub } = await t.life.kb.subscriptions.createSubscription({ accountId: String(t.childId), planName: 'pistol-monthly' } as Subscription, 'test');
    await t.life.settle();
    await t.life.days(30);
    expect((await t.summaryLines())[1]).toBe('DRAFT PARENT_SUMMARY 29.95');
    await t.life.kb.subscriptions.changeSubscriptionPlan({ planName: 'shotgun-monthly' } as Subscription, sub.subscriptionId!, 'test', undefined, undefined, undefined, 'IMMEDIATE');
    await t.life.settle();
    expect(await t.invoices(t.childId)).toHaveLength(3);
    const [, draft] = await t.invoices(t.parentId);
    expect(draft!.items.map((i) => `${i.type} ${i.amount.toFixed(2)}`)).toEqual(['PARENT_SUMMARY 249.95']);
    expect(draft!.items[0]!.explanation).toMatchObject({ kind: 'PARENT_SUMMARY', childAccountId: t.childId });
  });
});

describe("the parent invoice's end-of-day commit", () => {
  /** An invoice plugin that records every call it gets. */
  function recordingPlugin() {
    const calls: string[] = [];
    const hook: InvoicePluginHook = {
      additionalItems: async () => (calls.push('additionalItems'), []),
      priorCall: async () => (calls.push('priorCall'), { rescheduleDate: null }),
      onSuccessCall: async () => void calls.push('onSuccessCall'),
      onFailureCall: async () => void calls.push('onFailureCall'),
    };
    return { calls, hook };
  }

  /** The commit queue's handler as registerParentInvoicing wires it, with `plugins` installed. */
  function commitHandler(plugins: InvoicePluginHook): NotificationHandler {
    const e = server.engine;
    const handlers = new Map<string, NotificationHandler>();
    const notifications = { register: (queue: string, handler: NotificationHandler) => void handlers.set(queue, handler) } as unknown as NotificationQueue;
    const deps: InvoiceDeps = {
      db: e.db, clock: e.clock, logger: e.logger, accounts: e.accounts, subscriptions: e.subscriptions, catalog: e.catalog,
      tags: e.tags, tenants: e.tenants, objects: e.objects, notifications, plugins,
    };
    registerParentInvoicing({ subscribe: () => undefined } as unknown as Bus, deps);
    return handlers.get(PARENT_COMMIT_QUEUE)!;
  }

  it("commits the DRAFT parent invoice without calling the invoice plugins, as Kill Bill's InvoiceInternalApi.commitInvoice", async () => {
    const t = await setup();
    await t.life.kb.subscriptions.createSubscription({ accountId: String(t.childId), planName: 'pistol-monthly' } as Subscription, 'test');
    await t.life.settle();
    await t.life.days(30);
    const draft = (await t.invoices(t.parentId)).find((i) => i.status === 'DRAFT')!;
    const plugin = recordingPlugin();
    const handle = commitHandler(plugin.hook);

    await writeTx(server.engine.db, t.ctx, async (em) => {
      const parent = await server.engine.accounts.getIn(em, t.parentId);
      await lockAccount(em, t.ctx.tenant.recordId, parent.recordId);
      const due = { recordId: 0, id: 'due', tenant: t.ctx.tenant, accountRecordId: parent.recordId, queueName: PARENT_COMMIT_QUEUE, effectiveDate: new Date(), payload: { invoiceId: draft.id } };
      await handle(em, due, t.ctx);
    });

    expect(await t.summaryLines()).toEqual(['COMMITTED PARENT_SUMMARY 0.00', 'COMMITTED PARENT_SUMMARY 29.95']);
    expect(plugin.calls).toEqual([]);
  });
});
