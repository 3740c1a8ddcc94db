import type { FilterQuery } from '@mikro-orm/core';
import { DateTime } from 'luxon';
import type { Bus } from '../bus/bus.js';
import type { TenantContext } from '../context.js';
import { BillingError } from '../errors/index.js';
import { lockAccount } from '../persistence/account-lock.js';
import { escapeLike } from '../persistence/like.js';
import { readEm, writeTx } from '../persistence/scope.js';
import { requirePermission } from '../security/subject.js';
import { AccountTime, type LocalDate } from '../subscription/account-time.js';
import { isCurrency } from '../values/currency.js';
import { isUuid } from '../values/ids.js';
import { accountBalanceOf } from './balance.js';
import type { InvoiceDeps } from './deps.js';
import { createDispatcher, type RunOutcome } from './dispatcher.js';
import { simulateAction } from './dry-run-events.js';
import { generateItems } from './generator/generate.js';
import type { GenerateItems } from './generator/types.js';
import type { Invoice } from './invoice.js';
import type { InvoiceService } from './invoice-service.js';
import { InvoiceEntity, InvoiceItemEntity, type InvoiceRow } from './model.js';
import { earliestPendingNextBilling, NEXT_BILLING_QUEUE } from './next-billing.js';
import { createInvoiceOperations } from './operations.js';
import { afterFailedApiRun, createGuardedRun } from './run-guard.js';
import { registerInvoiceTriggers } from './triggers.js';
import { registerParentInvoicing } from './parent-invoicing.js';
import { loadAccountInvoices, loadInvoice, loadInvoicesWhere, toItem, withDetails } from './store.js';
import { trackingIdsOf } from './tracking.js';

/**
 * The invoice service: runs (dispatcher.ts) and reads here, the explicit writes from operations.ts.
 * Registers the next-billing-date queue and the INVOICE / INVOICE_ITEM object types (so tags such as
 * WRITTEN_OFF and custom fields attach to invoices) and, given the bus, the `invoice` consumer (triggers.ts).
 */

export const invoiceNotFound = (id: string) => new BillingError('INVOICE_NOT_FOUND', `No invoice could be found for id ${id}.`, { invoiceId: id });
export const invoiceItemNotFound = (id: string) => new BillingError('INVOICE_ITEM_NOT_FOUND', `No invoice item could be found for id ${id}.`, { invoiceItemId: id });
export const nothingToDo = (accountId: string, date: LocalDate) =>
  new BillingError('INVOICE_NOTHING_TO_DO', `No invoice to generate for account ${accountId} and date ${date}`, { accountId, targetDate: date });

/** Thrown inside a dry run's transaction so nothing it might have touched is kept. */
class DryRunRollback extends Error {
  constructor(readonly outcome: RunOutcome) {
    super('dry run rollback');
  }
}

export interface InvoiceServiceOptions {
  /** The generator (default: generator/generate.ts); tests inject a fake. */
  readonly generate?: GenerateItems;
  /**
   * When given, the triggers are registered: the `invoice` bus consumer on it (triggers.ts) and the
   * next-billing-date queue handler. The engine passes its bus; a test may build a second service without.
   */
  readonly bus?: Bus;
}

export function createInvoiceService(deps: InvoiceDeps, options: InvoiceServiceOptions = {}): InvoiceService {
  const { db, clock, logger, accounts, objects, notifications } = deps;
  const dispatcher = createDispatcher({ ...deps, generate: options.generate ?? generateItems });
  const runGuarded = createGuardedRun(deps, dispatcher);

  objects.register('INVOICE', async (ctx, objectId) => {
    const row = isUuid(objectId) ? await readEm(db, ctx).findOne(InvoiceEntity, { id: objectId.toLowerCase() }) : null;
    if (!row) throw invoiceNotFound(objectId);
    return { objectType: 'INVOICE', objectId: row.id, accountRecordId: row.accountRecordId };
  });
  objects.register('INVOICE_ITEM', async (ctx, objectId) => {
    const row = isUuid(objectId) ? await readEm(db, ctx).findOne(InvoiceItemEntity, { id: objectId.toLowerCase() }) : null;
    if (!row) throw invoiceItemNotFound(objectId);
    return { objectType: 'INVOICE_ITEM', objectId: row.id, accountRecordId: row.accountRecordId };
  });

  if (options.bus) {
    registerInvoiceTriggers(options.bus, { logger, run: runGuarded });
    // Child invoices summarised on their parent's DRAFT parent invoice, committed at the end of the day (§4.10).
    registerParentInvoicing(options.bus, deps);
    // The next-billing-date notification: a run for the account at the date its last period ends (§4.12).
    notifications.register(NEXT_BILLING_QUEUE, async (em, notification, ctx) => {
      if (notification.accountRecordId === null) return;
      const account = await accounts.findByRecordIdIn(em, notification.accountRecordId);
      if (!account) return;
      await runGuarded(em, ctx, account.id, 'NOTIFICATION', DateTime.fromJSDate(notification.effectiveDate, { zone: 'utc' }));
    });
  }

  async function getInvoice(ctx: TenantContext, id: string): Promise<Invoice> {
    const found = isUuid(id) ? await loadInvoice(readEm(db, ctx), id.toLowerCase()) : null;
    if (!found) throw invoiceNotFound(id);
    return found;
  }

  async function page(ctx: TenantContext, where: FilterQuery<InvoiceRow>, req: { offset: number; limit: number }) {
    const em = readEm(db, ctx);
    const [rows, total] = await em.findAndCount(InvoiceEntity, where, { orderBy: { recordId: 'asc' }, offset: req.offset, limit: req.limit });
    return { items: await withDetails(em, rows), total, offset: req.offset };
  }

  const runs: Pick<InvoiceService, 'runInvoice' | 'dryRun'> = {
    async runInvoice(ctx, accountId, targetDate) {
      requirePermission(ctx, 'invoice:trigger');
      const account = await accounts.getById(ctx, accountId);
      let outcome: RunOutcome;
      try {
        outcome = await writeTx(db, ctx, async (em) => {
          await lockAccount(em, ctx.tenant.recordId, account.recordId);
          const out = await dispatcher.run(em, ctx, { accountId, targetDate, origin: 'API' });
          await dispatcher.unparkAfterApiRun(em, ctx, account);
          return out;
        });
      } catch (err) {
        await afterFailedApiRun(deps, ctx, accountId, err);
        throw err;
      }
      if (outcome.kind === 'INVOICED') return outcome.invoice;
      throw nothingToDo(accountId, outcome.kind === 'NOTHING_TO_DO' ? outcome.targetDate : (targetDate ?? ('' as LocalDate)));
    },

    async dryRun(ctx, accountId, request) {
      requirePermission(ctx, 'invoice:dry_run');
      const account = await accounts.getById(ctx, accountId);
      try {
        await writeTx(db, ctx, async (em) => {
          await lockAccount(em, ctx.tenant.recordId, account.recordId);
          let targetDate = request.targetDate;
          if (request.dryRunType === 'UPCOMING_INVOICE') {
            // The next time a run is due: the earliest pending next-billing date or future billing event (a phase change).
            const now = clock.now().toMillis();
            const pending = await earliestPendingNextBilling(em, account.recordId);
            const future = (await deps.subscriptions.billingEvents(ctx, accountId, em)).events.map((e) => e.effectiveDate.toMillis()).filter((ms) => ms > now);
            const candidates = [...(pending ? [pending.getTime()] : []), ...future];
            if (candidates.length === 0) throw new DryRunRollback({ kind: 'NOTHING_TO_DO', targetDate: request.targetDate ?? ('' as LocalDate) });
            targetDate = new AccountTime(account.timeZone, account.referenceTime).toLocalDate(DateTime.fromMillis(Math.min(...candidates), { zone: 'utc' }));
          }
          const action = request.dryRunType === 'SUBSCRIPTION_ACTION' ? request.action : undefined;
          if (request.dryRunType === 'SUBSCRIPTION_ACTION' && !action) throw new BillingError('INVALID_PARAMETER', 'Dry run SUBSCRIPTION_ACTION needs a dryRunAction', { dryRunType: request.dryRunType });
          if (action?.effectiveDate && targetDate === null) targetDate = action.effectiveDate;
          const outcome = await dispatcher.run(em, ctx, {
            accountId,
            targetDate,
            origin: 'API',
            dryRun: {
              simulate: action
                ? async (events, acc, time) => {
                    const at = action.effectiveDate ? time.toInstant(action.effectiveDate) : clock.now();
                    return simulateAction(events, action, { account: acc, time, catalog: await deps.catalog.get(ctx), at });
                  }
                : undefined,
            },
          });
          throw new DryRunRollback(outcome);
        });
      } catch (err) {
        if (!(err instanceof DryRunRollback)) throw err;
        return err.outcome.kind === 'INVOICED' ? err.outcome.invoice : null;
      }
      return null;
    },
  };

  const reads: Omit<InvoiceService, keyof typeof runs | keyof ReturnType<typeof createInvoiceOperations>> = {
    getById: getInvoice,

    async getByNumber(ctx, invoiceNumber) {
      const [found] = Number.isSafeInteger(invoiceNumber) && invoiceNumber > 0 ? await loadInvoicesWhere(readEm(db, ctx), { recordId: invoiceNumber }) : [];
      if (!found) throw new BillingError('INVOICE_NUMBER_NOT_FOUND', `No invoice could be found for number ${invoiceNumber}.`, { invoiceNumber });
      return found;
    },

    async getByItemId(ctx, itemId) {
      const em = readEm(db, ctx);
      const item = isUuid(itemId) ? await em.findOne(InvoiceItemEntity, { id: itemId.toLowerCase() }) : null;
      if (!item) throw invoiceItemNotFound(itemId);
      return getInvoice(ctx, item.invoiceId);
    },

    async getItem(ctx, itemId) {
      const item = isUuid(itemId) ? await readEm(db, ctx).findOne(InvoiceItemEntity, { id: itemId.toLowerCase() }) : null;
      if (!item) throw invoiceItemNotFound(itemId);
      return toItem(item);
    },

    list: (ctx, req) => page(ctx, {}, req),

    search(ctx, searchKey, req) {
      // Kill Bill's invoice search: the invoice id, the account id, the invoice number, or the currency.
      const or: FilterQuery<InvoiceRow>[] = [];
      if (isUuid(searchKey)) or.push({ id: searchKey.toLowerCase() }, { accountId: searchKey.toLowerCase() });
      if (/^\d{1,15}$/.test(searchKey)) or.push({ recordId: Number(searchKey) });
      if (isCurrency(searchKey.toUpperCase())) or.push({ currency: searchKey.toUpperCase() });
      if (or.length === 0) or.push({ id: { $like: escapeLike(searchKey) } });
      return page(ctx, { $or: or }, req);
    },

    async accountInvoices(ctx, accountId, filter) {
      const account = await accounts.getById(ctx, accountId);
      const ids = filter.invoiceIds ? new Set(filter.invoiceIds.map((i) => i.toLowerCase())) : null;
      const invoices = await loadAccountInvoices(readEm(db, ctx), account.recordId);
      return invoices.filter(
        (i) =>
          (filter.includeVoidedInvoices || i.status !== 'VOID') &&
          (filter.withMigrationInvoices || !i.migrated) &&
          (!filter.unpaidInvoicesOnly || (i.status === 'COMMITTED' && i.balance.gt(0))) &&
          (!filter.startDate || (i.targetDate ?? i.invoiceDate) >= filter.startDate) &&
          (!filter.endDate || (i.targetDate ?? i.invoiceDate) <= filter.endDate) &&
          (ids === null || ids.has(i.id)),
      );
    },

    async accountBalance(ctx, accountId) {
      const account = await accounts.getById(ctx, accountId);
      return accountBalanceOf(await loadAccountInvoices(readEm(db, ctx), account.recordId, { statuses: ['COMMITTED'] }));
    },

    async accountBalanceIn(em, _ctx, accountRecordId) {
      return accountBalanceOf(await loadAccountInvoices(em, accountRecordId, { statuses: ['COMMITTED'] }));
    },

    trackingIds: (ctx, invoiceIds) => trackingIdsOf(readEm(db, ctx), invoiceIds),
  };

  return { ...runs, ...reads, ...createInvoiceOperations(deps) };
}
