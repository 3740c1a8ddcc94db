import { readFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import { parseCatalogXml, VersionedCatalog } from '@billwright/core';
import type { BlockingStateRecord } from '../../core/src/subscription/entitlement-events.js';
import type { ApiEventType, EventRecord, SubscriptionEventKind } from '../../core/src/subscription/timeline.js';

/** Shared by the subscription unit tests: the example SaaS catalog and event builders. */
export const saas = new VersionedCatalog([parseCatalogXml(readFileSync(new URL('../../examples/catalogs/saas.xml', import.meta.url), 'utf8'))]);

export const utc = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' });

let seq = 0;
export function event(kind: SubscriptionEventKind, at: string, fields: Partial<EventRecord> & { apiType?: ApiEventType | null } = {}): EventRecord {
  seq += 1;
  return {
    id: `e${seq}`,
    recordId: seq,
    kind,
    apiType: null,
    effectiveDate: utc(at),
    createdDate: utc('2012-01-01T00:00:00Z'),
    planName: null,
    phaseName: null,
    priceListName: null,
    billCycleDayLocal: null,
    quantity: null,
    isActive: true,
    ...fields,
  };
}

export const create = (at: string, plan: string, phase: string, priceList = 'DEFAULT') =>
  event('API_USER', at, { apiType: 'CREATE', planName: plan, phaseName: `${plan}-${phase}`, priceListName: priceList });
export const phase = (at: string, plan: string, phaseType: string) => event('PHASE', at, { planName: plan, phaseName: `${plan}-${phaseType}`, priceListName: 'DEFAULT' });

export function blocking(state: string, at: string, fields: Partial<BlockingStateRecord> = {}): BlockingStateRecord {
  seq += 1;
  return {
    id: `b${seq}`,
    recordId: seq,
    blockableId: 'sub',
    type: 'SUBSCRIPTION',
    state,
    service: 'entitlement-service',
    blockChange: false,
    blockEntitlement: false,
    blockBilling: false,
    effectiveDate: utc(at),
    createdDate: utc('2012-01-01T00:00:00Z'),
    isActive: true,
    ...fields,
  };
}
