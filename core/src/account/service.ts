import { LockMode, UniqueConstraintViolationException, type EntityManager, type FilterQuery } from '@mikro-orm/core';
import { emitEvent } from '../bus/outbox.js';
import type { Clock } from '../clock/clock.js';
import type { CallContext, TenantContext } from '../context.js';
import { BillingError } from '../errors/index.js';
import type { ObjectRegistry } from '../object/registry.js';
import type { Database } from '../persistence/database.js';
import { escapeLike } from '../persistence/like.js';
import { readEm, writeTx } from '../persistence/scope.js';
import { requirePermission } from '../security/subject.js';
import { isUuid, newId, parseId, type AccountEmailId, type AccountId } from '../values/ids.js';
import type {
  Account,
  AccountEmail,
  AccountPage,
  AccountUpdate,
  CloseAccountOptions,
  CreateAccountInput,
  PageRequest,
  UpdateAccountOptions,
} from './account.js';
import { AccountEmailEntity, AccountEntity, type AccountRow } from './model.js';
import { fieldColumns, toAccount, toAccountEmail } from './rows.js';
import { advancedSearchFilter, SEARCH_QUERY_MARKER } from './search-query.js';
import { mergeAccountUpdate, newAccountFields } from './validation.js';
import { creationStamps } from '../persistence/stamps.js';
import { LeanWrites } from '../persistence/lean-rows.js';

export interface AccountService {
  create(ctx: CallContext, input: CreateAccountInput): Promise<Account>;
  getById(ctx: TenantContext, id: AccountId): Promise<Account>;
  getByExternalKey(ctx: TenantContext, externalKey: string): Promise<Account>;
  /** All accounts of the tenant in record-id order. */
  list(ctx: TenantContext, page: PageRequest): Promise<AccountPage>;
  /**
   * Kill Bill's search: the id exactly, or name, email, external key or company containing the key; a key
   * starting with `_q=1` is an advanced query over named columns (search-query.ts).
   */
  search(ctx: TenantContext, searchKey: string, page: PageRequest): Promise<AccountPage>;
  /** The accounts whose parent is this one; an unknown parent has none (Kill Bill answers an empty list). */
  children(ctx: TenantContext, parentId: AccountId): Promise<Account[]>;
  update(ctx: CallContext, id: AccountId, update: AccountUpdate, options: UpdateAccountOptions): Promise<Account>;
  close(ctx: CallContext, id: AccountId, options: CloseAccountOptions): Promise<Account>;

  /** The account read inside a caller's transaction (invoicing, under the account lock). */
  getIn(em: EntityManager, id: AccountId): Promise<Account>;
  /** The same by record id (a notification carries only that); null when there is none. */
  findByRecordIdIn(em: EntityManager, recordId: number): Promise<Account | null>;
  /** Invoicing stores the BCD its first run computed (§3), inside its transaction; no ACCOUNT_CHANGE, as Kill Bill's updateBCD. */
  setBillCycleDayIn(em: EntityManager, ctx: CallContext, id: AccountId, billCycleDayLocal: number): Promise<void>;

  getEmails(ctx: TenantContext, accountId: AccountId): Promise<AccountEmail[]>;
  /** Throws ACCOUNT_EMAIL_ALREADY_EXISTS when the account already has it (the REST layer, as Kill Bill's, skips those). */
  addEmail(ctx: CallContext, accountId: AccountId, email: string): Promise<AccountEmail>;
  /** Removes (soft-deletes) the email if the account has it; removing an absent one is a no-op, as Kill Bill. */
  removeEmail(ctx: CallContext, accountId: AccountId, email: string): Promise<void>;
  /** An email of the account, removed ones included (their audit history stays readable). */
  getEmailById(ctx: TenantContext, accountId: AccountId, emailId: AccountEmailId): Promise<AccountEmail>;
}

const MAX_EMAIL = 128;

function notFound(id: string): BillingError {
  return new BillingError('ACCOUNT_DOES_NOT_EXIST_FOR_ID', `Account does not exist for id ${id}`, { accountId: id });
}

function checkEmail(email: string): string {
  if (email.length === 0) throw new BillingError('INVALID_PARAMETER', 'AccountEmailJson email needs to be set', { field: 'email' });
  if (email.length > MAX_EMAIL) {
    throw new BillingError('INVALID_PARAMETER', `Field email must have at most ${MAX_EMAIL} characters (got ${email.length})`, { field: 'email' });
  }
  return email;
}

export function createAccountService(deps: { db: Database; clock: Clock; objects: ObjectRegistry }): AccountService {
  const { db, clock, objects } = deps;

  async function find(em: EntityManager, id: string): Promise<AccountRow> {
    const row = await em.findOne(AccountEntity, { id });
    if (!row) throw notFound(id);
    return row;
  }

  /** The account row under `SELECT ... FOR UPDATE`: concurrent writes to one account queue behind each other. */
  async function lock(em: EntityManager, id: string): Promise<AccountRow> {
    const row = await em.findOne(AccountEntity, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!row) throw notFound(id);
    return row;
  }

  /** Kill Bill checks the parent exists in the tenant (DefaultAccountUserApi.createAccount): 404 otherwise. */
  async function checkParent(em: EntityManager, parentId: AccountId | null, selfId: string): Promise<void> {
    if (parentId === null) return;
    if (parentId === selfId) throw new BillingError('INVALID_PARAMETER', 'An account cannot be its own parent', { field: 'parentAccountId' });
    await find(em, parentId);
  }

  async function page(em: EntityManager, where: FilterQuery<AccountRow>, req: PageRequest): Promise<AccountPage> {
    const [rows, total] = await em.findAndCount(AccountEntity, where, { orderBy: { recordId: 'asc' }, offset: req.offset, limit: req.limit });
    const max = Object.keys(where).length === 0 ? total : await em.count(AccountEntity, {});
    return { items: rows.map(toAccount), offset: req.offset, total, max };
  }

  const stamp = (ctx: CallContext) => ({ updatedDate: clock.now().toJSDate(), updatedBy: ctx.createdBy });

  /**
   * ACCOUNT_CREATION / ACCOUNT_CHANGE as BeatrixListener builds them: objectType ACCOUNT, the account's id
   * as objectId and accountId, no metaData. Kill Bill raises none for email changes, and closing an account
   * raises no ACCOUNT_CHANGE (it adds AUTO_INVOICING_OFF and a CLOSE_ACCOUNT blocking state instead).
   */
  function emitAccountEvent(em: EntityManager, ctx: CallContext, eventType: 'ACCOUNT_CREATION' | 'ACCOUNT_CHANGE', row: AccountRow): void {
    emitEvent(em, ctx, clock, { eventType, objectType: 'ACCOUNT', objectId: row.id, accountRecordId: row.recordId, payload: { accountId: row.id, metaData: null } });
  }

  objects.register('ACCOUNT', async (ctx, objectId) => {
    const row = await find(readEm(db, ctx), parseId<'Account'>(objectId, 'accountId'));
    return { objectType: 'ACCOUNT', objectId: row.id, accountRecordId: row.recordId };
  });
  objects.register('ACCOUNT_EMAIL', async (ctx, objectId) => {
    const row = await readEm(db, ctx).findOne(AccountEmailEntity, { id: parseId<'AccountEmail'>(objectId, 'accountEmailId') });
    if (!row) throw new BillingError('NOT_FOUND', `Account email does not exist for id ${objectId}`, { accountEmailId: objectId });
    return { objectType: 'ACCOUNT_EMAIL', objectId: row.id, accountRecordId: row.accountRecordId };
  });

  return {
    getIn: async (em, id) => toAccount(await find(em, id)),

    async findByRecordIdIn(em, recordId) {
      const row = await em.findOne(AccountEntity, { recordId });
      return row ? toAccount(row) : null;
    },

    async setBillCycleDayIn(em, ctx, id, billCycleDayLocal) {
      const row = await find(em, id);
      if (row.billingCycleDayLocal === billCycleDayLocal) return;
      row.billingCycleDayLocal = billCycleDayLocal;
      Object.assign(row, stamp(ctx));
      await em.flush();
    },

    async create(ctx, input) {
      requirePermission(ctx, 'account:create');
      const id = newId<'Account'>();
      const now = clock.now();
      const fields = newAccountFields(input, { id, now });
      try {
        const row = await writeTx(db, ctx, async (em) => {
          await checkParent(em, fields.parentAccountId, id);
          // A plain-row insert (persistence/lean-rows.ts): one per new customer, so the unit of work's cost per
          // statement showed in the checkout. The insert answers the record id the event's stream needs.
          const writes = new LeanWrites(em);
          const created = await writes.insert(AccountEntity, {
            id,
            tenantRecordId: ctx.tenant.recordId,
            ...fieldColumns(fields),
            isClosed: false,
            ...creationStamps(ctx, now.toJSDate()),
          } satisfies Omit<AccountRow, 'recordId'>);
          emitAccountEvent(em, ctx, 'ACCOUNT_CREATION', created);
          await em.flush();
          await writes.flushAudits();
          return created;
        });
        return toAccount(row);
      } catch (e) {
        // The unique index (tenant, external_key) decides, also between two creations racing on one key.
        if (e instanceof UniqueConstraintViolationException) {
          throw new BillingError('ACCOUNT_ALREADY_EXISTS', `Account already exists for key ${fields.externalKey}`, { externalKey: fields.externalKey });
        }
        throw e;
      }
    },

    async getById(ctx, id) {
      return toAccount(await find(readEm(db, ctx), id));
    },

    async getByExternalKey(ctx, externalKey) {
      const row = await readEm(db, ctx).findOne(AccountEntity, { externalKey });
      if (!row) throw new BillingError('ACCOUNT_DOES_NOT_EXIST_FOR_KEY', `Account does not exist for key ${externalKey}`, { externalKey });
      return toAccount(row);
    },

    async list(ctx, req) {
      return page(readEm(db, ctx), {}, req);
    },

    async search(ctx, searchKey, req) {
      if (searchKey.startsWith(SEARCH_QUERY_MARKER)) return page(readEm(db, ctx), advancedSearchFilter(searchKey), req);
      // The columns use a case-insensitive collation (utf8mb4_general_ci), so LIKE ignores case.
      const like = { $like: `%${escapeLike(searchKey)}%` };
      const where: FilterQuery<AccountRow> = {
        $or: [
          ...(isUuid(searchKey) ? [{ id: searchKey.toLowerCase() }] : []),
          { name: like },
          { email: like },
          { externalKey: like },
          { companyName: like },
        ],
      };
      return page(readEm(db, ctx), where, req);
    },

    async children(ctx, parentId) {
      const rows = await readEm(db, ctx).find(AccountEntity, { parentAccountId: parentId }, { orderBy: { recordId: 'asc' } });
      return rows.map(toAccount);
    },

    async update(ctx, id, update, options) {
      requirePermission(ctx, 'account:update');
      const row = await writeTx(db, ctx, async (em) => {
        const row = await lock(em, id);
        const merged = mergeAccountUpdate(toAccount(row), update, options.treatNullAsReset);
        if (merged.parentAccountId !== row.parentAccountId) await checkParent(em, merged.parentAccountId, id);
        // Kill Bill posts ACCOUNT_CHANGE on every update (DefaultAccountDao.update), changed fields or not.
        emitAccountEvent(em, ctx, 'ACCOUNT_CHANGE', row);
        return Object.assign(row, fieldColumns(merged), stamp(ctx));
      });
      return toAccount(row);
    },

    // The CloseAccountOptions are not read yet: there is nothing to cancel, write off or unschedule until
    // the subscription, invoice and notification domains exist (see CloseAccountOptions).
    async close(ctx, id) {
      requirePermission(ctx, 'account:update');
      const row = await writeTx(db, ctx, async (em) => {
        const row = await lock(em, id);
        if (row.isClosed) return row;
        return Object.assign(row, { isClosed: true }, stamp(ctx));
      });
      return toAccount(row);
    },

    async getEmails(ctx, accountId) {
      const em = readEm(db, ctx);
      await find(em, accountId);
      const rows = await em.find(AccountEmailEntity, { accountId, isActive: true }, { orderBy: { recordId: 'asc' } });
      return rows.map(toAccountEmail);
    },

    async addEmail(ctx, accountId, email) {
      requirePermission(ctx, 'account:add_emails');
      checkEmail(email);
      const row = await writeTx(db, ctx, async (em) => {
        const account = await lock(em, accountId);
        if (await em.findOne(AccountEmailEntity, { accountId, email, isActive: true }, { fields: ['id'] })) {
          throw new BillingError('ACCOUNT_EMAIL_ALREADY_EXISTS', `Account email already exists ${email}`, { accountId, email });
        }
        const now = clock.now().toJSDate();
        return em.create(AccountEmailEntity, {
          id: newId(),
          tenantRecordId: ctx.tenant.recordId,
          accountRecordId: account.recordId,
          accountId,
          email,
          isActive: true,
          ...creationStamps(ctx, now),
        });
      });
      return toAccountEmail(row);
    },

    async removeEmail(ctx, accountId, email) {
      requirePermission(ctx, 'account:delete_emails');
      await writeTx(db, ctx, async (em) => {
        await lock(em, accountId);
        for (const row of await em.find(AccountEmailEntity, { accountId, email, isActive: true })) {
          Object.assign(row, { isActive: false }, stamp(ctx));
        }
      });
    },

    async getEmailById(ctx, accountId, emailId) {
      const em = readEm(db, ctx);
      await find(em, accountId);
      const row = await em.findOne(AccountEmailEntity, { id: emailId, accountId });
      if (!row) throw new BillingError('NOT_FOUND', `Account email ${emailId} does not exist for account ${accountId}`, { accountId, accountEmailId: emailId });
      return toAccountEmail(row);
    },
  };
}
