import type { WriteMeta } from '../context.js';

/** The who/when columns of a new row: created, and last updated, by the caller at one instant. */
export function creationStamps(ctx: WriteMeta, at: Date) {
  return { createdDate: at, createdBy: ctx.createdBy, updatedDate: at, updatedBy: ctx.createdBy };
}

/** Marks a loaded row as changed by the caller at `at`; the audit recorder then records the change. */
export function touch(row: { updatedDate: Date; updatedBy: string }, ctx: WriteMeta, at: Date): void {
  row.updatedDate = at;
  row.updatedBy = ctx.createdBy;
}
