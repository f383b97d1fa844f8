import path from 'node:path';
import type { Finding } from '../findings.js';

/** A Prisma query site with its cost estimate (filled in by the Prisma rules). */
export interface QueryEstimate {
  file: string;
  line: number;
  /** Where the call ends: a change to its arguments is a change to the query. Not in the JSON report. */
  endLine?: number;
  model: string;
  operation: string;
  bounded: boolean;
  /** `Booking(userId,startTime)`, or `none` when no index serves the filter. */
  index: string;
  estimatedRows: number;
  costClass: string;
}

export interface JsonReport {
  version: 1;
  findings: Array<Omit<Finding, 'suggestions'>>;
  queries: QueryEstimate[];
  summary: { files: number; durationMs: number };
}

/** The JSON contract of DESIGN.md: `file` relative to the directory the command ran in. */
export function toJsonReport(
  findings: readonly Finding[],
  queries: readonly QueryEstimate[],
  summary: { files: number; durationMs: number },
  cwd: string,
): JsonReport {
  const relative = (file: string) => path.relative(cwd, file).split(path.sep).join('/');
  return {
    version: 1,
    findings: findings.map((f) => {
      const out: Omit<Finding, 'suggestions'> = {
        ruleId: f.ruleId,
        severity: f.severity,
        file: relative(f.file),
        line: f.line,
        column: f.column,
        endLine: f.endLine,
        endColumn: f.endColumn,
        message: f.message,
        fingerprint: f.fingerprint,
      };
      if (f.kind) out.kind = f.kind;
      if (f.path) out.path = f.path.map((step) => ({ ...step, file: relative(path.resolve(cwd, step.file)) }));
      return out;
    }),
    // Field by field: the report's shape is a contract, not whatever the engine carries.
    queries: queries.map((q) => ({
      file: relative(path.resolve(cwd, q.file)),
      line: q.line,
      model: q.model,
      operation: q.operation,
      bounded: q.bounded,
      index: q.index,
      estimatedRows: q.estimatedRows,
      costClass: q.costClass,
    })),
    summary: { files: summary.files, durationMs: summary.durationMs },
  };
}
