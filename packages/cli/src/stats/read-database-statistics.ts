import type { ColumnStats } from '@premortem/core';
import { readColumns, readIndexColumns, readPartitions, readTables, resolveSchema, type ColumnRow, type IndexColumnRow, type PartitionRow, type TableRow } from './catalog-queries.js';
import { parseDatabaseUrl } from './database-url.js';
import { parsePostgresArray } from './postgres-array.js';
import { withReadOnlySession } from './read-only-session.js';

export { DatabaseStatisticsError, type DatabaseStatisticsFailure } from './database-statistics-error.js';

/** Same shape as the stats file's columns, so they pass through unchanged. */
export type ColumnStatistics = ColumnStats;

export interface IndexStatistics {
  name: string;
  /** Key columns in index order; an expression appears in parentheses, e.g. `(lower(email))`. */
  columns: string[];
  unique: boolean;
  /** Has a WHERE clause: it covers only some rows, so `unique` holds only among those. */
  partial: boolean;
}

export interface TableStatistics {
  table: string;
  rows: number;
  /**
   * `reltuples`: the planner's estimate from the last ANALYZE or VACUUM (for a partitioned
   * table, summed over its partitions). `n_live_tup`: never analyzed, so the live-row counter.
   */
  rowsSource: 'reltuples' | 'n_live_tup';
  /** Keyed by column name; empty until the table has been analyzed. */
  columns: Record<string, ColumnStatistics>;
  indexes: IndexStatistics[];
}

export interface DatabaseStatistics {
  /** The URL with any password removed. */
  database: string;
  schema: string;
  /** Keyed by table name. */
  tables: Record<string, TableStatistics>;
  /** Set when the schema has more tables than were read. */
  truncated?: { tablesRead: number; tablesInSchema: number };
  /** Things a person should know about the result, one sentence each (truncation, tables never analyzed). */
  notes: string[];
}

export interface ReadDatabaseStatisticsOptions {
  /** Default: the URL's `?schema=`, else the session's current_schema(). */
  schema?: string;
  /** Default 10 s. */
  connectTimeoutMs?: number;
  /** Per catalog query; default 15 s. */
  statementTimeoutMs?: number;
  /** Default 5,000: past that, the largest tables are read and the rest reported in `notes`. */
  maxTables?: number;
}

export const DEFAULT_MAX_TABLES = 5_000;

/**
 * Reads the planner's statistics for one schema of a live PostgreSQL: table sizes (pg_class),
 * column statistics (pg_stats) and indexes (pg_index). One read-only transaction with a statement
 * timeout; only the catalogs are read, so no application table is locked. Fails with a
 * DatabaseStatisticsError that says what to do.
 */
export async function readDatabaseStatistics(url: string, options: ReadDatabaseStatisticsOptions = {}): Promise<DatabaseStatistics> {
  const timeouts = {
    connectTimeoutMs: atLeastOne(options.connectTimeoutMs ?? 10_000, 'connectTimeoutMs'),
    statementTimeoutMs: atLeastOne(options.statementTimeoutMs ?? 15_000, 'statementTimeoutMs'),
  };
  const maxTables = Math.floor(atLeastOne(options.maxTables ?? DEFAULT_MAX_TABLES, 'maxTables'));
  const target = parseDatabaseUrl(url);

  return withReadOnlySession(target, timeouts, async (query) => {
    const schema = await resolveSchema(query, options.schema ?? target.schema, target.redacted);
    const { tables, total } = await readTables(query, schema, maxTables);
    const oids = tables.map((table) => table.oid);
    const partitions = await readPartitions(query, tables.filter((table) => table.partitioned).map((table) => table.oid));
    const columns = await readColumns(query, oids);
    const indexes = await readIndexColumns(query, oids);
    return assemble(target.redacted, schema, tables, total, partitions, columns, indexes);
  });
}

function assemble(
  database: string,
  schema: string,
  tableRows: TableRow[],
  total: number,
  partitions: PartitionRow[],
  columnRows: ColumnRow[],
  indexRows: IndexColumnRow[],
): DatabaseStatistics {
  const notes: string[] = [];
  // Maps, turned into objects at the end: a table called "__proto__" must stay a table.
  const columnsByTable = new Map<string, Map<string, ColumnStatistics>>();
  for (const row of columnRows) {
    const columns = columnsByTable.get(row.table) ?? new Map<string, ColumnStatistics>();
    columnsByTable.set(row.table, columns);
    const mostCommon = readMostCommon(row);
    if (!mostCommon) notes.push(`The most common values of ${row.table}.${row.column} could not be read; that column has none here.`);
    columns.set(row.column, { nDistinct: row.nDistinct, nullFraction: row.nullFraction, mostCommon: mostCommon ?? [] });
  }
  const indexesByTable = new Map<string, Map<string, IndexStatistics>>();
  for (const row of indexRows) {
    const indexes = indexesByTable.get(row.table) ?? new Map<string, IndexStatistics>();
    indexesByTable.set(row.table, indexes);
    const index = indexes.get(row.index) ?? { name: row.index, columns: [], unique: row.unique, partial: row.partial };
    indexes.set(row.index, index);
    index.columns.push(row.column ?? `(${row.definition})`);
  }

  const tables = [...tableRows]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((row): [string, TableStatistics] => {
      const columns = columnsByTable.get(row.name) ?? new Map<string, ColumnStatistics>();
      return [row.name, { table: row.name, ...rowCount(row, partitions), columns: Object.fromEntries(columns), indexes: [...(indexesByTable.get(row.name)?.values() ?? [])] }];
    });

  const unanalyzed = tables.filter(([, table]) => table.rows > 0 && Object.keys(table.columns).length === 0).map(([name]) => name);
  if (unanalyzed.length > 0) {
    notes.push(
      `${count(unanalyzed.length, 'table has', 'tables have')} rows but no column statistics (${listed(unanalyzed)}): never analyzed, or this user may not read them. Run ANALYZE, or connect as a user with SELECT on them.`,
    );
  }
  if (tables.length === 0) notes.push(`Schema "${schema}" has no tables. If the application's tables are elsewhere, name their schema with ?schema=NAME in the URL.`);
  const truncated = total > tableRows.length ? { tablesRead: tableRows.length, tablesInSchema: total } : undefined;
  if (truncated) {
    notes.push(
      `Schema "${schema}" has ${truncated.tablesInSchema.toLocaleString('en-US')} tables; read the ${truncated.tablesRead.toLocaleString('en-US')} largest, so ${(truncated.tablesInSchema - truncated.tablesRead).toLocaleString('en-US')} have no statistics.`,
    );
  }
  return { database, schema, tables: Object.fromEntries(tables), ...(truncated ? { truncated } : {}), notes };
}

function rowCount(table: TableRow, partitions: PartitionRow[]): Pick<TableStatistics, 'rows' | 'rowsSource'> {
  if (table.reltuples > 0 || !table.partitioned) return ownRowCount(table);
  // A partitioned table holds no rows and is analyzed only on request; its partitions are.
  let rows = 0;
  let rowsSource: TableStatistics['rowsSource'] = 'reltuples';
  for (const partition of partitions) {
    if (partition.root !== table.oid) continue;
    const own = ownRowCount(partition);
    rows += own.rows;
    if (own.rowsSource === 'n_live_tup') rowsSource = 'n_live_tup';
  }
  return { rows, rowsSource };
}

function ownRowCount({ reltuples, liveTuples }: { reltuples: number; liveTuples: number }): Pick<TableStatistics, 'rows' | 'rowsSource'> {
  if (reltuples > 0) return { rows: Math.round(reltuples), rowsSource: 'reltuples' };
  // reltuples is -1 before the first VACUUM or ANALYZE (PostgreSQL 14+), 0 before it on older
  // servers or when the table was empty then; the live-row counter knows about rows since.
  if (liveTuples > 0 || reltuples < 0) return { rows: Math.round(liveTuples), rowsSource: 'n_live_tup' };
  return { rows: 0, rowsSource: 'reltuples' };
}

/** Pairs values with frequencies; undefined when the arrays cannot be parsed. */
function readMostCommon(row: ColumnRow): ColumnStatistics['mostCommon'] | undefined {
  if (row.mostCommonValues === null || row.mostCommonFrequencies === null) return [];
  try {
    const values = parsePostgresArray(row.mostCommonValues, row.delimiter);
    const frequencies = parsePostgresArray(row.mostCommonFrequencies).map(Number);
    if (values.length !== frequencies.length) return undefined;
    return values.flatMap((value, i) => (value === null ? [] : [{ value, frequency: frequencies[i]! }]));
  } catch {
    return undefined;
  }
}

function atLeastOne(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 1) throw new RangeError(`${name} must be 1 or more, got ${value}.`);
  return value;
}

function count(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

function listed(names: string[], shown = 5): string {
  const quoted = names.slice(0, shown).map((name) => `"${name}"`);
  return names.length > shown ? `${quoted.join(', ')} and ${names.length - shown} more` : quoted.join(', ');
}
