import type { EntityManager, EntityProperty, Platform } from '@mikro-orm/core';

/** Rows per INSERT: large enough to amortise the round trip, small enough for max_allowed_packet. */
export const INSERT_CHUNK = 1000;

/**
 * Multi-row INSERTs of plain rows built straight from the entity's metadata, for sets of tens of thousands
 * of rows (a 30,000-item invoice and its audit rows). `em.insertMany` costs several times the database's
 * own time per row here: per value it validates, converts, then MikroORM inlines each `?` with sqlstring,
 * whose escaper walks every `"` of a JSON audit snapshot. This writer converts each value once (the
 * property's custom type, as MikroORM does: decimals, JSON), quotes strings escaping only what a
 * single-quoted MariaDB literal needs (`'`, `\`, NUL, Ctrl-Z: the same escapes sqlstring uses for those),
 * and overlaps building the next statement with the database executing the previous one (one statement in
 * flight, so memory holds at most two). It runs in the caller's transaction; rows are not managed.
 * Proved by persistence/multi-row-insert.test.ts (values read back equal, `'`, `\`, `?`, NUL and unicode survive).
 */

interface Column {
  readonly prop: EntityProperty;
  readonly sql: string;
}

/** One INSERT statement's text, built when the previous statement is on its way. */
export type StatementBuilder = () => string;

/** Builds the INSERT statements of `rows` (one per INSERT_CHUNK rows), lazily. */
export function insertStatements(em: EntityManager, entityName: string, objects: readonly object[], chunk: number = INSERT_CHUNK): StatementBuilder[] {
  const rows = objects as readonly Record<string, unknown>[];
  if (rows.length === 0) return [];
  const meta = em.getMetadata().get(entityName);
  const platform = em.getPlatform();
  const present = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) present.add(key);
  const columns: Column[] = meta.props
    .filter((prop) => present.has(prop.name) && prop.persist !== false && prop.fieldNames?.length === 1)
    .map((prop) => ({ prop, sql: platform.quoteIdentifier(prop.fieldNames[0]!) }));
  const unknown = [...present].filter((key) => !columns.some((c) => c.prop.name === key));
  if (unknown.length > 0) throw new Error(`insertStatements: ${entityName} has no column for ${unknown.join(', ')}`);
  const head = `insert into ${platform.quoteIdentifier(meta.tableName)} (${columns.map((c) => c.sql).join(', ')}) values `;
  const builders: StatementBuilder[] = [];
  for (let i = 0; i < rows.length; i += chunk) {
    const slice = rows.slice(i, i + chunk);
    builders.push(() => {
      const tuples = new Array<string>(slice.length);
      for (let r = 0; r < slice.length; r++) {
        const row = slice[r]!;
        const values = new Array<string>(columns.length);
        for (let c = 0; c < columns.length; c++) values[c] = literalOf(columns[c]!.prop, row[columns[c]!.prop.name], platform);
        tuples[r] = `(${values.join(', ')})`;
      }
      return head + tuples.join(', ');
    });
  }
  return builders;
}

/**
 * Runs statements in the em's transaction, in order, building each while the one before executes. A failing
 * statement stops the rest and rejects (the caller's transaction rolls back).
 */
export async function runPipelined(em: EntityManager, statements: Iterable<StatementBuilder>): Promise<void> {
  const conn = em.getConnection();
  const ctx = em.getTransactionContext();
  let inFlight: Promise<unknown> | null = null;
  for (const build of statements) {
    const sql = build();
    if (inFlight) await inFlight;
    inFlight = conn.execute(sql, [], 'run', ctx);
  }
  if (inFlight) await inFlight;
}

/** A value of a property as a SQL literal: converted by the property's custom type first, as MikroORM does. */
export function literalOf(prop: EntityProperty, raw: unknown, platform: Platform): string {
  let value = raw === undefined ? prop.default : raw;
  if (value === undefined) return 'default';
  if (value !== null && prop.customType) value = prop.customType.convertToDatabaseValue(value, platform, { key: prop.name, mode: 'query-data' });
  if (value === null || value === undefined) return 'NULL';
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`insertStatements: ${prop.name} is ${value}`);
      return String(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) throw new Error(`insertStatements: ${prop.name} is an invalid date`);
        // The connection's time zone is UTC (database.ts): DATETIME(3) as 'YYYY-MM-DD HH:MM:SS.mmm'.
        return `'${value.toISOString().slice(0, 23).replace('T', ' ')}'`;
      }
      return quote(JSON.stringify(value));
  }
}

const NEEDS_ESCAPE = /[\0\x1a'\\]/;
const ESCAPED = /[\0\x1a'\\]/g;
const ESCAPES: Record<string, string> = { '\0': '\\0', '\x1a': '\\Z', "'": "\\'", '\\': '\\\\' };

/** A single-quoted literal; newlines, tabs and `"` need no escape inside one. */
export function quote(s: string): string {
  return NEEDS_ESCAPE.test(s) ? `'${s.replace(ESCAPED, (ch) => ESCAPES[ch]!)}'` : `'${s}'`;
}
