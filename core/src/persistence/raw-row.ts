/**
 * Readers for columns of rows fetched with raw SQL (the bus and notification tables are read that way:
 * they are infrastructure, hot, and need locking clauses the ORM does not express).
 */

/** mysql2 hands DATETIME back as a string in the session zone, which is UTC (persistence/database.ts). */
export function utcDate(value: unknown): Date {
  if (value instanceof Date) return value;
  return new Date(`${String(value).replace(' ', 'T')}Z`);
}

/** A JSON column: MariaDB sends it as text, MySQL as a parsed value. */
export function jsonObject(value: unknown): Record<string, unknown> {
  if (typeof value === 'string') return JSON.parse(value) as Record<string, unknown>;
  return (value as Record<string, unknown> | null) ?? {};
}

export function nullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}
