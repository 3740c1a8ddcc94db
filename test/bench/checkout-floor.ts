/**
 * The checkout's floor on this machine: the statements Billwright sent for one flow, read back from
 * MariaDB's general log, run by the thinnest server that could send them (checkout-floor-server.mjs: hono
 * and raw mysql2, no ORM, no plugin worker, no auth, no bus), under the same load as the checkout. What
 * that server cannot exceed, Billwright cannot either while it writes what Kill Bill writes; the ratio
 * checkout : floor is what the server's own code costs.
 *
 * Capture: the general log goes to the mysql.general_log table for one flow, between marker queries
 * (`select 'bw-floor:<step>'`) sent on the capturing connection, and is switched back to its previous
 * settings. Background work of the server (bus dispatch, notification and janitor polls) is dropped: the
 * floor is what the three requests themselves send, so it is, if anything, generous.
 */
import type { Connection } from 'mysql2/promise';

/** One request's statements, in the order they ran. */
export type StepStatements = Readonly<Record<string, readonly string[]>>;

const BACKGROUND = [/from bus_events where dispatched_date/, /from bus_events where \(tenant_record_id/, /bus_events_history/, /^delete from bus_events/, /from notifications where effective_date/, /^select 1 from /, /^SET /i, /^select 'bw-floor/];

interface LogRow {
  readonly thread_id: number;
  readonly command_type: string;
  readonly argument: Buffer | string;
}

/**
 * Runs `steps` one after another with the general log on, and returns each step's statements. Statements
 * of a background transaction (its first statement after BEGIN is background work) are dropped whole.
 */
export async function captureStatements(admin: Connection, steps: readonly { name: string; run: () => Promise<void> }[]): Promise<StepStatements> {
  const [[before]] = (await admin.query("select @@global.general_log as on_, @@global.log_output as output")) as unknown as [[{ on_: number; output: string }]];
  await admin.query("SET GLOBAL log_output = 'TABLE'");
  await admin.query('TRUNCATE mysql.general_log');
  await admin.query('SET GLOBAL general_log = 1');
  try {
    for (const step of steps) {
      await admin.query(`select 'bw-floor:${step.name}'`);
      await step.run();
    }
    await admin.query("select 'bw-floor:end'");
  } finally {
    await admin.query(`SET GLOBAL general_log = ${before.on_ ? 1 : 0}`);
    await admin.query('SET GLOBAL log_output = ?', [before.output]);
  }
  // The CSV table returns rows in the order they were logged.
  const [rows] = (await admin.query("select thread_id, command_type, argument from mysql.general_log where command_type in ('Query', 'Execute')")) as unknown as [LogRow[]];
  await admin.query('TRUNCATE mysql.general_log');

  const out: Record<string, string[]> = {};
  let current: string[] | null = null;
  /** Per connection, its open transaction: the step it began in (null: before or after the flow), and whether it is background work. */
  const open = new Map<number, { step: string[] | null; background: boolean; held: string[] }>();
  for (const row of rows) {
    const sql = String(row.argument).trim();
    const marker = /^select 'bw-floor:(\w+)'$/.exec(sql);
    if (marker) {
      current = marker[1] === 'end' ? null : (out[marker[1]!] = []);
      continue;
    }
    if (sql === 'BEGIN' || /^start transaction/i.test(sql)) {
      open.set(row.thread_id, { step: current, background: false, held: [sql] });
      continue;
    }
    const tx = open.get(row.thread_id);
    if (tx) {
      if (tx.held.length === 1 && BACKGROUND.some((p) => p.test(sql))) tx.background = true;
      tx.held.push(sql);
      if (sql === 'COMMIT' || sql === 'ROLLBACK') {
        if (tx.step && !tx.background) tx.step.push(...tx.held);
        open.delete(row.thread_id);
      }
      continue;
    }
    // A COMMIT of a transaction that began before the log was on is not the flow's.
    if (current && sql !== 'COMMIT' && sql !== 'ROLLBACK' && !BACKGROUND.some((p) => p.test(sql))) current.push(sql);
  }
  return out;
}

/** The record id each row inserted by the flow got, by table, read back by the row's id (its first value). */
export async function insertedRecordIds(admin: Connection, database: string, steps: StepStatements): Promise<Record<string, number>> {
  const ids: Record<string, number> = {};
  for (const sql of Object.values(steps).flat()) {
    const m = /^insert into `(\w+)` \(`id`,[^)]*\) values \('([0-9a-f-]{36})'/.exec(sql);
    if (!m || ids[m[1]!] !== undefined) continue;
    const [rows] = (await admin.query(`select record_id from \`${database}\`.\`${m[1]!}\` where id = ?`, [m[2]])) as unknown as [{ record_id: number }[]];
    if (rows[0]) ids[m[1]!] = Number(rows[0].record_id);
  }
  return ids;
}
