import type { EntityManager } from '@mikro-orm/core';
import type { BusEvent } from './event.js';

/**
 * The Kill Bill ExtBusEvent fields of a bus event, as push notifications and notification plugins both
 * hand them on: the account's id, and metaData (a JSON string or null, as emitters put it in the payload).
 */
export async function extAccountId(em: EntityManager, event: BusEvent): Promise<string | null> {
  if ('accountId' in event.payload) return typeof event.payload['accountId'] === 'string' ? event.payload['accountId'] : null;
  if (event.accountRecordId === null) return null;
  const rows = (await em
    .getConnection()
    .execute('select id from accounts where record_id = ? and tenant_record_id = ?', [event.accountRecordId, event.tenant.recordId], 'all', em.getTransactionContext())) as { id: string }[];
  return rows[0]?.id ?? null;
}

export function extMetaData(event: BusEvent): string | null {
  const m = event.payload['metaData'];
  return typeof m === 'string' ? m : null;
}
