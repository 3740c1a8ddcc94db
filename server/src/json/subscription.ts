import {
  BILLING_PERIODS,
  BillingError,
  PHASE_TYPES,
  PRODUCT_CATEGORIES,
  parseId,
  type AuditLog,
  type EntitlementSpec,
  type PhasePrice,
  type Subscription,
  type SubscriptionEventView,
} from '@billwright/core';
import type { DateTime } from 'luxon';
import { optionalInteger, optionalString } from '../http/fields.js';
import { auditLogJson } from './audit.js';

const iso = (d: DateTime | null) => (d ? d.toUTC().toISO() : null);

/** Audit logs per object id (subscription, its events, its blocking states). */
export type AuditLookup = (objectId: string) => readonly AuditLog[];

/** Kill Bill's EventSubscriptionJson. */
export function eventSubscriptionJson(e: SubscriptionEventView, audit: AuditLookup) {
  const pp = e.planPhase;
  return {
    eventId: e.id,
    billingPeriod: pp?.billingPeriod ?? null,
    effectiveDate: iso(e.effectiveDate),
    catalogEffectiveDate: pp ? iso(pp.catalogEffectiveDate) : null,
    plan: pp?.planName ?? null,
    product: pp?.productName ?? null,
    priceList: pp?.priceListName ?? null,
    eventType: e.type,
    isBlockedBilling: e.isBlockedBilling,
    isBlockedEntitlement: e.isBlockedEntitlement,
    serviceName: e.serviceName,
    serviceStateName: e.serviceStateName,
    phase: pp?.phaseName ?? null,
    auditLogs: audit(e.id).map(auditLogJson),
  };
}

/** Kill Bill's PhasePriceJson (usage prices are not modelled yet: an empty list). */
export function phasePriceJson(p: PhasePrice) {
  return { planName: p.planName, phaseName: p.phaseName, phaseType: p.phaseType, fixedPrice: p.fixedPrice, recurringPrice: p.recurringPrice, usagePrices: [] };
}

/** Kill Bill's SubscriptionJson, field for field; amounts stay Decimal for kbJson. */
export function subscriptionJson(s: Subscription, audit: AuditLookup) {
  const last = s.lastActive;
  return {
    accountId: s.accountId,
    bundleId: s.bundleId,
    bundleExternalKey: s.bundleExternalKey,
    subscriptionId: s.id,
    externalKey: s.externalKey,
    startDate: iso(s.startDate),
    productName: last?.productName ?? null,
    productCategory: last?.category ?? null,
    billingPeriod: last?.billingPeriod ?? null,
    phaseType: last?.phaseType ?? null,
    priceList: last?.priceListName ?? null,
    planName: last?.planName ?? null,
    state: s.state,
    sourceType: s.sourceType,
    cancelledDate: iso(s.cancelledDate),
    chargedThroughDate: s.chargedThroughDate,
    billingStartDate: iso(s.billingStartDate),
    billingEndDate: iso(s.billingEndDate),
    billCycleDayLocal: s.billCycleDayLocal,
    quantity: s.quantity,
    events: s.events.map((e) => eventSubscriptionJson(e, audit)),
    priceOverrides: null,
    prices: s.prices.map(phasePriceJson),
    auditLogs: audit(s.id).map(auditLogJson),
  };
}

function optionalEnum<T extends string>(body: Record<string, unknown>, field: string, allowed: readonly T[]): T | null {
  const v = optionalString(body, field);
  if (v === undefined || v === null) return null;
  if (!(allowed as readonly string[]).includes(v)) {
    throw new BillingError('INVALID_PARAMETER', `Field ${field} must be one of ${allowed.join(', ')}`, { field });
  }
  return v as T;
}

/** What one SubscriptionJson of a creation body asks for: its account, its bundle, and the entitlement. */
export interface SubscriptionRequest {
  readonly accountId: string | null;
  readonly bundleId: string | null;
  readonly bundleExternalKey: string | null;
  readonly entitlement: EntitlementSpec;
}

/** A SubscriptionJson body as core's input; read-only fields (state, events, dates...) are ignored, as Kill Bill does. */
export function subscriptionRequest(body: Record<string, unknown>): SubscriptionRequest {
  const accountId = optionalString(body, 'accountId');
  const bundleId = optionalString(body, 'bundleId');
  const overrides = body['priceOverrides'];
  return {
    accountId: accountId ? parseId<'Account'>(accountId, 'accountId') : null,
    bundleId: bundleId ? parseId<'Bundle'>(bundleId, 'bundleId') : null,
    bundleExternalKey: optionalString(body, 'bundleExternalKey') ?? null,
    entitlement: {
      planName: optionalString(body, 'planName') ?? null,
      productName: optionalString(body, 'productName') ?? null,
      productCategory: optionalEnum(body, 'productCategory', PRODUCT_CATEGORIES),
      billingPeriod: optionalEnum(body, 'billingPeriod', BILLING_PERIODS),
      priceListName: optionalString(body, 'priceList') ?? null,
      phaseType: optionalEnum(body, 'phaseType', PHASE_TYPES),
      billCycleDayLocal: optionalInteger(body, 'billCycleDayLocal') ?? null,
      quantity: optionalInteger(body, 'quantity') ?? null,
      externalKey: optionalString(body, 'externalKey') ?? null,
      hasPriceOverrides: Array.isArray(overrides) ? overrides.length > 0 : overrides !== undefined && overrides !== null,
    },
  };
}
