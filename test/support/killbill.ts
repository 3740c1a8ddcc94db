import { randomUUID } from 'node:crypto';
import axios from 'axios';
// The killbill client is CommonJS, so its signatures name axios's CommonJS typings; ours are the ESM ones.
// Same runtime object, two declarations: name the client's.
import type { AxiosInstance as ClientAxios } from 'axios' with { 'resolution-mode': 'require' };
import {
  AccountApi,
  CatalogApi,
  InvoiceApi,
  CreditApi,
  InvoiceItemApi,
  Configuration,
  CustomFieldApi,
  SecurityApi,
  SubscriptionApi,
  BundleApi,
  TagApi,
  TagDefinitionApi,
  TenantApi,
  NodesInfoApi,
  PluginInfoApi,
  PaymentApi,
  PaymentMethodApi,
  PaymentTransactionApi,
  PaymentGatewayApi, InvoicePaymentApi, UsageApi,
  apiKey as kbApiKey,
  followLocationHeaderInterceptor,
} from 'killbill';

export interface TenantCredentials {
  readonly apiKey: string;
  readonly apiSecret: string;
}

/** The official Kill Bill client, configured as its own README shows (following Location on 201). */
export function killbill(basePath: string, tenant?: TenantCredentials, user = { username: 'admin', password: 'password' }) {
  const http = axios.create() as unknown as ClientAxios;
  http.interceptors.response.use(followLocationHeaderInterceptor);
  const config = new Configuration({
    username: user.username,
    password: user.password,
    basePath,
    ...(tenant ? { apiKey: kbApiKey(tenant.apiKey, tenant.apiSecret) } : {}),
  });
  return {
    http,
    tenants: new TenantApi(config, basePath, http),
    accounts: new AccountApi(config, basePath, http),
    security: new SecurityApi(config, basePath, http),
    tags: new TagApi(config, basePath, http),
    tagDefinitions: new TagDefinitionApi(config, basePath, http),
    customFields: new CustomFieldApi(config, basePath, http),
    catalog: new CatalogApi(config, basePath, http),
    invoices: new InvoiceApi(config, basePath, http),
    credits: new CreditApi(config, basePath, http),
    invoiceItems: new InvoiceItemApi(config, basePath, http),
    subscriptions: new SubscriptionApi(config, basePath, http),
    bundles: new BundleApi(config, basePath, http),
    nodesInfo: new NodesInfoApi(config, basePath, http),
    pluginsInfo: new PluginInfoApi(config, basePath, http),
    payments: new PaymentApi(config, basePath, http),
    paymentMethods: new PaymentMethodApi(config, basePath, http),
    paymentTransactions: new PaymentTransactionApi(config, basePath, http),
    paymentGateways: new PaymentGatewayApi(config, basePath, http),
    invoicePayments: new InvoicePaymentApi(config, basePath, http),
    usages: new UsageApi(config, basePath, http),
  };
}

/** A fresh tenant made through the API, and a client logged into it. */
export async function newTenant(basePath: string) {
  const credentials = { apiKey: `key-${randomUUID()}`, apiSecret: `secret-${randomUUID()}` };
  const { data } = await killbill(basePath).tenants.createTenant({ ...credentials }, 'test');
  return { tenantId: data.tenantId!, credentials, kb: killbill(basePath, credentials) };
}

/** A raw axios call that never throws on a status, for asserting error responses. */
export function rawHttp(basePath: string, tenant?: TenantCredentials, user = { username: 'admin', password: 'password' }) {
  return axios.create({
    baseURL: basePath,
    auth: user,
    headers: tenant ? { 'X-Killbill-ApiKey': tenant.apiKey, 'X-Killbill-ApiSecret': tenant.apiSecret } : {},
    validateStatus: () => true,
  });
}

export type Kb = ReturnType<typeof killbill>;

/** An account of the client's tenant, named `name`, with a fresh external key; its id. */
export async function newAccount(kb: Kb, name = 'Customer'): Promise<string> {
  const { data } = await kb.accounts.createAccount({ name, externalKey: `ext-${randomUUID()}`, currency: 'USD' }, 'test');
  return data.accountId!;
}

/** rawHttp that sends X-Killbill-CreatedBy on every request, for raw writes. */
export function writingHttp(basePath: string, tenant: TenantCredentials) {
  const http = rawHttp(basePath, tenant);
  http.defaults.headers.common['X-Killbill-CreatedBy'] = 'test';
  return http;
}
