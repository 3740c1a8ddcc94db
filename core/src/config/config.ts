import { BillingError } from '../errors/index.js';

/** Every setting Billwright reads, from KB_* environment variables. Each is documented in README.md. */
export interface Config {
  readonly httpPort: number;
  readonly httpHost: string;
  readonly dbUrl: string;
  readonly redisUrl: string;
  readonly testMode: boolean;
  readonly pluginsDir: string;
  /** The npm registry a plugin install by package name asks; null: npm's own configuration (.npmrc). */
  readonly pluginsNpmRegistry: string | null;
  /**
   * The default deadline of a plugin call (KB_PLUGIN_TIMEOUT_MS, 30 s as Kill Bill's
   * `org.killbill.payment.plugin.timeout`): past it the call fails (PLUGIN_TIMEOUT) and its worker is replaced.
   */
  readonly pluginTimeoutMs: number;
  readonly adminUsername: string;
  readonly adminPassword: string;
  readonly logLevel: string;
  readonly maxBodyBytes: number;
  readonly dbPoolSize: number;
  /**
   * Kill Bill's `org.killbill.invoice.plugin`: the invoice plugins to call, in order (KB_INVOICE_PLUGINS,
   * comma-separated names). Empty: every running plugin with the `invoice` extension point, by name.
   */
  readonly invoicePlugins: readonly string[];
  /**
   * Kill Bill's `org.killbill.payment.retry.days` (KB_PAYMENT_RETRY_DAYS, default 8,8,8): retry n of a
   * declined invoice payment waits days[n]; beyond the list the payment is given up. A tenant's
   * PER_TENANT_CONFIG JSON may override it with the same Kill Bill key.
   */
  readonly paymentRetryDays: readonly number[];
  /**
   * How many due notifications of different accounts a node fires at once (KB_NOTIFICATION_CONCURRENCY,
   * default 4): one account's still fire one at a time, in effective-date order, under its account lock.
   */
  readonly notificationConcurrency: number;
}

export const DEFAULT_ADMIN_PASSWORD = 'password';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    httpPort: intSetting(env, 'KB_HTTP_PORT', 8080, 0, 65535),
    httpHost: env['KB_HTTP_HOST'] ?? '0.0.0.0',
    dbUrl: env['KB_DB_URL'] ?? 'mysql://root@127.0.0.1:3306/killbill',
    redisUrl: env['KB_REDIS_URL'] ?? 'redis://127.0.0.1:6379/0',
    testMode: boolSetting(env, 'KB_TEST_MODE', false),
    pluginsDir: env['KB_PLUGINS_DIR'] ?? './var/plugins',
    pluginsNpmRegistry: env['KB_PLUGINS_NPM_REGISTRY']?.trim() || null,
    pluginTimeoutMs: intSetting(env, 'KB_PLUGIN_TIMEOUT_MS', 30_000, 100, 600_000),
    adminUsername: env['KB_ADMIN_USERNAME'] ?? 'admin',
    adminPassword: env['KB_ADMIN_PASSWORD'] ?? DEFAULT_ADMIN_PASSWORD,
    logLevel: env['KB_LOG_LEVEL'] ?? 'info',
    maxBodyBytes: intSetting(env, 'KB_MAX_BODY_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    dbPoolSize: intSetting(env, 'KB_DB_POOL_SIZE', 20, 1, 500),
    invoicePlugins: listSetting(env, 'KB_INVOICE_PLUGINS'),
    paymentRetryDays: dayListSetting(env, 'KB_PAYMENT_RETRY_DAYS', [8, 8, 8]),
    notificationConcurrency: intSetting(env, 'KB_NOTIFICATION_CONCURRENCY', 4, 1, 64),
  };
}

function intSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new BillingError('INVALID_PARAMETER', `${name} must be an integer from ${min} to ${max} (got '${raw}')`);
  }
  return n;
}

/** `a, b,c` → ['a', 'b', 'c']; blanks dropped, duplicates kept once (first place wins). */
function listSetting(env: NodeJS.ProcessEnv, name: string): string[] {
  const raw = env[name] ?? '';
  return [...new Set(raw.split(',').map((s) => s.trim()).filter((s) => s !== ''))];
}

function boolSetting(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new BillingError('INVALID_PARAMETER', `${name} must be true or false (got '${raw}')`);
}

/** `8,8,8` → [8, 8, 8]: whole days ≥ 0; an empty value means no retries. */
function dayListSetting(env: NodeJS.ProcessEnv, name: string, fallback: readonly number[]): number[] {
  const raw = env[name];
  if (raw === undefined) return [...fallback];
  const parts = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const days = parts.map(Number);
  if (days.some((d) => !Number.isInteger(d) || d < 0)) throw new BillingError('INVALID_PARAMETER', `${name} must be comma-separated whole numbers of days (got '${raw}')`);
  return days;
}
