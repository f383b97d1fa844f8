import { DatabaseStatisticsError } from './database-statistics-error.js';
import type { ReadOnlyQuery } from './read-only-session.js';

// Catalog reads only: these take no lock on application tables and work for any login role.
// Every catalog name is qualified with pg_catalog so an odd search_path cannot shadow it.

/** `indnkeyatts` and `relispartition` (PostgreSQL 11) are the newest catalog columns used here. */
const OLDEST_SUPPORTED_SERVER = 110000;

export interface TableRow {
  oid: number;
  name: string;
  partitioned: boolean;
  reltuples: number;
  liveTuples: number;
}

export interface PartitionRow {
  root: number;
  reltuples: number;
  liveTuples: number;
}

export interface ColumnRow {
  table: string;
  column: string;
  nullFraction: number;
  nDistinct: number;
  mostCommonValues: string | null;
  mostCommonFrequencies: string | null;
  delimiter: string;
}

export interface IndexColumnRow {
  table: string;
  index: string;
  unique: boolean;
  partial: boolean;
  /** The column name, or null for an expression. */
  column: string | null;
  /** As pg_get_indexdef prints this key column: the expression for expression columns. */
  definition: string;
}

/** The schema to read: the one asked for, else the session's current_schema(). Fails if it does not exist. */
export async function resolveSchema(query: ReadOnlyQuery, requested: string | undefined, redactedUrl: string): Promise<string> {
  const [session] = await query<{ version: number; current: string | null; exists: boolean }>(
    `SELECT pg_catalog.current_setting('server_version_num')::int AS version,
            pg_catalog.current_schema() AS current,
            EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1) AS exists`,
    [requested ?? null],
  );
  if (!session) throw new Error('the server returned no row for SELECT current_schema()');
  if (session.version < OLDEST_SUPPORTED_SERVER) {
    throw new DatabaseStatisticsError(
      `${redactedUrl} runs PostgreSQL ${Math.floor(session.version / 10000)}; premortem stats needs PostgreSQL 11 or newer. Configure table sizes in .github/premortem.yml instead.`,
      'unsupported-server',
    );
  }
  const schema = requested ?? session.current;
  if (schema !== null && (requested === undefined || session.exists)) return schema;

  const available = await query<{ name: string }>(
    `SELECT nspname AS name FROM pg_catalog.pg_namespace
      WHERE nspname !~ '^pg_' AND nspname <> 'information_schema' ORDER BY nspname LIMIT 20`,
  );
  const names = available.map((row) => `"${row.name}"`).join(', ') || 'none';
  const problem =
    schema === null ? 'the search_path of this user names no existing schema' : `schema "${schema}" does not exist there`;
  throw new DatabaseStatisticsError(
    `Cannot read statistics from ${redactedUrl}: ${problem}. Schemas present: ${names}. Name one with ?schema=NAME in the URL.`,
    'missing-schema',
  );
}

/**
 * Ordinary and partitioned tables, partitions excluded (they belong to their parent), partitioned
 * tables first and then the largest: when there are more than `limit`, these matter most.
 */
export async function readTables(query: ReadOnlyQuery, schema: string, limit: number): Promise<{ tables: TableRow[]; total: number }> {
  const rows = await query<TableRow & { total: number }>(
    `SELECT c.oid, c.relname AS name, c.relkind = 'p' AS partitioned, c.reltuples::float8 AS reltuples,
            COALESCE(s.n_live_tup, 0)::float8 AS "liveTuples", count(*) OVER ()::int AS total
       FROM pg_catalog.pg_class c
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_catalog.pg_stat_user_tables s ON s.relid = c.oid
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      ORDER BY c.relkind = 'p' DESC, greatest(c.reltuples, s.n_live_tup) DESC NULLS LAST, c.relname
      LIMIT $2`,
    [schema, limit],
  );
  const tables = rows.map(({ oid, name, partitioned, reltuples, liveTuples }) => ({ oid, name, partitioned, reltuples, liveTuples }));
  return { tables, total: rows[0]?.total ?? 0 };
}

/** The leaf partitions under each partitioned table, at any depth. */
export async function readPartitions(query: ReadOnlyQuery, parents: number[]): Promise<PartitionRow[]> {
  if (parents.length === 0) return [];
  return query<PartitionRow>(
    `WITH RECURSIVE tree(root, relid) AS (
       SELECT inhparent, inhrelid FROM pg_catalog.pg_inherits WHERE inhparent = ANY($1::oid[])
       UNION ALL
       SELECT tree.root, i.inhrelid FROM tree JOIN pg_catalog.pg_inherits i ON i.inhparent = tree.relid
     )
     SELECT tree.root, c.reltuples::float8 AS reltuples, COALESCE(s.n_live_tup, 0)::float8 AS "liveTuples"
       FROM tree
       JOIN pg_catalog.pg_class c ON c.oid = tree.relid
       LEFT JOIN pg_catalog.pg_stat_user_tables s ON s.relid = c.oid
      WHERE c.relkind = 'r'`,
    [parents],
  );
}

/**
 * pg_stats for the given tables. A partitioned table's statistics are the `inherited` ones (it
 * holds no rows itself); an ordinary table's are its own. Arrays come as text: most_common_vals
 * is an anyarray, and the delimiter of its element type is needed to split it.
 */
export async function readColumns(query: ReadOnlyQuery, tables: number[]): Promise<ColumnRow[]> {
  if (tables.length === 0) return [];
  return query<ColumnRow>(
    `SELECT c.relname AS table, s.attname AS column, s.null_frac AS "nullFraction", s.n_distinct AS "nDistinct",
            s.most_common_vals::text AS "mostCommonValues", s.most_common_freqs::text AS "mostCommonFrequencies",
            t.typdelim AS delimiter
       FROM pg_catalog.pg_stats s
       JOIN pg_catalog.pg_namespace n ON n.nspname = s.schemaname
       JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = s.tablename
       JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attname = s.attname
       JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
      WHERE c.oid = ANY($1::oid[]) AND s.inherited = (c.relkind = 'p')
      ORDER BY c.relname, a.attnum`,
    [tables],
  );
}

/** Usable indexes (valid ones) of the given tables, one row per key column in index order; INCLUDE columns left out. */
export async function readIndexColumns(query: ReadOnlyQuery, tables: number[]): Promise<IndexColumnRow[]> {
  if (tables.length === 0) return [];
  return query<IndexColumnRow>(
    `SELECT t.relname AS table, ic.relname AS index, i.indisunique AS unique, i.indpred IS NOT NULL AS partial,
            a.attname AS column, pg_catalog.pg_get_indexdef(i.indexrelid, k.position::int, true) AS definition
       FROM pg_catalog.pg_index i
       JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
       JOIN pg_catalog.pg_class t ON t.oid = i.indrelid
      CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)
       LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum AND k.attnum > 0
      WHERE i.indrelid = ANY($1::oid[]) AND i.indisvalid AND k.position <= i.indnkeyatts
      ORDER BY t.relname, ic.relname, k.position`,
    [tables],
  );
}
