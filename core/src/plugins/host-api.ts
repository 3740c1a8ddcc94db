/**
 * The host side of `ctx.killbill`. Contract:
 * - One HostShape is built per plugin call (`createHostApi`), bound to that call's tenant: a plugin can
 *   never name another tenant, because no HostShape method takes one.
 * - Each method first checks the plugin manifest's permissions (HOST_PERMISSIONS in plugin-api's
 *   protocol.ts); a missing one is refused with SECURITY_NOT_ENOUGH_PERMISSIONS, as Kill Bill refuses
 *   a user without the permission (PERMISSION_DENIED on the wire, as plugin-api names it).
 * - `serveHostPort` answers the worker's HostRequests on the call's MessagePort with HostResponses; a
 *   failure becomes a `host-error` carrying the BillingError code, never an exception in the host.
 */
import type { MessagePort } from 'node:worker_threads';
import { HOST_PERMISSIONS } from '@billwright/plugin-api';
import type { AccountDto, HostMethod, HostRequest, HostResponse, HostShape, NotifiedTransactionDto } from '@billwright/plugin-api';
import { BillingError, isBillingError } from '../errors/billing-error.js';
import type { ErrorCode } from '../errors/error-code.js';
import type { TenantContext } from '../context.js';

type LogLevel = Parameters<HostShape['$log']>[0];

/** What the host API reads and writes, each call already scoped to the plugin and the call's tenant. */
export interface HostBackend {
  getAccount(ctx: TenantContext, accountId: string): Promise<AccountDto>;
  getTenantValues(ctx: TenantContext, key: string): Promise<readonly string[]>;
  getPluginValue(ctx: TenantContext, pluginName: string, key: string): Promise<string | null>;
  putPluginValue(ctx: TenantContext, pluginName: string, key: string, value: string): Promise<void>;
  /** Settles a PENDING transaction of one of `pluginName`'s payment methods; absent where no payment domain runs (then refused). */
  notifyPendingTransaction?(ctx: TenantContext, pluginName: string, transactionId: string, isSuccess: boolean): Promise<NotifiedTransactionDto>;
  log(pluginName: string, level: LogLevel, message: string, fields: Readonly<Record<string, unknown>>): void;
}

export interface HostApiBinding {
  readonly pluginName: string;
  /** The permissions the plugin's manifest asks for (`billwright.permissions`). */
  readonly permissions: readonly string[];
  /** The tenant of the call; null for tenant-less calls (healthcheck), which may then only log. */
  readonly ctx: TenantContext | null;
  readonly backend: HostBackend;
}

export function createHostApi(binding: HostApiBinding): HostShape {
  const granted = new Set(binding.permissions);
  const { pluginName, backend } = binding;

  const guard = (method: HostMethod): TenantContext => {
    const needed = HOST_PERMISSIONS[method];
    if (needed !== null && !granted.has(needed)) {
      throw new BillingError('SECURITY_NOT_ENOUGH_PERMISSIONS', `plugin ${pluginName} lacks permission ${needed} for ${method}`, {
        pluginName,
        method,
        permission: needed,
      });
    }
    if (binding.ctx === null) {
      throw new BillingError('TENANT_NOT_SUPPLIED', `${method} needs a tenant; this plugin call has none`, { pluginName, method });
    }
    return binding.ctx;
  };

  return {
    async $getAccount(accountId) {
      return backend.getAccount(guard('$getAccount'), accountId);
    },
    async $getTenantValues(key) {
      return backend.getTenantValues(guard('$getTenantValues'), key);
    },
    async $getPluginValue(key) {
      return backend.getPluginValue(guard('$getPluginValue'), pluginName, key);
    },
    async $putPluginValue(key, value) {
      return backend.putPluginValue(guard('$putPluginValue'), pluginName, key, value);
    },
    async $notifyPendingTransaction(kbTransactionId, isSuccess) {
      const ctx = guard('$notifyPendingTransaction');
      if (typeof kbTransactionId !== 'string' || typeof isSuccess !== 'boolean') {
        throw new BillingError('INVALID_PARAMETER', 'notifyPendingTransaction takes a transaction id and a boolean isSuccess', { pluginName });
      }
      if (!backend.notifyPendingTransaction) throw new BillingError('PAYMENT_NO_SUCH_PAYMENT', `Payment ${kbTransactionId} does not exist`, { pluginName });
      return backend.notifyPendingTransaction(ctx, pluginName, kbTransactionId, isSuccess);
    },
    async $log(level, message, fields) {
      backend.log(pluginName, level, message, fields ?? {});
    },
  };
}

const HOST_METHODS = new Set<string>(Object.keys(HOST_PERMISSIONS));

function isHostRequest(m: unknown): m is HostRequest {
  if (typeof m !== 'object' || m === null) return false;
  const r = m as Record<string, unknown>;
  return r['kind'] === 'host-call' && typeof r['id'] === 'number' && typeof r['method'] === 'string' && Array.isArray(r['args']);
}

async function invoke(host: HostShape, request: HostRequest): Promise<unknown> {
  // The method name comes from the worker: only the HostShape methods are callable, by table.
  if (!HOST_METHODS.has(request.method)) throw new BillingError('INVALID_PARAMETER', `unknown host method ${String(request.method)}`);
  const fn = host[request.method] as (...args: readonly unknown[]) => Promise<unknown>;
  return fn.apply(host, [...request.args]);
}

/** plugin-api (HostCallError, its test host) names a refused permission PERMISSION_DENIED: a plugin sees the same code here. */
const WIRE_CODES: Partial<Record<ErrorCode, string>> = { SECURITY_NOT_ENOUGH_PERMISSIONS: 'PERMISSION_DENIED' };

function failure(id: number, e: unknown): HostResponse {
  if (isBillingError(e)) return { kind: 'host-error', id, code: WIRE_CODES[e.code] ?? e.code, message: e.message };
  return { kind: 'host-error', id, code: 'UNEXPECTED_ERROR', message: e instanceof Error ? e.message : String(e) };
}

/** Answers every HostRequest arriving on `port` with `host` until the port is closed. */
export function serveHostPort(port: MessagePort, host: HostShape): void {
  port.on('message', (message: unknown) => {
    if (!isHostRequest(message)) return;
    const { id } = message;
    invoke(host, message).then(
      (value) => port.postMessage({ kind: 'host-result', id, value } satisfies HostResponse),
      (e: unknown) => port.postMessage(failure(id, e) satisfies HostResponse),
    );
  });
}
