import type { AuditLog, Bundle, Subscription } from '@billwright/core';
import type { Context } from 'hono';
import type { AppEnv } from '../env.js';
import { tenantContext } from '../http/call-context.js';
import { auditLevel } from '../http/query.js';
import { bundleJson, bundleObjectIds } from '../json/bundle.js';
import type { AuditLookup } from '../json/subscription.js';
import { subscriptionJson } from '../json/subscription.js';

/** The audit logs of every id at the request's `audit` level, fetched in one query. */
async function auditLookup(c: Context<AppEnv>, ids: readonly string[]): Promise<AuditLookup> {
  const level = auditLevel(c);
  if (level === 'NONE') return () => [];
  const logs = await c.get('engine').audit.forObjects(tenantContext(c), ids, level);
  const none: readonly AuditLog[] = [];
  return (id) => logs.get(id) ?? none;
}

export async function renderSubscription(c: Context<AppEnv>, s: Subscription) {
  return subscriptionJson(s, await auditLookup(c, [s.id, ...s.events.map((e) => e.id)]));
}

export async function renderBundles(c: Context<AppEnv>, bundles: readonly Bundle[]) {
  const audit = await auditLookup(c, bundles.flatMap(bundleObjectIds));
  return bundles.map((b) => bundleJson(b, audit));
}
