/**
 * The worker's side of ctx.killbill: a HostShape whose every call is a HostRequest over the task's
 * MessagePort, answered by a HostResponse with the same id. A call the host does not answer within
 * `timeoutMs` rejects with HostCallError('HOST_TIMEOUT') so a plugin never waits past its own deadline.
 */
import { HostCallError } from './errors.js';
import type { HostMethod, HostRequest, HostResponse, HostShape } from './protocol.js';
import type { MessagePort } from 'node:worker_threads';

export interface PortHost extends HostShape {
  /** Stops listening and rejects the calls still waiting (the call ended). */
  dispose(): void;
}

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export function createPortHost(port: MessagePort, options: { readonly timeoutMs: number }): PortHost {
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let disposed = false;

  const onMessage = (message: HostResponse): void => {
    const waiting = pending.get(message.id);
    if (!waiting) return; // a late answer to a call that already timed out
    pending.delete(message.id);
    clearTimeout(waiting.timer);
    if (message.kind === 'host-result') waiting.resolve(message.value);
    else waiting.reject(new HostCallError(message.code, message.message));
  };
  port.on('message', onMessage);

  function call(method: HostMethod, args: readonly unknown[]): Promise<unknown> {
    if (disposed) return Promise.reject(new HostCallError('CALL_ENDED', `ctx.killbill.${method.slice(1)} called after the plugin call ended`));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new HostCallError('HOST_TIMEOUT', `host did not answer ${method.slice(1)} within ${options.timeoutMs} ms`));
      }, options.timeoutMs);
      pending.set(id, { resolve, reject, timer });
      const request: HostRequest = { kind: 'host-call', id, method, args };
      port.postMessage(request);
    });
  }

  return {
    $getAccount: (accountId) => call('$getAccount', [accountId]) as ReturnType<HostShape['$getAccount']>,
    $getTenantValues: (key) => call('$getTenantValues', [key]) as ReturnType<HostShape['$getTenantValues']>,
    $getPluginValue: (key) => call('$getPluginValue', [key]) as ReturnType<HostShape['$getPluginValue']>,
    $putPluginValue: (key, value) => call('$putPluginValue', [key, value]) as Promise<void>,
    $notifyPendingTransaction: (kbTransactionId, isSuccess) => call('$notifyPendingTransaction', [kbTransactionId, isSuccess]) as ReturnType<HostShape['$notifyPendingTransaction']>,
    $log: (level, message, fields) => call('$log', fields === undefined ? [level, message] : [level, message, fields]) as Promise<void>,
    dispose() {
      disposed = true;
      port.off('message', onMessage);
      for (const [id, waiting] of pending) {
        clearTimeout(waiting.timer);
        waiting.reject(new HostCallError('CALL_ENDED', 'the plugin call ended'));
        pending.delete(id);
      }
    },
  };
}

/** ctx.killbill for a task with no hostPort: every call fails clearly instead of hanging. */
export function detachedHost(): HostShape {
  const refuse = (): Promise<never> => Promise.reject(new HostCallError('NO_HOST', 'this call has no host port'));
  return { $getAccount: refuse, $getTenantValues: refuse, $getPluginValue: refuse, $putPluginValue: refuse, $notifyPendingTransaction: refuse, $log: () => Promise.resolve() };
}
