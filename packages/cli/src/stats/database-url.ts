import { DatabaseStatisticsError } from './database-statistics-error.js';

/** A database URL taken apart: what the driver connects with, and what may be shown. */
export interface DatabaseTarget {
  /** For pg only: holds the password. Parameters pg does not understand are removed. */
  connectionString: string;
  /** The URL without password, for messages and reports. */
  redacted: string;
  /** `host:port`, for messages. */
  address: string;
  user: string;
  database: string;
  /** Prisma's `?schema=`, when the URL has one. */
  schema: string | undefined;
  /** Text that must never appear in a message (the password, raw and percent-encoded). */
  secrets: string[];
}

/**
 * Parameters pg understands and that are safe to pass on. Everything else goes: Prisma's own
 * (`schema`, `connection_limit`, `pgbouncer`, `sslaccept`, …) and the driver settings that would
 * override ours (`statement_timeout`, `query_timeout`) or change the protocol (`replication`).
 */
const DRIVER_PARAMETERS = new Set([
  'host',
  'port',
  'user',
  'password',
  'sslmode',
  'sslcert',
  'sslkey',
  'sslrootcert',
  'ssl',
  'sslnegotiation',
  'uselibpqcompat',
  'application_name',
  'fallback_application_name',
  'options',
  'client_encoding',
]);

const SECRET_PARAMETERS = ['password', 'sslpassword'];

const OTHER_DATABASES: Record<string, string> = {
  'mysql:': 'MySQL',
  'mariadb:': 'MariaDB',
  'sqlserver:': 'SQL Server',
  'mongodb:': 'MongoDB',
  'mongodb+srv:': 'MongoDB',
  'file:': 'SQLite',
  'sqlite:': 'SQLite',
  'cockroachdb:': 'CockroachDB',
};

const HOW_TO_WRITE_IT = 'Pass it as postgres://USER:PASSWORD@HOST:5432/DATABASE (percent-encode @, :, / and # in the password).';

export function parseDatabaseUrl(url: string): DatabaseTarget {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    // Never echo the input: it holds the password, and an unparsable URL cannot be redacted.
    throw new DatabaseStatisticsError(`The database URL is not a valid URL. ${HOW_TO_WRITE_IT}`, 'invalid-url');
  }
  const protocol = parsed.protocol.toLowerCase();
  if (protocol === 'prisma:' || protocol.startsWith('prisma+')) {
    throw new DatabaseStatisticsError(
      'The database URL is a Prisma Accelerate or Prisma Postgres proxy URL, which cannot read catalog statistics. Pass the direct PostgreSQL URL instead (often DIRECT_URL).',
      'invalid-url',
    );
  }
  if (protocol !== 'postgres:' && protocol !== 'postgresql:') {
    const other = OTHER_DATABASES[protocol];
    throw new DatabaseStatisticsError(
      other
        ? `The database URL is for ${other}; premortem stats reads PostgreSQL only. Pass a postgres:// URL.`
        : `The database URL does not start with postgres:// or postgresql://. ${HOW_TO_WRITE_IT}`,
      'invalid-url',
    );
  }

  const password = parsed.password;
  const decoded = decodeOrFail(password, 'password');
  const user = decodeOrFail(parsed.username, 'user name');
  const parameterPassword = parsed.searchParams.get('password');
  const secrets = [decoded, password, parameterPassword ?? ''].filter((secret) => secret !== '');

  const redacted = new URL(parsed.href);
  redacted.password = '';
  for (const name of SECRET_PARAMETERS) redacted.searchParams.delete(name);

  const host = parsed.searchParams.get('host') ?? (parsed.hostname || 'localhost');
  const port = parsed.searchParams.get('port') ?? (parsed.port || '5432');
  return {
    connectionString: toDriverUrl(parsed),
    redacted: redacted.href,
    address: `${host}:${port}`,
    user: parsed.searchParams.get('user') ?? user,
    database: decodeOrFail(parsed.pathname.slice(1), 'database name') || user,
    schema: parsed.searchParams.get('schema') || undefined,
    secrets,
  };
}

/** Replaces any secret in text that came from the driver or the server. */
export function scrubSecrets(text: string, target: Pick<DatabaseTarget, 'secrets'>): string {
  return target.secrets.reduce((scrubbed, secret) => scrubbed.split(secret).join('***'), text);
}

function toDriverUrl(parsed: URL): string {
  const driver = new URL(parsed.href);
  const sslmode = driver.searchParams.get('sslmode');
  const strict = driver.searchParams.get('sslaccept') === 'strict';
  for (const name of [...driver.searchParams.keys()]) {
    if (!DRIVER_PARAMETERS.has(name)) driver.searchParams.delete(name);
  }
  if (sslmode !== null && !driver.searchParams.has('uselibpqcompat')) {
    // pg alone reads sslmode=require as verify-full; libpq and Prisma read it as "encrypt, do not
    // verify". The URL was written for them, so give it their meaning; Prisma's
    // sslaccept=strict asks for verification.
    driver.searchParams.set('uselibpqcompat', 'true');
    if (strict && (sslmode === 'require' || sslmode === 'prefer')) driver.searchParams.set('sslmode', 'verify-full');
  }
  return driver.href;
}

function decodeOrFail(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new DatabaseStatisticsError(
      `The ${what} in the database URL has a % that does not start an escape like %40. Write a literal % as %25.`,
      'invalid-url',
    );
  }
}
