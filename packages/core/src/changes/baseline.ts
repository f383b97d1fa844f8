import { z } from 'zod';
import { UsageError } from '../errors.js';
import type { Finding } from '../findings.js';
import { toPosixRelative } from '../engine/project-root.js';

const entrySchema = z.object({
  ruleId: z.string(),
  file: z.string(),
  line: z.number().int().positive(),
  fingerprint: z.string().min(1),
  message: z.string(),
});

const baselineSchema = z.object({ version: z.literal(1), findings: z.array(entrySchema) }).strict();

export type Baseline = z.infer<typeof baselineSchema>;
export type BaselineEntry = z.infer<typeof entrySchema>;

/** Findings a team has accepted for now, by fingerprint; lines and messages are for people reading it. */
export function createBaseline(findings: readonly Finding[], root: string): Baseline {
  const entries = findings.map((f) => ({
    ruleId: f.ruleId,
    file: toPosixRelative(root, f.file),
    line: f.line,
    fingerprint: f.fingerprint,
    message: f.message,
  }));
  entries.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.fingerprint.localeCompare(b.fingerprint));
  return { version: 1, findings: entries };
}

export function parseBaseline(text: string, file: string): Baseline {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}. Write it with \`premortem baseline\`.`);
  }
  const result = baselineSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    throw new UsageError(`${file} is not a premortem baseline:\n  ${problems.join('\n  ')}`);
  }
  return result.data;
}

export interface BaselineComparison {
  /** Findings the baseline does not hold: these fail the check. */
  fresh: Finding[];
  suppressed: number;
  /** Entries no finding matches any more: fixed, and to be dropped from the baseline. */
  stale: BaselineEntry[];
}

export function compareWithBaseline(findings: readonly Finding[], baseline: Baseline): BaselineComparison {
  const accepted = new Set(baseline.findings.map((entry) => entry.fingerprint));
  const present = new Set(findings.map((f) => f.fingerprint));
  const fresh = findings.filter((f) => !accepted.has(f.fingerprint));
  return {
    fresh,
    suppressed: findings.length - fresh.length,
    stale: baseline.findings.filter((entry) => !present.has(entry.fingerprint)),
  };
}
