import type { Bundle } from '@billwright/core';
import { auditLogJson } from './audit.js';
import { eventSubscriptionJson, subscriptionJson, type AuditLookup } from './subscription.js';

/** Kill Bill's BundleJson with its BundleTimelineJson (every subscription's events in one list). */
export function bundleJson(b: Bundle, audit: AuditLookup) {
  return {
    accountId: b.accountId,
    bundleId: b.id,
    externalKey: b.externalKey,
    subscriptions: b.subscriptions.map((s) => subscriptionJson(s, audit)),
    timeline: {
      accountId: b.accountId,
      bundleId: b.id,
      externalKey: b.externalKey,
      events: b.timeline.map((e) => eventSubscriptionJson(e, audit)),
      auditLogs: audit(b.id).map(auditLogJson),
    },
    auditLogs: audit(b.id).map(auditLogJson),
  };
}

/** Every object id whose audit logs a bundle's JSON shows. */
export function bundleObjectIds(b: Bundle): string[] {
  return [b.id, ...b.subscriptions.flatMap((s) => [s.id, ...s.events.map((e) => e.id)])];
}
