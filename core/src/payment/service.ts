import type { EntityManager } from '@mikro-orm/core';
import { Decimal } from 'decimal.js';
import type { CallContext, TenantContext } from '../context.js';
import { BillingError, isBillingError } from '../errors/index.js';
import type { Bus } from '../bus/bus.js';
import type { NotificationQueue } from '../notification/queue.js';
import type { ObjectRegistry } from '../object/registry.js';
import { recordInvoicePaymentOutcome, registerInvoicePayments } from './invoice-payments.js';
import { INVOICE_ID_PROPERTY } from './invoice-records.js';
import { createInvoicePaymentApi } from './invoice-payment-api.js';
import type { InvoicePaymentService } from './invoice-payment-service.js';
import type { InvoiceService } from '../invoice/invoice-service.js';
import { INVOICE_CONTROL_PLUGIN, type ControlRequest, type PaymentControl } from './control-plugins.js';
import { registerJanitor } from './janitor.js';
import { invoiceIdOf, registerRetries } from './retries.js';
import type { TenantService } from '../tenant/service.js';
import { readEm } from '../persistence/scope.js';
import type { PaymentDeps } from './deps.js';
import { createMethodApi, methodRow, noSuchMethod } from './methods.js';
import { PaymentAttemptEntity, PaymentEntity, PaymentMethodEntity, PaymentTransactionEntity, type PaymentRow } from './model.js';
import { EXTERNAL_PAYMENT_PLUGIN, type Page, type PageRequest, type Payment, type PaymentReadOptions, type PaymentService, type TransactionOutcome } from './payment-service.js';
import { resultOf, type GatewayResult } from './plugin-call.js';
import { askPaymentInfos, settledByPlugin, withPaymentInfo, type PaymentInfos, type PluginInfoRead, type SettledByPlugin } from './plugin-info.js';
import { searchPaymentPlugins } from './plugin-search.js';
import { toPayment } from './rows.js';
import { createTransactionPath, noSuchPayment, type Begun, type TransactionSpec } from './transactions.js';

/**
 * The payment service (payment-service.ts): payment methods (methods.ts) and payments, whose writes go
 * begin → plugin → finish (transactions.ts) with no database transaction open during the plugin call.
 * Chargebacks, their reversals and notifyStateChanged come from the gateway's side, so, as in Kill Bill,
 * they are recorded without calling the plugin.
 */
export interface PaymentServiceOptions {
  readonly objects?: ObjectRegistry | null;
  /** With both, INVOICE_CREATION pays the invoice (invoice-payments.ts). */
  readonly bus?: Pick<Bus, 'subscribe'> | null;
  readonly notifications?: Pick<NotificationQueue, 'register' | 'onPoll'> | null;
  /** The `paymentControl` extension point (control-plugins.ts); null: named control plugins are ignored. */
  readonly control?: PaymentControl | null;
  /** KB_PAYMENT_RETRY_DAYS, and the tenants whose PER_TENANT_CONFIG may override it (retries.ts). */
  readonly retryDays?: readonly number[];
  readonly tenants?: Pick<TenantService, 'getValues'> | null;
  /** For payAllInvoices (unpaid invoices, surplus credit) in the invoice payment API (invoice-payment-api.ts). */
  readonly invoices?: Pick<InvoiceService, 'accountInvoices' | 'createCredits'> | null;
}

export function createPaymentService(deps: PaymentDeps & PaymentServiceOptions): PaymentService & { pendingInvoicePayments(): number; readonly invoicePayments: InvoicePaymentService } {
  const { db, gateway } = deps;
  const methods = createMethodApi(deps);
  const path = createTransactionPath(deps);
  // Retries and the janitor listen on the write path, so they are registered before any payment runs.
  const retries = deps.notifications
    ? registerRetries({ db, clock: deps.clock, logger: deps.logger, notifications: deps.notifications, path, callPlugin: (c, b) => callPlugin(c, b), control: deps.control ?? null, retryDays: deps.retryDays ?? [8, 8, 8], tenants: deps.tenants ?? null })
    : null;
  const janitor = deps.notifications ? registerJanitor({ db, clock: deps.clock, logger: deps.logger, notifications: deps.notifications, path, gateway }) : null;

  /** Step (b): the plugin call; anything unexpected is UNKNOWN (the gateway may have acted). */
  async function callPlugin(ctx: CallContext, begun: Begun): Promise<GatewayResult> {
    try {
      return await gateway.transaction(ctx, {
        pluginName: begun.pluginName, type: begun.type, accountId: begun.accountId, paymentId: begun.paymentId, transactionId: begun.transactionId,
        paymentMethodId: begun.paymentMethodId, amount: begun.amount, currency: begun.currency, properties: begun.properties,
      });
    } catch (err) {
      deps.logger.error({ err, paymentId: begun.paymentId }, 'payment plugin call failed unexpectedly');
      return local(begun, 'UNKNOWN', err instanceof Error ? err.message : String(err));
    }
  }

  /**
   * Step (c) for a transaction recorded earlier (completeTransaction, notifications): an invoice payment's
   * ATTEMPT row and INVOICE_PAYMENT_* follow, as on the first call and in the janitor's checks.
   */
  function settle(ctx: CallContext, begun: Begun, result: GatewayResult): Promise<TransactionOutcome> {
    const invoiceId = invoiceIdOf(begun.properties);
    return path.finish(ctx, begun, result, invoiceId ? (tx, b, r) => recordInvoicePaymentOutcome(tx, ctx, deps.clock, b, invoiceId, r) : undefined);
  }

  function local(begun: Begun, status: 'SUCCESS' | 'PAYMENT_FAILURE' | 'UNKNOWN', message: string | null = null): GatewayResult {
    return {
      status, processedAmount: status === 'SUCCESS' ? begun.amount : new Decimal(0), processedCurrency: begun.currency, gatewayErrorCode: null,
      gatewayErrorMsg: message, firstPaymentReferenceId: null, secondPaymentReferenceId: null, properties: [],
    };
  }

  async function run(ctx: CallContext, original: TransactionSpec): Promise<TransactionOutcome> {
    const names = (original.controlPluginNames ?? []).filter((n) => n !== INVOICE_CONTROL_PLUGIN);
    const controlled = deps.control && names.length > 0 && !original.reversal && original.type !== 'CHARGEBACK' ? deps.control : null;
    let spec = original;
    let request: ControlRequest | null = null;
    if (controlled) {
      request = await controlRequest(ctx, original);
      const prior = await controlled.prior(ctx, names, request);
      spec = { ...original, amount: prior.amount ?? original.amount ?? null, currency: prior.currency, paymentMethodId: prior.paymentMethodId, properties: prior.properties };
    }
    const begun = await path.begin(ctx, spec);
    if (spec.reversal) return path.finish(ctx, begun, local(begun, 'PAYMENT_FAILURE'));
    if (spec.type === 'CHARGEBACK') return path.finish(ctx, begun, local(begun, 'SUCCESS'));
    const result = await callPlugin(ctx, begun);
    const outcome = await path.finish(ctx, begun, result);
    if (controlled && request) {
      const next = await controlled.after(ctx, names, { ...request, paymentId: begun.paymentId, paymentExternalKey: outcome.payment.externalKey, transactionId: begun.transactionId, transactionExternalKey: outcome.transaction.externalKey, amount: begun.amount, currency: begun.currency, paymentMethodId: begun.paymentMethodId, properties: begun.properties }, { status: result.status, processedAmount: result.processedAmount, processedCurrency: result.processedCurrency });
      if (next && retries && result.status !== 'SUCCESS' && result.status !== 'PENDING') await retries.scheduleControlRetry(ctx, begun, names, outcome.transaction.externalKey, next);
    }
    return outcome;
  }

  /** What priorCall sees: the request as given (the account and payment read for a follow-up). */
  async function controlRequest(ctx: CallContext, spec: TransactionSpec): Promise<ControlRequest> {
    const em = readEm(db, ctx);
    const payment = spec.target ? await em.findOne(PaymentEntity, 'paymentId' in spec.target ? { id: spec.target.paymentId } : { externalKey: spec.target.paymentExternalKey }) : spec.paymentId ? await em.findOne(PaymentEntity, { id: spec.paymentId }) : null;
    if (spec.target && !payment) throw noSuchPayment('paymentId' in spec.target ? spec.target.paymentId : spec.target.paymentExternalKey);
    return {
      accountId: payment?.accountId ?? spec.accountId ?? '', paymentId: payment?.id ?? null, paymentExternalKey: payment?.externalKey ?? spec.paymentExternalKey ?? null,
      transactionId: null, transactionExternalKey: spec.transactionExternalKey ?? null, transactionType: spec.type, paymentMethodId: spec.paymentMethodId ?? payment?.paymentMethodId ?? null,
      amount: spec.amount ?? null, currency: spec.currency ?? payment?.currency ?? null, isApiPayment: true, properties: spec.properties ?? [],
    };
  }

  /** The payments of `rows` as recorded. */
  async function build(em: EntityManager, rows: readonly PaymentRow[], withAttempts: boolean): Promise<Payment[]> {
    const ids = rows.map((r) => r.id);
    const transactions = await em.find(PaymentTransactionEntity, { paymentId: { $in: ids } }, { orderBy: { recordId: 'asc' } });
    const attempts = withAttempts ? await em.find(PaymentAttemptEntity, { transactionId: { $in: transactions.map((t) => t.id) } }, { orderBy: { recordId: 'asc' } }) : [];
    return rows.map((row) => {
      const own = transactions.filter((t) => t.paymentId === row.id);
      const ownIds = new Set(own.map((t) => t.id));
      return toPayment(row, own, attempts.filter((a) => a.transactionId != null && ownIds.has(a.transactionId)));
    });
  }

  /**
   * The payments of `rows`; withPluginInfo asks their plugins (plugin-info.ts: a failure fails a `one` read,
   * is skipped in a `many` one), records what they report settled, and shows each transaction's plugin info.
   */
  async function load(ctx: TenantContext, em: EntityManager, rows: readonly PaymentRow[], read: PluginInfoRead, options: PaymentReadOptions = {}): Promise<Payment[]> {
    if (rows.length === 0) return [];
    const payments = await build(em, rows, options.withAttempts ?? false);
    if (!options.withPluginInfo) return payments;
    // Kill Bill asks the plugin of the payment's method, deleted or not.
    const methodRows = await em.find(PaymentMethodEntity, { id: { $in: [...new Set(rows.map((r) => r.paymentMethodId))] } }, { fields: ['id', 'pluginName'] });
    const plugins = new Map(methodRows.map((m) => [m.id, m.pluginName]));
    const infos = await askPaymentInfos({ gateway, logger: deps.logger }, ctx, payments, (id) => plugins.get(id), read, options.properties ?? []);
    return shown(ctx, payments, infos, options.withAttempts ?? false);
  }

  /** The payments with what their plugins reported, after recording what those report settled. */
  async function shown(ctx: TenantContext, payments: readonly Payment[], infos: PaymentInfos, withAttempts: boolean): Promise<Payment[]> {
    if (!(await repairFromPluginInfo(ctx, settledByPlugin(payments, infos)))) return withPaymentInfo(payments, infos);
    // Read again after the repair, in a fresh em: the caller's still holds the rows as they were.
    const fresh = readEm(db, ctx);
    return withPaymentInfo(await build(fresh, await rowsOf(fresh, payments.map((p) => p.id)), withAttempts), infos);
  }

  /** The payment rows of `ids`, in that order. */
  async function rowsOf(em: EntityManager, ids: readonly string[]): Promise<PaymentRow[]> {
    const byId = new Map((await em.find(PaymentEntity, { id: { $in: [...ids] } })).map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id)).filter((r) => r !== undefined);
  }

  /**
   * A search withPluginInfo or in a named plugin (plugin-search.ts): what the payment plugins find, in
   * their order, not the table. Without withPluginInfo their answers are neither shown nor acted on.
   */
  async function searchPlugins(ctx: TenantContext, searchKey: string, page: PageRequest, options: PaymentReadOptions & { readonly pluginName?: string | null }): Promise<Page<Payment>> {
    const em = readEm(db, ctx);
    const existing = async (ids: readonly string[]) => new Set(ids.length === 0 ? [] : (await em.find(PaymentEntity, { id: { $in: [...ids] } }, { fields: ['id'] })).map((r) => r.id));
    const { found, total } = await searchPaymentPlugins({ gateway, logger: deps.logger }, ctx, searchKey, page, options.properties ?? [], existing, options.pluginName || null);
    if (found.length === 0) return { items: [], total, offset: page.offset, max: total };
    const payments = await build(em, await rowsOf(em, found.map((f) => f.paymentId)), options.withAttempts ?? false);
    const infos: PaymentInfos = options.withPluginInfo ? new Map(found.map((f) => [f.paymentId, f.infos])) : new Map();
    return { items: await shown(ctx, payments, infos, options.withAttempts ?? false), total, offset: page.offset, max: total };
  }

  /**
   * The janitor's repair during a withPluginInfo read (Kill Bill's PaymentRefresher.invokeJanitor): each
   * transaction the plugin reports settled goes through step (c) as the janitor's check would. One that is
   * in flight or settled meanwhile is left to its caller or the janitor; the read still answers.
   */
  async function repairFromPluginInfo(ctx: TenantContext, settled: readonly SettledByPlugin[]): Promise<boolean> {
    const asJanitor: CallContext = { ...ctx, createdBy: 'payment-janitor', reasonCode: null, comment: null };
    let repaired = false;
    for (const s of settled) {
      try {
        const begun = await path.resume(asJanitor, { paymentId: s.paymentId }, (rows) => rows.find((t) => t.id === s.transactionId && t.transactionStatus === s.current));
        await settle(asJanitor, begun, resultOf(begun, s.info));
        repaired = true;
      } catch (err) {
        if (!isBillingError(err)) throw err;
        deps.logger.info({ paymentId: s.paymentId, transactionId: s.transactionId, code: err.code }, 'payment read left a transaction its plugin reports settled to the janitor');
      }
    }
    return repaired;
  }

  async function one(ctx: TenantContext, find: (em: EntityManager) => Promise<PaymentRow | null>, what: string, options?: PaymentReadOptions): Promise<Payment> {
    const em = readEm(db, ctx);
    const row = await find(em);
    if (!row) throw noSuchPayment(what);
    return (await load(ctx, em, [row], 'one', options))[0]!;
  }

  async function paymentOfTransaction(em: EntityManager, where: { id: string } | { transactionExternalKey: string }): Promise<PaymentRow | null> {
    const t = await em.findOne(PaymentTransactionEntity, where, { orderBy: { recordId: 'desc' } });
    return t ? em.findOne(PaymentEntity, { id: t.paymentId }) : null;
  }

  /**
   * Kill Bill's PaymentProcessor.notifyPendingPaymentOfStateChanged, behind both the REST call and a
   * plugin's: only a PENDING transaction is settled (SUCCESS or PAYMENT_FAILURE, no plugin call); any other
   * status, UNKNOWN included, is PAYMENT_NO_SUCH_SUCCESS_PAYMENT. With `bound`, only that plugin's payments.
   */
  async function notifyPending(ctx: CallContext, transactionId: string, isSuccess: boolean, bound: { readonly pluginName: string } | null): Promise<TransactionOutcome> {
    const em = readEm(db, ctx);
    const row = await em.findOne(PaymentTransactionEntity, { id: transactionId });
    const payment = row ? await em.findOne(PaymentEntity, { id: row.paymentId }) : null;
    // A plugin settles only its own gateway's transactions: another plugin's look as absent as another tenant's.
    if (!row || !payment || (bound && (await methodRow(em, payment.paymentMethodId, true)).pluginName !== bound.pluginName)) throw noSuchPayment(transactionId);
    // Checked again under the account lock (resume): a transaction settled meanwhile is refused, never settled twice.
    const begun = await path.resume(ctx, { paymentId: payment.id }, (rows) => {
      const found = rows.find((t) => t.id === transactionId);
      if (found?.transactionStatus !== 'PENDING') throw new BillingError('PAYMENT_NO_SUCH_SUCCESS_PAYMENT', `Payment ${payment.id} did not succeed`, { paymentId: payment.id, transactionId });
      return found;
    });
    return settle(ctx, begun, local(begun, isSuccess ? 'SUCCESS' : 'PAYMENT_FAILURE'));
  }

  const service: PaymentService = {
    ...methods,

    async externalPaymentMethod(ctx, accountId) {
      const existing = await readEm(db, ctx).findOne(PaymentMethodEntity, { accountId, pluginName: EXTERNAL_PAYMENT_PLUGIN, isActive: true });
      if (existing) return methods.getPaymentMethod(ctx, existing.id);
      return methods.addPaymentMethod(ctx, { accountId, pluginName: EXTERNAL_PAYMENT_PLUGIN, isDefault: false });
    },

    createPayment: (ctx, req) =>
      run(ctx, {
        type: req.transactionType, accountId: req.accountId, paymentId: req.paymentId ?? null, paymentExternalKey: req.paymentExternalKey ?? null,
        paymentMethodId: req.paymentMethodId ?? null, transactionExternalKey: req.transactionExternalKey ?? null, amount: req.amount,
        currency: req.currency ?? null, effectiveDate: req.effectiveDate ?? null, properties: req.properties ?? [], controlPluginNames: req.controlPluginNames ?? [],
      }),
    capture: (ctx, req) => run(ctx, { ...req, type: 'CAPTURE' }),
    refund: (ctx, req) => run(ctx, { ...req, type: 'REFUND' }),
    void: (ctx, req) => run(ctx, { ...req, type: 'VOID', amount: null }),
    chargeback: (ctx, req) => run(ctx, { ...req, type: 'CHARGEBACK' }),
    async chargebackReversal(ctx, req) {
      const payment = await one(ctx, (e) => ('paymentId' in req.target ? e.findOne(PaymentEntity, { id: req.target.paymentId }) : e.findOne(PaymentEntity, { externalKey: req.target.paymentExternalKey })), 'paymentId' in req.target ? req.target.paymentId : req.target.paymentExternalKey);
      const chargeback = payment.transactions.find((t) => t.transactionType === 'CHARGEBACK' && t.externalKey === req.transactionExternalKey && t.status === 'SUCCESS');
      return run(ctx, { type: 'CHARGEBACK', target: req.target, transactionExternalKey: req.transactionExternalKey, amount: chargeback?.amount ?? new Decimal(0), effectiveDate: req.effectiveDate ?? null, reversal: true, controlPluginNames: req.controlPluginNames ?? [] });
    },

    async completeTransaction(ctx, req) {
      const begun = await path.resume(ctx, req.target, (rows) => {
        if (req.transactionId) return rows.find((t) => t.id === req.transactionId);
        if (req.transactionExternalKey) return [...rows].reverse().find((t) => t.transactionExternalKey === req.transactionExternalKey);
        return [...rows].reverse().find((t) => (t.transactionStatus === 'PENDING' || t.transactionStatus === 'UNKNOWN') && (!req.transactionType || t.transactionType === req.transactionType));
      });
      // The request's properties go to the plugin; an invoice payment keeps its invoice id, as on its first call.
      const withProps: Begun = { ...begun, properties: [...(req.properties ?? []).filter((p) => p.key !== INVOICE_ID_PROPERTY), ...begun.properties.filter((p) => p.key === INVOICE_ID_PROPERTY)] };
      return settle(ctx, withProps, await callPlugin(ctx, withProps));
    },

    async comboPayment(ctx, req) {
      const pm = req.paymentMethod;
      let methodId: string;
      if ('paymentMethodId' in pm) methodId = pm.paymentMethodId;
      else {
        const key = pm.externalKey?.trim() || null;
        const found = key ? await readEm(db, ctx).findOne(PaymentMethodEntity, { externalKey: key, isActive: true }) : null;
        if (found) {
          if (found.accountId !== req.accountId) throw new BillingError('PAYMENT_METHOD_DIFFERENT_ACCOUNT_ID', `Payment method ${found.id} has a different account id`, { paymentMethodId: found.id });
          methodId = found.id;
        } else {
          if (!pm.pluginName) throw noSuchMethod(key ?? '(none)');
          const added = await methods.addPaymentMethod(ctx, {
            accountId: req.accountId, pluginName: pm.pluginName, externalKey: key, isDefault: pm.isDefault ?? false, pluginInfo: pm.pluginInfo ?? null, properties: req.paymentMethodProperties ?? [],
          });
          methodId = added.id;
        }
      }
      return service.createPayment(ctx, { ...req.transaction, accountId: req.accountId, paymentMethodId: methodId });
    },

    notifyStateChanged: (ctx, transactionId, isSuccess) => notifyPending(ctx, transactionId, isSuccess, null),
    notifyPendingTransactionOfStateChanged: (ctx, transactionId, isSuccess, bound) => notifyPending(ctx, transactionId, isSuccess, bound ?? null),

    async cancelScheduledPaymentTransaction(ctx, by) {
      if (!retries) return;
      if ('transactionId' in by) {
        await service.getPaymentByTransactionId(ctx, by.transactionId).catch(async () => service.getPayment(ctx, by.transactionId));
        await retries.cancelScheduled(ctx, { id: by.transactionId });
      } else await retries.cancelScheduled(ctx, { transactionExternalKey: by.transactionExternalKey });
    },

    getPayment: (ctx, id, options) => one(ctx, (em) => em.findOne(PaymentEntity, { id }), id, options),
    getPaymentByExternalKey: (ctx, key, options) => one(ctx, (em) => em.findOne(PaymentEntity, { externalKey: key }), key, options),
    getPaymentByTransactionId: (ctx, id, options) => one(ctx, (em) => paymentOfTransaction(em, { id }), id, options),
    getPaymentByTransactionExternalKey: (ctx, key, options) => one(ctx, (em) => paymentOfTransaction(em, { transactionExternalKey: key }), key, options),

    async listAccountPayments(ctx, accountId, options) {
      const em = readEm(db, ctx);
      return load(ctx, em, await em.find(PaymentEntity, { accountId }, { orderBy: { recordId: 'asc' } }), 'many', options);
    },

    async listPayments(ctx, page, options) {
      const em = readEm(db, ctx);
      const where = options?.pluginName ? { paymentMethodId: { $in: (await em.find(PaymentMethodEntity, { pluginName: options.pluginName }, { fields: ['id'] })).map((m) => m.id) } } : {};
      const [rows, total] = await em.findAndCount(PaymentEntity, where, { orderBy: { recordId: 'asc' }, offset: page.offset, limit: page.limit });
      return { items: await load(ctx, em, rows, 'many', options), total, offset: page.offset, max: await em.count(PaymentEntity, {}) };
    },

    async searchPayments(ctx, searchKey, page, options) {
      if (options?.withPluginInfo || options?.pluginName) return searchPlugins(ctx, searchKey, page, options);
      const em = readEm(db, ctx);
      const number = /^\d+$/.test(searchKey) ? Number(searchKey) : null;
      const where = { $or: [{ id: searchKey }, { externalKey: searchKey }, { accountId: searchKey }, { stateName: searchKey }, { currency: searchKey }, ...(number !== null ? [{ recordId: number }] : [])] };
      const [rows, total] = await em.findAndCount(PaymentEntity, where, { orderBy: { recordId: 'asc' }, offset: page.offset, limit: page.limit });
      return { items: await load(ctx, em, rows, 'many', options), total, offset: page.offset, max: await em.count(PaymentEntity, {}) };
    },
  };

  registerObjects(deps.objects ?? null, db);
  const invoicePayments = deps.bus && deps.notifications ? registerInvoicePayments({ db, clock: deps.clock, logger: deps.logger, bus: deps.bus, notifications: deps.notifications, path, callPlugin }) : null;
  // Registered after retries and the janitor: its path listener records refunds and chargebacks on invoices.
  const invoicePaymentApi = createInvoicePaymentApi({ db, clock: deps.clock, path, callPlugin, payments: service, invoices: deps.invoices ?? null });
  return Object.assign(service, {
    invoicePayments: invoicePaymentApi,
    pendingInvoicePayments: () => (invoicePayments?.pending() ?? 0) + (retries?.pending() ?? 0) + (janitor?.pending() ?? 0),
  });
}

/** Tags and custom fields on payments, transactions and payment methods. */
function registerObjects(objects: ObjectRegistry | null, db: PaymentDeps['db']): void {
  if (!objects) return;
  objects.register('PAYMENT', async (ctx, id) => {
    const row = await readEm(db, ctx).findOne(PaymentEntity, { id }, { fields: ['id', 'accountRecordId'] });
    if (!row) throw noSuchPayment(id);
    return { objectType: 'PAYMENT', objectId: id, accountRecordId: row.accountRecordId };
  });
  objects.register('TRANSACTION', async (ctx, id) => {
    const row = await readEm(db, ctx).findOne(PaymentTransactionEntity, { id }, { fields: ['id', 'accountRecordId'] });
    if (!row) throw noSuchPayment(id);
    return { objectType: 'TRANSACTION', objectId: id, accountRecordId: row.accountRecordId };
  });
  objects.register('PAYMENT_METHOD', async (ctx, id) => {
    const row = await readEm(db, ctx).findOne(PaymentMethodEntity, { id }, { fields: ['id', 'accountRecordId'] });
    if (!row) throw noSuchMethod(id);
    return { objectType: 'PAYMENT_METHOD', objectId: id, accountRecordId: row.accountRecordId };
  });
}
