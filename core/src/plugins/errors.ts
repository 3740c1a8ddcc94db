import { BillingError } from '../errors/billing-error.js';

/** The four ways a plugin call can fail, each a stable code the caller branches on (never the message). */
export type PluginFailureCode = 'PLUGIN_ERROR' | 'PLUGIN_TIMEOUT' | 'PLUGIN_CRASHED' | 'PLUGIN_UNAVAILABLE';

/**
 * A failed plugin call. For payments the caller maps PLUGIN_TIMEOUT to Kill Bill's UNKNOWN transaction
 * status (the gateway may have acted) and every other code to PLUGIN_FAILURE (it did not).
 */
export class PluginCallError extends BillingError {
  declare readonly code: PluginFailureCode;

  constructor(code: PluginFailureCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.name = 'PluginCallError';
  }
}

/** What `PluginPool.call()` resolves to: it never rejects, so a bad plugin cannot throw into the host. */
export type PluginOutcome<T = unknown> =
  | { readonly kind: 'ok'; readonly value: T }
  | { readonly kind: 'failed'; readonly error: PluginCallError };

export function isPluginCallError(e: unknown): e is PluginCallError {
  return e instanceof PluginCallError;
}
