import type { EntityManager } from '@mikro-orm/core';
import type { CallContext, TenantContext } from '../context.js';
import { AccountEntity } from '../account/model.js';
import { BillingError } from '../errors/index.js';
import { lockAccount } from '../persistence/account-lock.js';
import { readEm, writeTx } from '../persistence/scope.js';
import { creationStamps, touch } from '../persistence/stamps.js';
import { controlTag } from '../tag/control-tags.js';
import type { TagDefinitionId } from '../values/ids.js';
import { newId } from '../values/ids.js';
import { accountRow, plainAccountRow, type PaymentDeps } from './deps.js';
import { PaymentMethodEntity, type PaymentMethodRow } from './model.js';
import { EXTERNAL_PAYMENT_PLUGIN, type PaymentMethodPluginInfo, type PaymentPluginProperty, type PaymentService } from './payment-service.js';
import { pluginReadFailure, type PluginInfoRead } from './plugin-info.js';
import { storedProperties, toPaymentMethod } from './rows.js';
import { LeanWrites, leanFindOne } from '../persistence/lean-rows.js';

/**
 * Payment methods (Kill Bill's PaymentMethodProcessor): each backed by the plugin named on it, the
 * account's default kept on accounts.payment_method_id as in Kill Bill. The plugin is told first and the
 * row written after, so a plugin that refuses leaves nothing behind; deletion is soft (is_active).
 */
type MethodApi = Pick<
  PaymentService,
  'addPaymentMethod' | 'getPaymentMethod' | 'getPaymentMethodByKey' | 'listAccountPaymentMethods' | 'listPaymentMethods' | 'searchPaymentMethods' | 'deletePaymentMethod' | 'setDefaultPaymentMethod' | 'refreshPaymentMethods'
>;

export function noSuchMethod(id: string): BillingError {
  return new BillingError('PAYMENT_NO_SUCH_PAYMENT_METHOD', `Payment method ${id} does not exist`, { paymentMethodId: id });
}

/** An active method of the tenant (or any, with includedDeleted), in the caller's em. */
export async function methodRow(em: EntityManager, id: string, includedDeleted = false): Promise<PaymentMethodRow> {
  return presentMethod(await em.findOne(PaymentMethodEntity, { id }), id, includedDeleted);
}

/** methodRow as a plain row (persistence/lean-rows.ts), for the payment write path, which only reads it. */
export async function plainMethodRow(em: EntityManager, id: string, includedDeleted = false): Promise<PaymentMethodRow> {
  return presentMethod(await leanFindOne<PaymentMethodRow>(em, PaymentMethodEntity, { id }), id, includedDeleted);
}

function presentMethod(row: PaymentMethodRow | null, id: string, includedDeleted: boolean): PaymentMethodRow {
  if (!row || (!row.isActive && !includedDeleted)) throw noSuchMethod(id);
  return row;
}

export function createMethodApi(deps: PaymentDeps): MethodApi {
  const { db, clock, gateway } = deps;

  async function defaultOf(em: EntityManager, accountIds: readonly string[]): Promise<Map<string, string | null>> {
    const rows = accountIds.length === 0 ? [] : await em.find(AccountEntity, { id: { $in: [...new Set(accountIds)] } }, { fields: ['id', 'paymentMethodId'] });
    return new Map(rows.map((r) => [r.id, r.paymentMethodId ?? null]));
  }

  /**
   * The methods as PaymentMethod; withPluginInfo asks each one's plugin (getPaymentMethodDetail). As Kill
   * Bill's PaymentMethodProcessor, a plugin failure fails a read of one method or of an account's methods
   * (`one`: PAYMENT_GET_PAYMENT_METHODS 7004, a timeout stays PAYMENT_PLUGIN_TIMEOUT), while a page of the
   * tenant's methods (`many`) logs it (a timeout too) and shows that method without plugin info.
   */
  async function present(ctx: TenantContext, em: EntityManager, rows: readonly PaymentMethodRow[], kind: PluginInfoRead, options: { withPluginInfo?: boolean; properties?: readonly { key: string; value: string | number | boolean | null }[] } = {}) {
    const defaults = await defaultOf(em, rows.map((r) => r.accountId));
    const out = [];
    for (const row of rows) {
      const defaultId = defaults.get(row.accountId) ?? null;
      if (options.withPluginInfo && row.isActive) out.push(toPaymentMethod(row, defaultId, await detailOf(ctx, row, defaultId, kind, options.properties ?? [])));
      else out.push(toPaymentMethod(row, defaultId));
    }
    return out;
  }

  async function detailOf(ctx: TenantContext, row: PaymentMethodRow, defaultId: string | null, kind: PluginInfoRead, properties: readonly PaymentPluginProperty[]): Promise<PaymentMethodPluginInfo | null> {
    try {
      const detail = await gateway.getPaymentMethodDetail(ctx, row.pluginName, row.accountId, row.id, properties);
      return { externalPaymentMethodId: detail.externalPaymentMethodId ?? null, isDefaultPaymentMethod: row.id === defaultId, properties: (detail.properties ?? []).map((p) => ({ key: p.key, value: p.value ?? null, isUpdatable: false })) };
    } catch (err) {
      return pluginReadFailure(
        err,
        kind,
        () => new BillingError('PAYMENT_GET_PAYMENT_METHODS', `Failed to retrieve payment method for account ${row.accountId} : ${row.id}`, { accountId: row.accountId, paymentMethodId: row.id, pluginName: row.pluginName }),
        (e) => deps.logger.warn({ paymentMethodId: row.id, plugin: row.pluginName, err: e.message }, 'payment method read without its plugin info: the plugin failed'),
      );
    }
  }

  async function setDefaultIn(em: EntityManager, ctx: CallContext, accountId: string, methodId: string | null): Promise<void> {
    const account = await accountRow(em, accountId);
    account.paymentMethodId = methodId;
    touch(account, ctx, clock.now().toJSDate());
  }

  const api: MethodApi = {
    async addPaymentMethod(ctx, req) {
      const pluginName = req.pluginName?.trim();
      if (!pluginName) throw new BillingError('PAYMENT_INVALID_PARAMETER', 'Invalid parameter pluginName: should not be null', { field: 'pluginName' });
      // Plain rows throughout (persistence/lean-rows.ts): a checkout adds a payment method per customer.
      const em = readEm(db, ctx);
      await plainAccountRow(em, req.accountId);
      if (!gateway.isPaymentPlugin(pluginName)) throw new BillingError('PAYMENT_NO_SUCH_PAYMENT_PLUGIN', `Payment plugin ${pluginName} is not registered`, { pluginName });
      const id = newId();
      const externalKey = req.externalKey?.trim() || id;
      // No key given: it is the new method's own fresh id, which no row can hold yet, so nothing is read.
      if (req.externalKey?.trim() && (await leanFindOne(em, PaymentMethodEntity, { externalKey }))) {
        throw new BillingError('PAYMENT_ADD_PAYMENT_METHOD', `Failed to add payment method for account ${req.accountId} : payment method with external key ${externalKey} already exists`, { externalKey });
      }
      const isDefault = req.isDefault ?? false;
      const info = req.pluginInfo ?? null;
      await gateway.addPaymentMethod(ctx, pluginName, req.accountId, { kbPaymentMethodId: id, externalPaymentMethodId: info?.externalPaymentMethodId ?? null, isDefaultPaymentMethod: isDefault, properties: (info?.properties ?? []).map((p) => ({ key: p.key, value: p.value })) }, isDefault, req.properties ?? []);

      return writeTx(db, ctx, async (tx) => {
        // The account lock and the account in one statement.
        const account = await plainAccountRow(tx, req.accountId, { forUpdate: true });
        if (pluginName === EXTERNAL_PAYMENT_PLUGIN && (await leanFindOne(tx, PaymentMethodEntity, { accountRecordId: account.recordId, pluginName, isActive: true }))) {
          throw new BillingError('PAYMENT_EXTERNAL_PAYMENT_METHOD_ALREADY_EXISTS', `External payment method already exists for account ${req.accountId}`, { accountId: req.accountId });
        }
        const now = clock.now().toJSDate();
        const writes = new LeanWrites(tx);
        const row = await writes.insert(PaymentMethodEntity, {
          id,
          tenantRecordId: ctx.tenant.recordId,
          accountRecordId: account.recordId,
          accountId: req.accountId,
          externalKey,
          pluginName,
          isActive: true,
          externalPaymentMethodId: info?.externalPaymentMethodId ?? null,
          pluginInfo: storedProperties(info?.properties),
          ...creationStamps(ctx, now),
        } satisfies Omit<PaymentMethodRow, 'recordId'>);
        const previousDefault = account.paymentMethodId ?? null;
        if (isDefault) await writes.update(AccountEntity, account, { paymentMethodId: id, updatedDate: now, updatedBy: ctx.createdBy });
        await writes.flushAudits();
        return toPaymentMethod(row, isDefault ? id : previousDefault);
      });
    },

    async getPaymentMethod(ctx, id, options = {}) {
      const em = readEm(db, ctx);
      const [method] = await present(ctx, em, [await methodRow(em, id, options.includedDeleted)], 'one', options);
      return method!;
    },

    async getPaymentMethodByKey(ctx, externalKey, options = {}) {
      const em = readEm(db, ctx);
      const row = await em.findOne(PaymentMethodEntity, { externalKey });
      if (!row || (!row.isActive && !options.includedDeleted)) throw noSuchMethod(externalKey);
      const [method] = await present(ctx, em, [row], 'one', options);
      return method!;
    },

    async listAccountPaymentMethods(ctx, accountId, options = {}) {
      const em = readEm(db, ctx);
      await accountRow(em, accountId);
      const rows = await em.find(PaymentMethodEntity, { accountId, ...(options.includedDeleted ? {} : { isActive: true }) }, { orderBy: { recordId: 'asc' } });
      return present(ctx, em, rows, 'one', options);
    },

    async listPaymentMethods(ctx, page, options = {}) {
      const em = readEm(db, ctx);
      const where = { ...(options.includedDeleted ? {} : { isActive: true }), ...(options.pluginName ? { pluginName: options.pluginName } : {}) };
      const [rows, total] = await em.findAndCount(PaymentMethodEntity, where, { orderBy: { recordId: 'asc' }, offset: page.offset, limit: page.limit });
      const max = await em.count(PaymentMethodEntity, {});
      return { items: await present(ctx, em, rows, 'many', options), total, offset: page.offset, max };
    },

    async searchPaymentMethods(ctx, searchKey, page, options = {}) {
      const em = readEm(db, ctx);
      const where = {
        ...(options.includedDeleted ? {} : { isActive: true }),
        $or: [{ id: searchKey }, { externalKey: searchKey }, { accountId: searchKey }, { pluginName: searchKey }, { externalPaymentMethodId: searchKey }],
      };
      const [rows, total] = await em.findAndCount(PaymentMethodEntity, where, { orderBy: { recordId: 'asc' }, offset: page.offset, limit: page.limit });
      const max = await em.count(PaymentMethodEntity, {});
      return { items: await present(ctx, em, rows, 'many', options), total, offset: page.offset, max };
    },

    async deletePaymentMethod(ctx, id, options = {}) {
      const em = readEm(db, ctx);
      const row = await methodRow(em, id);
      const account = await accountRow(em, row.accountId);
      const isDefault = account.paymentMethodId === id;
      if (isDefault && !options.deleteDefaultPmWithAutoPayOff && !options.forceDefaultPmDeletion) {
        throw new BillingError('PAYMENT_DEL_DEFAULT_PAYMENT_METHOD', `Cannot delete default payment method for account ${row.accountId}`, { accountId: row.accountId, paymentMethodId: id });
      }
      await gateway.deletePaymentMethod(ctx, row.pluginName, row.accountId, id, options.properties ?? []);
      await writeTx(db, ctx, async (tx) => {
        await lockAccount(tx, ctx.tenant.recordId, account.recordId);
        const locked = await methodRow(tx, id);
        locked.isActive = false;
        touch(locked, ctx, clock.now().toJSDate());
        const current = await accountRow(tx, row.accountId);
        if (current.paymentMethodId === id) await setDefaultIn(tx, ctx, row.accountId, null);
        await tx.flush();
      });
      if (isDefault && options.deleteDefaultPmWithAutoPayOff) {
        await deps.tags.add(ctx, 'ACCOUNT', row.accountId, [controlTag('AUTO_PAY_OFF').id as TagDefinitionId]);
      }
    },

    async setDefaultPaymentMethod(ctx, accountId, paymentMethodId) {
      const account = await accountRow(readEm(db, ctx), accountId);
      await writeTx(db, ctx, async (tx) => {
        // Lock first, read after: a read before the lock would fix the transaction's snapshot too early.
        await lockAccount(tx, ctx.tenant.recordId, account.recordId);
        const row = await methodRow(tx, paymentMethodId);
        if (row.accountId !== accountId) {
          throw new BillingError('PAYMENT_METHOD_DIFFERENT_ACCOUNT_ID', `Payment method ${paymentMethodId} has a different account id`, { paymentMethodId, accountId });
        }
        await setDefaultIn(tx, ctx, accountId, paymentMethodId);
        await tx.flush();
      });
    },

    async refreshPaymentMethods(ctx, accountId, pluginName, properties = []) {
      const em = readEm(db, ctx);
      const account = await accountRow(em, accountId);
      const known = await em.find(PaymentMethodEntity, { accountId, isActive: true });
      const names = pluginName ? [pluginName] : [...new Set(known.map((m) => m.pluginName))];
      for (const name of names) {
        if (name === EXTERNAL_PAYMENT_PLUGIN) continue;
        if (!gateway.isPaymentPlugin(name)) throw new BillingError('PAYMENT_NO_SUCH_PAYMENT_PLUGIN', `Payment plugin ${name} is not registered`, { pluginName: name });
        const fromGateway = await gateway.getPaymentMethods(ctx, name, accountId, true, properties);
        await writeTx(db, ctx, async (tx) => {
          await lockAccount(tx, ctx.tenant.recordId, account.recordId);
          const ours = await tx.find(PaymentMethodEntity, { accountId, pluginName: name });
          const seen = new Set<string>();
          const now = clock.now().toJSDate();
          for (const info of fromGateway) {
            const match = ours.find((m) => m.id === info.paymentMethodId || (info.externalPaymentMethodId !== null && m.externalPaymentMethodId === info.externalPaymentMethodId));
            if (match) {
              seen.add(match.id);
              if (!match.isActive) {
                match.isActive = true;
                touch(match, ctx, now);
              }
              continue;
            }
            const id = info.paymentMethodId && !(await tx.findOne(PaymentMethodEntity, { id: info.paymentMethodId }, { fields: ['id'], filters: false })) ? info.paymentMethodId : newId();
            seen.add(id);
            tx.create(PaymentMethodEntity, {
              id, tenantRecordId: ctx.tenant.recordId, accountRecordId: account.recordId, accountId, externalKey: id, pluginName: name, isActive: true,
              externalPaymentMethodId: info.externalPaymentMethodId, pluginInfo: [], ...creationStamps(ctx, now),
            });
            if (info.isDefault) await setDefaultIn(tx, ctx, accountId, id);
          }
          // Kill Bill's refresh: what the gateway no longer knows is deactivated here too.
          for (const m of ours) {
            if (m.isActive && !seen.has(m.id)) {
              m.isActive = false;
              touch(m, ctx, now);
              if ((await accountRow(tx, accountId)).paymentMethodId === m.id) await setDefaultIn(tx, ctx, accountId, null);
            }
          }
          await tx.flush();
        });
      }
      return api.listAccountPaymentMethods(ctx, accountId);
    },
  };
  return api;
}
