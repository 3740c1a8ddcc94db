import { BillingError, parseId, type CatalogVersion, type VersionedCatalog } from '@billwright/core';
import { Hono, type Context } from 'hono';
import { DateTime } from 'luxon';
import type { AppEnv } from '../env.js';
import { callContext, tenantContext } from '../http/call-context.js';
import { kbJson } from '../http/kb-json.js';
import { noContent } from '../http/responses.js';
import { catalogJson, phaseJson, planDetailJson, planJson, priceListJson, productJson } from '../json/catalog.js';
import { versionedCatalogXml } from '../json/catalog-xml.js';

const BASE = '/1.0/kb/catalog';

/**
 * `/1.0/kb/catalog` (Kill Bill's CatalogResource). A tenant without a catalog reads as empty (`200 []`),
 * never as an error (killbill-semantics.md §13). `accountId` is accepted and ignored: per-account
 * catalogs come from catalog plugins in Kill Bill. `POST /simplePlan` lives in its own module.
 */
export const catalog = new Hono<AppEnv>();

const engineOf = (c: Context<AppEnv>) => c.get('engine');
const tenantCatalog = (c: Context<AppEnv>) => engineOf(c).catalog.get(tenantContext(c));

/** Kill Bill's ISODateTimeFormat.dateTimeParser: a date or a date-time; without a zone, UTC. */
function requestedDate(c: Context<AppEnv>): DateTime | null {
  const raw = c.req.query('requestedDate');
  if (raw === undefined || raw === '') return null;
  const date = DateTime.fromISO(raw, { zone: 'utc' });
  if (!date.isValid) throw new BillingError('INVALID_PARAMETER', `Query parameter requestedDate is not a date: '${raw.slice(0, 64)}'`, { parameter: 'requestedDate' });
  return date;
}

/** Every version, or with requestedDate only the version in force then. */
function versionsAsked(c: Context<AppEnv>, versioned: VersionedCatalog | null): readonly CatalogVersion[] {
  if (!versioned) return [];
  const date = requestedDate(c);
  return date ? [versioned.versionAt(date)] : versioned.versions;
}

async function upload(c: Context<AppEnv>): Promise<Response> {
  await engineOf(c).catalog.upload(callContext(c), await c.req.text());
  // Kill Bill answers 201 with only a Location (the catalog JSON); the official client follows it.
  c.header('Location', `${new URL(c.req.url).origin}${BASE}`);
  return c.body(null, 201);
}

async function xml(c: Context<AppEnv>): Promise<Response> {
  const body = versionedCatalogXml(versionsAsked(c, await tenantCatalog(c)));
  return c.body(body, 200, { 'Content-Type': 'text/xml; charset=utf-8' });
}

catalog.post('/xml', upload);

catalog.post('/xml/validate', async (c) => {
  // Kill Bill takes a call context here too (X-Killbill-CreatedBy is required), though nothing is written.
  const errors = await engineOf(c).catalog.validate(callContext(c), await c.req.text());
  return c.json({ catalogValidationErrors: errors.map((errorDescription) => ({ errorDescription })) });
});

catalog.get('/xml', xml);

catalog.get('/versions', async (c) => {
  const versioned = await tenantCatalog(c);
  return c.json((versioned?.versions ?? []).map((v) => v.effectiveDate.toUTC().toISO()));
});

catalog.get('/availableBasePlans', async (c) => {
  const versioned = await tenantCatalog(c);
  return kbJson(c, (versioned?.availableBasePlans() ?? []).map(planDetailJson));
});

catalog.get('/availableAddons', async (c) => {
  const versioned = await tenantCatalog(c);
  const base = c.req.query('baseProductName');
  const priceList = c.req.query('priceListName') || null;
  // No base product: Kill Bill's findProduct(null) fails inside and the listing is empty.
  const details = versioned && base ? versioned.availableAddons(base, priceList) : [];
  return kbJson(c, details.map(planDetailJson));
});

/**
 * The plan, phase, product or price list a subscription is on at requestedDate (default now), as Kill
 * Bill's CatalogResource: the subscription's last event at or before the date names plan and phase, and
 * the catalog resolves them with the subscription's last create/change date (§1.6: a newer version applies
 * to an existing subscription only through effectiveDateForExistingSubscriptions).
 */
const CHANGE_TYPES = new Set(['START_ENTITLEMENT', 'START_BILLING', 'CHANGE']);

for (const what of ['plan', 'phase', 'product', 'priceList'] as const) {
  catalog.get(`/${what}`, async (c) => {
    const raw = c.req.query('subscriptionId');
    if (!raw) throw new BillingError('INVALID_PARAMETER', 'Subscription id needs to be specified', { parameter: 'subscriptionId' });
    const ctx = tenantContext(c);
    const engine = engineOf(c);
    const subscription = await engine.subscriptions.getById(ctx, parseId<'Subscription'>(raw, 'subscriptionId'));
    const at = requestedDate(c) ?? engine.clock.now();
    const withPlan = subscription.events.filter((e) => e.planPhase !== null && e.source === 'SUBSCRIPTION_EVENT');
    const inForce = withPlan.filter((e) => e.effectiveDate.toMillis() <= at.toMillis());
    const current = inForce.at(-1) ?? withPlan[0];
    if (!current?.planPhase) throw new BillingError('SUB_INVALID_SUBSCRIPTION_ID', `Subscription ${subscription.id} has no plan at ${at.toISO()}`);
    const info = current.planPhase;
    const changedAt = inForce.filter((e) => CHANGE_TYPES.has(e.type)).at(-1)?.effectiveDate ?? current.effectiveDate;
    const versioned = await engine.catalog.require(ctx);
    const body =
      what === 'plan'
        ? planJson(versioned.findPlan(info.planName, at, changedAt).plan)
        : what === 'phase'
          ? phaseJson(versioned.findPhase(info.phaseName, at, changedAt).phase)
          : what === 'product'
            ? productJson(versioned.findProduct(info.productName, at))
            : priceListJson(versioned.findPriceListOfPlan(info.planName, at, changedAt));
    return kbJson(c, body);
  });
}

catalog.get('/', async (c) => {
  // Kill Bill also serves the versioned XML here to clients that ask for XML (its hidden getCatalogXmlOriginal).
  if (prefersXml(c.req.header('Accept'))) return xml(c);
  return kbJson(c, versionsAsked(c, await tenantCatalog(c)).map(catalogJson));
});

// Kill Bill's hidden uploadCatalogXmlOriginal: older clients post the XML to the resource itself.
catalog.post('/', upload);

catalog.delete('/', async (c) => {
  await engineOf(c).catalog.delete(callContext(c));
  return noContent(c);
});

function prefersXml(accept: string | undefined): boolean {
  if (!accept) return false;
  return /\b(text|application)\/xml\b/.test(accept) && !/\bapplication\/json\b/.test(accept);
}
