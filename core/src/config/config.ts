import { BillingError } from '../errors/index.js';

/** Every setting Billwright reads, from KB_* environment variables. Each is documented in README.md. */
export interface Config {
  readonly httpPort: number;
  readonly httpHost: string;
  readonly dbUrl: string;
  readonly redisUrl: string;
  readonly testMode: boolean;
  readonly pluginsDir: string;
  readonly adminUsername: string;
  readonly adminPassword: string;
  readonly logLevel: string;
  readonly maxBodyBytes: number;
  readonly dbPoolSize: number;
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
    adminUsername: env['KB_ADMIN_USERNAME'] ?? 'admin',
    adminPassword: env['KB_ADMIN_PASSWORD'] ?? DEFAULT_ADMIN_PASSWORD,
    logLevel: env['KB_LOG_LEVEL'] ?? 'info',
    maxBodyBytes: intSetting(env, 'KB_MAX_BODY_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    dbPoolSize: intSetting(env, 'KB_DB_POOL_SIZE', 20, 1, 500),
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

function boolSetting(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new BillingError('INVALID_PARAMETER', `${name} must be true or false (got '${raw}')`);
}
