import pg from 'pg';
import { UsageError } from '@premortem/core';

export interface ColumnStatistics {
  nDistinct: number;
  nullFraction: number;
  mostCommon: { value: string; frequency: number }[];
}

export interface TableStatistics {
  table: string;
  rows: number;
  columns: Record<string, ColumnStatistics>;
}

export interface PostgresStatistics {
  /** The URL without its password. */
  database: string;
  schema: string;
  tables: Map<string, TableStatistics>;
}

const MAX_TABLES = 5000;

/**
 * Reads the planner's statistics (`pg_class.reltuples`, `pg_stats`) from a live PostgreSQL in a
 * read-only session with short time limits. It never writes: the session refuses to.
 */
export async function readPostgresStatistics(url: string, { timeoutMs = 15_000 } = {}): Promise<PostgresStatistics> {
  const { connectionString, schema, redacted } = parseDatabaseUrl(url);
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: Math.min(timeoutMs, 10_000), statement_timeout: timeoutMs });
  try {
    await client.connect();
  } catch (error) {
    throw new UsageError(`Cannot connect to ${redacted}: ${describeConnectionError(error)}`);
  }
  try {
    await client.query('SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY');
    await client.query('BEGIN READ ONLY');
    const schemaName = schema ?? ((await client.query<{ name: string }>('SELECT current_schema() AS name')).rows[0]?.name ?? 'public');
    const tables = await client.query<{ table: string; reltuples: number; live: string | null }>(
      `SELECT c.relname AS table, c.reltuples::float8 AS reltuples, s.n_live_tup::text AS live
         FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
        ORDER BY c.relname
        LIMIT ${MAX_TABLES}`,
      [schemaName],
    );
    const columns = await client.query<{ table: string; column: string; n_distinct: number; null_frac: number; values: string[] | null; freqs: number[] | null }>(
      `SELECT tablename AS table, attname AS column, n_distinct::float8 AS n_distinct, null_frac::float8 AS null_frac,
              most_common_vals::text::text[] AS values, most_common_freqs::float8[] AS freqs
         FROM pg_stats WHERE schemaname = $1`,
      [schemaName],
    );
    await client.query('COMMIT');

    const result = new Map<string, TableStatistics>();
    for (const row of tables.rows) {
      // reltuples is -1 (PG 14+) or 0 before the first ANALYZE; the live-tuple counter is the next best.
      const rows = row.reltuples > 0 ? row.reltuples : Number(row.live ?? 0);
      result.set(row.table, { table: row.table, rows: Math.round(rows), columns: {} });
    }
    for (const row of columns.rows) {
      const table = result.get(row.table);
      if (!table) continue;
      const values = row.values ?? [];
      const freqs = row.freqs ?? [];
      table.columns[row.column] = {
        nDistinct: row.n_distinct,
        nullFraction: row.null_frac,
        mostCommon: values.map((value, i) => ({ value, frequency: freqs[i] ?? 0 })),
      };
    }
    return { database: redacted, schema: schemaName, tables: result };
  } catch (error) {
    throw new UsageError(`Reading statistics from ${redacted} failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Prisma URLs carry `?schema=`; pg does not understand it. The password never leaves this function. */
export function parseDatabaseUrl(url: string): { connectionString: string; schema: string | undefined; redacted: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError('--database-url is not a URL. Pass postgres://user:password@host:5432/database.');
  }
  if (!['postgres:', 'postgresql:'].includes(parsed.protocol)) {
    throw new UsageError(`--database-url must start with postgres:// or postgresql://, not ${parsed.protocol}//.`);
  }
  const schema = parsed.searchParams.get('schema') ?? undefined;
  parsed.searchParams.delete('schema');
  const connectionString = parsed.toString();
  if (parsed.password) parsed.password = '***';
  return { connectionString, schema, redacted: parsed.toString() };
}

function describeConnectionError(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ECONNREFUSED') return 'nothing is listening there. Is the server running, and are host and port right?';
  if (code === 'ENOTFOUND') return 'the host name does not resolve.';
  if (code === '28P01' || code === '28000') return 'the server refused the login. Check user and password.';
  if (code === '3D000') return 'that database does not exist.';
  const message = error instanceof Error ? error.message : String(error);
  return /timeout/i.test(message) ? 'the connection timed out.' : message;
}
