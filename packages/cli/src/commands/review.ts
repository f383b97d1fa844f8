import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { planReview, UsageError, type QueryEstimate, type ReviewPlan } from '@premortem/core';
import { ExitCode, type CliIo } from '../io.js';
import { runConfigured } from '../configured-run.js';
import { changedSince, exportCommit } from '../git.js';
import { analyze } from '../analyze.js';

export interface ReviewOptions {
  base: string;
  project?: string;
  preset?: string;
  rule: string[];
  format: string;
  maxComments: string;
}

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/**
 * What the pull-request bot would post for the changes since the merge base with `--base`: the
 * inline comments, the summary comment and the check's conclusion. Exit 1 when the check would fail.
 */
export async function runReview(paths: string[], options: ReviewOptions, io: CliIo): Promise<number> {
  if (!['text', 'json'].includes(options.format)) throw new UsageError(`Unknown --format "${options.format}". Use text or json.`);
  if (!/^\d+$/.test(options.maxComments)) throw new UsageError(`--max-comments takes a whole number, got "${options.maxComments}".`);
  const changed = changedSince(options.base, io.cwd, '--base');
  const { root, result } = await runConfigured(
    { paths, project: options.project, preset: options.preset, rule: options.rule, collectQueries: true },
    io,
  );
  const base = await analyzeBaseQueries(changed.base, changed.root, paths.length > 0 ? paths : ['.'], io);
  const plan = planReview({
    findings: result.findings,
    root,
    changes: changed.changes,
    queries: result.queries,
    ...(base ? { base } : {}),
    maxInlineComments: Number(options.maxComments),
    footer: `premortem ${version} · ${result.files} files analyzed in ${(result.durationMs / 1000).toFixed(1)} s`,
  });
  io.stdout.write(options.format === 'json' ? JSON.stringify(plan, null, 2) + '\n' : renderText(plan, options.base, changed.base));
  return plan.conclusion === 'failure' ? ExitCode.Findings : ExitCode.Clean;
}

/** The base's Prisma queries, for the before/after cost table; the base is exported, never checked out. */
async function analyzeBaseQueries(commit: string, root: string, paths: readonly string[], io: CliIo): Promise<{ root: string; queries: QueryEstimate[] } | undefined> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'premortem-base-'));
  try {
    exportCommit(commit, root, folder);
    // The base sees the same installed types as the head, so both estimates are made alike.
    if (existsSync(path.join(root, 'node_modules'))) symlinkSync(path.join(root, 'node_modules'), path.join(folder, 'node_modules'), 'dir');
    const inBase = paths.map((p) => path.join(folder, path.relative(root, path.resolve(io.cwd, p))));
    // Only its queries are wanted: its notes (and its progress) would read as the head's.
    const quiet = { write: () => true };
    const { result } = await analyze(
      { paths: inBase.filter((p) => existsSync(p)), preset: 'recommended', only: [], withRules: false, collectQueries: true },
      { ...io, cwd: folder, stderr: quiet },
    );
    return { root: folder, queries: result.queries.map((query) => ({ ...query, file: path.relative(folder, query.file) })) };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function renderText(plan: ReviewPlan, ref: string, base: string): string {
  const out = [
    `premortem review: ${plan.title} since ${ref} (merge base ${base.slice(0, 12)}); the check would conclude: ${plan.conclusion}.`,
    '',
    `── Inline comments (${plan.inline.length}) ──`,
  ];
  if (plan.inline.length === 0) out.push('(none)');
  for (const comment of plan.inline) out.push('', `${comment.path}:${comment.line}`, ...comment.body.split('\n').map((line) => `  ${line}`));
  out.push('', '── Summary comment ──', '', plan.summary);
  return out.join('\n');
}
