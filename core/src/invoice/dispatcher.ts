import { existingItem } from './generator/existing.js';
import type { EntityManager } from '@mikro-orm/core';
import { Decimal } from 'decimal.js';
import { DateTime } from 'luxon';
import type { Account } from '../account/account.js';
import type { CallContext } from '../context.js';
import { BillingError } from '../errors/index.js';
import { AccountTime, type LocalDate } from '../subscription/account-time.js';
import type { BillingEvent } from '../subscription/billing-events.js';
import { accountObjectsWithControlTag, accountRunTags } from '../tag/control-tag-reads.js';
import type { AccountId } from '../values/ids.js';
import { newId } from '../values/ids.js';
import { accountCbaOf, invoiceAmounts } from './balance.js';
import { cbaForInvoice } from './cba.js';
import { applyCredit, creditDay } from './credit.js';
import { emitInvoiceCreation } from './ops/events.js';
import type { InvoiceDeps } from './deps.js';
import type { ExistingItem, GenerateItems, GeneratorResult } from './generator/types.js';
import type { Invoice, InvoiceItem, InvoiceStatus } from './invoice.js';
import { scheduleNextBilling } from './next-billing.js';
import { insertTrackingRecords } from './tracking.js';
import { usageForRun, withUsageDates } from './usage/run-hook.js';
import { unparkAccount } from '../tag/park.js';
import type { AdditionalItem } from './plugin-hook.js';
import { insertInvoice, insertItems, loadAccountInvoices, loadInvoice, loadInvoiceRow, setInvoiceStatus, type NewItem } from './store.js';

/**
 * One invoice run for one account (Kill Bill's InvoiceDispatcher.processAccount), inside the caller's
 * transaction, which already holds the account lock (a writeTx that called lockAccount, or a bus /
 * notification handler). Order, as Kill Bill's: target-date bound → AUTO_INVOICING_OFF / parked → billing
 * events (bundles tagged AUTO_INVOICING_OFF left out) → account BCD stored → generate against the
 * items of every invoice but the VOID ones (DRAFT too, as Kill Bill's generator) → invoice plugins → credit → write → effects (bus events,
 * charged-through dates, next run). A dry run does all of it up to the write and writes nothing.
 */

/** Where a run comes from: API runs ignore account-level AUTO_INVOICING_OFF and the park, and un-park on success. */
export type RunOrigin = 'API' | 'BUS' | 'NOTIFICATION';

export interface RunRequest {
  readonly accountId: AccountId;
  /** Null: the day of `targetAt` in the account's zone, else today. */
  readonly targetDate: LocalDate | null;
  /**
   * Bus and queue runs: the instant that started them (the transition's or the notification's effective
   * date), whose day is the target, as Kill Bill's InvoiceListener — so a clock jump over several periods
   * catches up one period per next-billing notification, one invoice each, as Kill Bill does.
   */
  readonly targetAt?: DateTime | null;
  readonly origin: RunOrigin;
  /** Set for a dry run: the billing events to add (SUBSCRIPTION_ACTION), if any. Nothing is written. */
  readonly dryRun?: { readonly simulate?: (events: readonly BillingEvent[], account: Account, time: AccountTime) => Promise<BillingEvent[]> } | null;
}

export type RunOutcome =
  | { readonly kind: 'INVOICED'; readonly invoice: Invoice }
  | { readonly kind: 'NOTHING_TO_DO'; readonly targetDate: LocalDate }
  | { readonly kind: 'SKIPPED'; readonly reason: 'AUTO_INVOICING_OFF' | 'PARKED' | 'RESCHEDULED' };

/** org.killbill.invoice.maxNumberOfMonthsInFuture. */
export const MAX_MONTHS_IN_FUTURE = 36;

export type DispatcherDeps = Pick<InvoiceDeps, 'clock' | 'logger' | 'accounts' | 'subscriptions' | 'plugins'> & { readonly generate: GenerateItems };

const toExisting = (time: AccountTime) => (i: InvoiceItem): ExistingItem => existingItem(i, { id: i.id, invoiceId: i.invoiceId, createdDay: time.toLocalDate(i.createdDate) });

const minDate = (a: LocalDate, b: LocalDate): LocalDate => (a < b ? a : b);

export function createDispatcher(deps: DispatcherDeps) {
  const { clock, logger, accounts, subscriptions, plugins, generate } = deps;

  async function run(em: EntityManager, ctx: CallContext, req: RunRequest): Promise<RunOutcome> {
    const dryRun = req.dryRun != null;
    const account = await accounts.getIn(em, req.accountId);
    const time = new AccountTime(account.timeZone, account.referenceTime);
    const today = time.toLocalDate(clock.now());
    const targetDate = req.targetDate ?? (req.targetAt ? minDate(time.toLocalDate(req.targetAt), today) : today);
    const limit = time.local(clock.now()).plus({ months: MAX_MONTHS_IN_FUTURE }).toISODate() as LocalDate;
    if (targetDate > limit) {
      throw new BillingError('INVOICE_TARGET_DATE_TOO_FAR_IN_THE_FUTURE', `The target date was too far in the future. Target Date: ${targetDate}`, { targetDate });
    }

    const { control: accountTags, parked } = await accountRunTags(em, account.id);
    if (req.origin !== 'API') {
      if (accountTags.has('AUTO_INVOICING_OFF')) {
        // Kill Bill stores the account BCD before it looks at the tag (InvoiceDispatcher.processAccount calls
        // getBillingEventsForAccountAndUpdateAccountBCD first), so the catch-up run later bills on that BCD.
        if (!dryRun && account.billCycleDayLocal === 0) {
          const { accountBcdToPersist } = await subscriptions.billingEvents(ctx, account, em);
          if (accountBcdToPersist !== null) await accounts.setBillCycleDayIn(em, ctx, account.id, accountBcdToPersist);
        }
        logger.info({ accountId: account.id, origin: req.origin }, 'invoice run skipped: account is AUTO_INVOICING_OFF');
        return { kind: 'SKIPPED', reason: 'AUTO_INVOICING_OFF' };
      }
      if (!dryRun && parked) {
        logger.warn({ accountId: account.id, origin: req.origin, targetDate }, 'invoice run skipped: account is parked (__PARK__) until an API run succeeds');
        return { kind: 'SKIPPED', reason: 'PARKED' };
      }
    }

    const invoices = await loadAccountInvoices(em, account.recordId);
    if (plugins.priorCall && !dryRun) {
      const prior = await plugins.priorCall(ctx, { targetDate, invoice: null, existingInvoices: invoices, dryRun, rescheduled: false });
      if (prior.rescheduleDate) {
        // Kill Bill's priorCall reschedule: no run now, one at the date the plugin asked for.
        const d = prior.rescheduleDate;
        await scheduleNextBilling(em, ctx, clock, account.recordId, d.length === 10 ? time.toInstant(d as LocalDate) : DateTime.fromISO(d, { zone: 'utc' }));
        logger.info({ accountId: account.id, rescheduleDate: d }, 'invoice run rescheduled by an invoice plugin');
        return { kind: 'SKIPPED', reason: 'RESCHEDULED' };
      }
    }

    const billing = await subscriptions.billingEvents(ctx, account, em);
    // Subscriptions of bundles tagged AUTO_INVOICING_OFF: their events and items are left out (§4.9).
    const offBundles = await accountObjectsWithControlTag(em, 'AUTO_INVOICING_OFF', account.recordId, 'BUNDLE');
    const skipped = new Set(billing.events.filter((e) => offBundles.has(e.bundleId)).map((e) => e.subscriptionId));
    let events = billing.events.filter((e) => !skipped.has(e.subscriptionId));
    if (req.dryRun?.simulate) events = await req.dryRun.simulate(events, account, time);
    if (!dryRun && billing.accountBcdToPersist !== null && account.billCycleDayLocal === 0) {
      await accounts.setBillCycleDayIn(em, ctx, account.id, billing.accountBcdToPersist);
    }

    const draftMode = accountTags.has('AUTO_INVOICING_DRAFT');
    const reuse = accountTags.has('AUTO_INVOICING_REUSE_DRAFT') ? (invoices.find((i) => i.status === 'DRAFT' && !i.parentInvoice && !i.migrated) ?? null) : null;
    const status: InvoiceStatus = draftMode ? 'DRAFT' : 'COMMITTED';
    // Every invoice but the VOID ones: Kill Bill's DefaultInvoiceGenerator gets DRAFT invoices too, so a DRAFT
    // period is never billed a second time on a COMMITTED invoice (TestIntegrationWithAutoInvoiceDraft).
    // A skipped subscription's items go with the repairs and adjustments linked to them (a REPAIR_ADJ carries
    // no subscription), so the generator never sees a repair whose item is missing (ILLEGAL INVOICING STATE).
    const counted = invoices.filter((i) => i.status !== 'VOID').flatMap((i) => i.items);
    const skippedItems = new Set(counted.filter((i) => i.subscriptionId !== null && skipped.has(i.subscriptionId)).map((i) => i.id));
    const existing = counted
      .filter((i) => !skippedItems.has(i.id) && (i.linkedItemId === null || !skippedItems.has(i.linkedItemId)))
      .map(toExisting(time));

    const currency = account.currency ?? events.find((e) => e.currency !== null)?.currency ?? null;
    const generated: GeneratorResult =
      currency === null || events.length === 0
        ? { items: [], nextBillingDates: new Map(), chargedThroughDates: new Map() }
        : generate({ time, currency, targetDate, events, existing, today });
    // --- Usage billing (invoice/usage, §6): in-arrear USAGE items, and the runs their periods need. ---
    const usage = currency === null ? { items: [], nextBillingDates: new Map(), tracking: [] } : await usageForRun(em, { accountRecordId: account.recordId, time, currency, targetDate, events, invoices, dryRun });
    const result = withUsageDates(generated, usage);

    const committingDraft = reuse !== null && status === 'COMMITTED';
    if (result.items.length === 0 && usage.items.length === 0 && !committingDraft) {
      if (!dryRun) await afterRun(em, ctx, { account, time, targetDate, invoices }, result, null, skipped);
      return { kind: 'NOTHING_TO_DO', targetDate };
    }

    // The proposed invoice, ids assigned up front so plugins can link to its items.
    const invoiceId = reuse?.id ?? newId();
    let newItems: NewItem[] = result.items.map((p) => ({
      id: newId(),
      type: p.type,
      subscriptionId: p.subscriptionId,
      bundleId: p.bundleId,
      productName: p.productName,
      planName: p.planName,
      phaseName: p.phaseName,
      catalogEffectiveDate: p.catalogEffectiveDate,
      startDate: p.startDate,
      endDate: p.endDate,
      amount: p.amount,
      rate: p.rate,
      quantity: p.quantity,
      linkedItemId: p.linkedItemId,
      explanation: p.explanation,
    }));
    newItems.push(...usage.items.map((u) => ({ ...u, id: newId() }))); // --- usage items, before plugins and credit ---
    const cur = currency!;
    const proposedAt = clock.now();
    const proposedValue = (items: readonly NewItem[]): Invoice => {
      const all = [...(reuse?.items ?? []), ...items.map((i) => itemValue(i, invoiceId, account.id, cur, proposedAt))];
      const base = reuse ?? null;
      return {
        id: invoiceId,
        accountId: account.id,
        accountRecordId: account.recordId,
        invoiceNumber: base?.invoiceNumber ?? 0,
        invoiceDate: base?.invoiceDate ?? today,
        targetDate,
        currency: cur,
        status,
        migrated: false,
        parentInvoice: false,
        writtenOff: false,
        items: all,
        payments: base?.payments ?? [],
        ...invoiceAmounts(all, base?.payments ?? [], { currency: cur, status, writtenOff: false, migrated: false }),
        parentInvoiceId: null,
        parentAccountId: null,
        bundleKeys: [],
        createdDate: base?.createdDate ?? clock.now(),
      };
    };

    const others = invoices.filter((i) => i.id !== invoiceId);
    const proposed = proposedValue(newItems);
    const pluginItems = await plugins.additionalItems(ctx, proposed, others, dryRun);
    for (const batch of pluginItems) newItems = applyPluginItems(newItems, batch.items, batch.plugin);

    // Credit, recomputed after plugin items (§4.6): generated when negative, consumed when positive and COMMITTED.
    // Without plugin items the proposal stands as it was (30,000 items are not valued twice).
    const items = pluginItems.length === 0 ? proposed.items : proposedValue(newItems).items;
    const credit = cbaForInvoice({ currency: cur, status, writtenOff: false, items, payments: reuse?.payments ?? [] }, accountCbaOf(others), creditDay(clock.now()));
    if (credit) newItems.push({ ...credit, id: newId() });

    if (dryRun) return { kind: 'INVOICED', invoice: proposedValue(newItems) };

    let invoice: Invoice;
    if (reuse) {
      const row = (await loadInvoiceRow(em, reuse.id))!;
      await insertItems(em, ctx, clock, row, newItems);
      if (committingDraft) await setInvoiceStatus(em, ctx, clock, row, 'COMMITTED');
      invoice = (await loadInvoice(em, reuse.id))!;
    } else {
      invoice = await insertInvoice(em, ctx, clock, { id: invoiceId, account, status, invoiceDate: today, targetDate, currency: cur, items: newItems });
    }
    // The usage records this run bills first, written with its invoice (DefaultInvoiceDao.createInvoices).
    insertTrackingRecords(em, ctx, clock, { accountRecordId: account.recordId, invoiceId: invoice.id }, usage.tracking);
    await afterRun(em, ctx, { account, time, targetDate, invoices }, result, invoice, skipped);
    return { kind: 'INVOICED', invoice };
  }

  /** The effects of a (non-dry) run: bus events, existing credit pushed, CTDs, the next run, the plugins' onSuccessCall. */
  async function afterRun(
    em: EntityManager,
    ctx: CallContext,
    run: { readonly account: Account; readonly time: AccountTime; readonly targetDate: LocalDate; readonly invoices: readonly Invoice[] },
    result: GeneratorResult,
    invoice: Invoice | null,
    skipped: ReadonlySet<string>,
  ) {
    const { account, time } = run;
    if (invoice?.status === 'COMMITTED') {
      emitInvoiceCreation(em, ctx, clock, invoice);
      // Existing credit pays the other unpaid COMMITTED invoices, oldest first; each one touched is an INVOICE_ADJUSTMENT.
      // The account's invoices as they now are: those read before the run, with this one as written (the run
      // wrote nothing else). Without credit there is nothing to pay (useExistingCredit), so the re-read of every
      // invoice and item applyCredit starts with is spared — a 30,000-item invoice costs seconds to re-read.
      const now = [...run.invoices.filter((i) => i.id !== invoice.id), invoice];
      if (accountCbaOf(now).gt(0)) await applyCredit(em, ctx, clock, account, { created: new Set([invoice.id]) });
      // Charged-through dates come from committed items only (a DRAFT leaves them until it is committed).
      const ctds = new Map<string, DateTime>();
      for (const [sub, date] of result.chargedThroughDates) if (!skipped.has(sub)) ctds.set(sub, time.toInstant(date));
      await subscriptions.setChargedThroughDates(em, ctx, ctds);
    }
    for (const date of new Set(result.nextBillingDates.values())) {
      await scheduleNextBilling(em, ctx, clock, account.recordId, time.toInstant(date));
    }
    if (plugins.onSuccessCall) {
      await plugins.onSuccessCall(ctx, { targetDate: run.targetDate, invoice, existingInvoices: run.invoices, dryRun: false, rescheduled: false });
    }
  }

  /** After a successful API run: the account is no longer parked (ParkedAccountsManager.unparkAccount). */
  async function unparkAfterApiRun(em: EntityManager, ctx: CallContext, account: { id: string; recordId: number }) {
    if (await unparkAccount(em, ctx, clock, account)) logger.info({ accountId: account.id }, 'account un-parked after a successful API invoice run');
  }

  return { run, unparkAfterApiRun };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;


function itemValue(i: NewItem, invoiceId: string, accountId: string, currency: Invoice['currency'], now: DateTime): InvoiceItem {
  return {
    id: i.id ?? newId(),
    invoiceId,
    accountId,
    type: i.type,
    childAccountId: i.childAccountId ?? null,
    bundleId: i.bundleId ?? null,
    subscriptionId: i.subscriptionId ?? null,
    description: i.description ?? null,
    productName: i.productName ?? null,
    planName: i.planName ?? null,
    phaseName: i.phaseName ?? null,
    usageName: i.usageName ?? null,
    catalogEffectiveDate: i.catalogEffectiveDate ?? null,
    startDate: i.startDate ?? null,
    endDate: i.endDate ?? null,
    amount: i.amount,
    rate: i.rate ?? null,
    quantity: i.quantity === null || i.quantity === undefined ? null : new Decimal(i.quantity),
    currency,
    linkedItemId: i.linkedItemId ?? null,
    itemDetails: i.itemDetails ?? null,
    explanation: i.explanation ?? null,
    createdDate: now,
  };
}

/** A plugin's items: replacements change amount/description/details of the proposed item; the others are new (explanation PLUGIN). */
function applyPluginItems(items: NewItem[], added: readonly AdditionalItem[], plugin: string): NewItem[] {
  const out = [...items];
  for (const a of added) {
    const at = a.replaces ? out.findIndex((i) => i.id === a.id) : -1;
    if (at >= 0) {
      const old = out[at]!;
      out[at] = { ...old, amount: a.amount, description: a.description ?? old.description ?? null, itemDetails: a.itemDetails ?? old.itemDetails ?? null };
      continue;
    }
    out.push({
      id: a.id,
      type: a.type,
      amount: a.amount,
      linkedItemId: a.linkedItemId,
      subscriptionId: a.subscriptionId,
      bundleId: a.bundleId,
      description: a.description,
      startDate: a.startDate,
      endDate: a.endDate,
      itemDetails: a.itemDetails,
      explanation: { kind: 'PLUGIN', plugin },
    });
  }
  return out;
}
