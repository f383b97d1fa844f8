import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';

/** `.premortem/prisma-stats.json`, as `premortem stats` writes it. Keyed by model and field names. */
export interface StatsFile {
  version: 1;
  generatedAt: string;
  database: string;
  models: Record<string, ModelStats>;
  unmappedTables: string[];
}

export interface ModelStats {
  table: string;
  rows: number;
  columns: Record<string, ColumnStats>;
}

export interface ColumnStats {
  /** As in pg_stats: positive, a count of distinct values; negative, minus the fraction of rows. */
  nDistinct: number;
  nullFraction: number;
  mostCommon: { value: string; frequency: number }[];
}

/** Rows per table when nothing better is known; documented in docs/query-cost.md. */
export const DEFAULT_TABLE_ROWS = 10_000;
export const STATS_FILE = path.join('.premortem', 'prisma-stats.json');

export type RowsSource = 'stats' | 'config' | 'default';

/**
 * Table sizes and column statistics, in order of preference: measured by `premortem stats`,
 * configured (`prisma.rows` in the config file), or the documented default.
 */
export class TableStatistics {
  constructor(
    private readonly measured: StatsFile | undefined,
    private readonly configured: Readonly<Record<string, number>> = {},
  ) {}

  rows(model: string): number {
    return this.measured?.models[model]?.rows ?? this.configured[model] ?? DEFAULT_TABLE_ROWS;
  }

  source(model: string): RowsSource {
    if (this.measured?.models[model]) return 'stats';
    return this.configured[model] !== undefined ? 'config' : 'default';
  }

  /** The share of rows holding the column's most common value: the worst case for `column = ?`. */
  largestValueShare(model: string, field: string): number | undefined {
    return this.measured?.models[model]?.columns[field]?.mostCommon[0]?.frequency;
  }

  /** Measured distinct values of a column (pg_stats' `n_distinct` as a count). */
  distinctValues(model: string, field: string): number | undefined {
    const table = this.measured?.models[model];
    const column = table?.columns[field];
    if (!table || !column) return undefined;
    return column.nDistinct < 0 ? -column.nDistinct * table.rows : column.nDistinct;
  }

  /** PostgreSQL's estimate for `column = value`: the value's own frequency when it is common, else an even share of the rest. */
  equalitySelectivity(model: string, field: string, literal: string | undefined): number | undefined {
    const column = this.measured?.models[model]?.columns[field];
    const distinct = this.distinctValues(model, field);
    if (!column || distinct === undefined) return undefined;
    // A value known only at run time (a parameter): the planner's generic estimate, 1 / n_distinct.
    if (literal === undefined) return (1 - column.nullFraction) / Math.max(1, distinct);
    const common = column.mostCommon.find((entry) => entry.value === literal);
    if (common) return common.frequency;
    const commonShare = column.mostCommon.reduce((sum, entry) => sum + entry.frequency, 0);
    const others = Math.max(1, distinct - column.mostCommon.length);
    return Math.max(0, 1 - commonShare - column.nullFraction) / others;
  }
}

const MAX_STATS_BYTES = 20 * 1024 * 1024;

/** Reads a stats file; a missing file is normal, a broken one is an error that names it. */
export function readStatsFile(file: string): StatsFile | undefined {
  if (!existsSync(file)) return undefined;
  if (statSync(file).size > MAX_STATS_BYTES) throw new UsageError(`${file} is larger than 20 MB; regenerate it with premortem stats.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON (${error instanceof Error ? error.message : String(error)}); regenerate it with premortem stats.`);
  }
  if (!isStatsFile(parsed)) throw new UsageError(`${file} is not a premortem stats file (version 1); regenerate it with premortem stats.`);
  return parsed;
}

function isStatsFile(value: unknown): value is StatsFile {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<StatsFile>;
  return candidate.version === 1 && typeof candidate.models === 'object' && candidate.models !== null;
}
