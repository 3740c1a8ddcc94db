/** Builds the `ctx` a handler receives from the call's CallContextDto and a HostShape. */
import type { KillbillApi, LogLevel, PluginConfig, PluginContext, PluginLogger } from './define-plugin.js';
import type { CallContextDto, HostShape } from './protocol.js';

export function createPluginConfig(text: string | null): PluginConfig {
  return {
    text,
    json<T>(fallback?: T): T | null {
      if (text === null || text.trim() === '') return fallback ?? null;
      return JSON.parse(text) as T;
    },
    properties() {
      return parseProperties(text ?? '');
    },
  };
}

/**
 * Java .properties lines as Kill Bill plugins read their per-tenant config: `key=value` or
 * `key: value`, `#`/`!` comments; enough of the format for configs, no line continuations or escapes.
 */
export function parseProperties(text: string): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const at = line.search(/[=:]/);
    if (at < 0) out[line] = '';
    else out[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return out;
}

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** Log lines go to the host without waiting: a plugin must not stall on its own logging. */
function createLogger(host: HostShape): PluginLogger {
  const entries = LEVELS.map((level) => [
    level,
    (message: string, fields?: Readonly<Record<string, unknown>>) => {
      host.$log(level, message, fields).catch(() => undefined);
    },
  ]);
  return Object.fromEntries(entries) as PluginLogger;
}

function createKillbill(host: HostShape): KillbillApi {
  return {
    getAccount: (accountId) => host.$getAccount(accountId),
    getTenantValues: (key) => host.$getTenantValues(key),
    getPluginValue: (key) => host.$getPluginValue(key),
    putPluginValue: (key, value) => host.$putPluginValue(key, value),
    notifyPendingTransaction: (kbTransactionId, isSuccess) => host.$notifyPendingTransaction(kbTransactionId, isSuccess),
  };
}

export function buildContext(dto: CallContextDto, host: HostShape): PluginContext {
  return {
    tenant: dto.tenant,
    config: createPluginConfig(dto.pluginConfig),
    logger: createLogger(host),
    killbill: createKillbill(host),
    userName: dto.userName,
    userToken: dto.userToken,
    deadlineMs: dto.deadlineMs,
  };
}
