import type { Subscription } from 'killbill';
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

/** A tenant with the catalog, the clock at 2012-04-01T10:00Z, and one UTC account. */
export async function tenantWithAccount(url: string) {
  const t = await newTenant(url);
  const http = rawHttp(url, t.credentials);
  await http.post('/1.0/kb/test/clock?requestedDate=2012-04-01T10:00:00.000Z', null, CREATED_BY);
  await t.kb.catalog.uploadCatalogXml(ENTITLEMENT_CATALOG, 'test');
  const newAccount = async (name: string) =>
    (await t.kb.accounts.createAccount({ name, externalKey: `${name}-${Math.random()}`, currency: 'USD', timeZone: 'UTC' }, 'test')).data.accountId!;
  const accountId = await newAccount('ann');
  const subscribe = async (account = accountId, bundleExternalKey?: string) =>
    (await t.kb.subscriptions.createSubscription({ accountId: account, planName: 'sports-monthly', ...(bundleExternalKey ? { bundleExternalKey } : {}) } as Subscription, 'test')).data;
  const moveClock = (days: number) => http.put(`/1.0/kb/test/clock?days=${days}&timeoutSec=10`, null, CREATED_BY);
  return { ...t, http, accountId, newAccount, subscribe, moveClock };
}
