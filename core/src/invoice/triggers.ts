import { DateTime } from 'luxon';
import type { Logger } from 'pino';
import type { Bus } from '../bus/bus.js';
import type { BusEvent } from '../bus/event.js';
import { extAccountId, extMetaData } from '../bus/ext-fields.js';
import type { AccountId } from '../values/ids.js';
import type { GuardedRun } from './run-guard.js';

/**
 * What starts a run besides the API (Kill Bill's InvoiceListener, §4.1): every effective subscription
 * transition, billing blocks (BLOCKING_STATE and the entitlement service's pause/resume), and removing
 * AUTO_INVOICING_OFF from the account (Kill Bill's InvoiceTagHandler: removing AUTO_INVOICING_DRAFT starts
 * nothing; the next run commits a reused DRAFT). The target date is the day of the event's
 * effective date in the account's zone (today for tag events), as Kill Bill's InvoiceListener; the run is idempotent (only the difference is written), so a redundant trigger writes nothing.
 * The next-billing-date queue is the other trigger (service.ts registers it).
 */
export const INVOICE_TRIGGER_EVENTS = [
  'SUBSCRIPTION_CREATION',
  'SUBSCRIPTION_PHASE',
  'SUBSCRIPTION_CHANGE',
  'SUBSCRIPTION_CANCEL',
  'SUBSCRIPTION_UNCANCEL',
  'SUBSCRIPTION_BCD_CHANGE',
  'SUBSCRIPTION_QUANTITY',
  'SUBSCRIPTION_EXPIRED',
  'BLOCKING_STATE',
  'BUNDLE_PAUSE',
  'BUNDLE_RESUME',
  'TAG_DELETION',
] as const;

const TAG_TRIGGERS = new Set(['AUTO_INVOICING_OFF']);

/** Whether the event should start a run: a TAG_DELETION only for the two invoicing control tags. */
export function triggersRun(event: Pick<BusEvent, 'eventType' | 'payload'>): boolean {
  if (event.eventType !== 'TAG_DELETION') return true;
  const meta = extMetaData(event as BusEvent);
  if (meta === null) return false;
  try {
    const name = (JSON.parse(meta) as { tagDefinitionName?: unknown }).tagDefinitionName;
    return typeof name === 'string' && TAG_TRIGGERS.has(name);
  } catch {
    return false;
  }
}

/** The effective date subscription and blocking-state events carry; null (today) for the others. */
export function effectiveDateOf(event: Pick<BusEvent, 'payload'>): DateTime | null {
  const value = event.payload['effectiveDate'];
  if (typeof value !== 'string') return null;
  const at = DateTime.fromISO(value, { zone: 'utc' });
  return at.isValid ? at : null;
}

export function registerInvoiceTriggers(bus: Bus, deps: { logger: Logger; run: GuardedRun }): void {
  bus.subscribe('invoice', INVOICE_TRIGGER_EVENTS, async (em, event, ctx) => {
    if (!triggersRun(event)) return;
    const accountId = await extAccountId(em, event);
    if (accountId === null) {
      deps.logger.warn({ eventId: event.id, eventType: event.eventType }, 'invoice trigger without an account: ignored');
      return;
    }
    await deps.run(em, ctx, accountId as AccountId, 'BUS', effectiveDateOf(event));
  });
}
