import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { DatabaseStatisticsError } from '../../packages/cli/src/stats/database-statistics-error.js';
import { parseDatabaseUrl, scrubSecrets } from '../../packages/cli/src/stats/database-url.js';

/** How pg itself reads a connection string, without connecting. */
function sslAsPgSeesIt(connectionString: string): unknown {
  return (new pg.Client({ connectionString }) as unknown as { ssl: unknown }).ssl;
}

function failure(url: string): DatabaseStatisticsError {
  try {
    parseDatabaseUrl(url);
  } catch (error) {
    if (error instanceof DatabaseStatisticsError) return error;
    throw error;
  }
  throw new Error(`parseDatabaseUrl accepted ${url}`);
}

describe('parseDatabaseUrl', () => {
  const prismaUrl =
    'postgresql://app:p%40ss%3Aword@db.example.com:6543/shop?schema=billing&connection_limit=5&pgbouncer=true&statement_timeout=0&replication=database&application_name=web';

  it('takes Prisma parameters out of what pg sees, and keeps the schema', () => {
    const target = parseDatabaseUrl(prismaUrl);
    expect(target.schema).toBe('billing');
    const driver = new URL(target.connectionString);
    expect([...driver.searchParams.keys()]).toEqual(['application_name']);
    // pg still gets the password, percent-encoded as written.
    expect(driver.password).toBe('p%40ss%3Aword');
    expect(target).toMatchObject({ user: 'app', database: 'shop', address: 'db.example.com:6543' });
  });

  it('shows the URL without its password, in any form', () => {
    const target = parseDatabaseUrl(prismaUrl);
    expect(target.redacted).toBe(
      'postgresql://app@db.example.com:6543/shop?schema=billing&connection_limit=5&pgbouncer=true&statement_timeout=0&replication=database&application_name=web',
    );
    const inQuery = parseDatabaseUrl('postgres://db.example.com/shop?user=app&password=hunter22&sslpassword=keypass');
    expect(inQuery.redacted).toBe('postgres://db.example.com/shop?user=app');
    expect(inQuery.user).toBe('app');
    expect(scrubSecrets('auth failed: hunter22 and p@ss:word and p%40ss%3Aword', inQuery)).toBe('auth failed: *** and p@ss:word and p%40ss%3Aword');
    expect(scrubSecrets('auth failed: p@ss:word and p%40ss%3Aword', parseDatabaseUrl(prismaUrl))).toBe('auth failed: *** and ***');
  });

  it('reads sslmode as libpq and Prisma do: require encrypts without verifying, unless sslaccept=strict', () => {
    expect(sslAsPgSeesIt(parseDatabaseUrl('postgres://u:pw@db.example.com/app?sslmode=require').connectionString)).toEqual({ rejectUnauthorized: false });
    // Verification on: no rejectUnauthorized override.
    expect(sslAsPgSeesIt(parseDatabaseUrl('postgres://u:pw@db.example.com/app?sslmode=require&sslaccept=strict').connectionString)).toEqual({});
    expect(sslAsPgSeesIt(parseDatabaseUrl('postgres://u:pw@db.example.com/app?sslmode=disable').connectionString)).toBe(false);
    expect(sslAsPgSeesIt(parseDatabaseUrl('postgres://u:pw@db.example.com/app').connectionString)).toBe(false);
  });

  it('defaults the port to 5432 and the database to the user name, as libpq does', () => {
    expect(parseDatabaseUrl('postgres://alice:pw@localhost')).toMatchObject({ address: 'localhost:5432', database: 'alice', schema: undefined });
  });

  it('rejects what is not a PostgreSQL URL with a message that says what to pass, and never echoes the input', () => {
    const cases: [string, RegExp][] = [
      ['not a url with hunter22', /not a valid URL\. Pass it as postgres:\/\/USER:PASSWORD@HOST:5432\/DATABASE/],
      ['mysql://root:hunter22@localhost/shop', /for MySQL; premortem stats reads PostgreSQL only/],
      ['file:./dev.db?password=hunter22', /for SQLite/],
      ['prisma://accelerate.prisma-data.net/?api_key=hunter22', /Prisma Accelerate .* Pass the direct PostgreSQL URL/],
      ['prisma+postgres://localhost:51213/?api_key=hunter22', /Prisma Accelerate/],
      ['http://app:hunter22@localhost/shop', /does not start with postgres:\/\/ or postgresql:\/\//],
      ['postgres://app:hunter22%@localhost/shop', /password in the database URL has a % that does not start an escape/],
    ];
    for (const [url, expected] of cases) {
      const error = failure(url);
      expect(error.message).toMatch(expected);
      expect(error.failure).toBe('invalid-url');
      expect(error.message).not.toContain('hunter22');
    }
  });
});
