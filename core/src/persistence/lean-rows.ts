import type { EntityManager, EntityMetadata, EntitySchema } from '@mikro-orm/core';
import { auditRowsFor, insertAuditRows } from '../audit/bulk-insert.js';
import type { AuditRowData } from '../audit/audit-row.js';
import { auditedAs } from '../audit/audited.js';
import { insertStatements, literalOf } from './multi-row-insert.js';
import { multiTableUpdateStatement, updateStatement } from './update-statement.js';
import { scopedTenant } from './plain-rows.js';

/**
 * Rows read and written with one hand-built statement each, for the request paths where every statement
 * counts (a checkout: account, payment method, payment). Through the unit of work each statement cost about
 * 0.6 ms of CPU on these machines against 0.08 ms for the statement itself (findOne, change sets, the flush
 * and its subscribers). Here a read is one SELECT mapped by MikroORM's compiled result mapper (the entity's
 * property names and types), and a write one INSERT or UPDATE whose audit rows are the recorder's own
 * (audit/bulk-insert.ts), collected and written in one multi-row INSERT by `flushAudits`, in the caller's
 * transaction. The rows are plain objects, not managed: code that mixes them with entities of the same rows
 * in one entity manager must not (the identity map would not see these writes). Tenant-owned entities only:
 * every statement names the em's tenant (persistence/plain-rows.ts scopedTenant).
 * Proved by persistence/lean-rows.test.ts.
 */

/** Who/when columns: they change with every write, so alone they are no change. */
const STAMPS = new Set(['updatedDate', 'updatedBy']);

type Where = Readonly<Record<string, string | number | boolean | null>>;

function metaOf(em: EntityManager, entity: EntitySchema<any, any>): EntityMetadata {
  return em.getMetadata().get(entity.meta.className);
}

function conditions(em: EntityManager, meta: EntityMetadata, where: Where, prefix = ''): string {
  const platform = em.getPlatform();
  const parts = [`${prefix}${platform.quoteIdentifier('tenant_record_id')} = ${scopedTenant(em)}`];
  for (const [name, value] of Object.entries(where)) {
    const prop = meta.properties[name];
    if (!prop) throw new Error(`lean rows: ${meta.className} has no property ${name}`);
    const column = prefix + platform.quoteIdentifier(prop.fieldNames[0]!);
    parts.push(value === null ? `${column} is null` : `${column} = ${literalOf(prop, value, platform)}`);
  }
  return parts.join(' and ');
}

interface FindOptions {
  readonly limit?: number;
  readonly forUpdate?: boolean;
  /** Record order (the default). Off for a lookup by a key: ORDER BY with LIMIT can lead MariaDB to scan the primary key instead. */
  readonly ordered?: boolean;
  /**
   * Also takes the account lock (the row's account, `for update`, as lockAccount takes it) in the same
   * statement, by joining the account into the locking read: one round trip for lock and read.
   */
  readonly lockingAccount?: boolean;
}

/** Rows matching `where` (equalities, in the em's tenant), in record order. */
export async function leanFind<T extends object>(em: EntityManager, entity: EntitySchema<any, any>, where: Where, options: FindOptions = {}): Promise<T[]> {
  const meta = metaOf(em, entity);
  const platform = em.getPlatform();
  const q = (name: string) => platform.quoteIdentifier(name);
  let sql = options.lockingAccount
    ? `select t.* from ${q(meta.tableName)} t join ${q('accounts')} a on a.${q('record_id')} = t.${q('account_record_id')} where ${conditions(em, meta, where, 't.')}`
    : `select * from ${q(meta.tableName)} where ${conditions(em, meta, where)}`;
  if (options.ordered !== false) sql += ` order by ${options.lockingAccount ? 't.' : ''}${q('record_id')}`;
  if (options.limit !== undefined) sql += ` limit ${Math.trunc(options.limit)}`;
  if (options.forUpdate || options.lockingAccount) sql += ' for update';
  const raw = (await em.getConnection().execute(sql, [], 'all', em.getTransactionContext())) as Record<string, unknown>[];
  const driver = em.getDriver();
  // The result mapper renames columns and parses dates; custom types (JSON) convert here, as hydration would.
  const typed = meta.props.filter((p) => p.customType && p.persist !== false);
  return raw.map((r) => {
    const row = driver.mapResult(r, meta) as Record<string, unknown>;
    for (const prop of typed) if (row[prop.name] != null) row[prop.name] = prop.customType!.convertToJSValue(row[prop.name], platform);
    return row as T;
  });
}

/** The row with this key (`where` names a unique key, as findOne's callers do), or null. */
export async function leanFindOne<T extends object>(em: EntityManager, entity: EntitySchema<any, any>, where: Where, options: { readonly forUpdate?: boolean; readonly lockingAccount?: boolean } = {}): Promise<T | null> {
  return (await leanFind<T>(em, entity, where, { ...options, limit: 1, ordered: false }))[0] ?? null;
}

/** One row's changes for LeanWrites.updateTogether. */
export interface RowUpdate {
  readonly entity: EntitySchema<any, any>;
  readonly row: { recordId: number };
  readonly changes: Readonly<Record<string, unknown>>;
}

/**
 * Writes in one transaction: each insert or update executes at once (in order, so later statements see it),
 * its audit row waits for `flushAudits`, which the caller runs before the transaction commits.
 */
export class LeanWrites {
  readonly #em: EntityManager;
  readonly #audits: AuditRowData[] = [];

  constructor(em: EntityManager) {
    this.#em = em;
  }

  /** Inserts a new row (without its record id) and sets the record id the database gave it. */
  async insert<T extends object>(entity: EntitySchema<any, any>, row: T): Promise<T & { recordId: number }> {
    const audits = auditedAs(entity.meta.className) ? auditRowsFor(this.#em, entity, [row as Record<string, unknown>], 'INSERT') : [];
    const [build] = insertStatements(this.#em, entity.meta.className, [row]);
    const result = (await this.#run(build!())) as { insertId: number | string };
    this.#audits.push(...audits);
    return Object.assign(row, { recordId: Number(result.insertId) });
  }

  /**
   * Writes `changes` to `row` (by record id, in the em's tenant) and applies them to it. Values equal to the
   * row's are not changes; with none left nothing is written or applied, as a flush writes nothing for them.
   */
  async update<T extends { recordId: number }>(entity: EntitySchema<any, any>, row: T, changes: Partial<T>): Promise<void> {
    await this.updateTogether([{ entity, row, changes }]);
  }

  /**
   * `update` of rows of different tables in one statement (multiTableUpdateStatement): the same rows,
   * values and audit rows as one `update` each. Rows without a change are left out, as `update` leaves them.
   */
  async updateTogether(updates: readonly RowUpdate[]): Promise<void> {
    const changed = updates.filter(({ row, changes }) => Object.entries(changes).some(([name, value]) => !STAMPS.has(name) && !sameValue((row as Record<string, unknown>)[name], value)));
    if (changed.length === 0) return;
    const tenantRecordId = scopedTenant(this.#em);
    const [only] = changed;
    await this.#run(
      changed.length === 1
        ? updateStatement(this.#em, only!.entity.meta.className, only!.changes, { tenantRecordId, recordIds: [only!.row.recordId] })
        : multiTableUpdateStatement(this.#em, tenantRecordId, changed.map((u) => ({ entityName: u.entity.meta.className, set: u.changes, recordId: u.row.recordId }))),
    );
    for (const { entity, row, changes } of changed) {
      Object.assign(row, changes);
      // As the recorder: turning isActive off is Kill Bill's soft delete.
      const changeType = (changes as Record<string, unknown>)['isActive'] === false ? 'DELETE' : 'UPDATE';
      if (auditedAs(entity.meta.className)) this.#audits.push(...auditRowsFor(this.#em, entity, [row as Record<string, unknown>], changeType));
    }
  }

  /** One statement; driver errors become MikroORM's (UniqueConstraintViolationException ...), as from a flush. */
  async #run(sql: string): Promise<unknown> {
    try {
      return await this.#em.getConnection().execute(sql, [], 'run', this.#em.getTransactionContext());
    } catch (err) {
      throw this.#em.getDriver().convertException(err as Error);
    }
  }

  /** Writes the audit rows of everything written so far, in one statement. */
  async flushAudits(): Promise<void> {
    if (this.#audits.length === 0) return;
    await insertAuditRows(this.#em, this.#audits.splice(0));
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
  return a === b;
}
