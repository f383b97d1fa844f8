import path from 'node:path';
import { toJsonReport, UsageError, type QueryEstimate } from '@premortem/core';
import { ExitCode, type CliIo } from '../io.js';
import { analyze } from '../analyze.js';

export interface QueriesOptions {
  project?: string;
  format: string;
}

/** Lists every Prisma query site with its cost estimate; never fails on what it finds. */
export async function runQueries(paths: string[], options: QueriesOptions, io: CliIo): Promise<number> {
  if (!['table', 'json'].includes(options.format)) throw new UsageError(`Unknown --format "${options.format}". Use table or json.`);
  const { result } = await analyze(
    { paths, ...(options.project !== undefined ? { project: options.project } : {}), preset: 'recommended', only: [], withRules: false, collectQueries: true },
    io,
  );
  if (options.format === 'json') {
    const report = toJsonReport([], result.queries, { files: result.files, durationMs: result.durationMs }, io.cwd);
    io.stdout.write(JSON.stringify(report, null, 2) + '\n');
  } else if (result.queries.length === 0) {
    io.stdout.write(`No Prisma queries found in ${result.files} files (is there a schema.prisma?).\n`);
  } else {
    io.stdout.write(formatQueryTable(result.queries, io.cwd));
  }
  return ExitCode.Clean;
}

function formatQueryTable(queries: readonly QueryEstimate[], cwd: string): string {
  const rows = queries.map((q) => [
    `${path.relative(cwd, q.file)}:${q.line}`,
    `${q.model}.${q.operation}`,
    q.index,
    q.bounded ? 'bounded' : 'UNBOUNDED',
    `~${q.estimatedRows.toLocaleString('en-US')}`,
    q.costClass,
  ]);
  const header = ['where', 'query', 'index', 'bound', 'rows', 'cost'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const unbounded = queries.filter((q) => !q.bounded).length;
  return [line(header), ...rows.map(line), '', `${queries.length} queries, ${unbounded} unbounded.`, ''].join('\n');
}
