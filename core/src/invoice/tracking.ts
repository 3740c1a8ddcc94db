import type { EntityManager } from '@mikro-orm/core';
import type { Clock } from '../clock/clock.js';
import type { CallContext } from '../context.js';
import { creationStamps, touch } from '../persistence/stamps.js';
import type { LocalDate } from '../subscription/account-time.js';
import { newId } from '../values/ids.js';
import { InvoiceTrackingIdEntity } from './model.js';

/**
 * The invoice_tracking_ids rows (Kill Bill's InvoiceTrackingSqlDao), on the caller's tenant-scoped em: written
 * by the run that bills usage records first (DefaultInvoiceDao.createInvoices), deactivated when that
 * invoice is voided (changeInvoiceStatus → deactivateByIds), read active only.
 */

/** One usage record as an invoice run billed it (Kill Bill's TrackingRecordId, without the invoice). */
export interface TrackingRecord {
  readonly trackingId: string;
  readonly subscriptionId: string;
  readonly unitType: string;
  readonly recordDate: LocalDate;
}

/** TrackingRecordId.isSimilarRecord: the same usage record, whatever invoice billed it. */
export const trackingKey = (r: TrackingRecord): string => [r.trackingId, r.subscriptionId, r.unitType, r.recordDate].join('\u0000');

/** The account's active rows up to `upTo` (getTrackingsByDateRange): the records earlier runs billed. */
export async function activeTrackingRecords(em: EntityManager, accountRecordId: number, upTo: LocalDate): Promise<TrackingRecord[]> {
  const rows = await em.find(InvoiceTrackingIdEntity, { accountRecordId, isActive: true, recordDate: { $lte: upTo } }, { orderBy: { recordId: 'asc' } });
  return rows.map((r) => ({ trackingId: r.trackingId, subscriptionId: r.subscriptionId ?? '', unitType: r.unitType, recordDate: r.recordDate as LocalDate }));
}

/** In the run's transaction, with the invoice it wrote. */
export function insertTrackingRecords(em: EntityManager, ctx: CallContext, clock: Clock, owner: { accountRecordId: number; invoiceId: string }, records: readonly TrackingRecord[]): void {
  const at = clock.now().toJSDate();
  for (const r of records) {
    em.create(InvoiceTrackingIdEntity, {
      id: newId(),
      ...creationStamps(ctx, at),
      tenantRecordId: ctx.tenant.recordId,
      accountRecordId: owner.accountRecordId,
      invoiceId: owner.invoiceId,
      trackingId: r.trackingId,
      subscriptionId: r.subscriptionId,
      unitType: r.unitType,
      recordDate: r.recordDate,
      isActive: true,
    });
  }
}

/** Voiding an invoice: its records count as billed no more. */
export async function deactivateTrackingRecords(em: EntityManager, ctx: CallContext, clock: Clock, invoiceId: string): Promise<void> {
  const at = clock.now().toJSDate();
  for (const row of await em.find(InvoiceTrackingIdEntity, { invoiceId, isActive: true })) {
    row.isActive = false;
    touch(row, ctx, at);
  }
}

/** Per invoice, the distinct tracking ids of its active rows, first written first (InvoiceJson.trackingIds). */
export async function trackingIdsOf(em: EntityManager, invoiceIds: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (invoiceIds.length === 0) return out;
  const rows = await em.find(InvoiceTrackingIdEntity, { invoiceId: { $in: [...invoiceIds] }, isActive: true }, { orderBy: { recordId: 'asc' } });
  for (const r of rows) {
    const ids = out.get(r.invoiceId) ?? [];
    if (!ids.includes(r.trackingId)) ids.push(r.trackingId);
    out.set(r.invoiceId, ids);
  }
  return out;
}
