import type { Subscription } from 'killbill';
import { expect } from 'vitest';
import { newTenant, rawHttp } from './killbill.js';

/** A small catalog for the entitlement e2e tests: a 30-day trial base at $500/month, ACCOUNT-aligned. */
export const ENTITLEMENT_CATALOG = `<?xml version="1.0" encoding="UTF-8"?>
<catalog xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <effectiveDate>2011-01-01T00:00:00+00:00</effectiveDate>
  <catalogName>Entitlements</catalogName>
  <recurringBillingMode>IN_ADVANCE</recurringBillingMode>
  <currencies><currency>USD</currency></currencies>
  <products><product name="Sports"><category>BASE</category></product></products>
  <rules>
    <changePolicy><changePolicyCase><policy>IMMEDIATE</policy></changePolicyCase></changePolicy>
    <cancelPolicy><cancelPolicyCase><policy>IMMEDIATE</policy></cancelPolicyCase></cancelPolicy>
    <billingAlignment><billingAlignmentCase><alignment>ACCOUNT</alignment></billingAlignmentCase></billingAlignment>
  </rules>
  <plans>
    <plan name="sports-monthly"><product>Sports</product>
      <initialPhases><phase type="TRIAL"><duration><unit>DAYS</unit><number>30</number></duration><fixed><fixedPrice/></fixed></phase></initialPhases>
      <finalPhase type="EVERGREEN"><duration><unit>UNLIMITED</unit></duration>
        <recurring><billingPeriod>MONTHLY</billingPeriod><recurringPrice><price><currency>USD</currency><value>500.00</value></price></recurringPrice></recurring>
      </finalPhase>
    </plan>
  </plans>
  <priceLists><defaultPriceList name="DEFAULT"><plans><plan>sports-monthly</plan></plans></defaultPriceList></priceLists>
</catalog>`;

export const CREATED_BY = { headers: { 'X-Killbill-CreatedBy': 'test' } };

/** Kill Bill's AUTO_INVOICING_OFF control tag definition id. */
const AUTO_INVOICING_OFF = '00000000-0000-0000-0000-000000000002';

/**
 * The start of every subscription e2e test: a fresh tenant, the test clock at 2012-04-01T10:00Z (the date
 * Kill Bill's own scenarios use), `catalogXml` uploaded, and one USD account in UTC. `moveDays` moves the
 * clock and waits for the bus and the notification queue to drain. With `invoicing: false` every account
 * is tagged AUTO_INVOICING_OFF, so nothing is billed and no charged-through date is set: the tests of the
 * subscription rules "with no invoice yet" (END_OF_TERM = now ...) use it; the invoice-life suites cover
 * the same verbs with invoicing on.
 */
export async function tenantOnClock(url: string, catalogXml: string | null, options: { invoicing?: boolean } = {}) {
  const t = await newTenant(url);
  const http = rawHttp(url, t.credentials);
  await http.post('/1.0/kb/test/clock?requestedDate=2012-04-01T10:00:00.000Z', null, CREATED_BY);
  if (catalogXml !== null) await t.kb.catalog.uploadCatalogXml(catalogXml, 'test');
  const newAccount = async (name: string) => {
    const id = (await t.kb.accounts.createAccount({ name, externalKey: `${name}-${Math.random()}`, currency: 'USD', timeZone: 'UTC' }, 'test')).data.accountId!;
    if (options.invoicing === false) await t.kb.accounts.createAccountTags([AUTO_INVOICING_OFF], id, 'test');
    return id;
  };
  const accountId = await newAccount('ann');
  const moveClock = (days: number) => http.put(`/1.0/kb/test/clock?days=${days}&timeoutSec=10`, null, CREATED_BY);
  const moveDays = async (days: number) => expect((await moveClock(days)).status).toBe(200);
  return { ...t, http, accountId, newAccount, moveClock, moveDays };
}

/** A tenant with the entitlement catalog, the clock at 2012-04-01T10:00Z, and one UTC account. */
export async function tenantWithAccount(url: string, options: { invoicing?: boolean } = {}) {
  const t = await tenantOnClock(url, ENTITLEMENT_CATALOG, options);
  const subscribe = async (account = t.accountId, bundleExternalKey?: string) =>
    (await t.kb.subscriptions.createSubscription({ accountId: account, planName: 'sports-monthly', ...(bundleExternalKey ? { bundleExternalKey } : {}) } as Subscription, 'test')).data;
  return { ...t, subscribe };
}
