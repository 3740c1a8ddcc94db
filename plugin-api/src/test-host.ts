/**
 * Unit-test a plugin with no server and no worker: `createTestHost({ plugin, accounts, config })`,
 * then `host.purchase(...)`, `host.onEvent(...)`, `host.request('GET', '/hello')`. Calls go through
 * the same dispatcher as the worker (dispatch.ts) against an in-memory HostShape; arguments and
 * results are structured-cloned as they would be across the thread boundary.
 */
import type { LogLevel, PluginDefinition } from './define-plugin.js';
import { dispatchPluginCall } from './dispatch.js';
import { HostCallError, PluginCallError } from './errors.js';
import {
  HOST_PERMISSIONS,
  type AccountDto,
  type CallContextDto,
  type ExtBusEventDto,
  type HealthDto,
  type HostMethod,
  type HostShape,
  type HttpResponseDto,
  type AdditionalItemsResultDto,
  type InvoiceDto,
  type PluginProperty,
  type PaymentRequestDto,
  type PaymentTransactionInfoDto,
  type PluginMethod,
  type NotifiedTransactionDto,
  type TransactionType,
  type TenantDto,
} from './protocol.js';

export interface TestHostOptions {
  readonly plugin: PluginDefinition;
  readonly tenant?: TenantDto | null;
  /** The per-tenant plugin config text; an object is uploaded as JSON. */
  readonly config?: string | object | null;
  readonly accounts?: readonly (Partial<AccountDto> & Pick<AccountDto, 'accountId'>)[];
  readonly tenantValues?: Readonly<Record<string, readonly string[]>>;
  /** PENDING transactions of this plugin that ctx.killbill.notifyPendingTransaction may settle. */
  readonly pendingTransactions?: readonly PendingTransaction[];
  /** When given (e.g. the manifest's), ctx.killbill calls outside them fail with PERMISSION_DENIED, as on the server. */
  readonly permissions?: readonly string[];
  readonly userName?: string | null;
  readonly deadlineMs?: number;
}

export interface LogLine {
  readonly level: LogLevel;
  readonly message: string;
  readonly fields?: Readonly<Record<string, unknown>>;
}

export interface TestResponse extends HttpResponseDto {
  readonly body: string | null;
  json<T = unknown>(): T;
}

/** A PENDING transaction the test host knows (as the server's payment tables would). */
export interface PendingTransaction {
  readonly kbPaymentId: string;
  readonly kbTransactionId: string;
  readonly transactionType: TransactionType;
}

type PaymentInput = Partial<PaymentRequestDto> & Pick<PaymentRequestDto, 'amount'>;

function account(partial: Partial<AccountDto> & Pick<AccountDto, 'accountId'>): AccountDto {
  return {
    externalKey: partial.accountId,
    name: null,
    email: null,
    currency: 'USD',
    timeZone: 'UTC',
    locale: null,
    billCycleDayLocal: 0,
    country: null,
    parentAccountId: null,
    ...partial,
  };
}

export function createTestHost(options: TestHostOptions) {
  let tenant: TenantDto | null = options.tenant === undefined ? { tenantId: '00000000-0000-4000-8000-000000000001', apiKey: 'test' } : options.tenant;
  let config: string | null = typeof options.config === 'object' && options.config !== null ? JSON.stringify(options.config) : (options.config ?? null);
  const accounts = new Map((options.accounts ?? []).map((a) => [a.accountId, account(a)]));
  const tenantValues = new Map(Object.entries(options.tenantValues ?? {}));
  /** Plugin storage per tenant id, as the host keeps it. */
  const storage = new Map<string, Map<string, string>>();
  const logs: LogLine[] = [];
  const pending = new Map((options.pendingTransactions ?? []).map((t) => [t.kbTransactionId, t]));
  const notified: NotifiedTransactionDto[] = [];
  let sequence = 0;

  const tenantStorage = (): Map<string, string> => {
    const key = tenant?.tenantId ?? '';
    let values = storage.get(key);
    if (!values) storage.set(key, (values = new Map()));
    return values;
  };
  const allow = (method: HostMethod): void => {
    const needed = HOST_PERMISSIONS[method];
    if (options.permissions && needed !== null && !options.permissions.includes(needed)) {
      throw new HostCallError('PERMISSION_DENIED', `${method.slice(1)} needs the "${needed}" permission in the manifest`);
    }
  };

  const host: HostShape = {
    async $getAccount(accountId) {
      allow('$getAccount');
      const found = accounts.get(accountId);
      if (!found) throw new HostCallError('ACCOUNT_DOES_NOT_EXIST_FOR_ID', `Account does not exist for id ${accountId}`);
      return structuredClone(found);
    },
    async $getTenantValues(key) {
      allow('$getTenantValues');
      return [...(tenantValues.get(key) ?? [])];
    },
    async $getPluginValue(key) {
      allow('$getPluginValue');
      return tenantStorage().get(key) ?? null;
    },
    async $putPluginValue(key, value) {
      allow('$putPluginValue');
      tenantStorage().set(key, value);
    },
    async $notifyPendingTransaction(kbTransactionId, isSuccess) {
      allow('$notifyPendingTransaction');
      const known = pending.get(kbTransactionId);
      if (!known) throw new HostCallError('PAYMENT_NO_SUCH_SUCCESS_PAYMENT', `Payment transaction ${kbTransactionId} is not PENDING`);
      pending.delete(kbTransactionId);
      const settled: NotifiedTransactionDto = { ...known, status: isSuccess ? 'SUCCESS' : 'PAYMENT_FAILURE' };
      notified.push(settled);
      return structuredClone(settled);
    },
    async $log(level, message, fields) {
      logs.push(fields === undefined ? { level, message } : { level, message, fields: structuredClone(fields) });
    },
  };

  const callContext = (): CallContextDto => ({
    tenant,
    pluginConfig: config,
    userName: options.userName ?? 'test',
    userToken: null,
    deadlineMs: options.deadlineMs ?? 30_000,
  });

  /** Any protocol method, e.g. `call('$getPaymentInfo', accountId, paymentId, [])`; a plugin error throws PluginCallError. */
  async function call(method: PluginMethod, ...args: unknown[]): Promise<unknown> {
    const result = await dispatchPluginCall(options.plugin, method, structuredClone([callContext(), ...args]), host);
    if (result.kind === 'plugin-error') throw new PluginCallError(result.name, result.message, result.stack);
    return structuredClone(result.value);
  }

  const id = (): string => `00000000-0000-4000-8000-${String(++sequence).padStart(12, '0')}`;
  const paymentRequest = (input: PaymentInput): PaymentRequestDto => ({
    kbAccountId: input.kbAccountId ?? accounts.keys().next().value ?? id(),
    kbPaymentId: input.kbPaymentId ?? id(),
    kbTransactionId: input.kbTransactionId ?? id(),
    kbPaymentMethodId: input.kbPaymentMethodId ?? id(),
    currency: input.currency ?? 'USD',
    properties: input.properties ?? [],
    amount: input.amount,
  });
  const payment =
    (method: '$authorizePayment' | '$capturePayment' | '$purchasePayment' | '$creditPayment' | '$refundPayment') =>
    (input: PaymentInput): Promise<PaymentTransactionInfoDto> =>
      call(method, paymentRequest(input)) as Promise<PaymentTransactionInfoDto>;

  return {
    call,
    authorize: payment('$authorizePayment'),
    capture: payment('$capturePayment'),
    purchase: payment('$purchasePayment'),
    credit: payment('$creditPayment'),
    refund: payment('$refundPayment'),
    onEvent(event: Partial<ExtBusEventDto> & Pick<ExtBusEventDto, 'eventType'>): Promise<void> {
      const full: ExtBusEventDto = {
        eventId: id(),
        objectType: null,
        objectId: null,
        accountId: null,
        tenantId: tenant?.tenantId ?? '',
        metaData: null,
        userToken: null,
        createdDate: new Date().toISOString(),
        ...event,
      };
      return call('$onEvent', full) as Promise<void>;
    },
    /** `path` may carry a query string: `request('GET', '/hello?accountId=...')`. */
    async request(method: string, path: string, init: { query?: Record<string, string>; headers?: Record<string, string>; body?: unknown } = {}): Promise<TestResponse> {
      const url = new URL(path, 'http://plugin.test');
      const body = init.body === undefined ? null : typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
      const response = (await call('$handle', {
        method,
        path: url.pathname,
        query: { ...Object.fromEntries(url.searchParams), ...init.query },
        headers: init.headers ?? {},
        body,
      })) as HttpResponseDto;
      const text = response.body ?? null;
      return { ...response, body: text, json: <T>() => JSON.parse(text ?? 'null') as T };
    },
    /** Kill Bill's getAdditionalInvoiceItems: the proposed invoice, with the account's other invoices as its context. */
    additionalInvoiceItems(
      invoice: InvoiceDto,
      options: { existingInvoices?: readonly InvoiceDto[]; isDryRun?: boolean; isRescheduled?: boolean; properties?: readonly PluginProperty[] } = {},
    ): Promise<AdditionalItemsResultDto> {
      const isDryRun = options.isDryRun ?? false;
      const invoiceContext = { targetDate: invoice.targetDate, invoice, existingInvoices: options.existingInvoices ?? [], isDryRun, isRescheduled: options.isRescheduled ?? false };
      return call('$getAdditionalInvoiceItems', invoice, isDryRun, options.properties ?? [], invoiceContext) as Promise<AdditionalItemsResultDto>;
    },
    healthcheck: () => call('$healthcheck') as Promise<HealthDto>,
    /** Recorded ctx.logger lines, oldest first. */
    logs,
    /** What ctx.killbill.notifyPendingTransaction settled, oldest first. */
    notified: (): readonly NotifiedTransactionDto[] => [...notified],
    addPendingTransaction(transaction: PendingTransaction): void {
      pending.set(transaction.kbTransactionId, transaction);
    },
    /** Plugin storage of the current tenant. */
    storage: (): ReadonlyMap<string, string> => tenantStorage(),
    setConfig(text: string | object | null): void {
      config = typeof text === 'object' && text !== null ? JSON.stringify(text) : text;
    },
    setTenant(next: TenantDto | null): void {
      tenant = next;
    },
    addAccount(partial: Partial<AccountDto> & Pick<AccountDto, 'accountId'>): void {
      accounts.set(partial.accountId, account(partial));
    },
  };
}

export type TestHost = ReturnType<typeof createTestHost>;
