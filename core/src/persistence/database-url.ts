import { BillingError } from '../errors/index.js';

export interface DatabaseCoordinates {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly dbName: string;
}

/** `mysql://user:password@host:port/db` (as KB_DB_URL) into what the driver needs. */
export function parseDatabaseUrl(url: string): DatabaseCoordinates {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BillingError('INVALID_PARAMETER', `KB_DB_URL is not a URL: ${url}`);
  }
  if (parsed.protocol !== 'mysql:' && parsed.protocol !== 'mariadb:') {
    throw new BillingError('INVALID_PARAMETER', `KB_DB_URL must start with mysql:// (got ${parsed.protocol}//)`);
  }
  const dbName = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(dbName)) {
    throw new BillingError('INVALID_PARAMETER', `KB_DB_URL must name a database of letters, digits and _ (got '${dbName}')`);
  }
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 3306,
    user: decodeURIComponent(parsed.username || 'root'),
    password: decodeURIComponent(parsed.password),
    dbName,
  };
}
