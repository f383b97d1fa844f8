import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { findProjectRoot, loadPrismaSchema, prismaSchemaSearchNotes, STATS_FILE, UsageError, type PrismaSchema, type StatsFile } from '@premortem/core';
import { ExitCode, type CliIo } from '../io.js';
import { readDatabaseStatistics, type DatabaseStatistics } from '../stats/read-database-statistics.js';
import { loadTypeScript } from '../load-typescript.js';

export interface StatsOptions {
  databaseUrl?: string;
  out?: string;
  timeout: string;
}

/** Reads a live PostgreSQL's planner statistics and writes them, keyed by Prisma model and field. */
export async function runStats(options: StatsOptions, io: CliIo): Promise<number> {
  const url = options.databaseUrl ?? process.env.DATABASE_URL;
  if (!url) throw new UsageError('Pass --database-url postgres://… (or set DATABASE_URL). premortem only reads statistics; it never writes.');
  const timeoutMs = Number(options.timeout) * 1000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new UsageError(`--timeout takes seconds, got "${options.timeout}".`);

  const root = findProjectRoot(io.cwd);
  const ts = loadTypeScript();
  const schema = loadPrismaSchema(ts, io.cwd) ?? loadPrismaSchema(ts, root);
  if (!schema) {
    const why = prismaSchemaSearchNotes(io.cwd, root);
    throw new UsageError(`No Prisma schema found under ${io.cwd}${why.length ? ` (${why.join('; ')})` : ''}. Run premortem stats from the project that has schema.prisma.`);
  }

  const statistics = await readDatabaseStatistics(url, { statementTimeoutMs: timeoutMs });
  for (const note of statistics.notes) io.stderr.write(`premortem: note: ${note}\n`);
  const file = toStatsFile(schema, statistics);
  const out = path.resolve(io.cwd, options.out ?? path.join(root, STATS_FILE));
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(file, null, 2) + '\n');

  const models = Object.entries(file.models);
  io.stdout.write(`Wrote ${path.relative(io.cwd, out) || out}: ${models.length} models from ${statistics.database}.\n`);
  for (const [model, stats] of models) io.stdout.write(`  ${model.padEnd(24)} ${stats.rows.toLocaleString('en-US').padStart(12)} rows\n`);
  const missing = [...schema.models.keys()].filter((model) => !file.models[model]);
  if (missing.length > 0) io.stderr.write(`premortem: note: no table found for ${missing.join(', ')} (not migrated, or another schema?).\n`);
  return ExitCode.Clean;
}

/** Tables become models through `@@map`, columns become fields through `@map`. */
export function toStatsFile(schema: PrismaSchema, statistics: DatabaseStatistics): StatsFile {
  const models: StatsFile['models'] = {};
  const mapped = new Set<string>();
  for (const model of schema.models.values()) {
    const table = statistics.tables[model.dbName];
    if (!table) continue;
    mapped.add(model.dbName);
    const columns: StatsFile['models'][string]['columns'] = {};
    for (const field of model.fields.values()) {
      const column = table.columns[field.dbName];
      if (column) columns[field.name] = column;
    }
    models[model.name] = { table: table.table, rows: table.rows, columns };
  }
  return {
    version: 1,
    generatedAt: new Date().toISOString(),
    database: statistics.database,
    models,
    unmappedTables: Object.keys(statistics.tables).filter((table) => !mapped.has(table)),
  };
}
