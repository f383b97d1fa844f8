import type { CheckAnnotation, CheckConclusion } from '@premortem/core';
import type { ReviewContext } from './context.js';

const ANNOTATIONS_PER_REQUEST = 50;

export type CheckRunStart = { id: number } | { skip: string };

/**
 * The head SHA's check run, in progress. A completed one means this SHA was reviewed already (a
 * redelivered webhook, or a restart): nothing more is done unless a re-run was asked for.
 */
export async function startCheckRun(context: ReviewContext, force: boolean): Promise<CheckRunStart> {
  const { octokit, target, settings } = context;
  const existing = await octokit.rest.checks.listForRef({
    owner: target.owner,
    repo: target.repo,
    ref: target.headSha,
    check_name: settings.checkName,
    filter: 'latest',
    per_page: 100,
  });
  const run = existing.data.check_runs.find((candidate) => candidate.name === settings.checkName);
  if (run?.status === 'completed' && !force) return { skip: `check run ${run.id} already completed for ${target.headSha.slice(0, 7)}` };
  if (run && run.status !== 'completed') return { id: run.id };
  const created = await octokit.rest.checks.create({
    owner: target.owner,
    repo: target.repo,
    name: settings.checkName,
    head_sha: target.headSha,
    status: 'in_progress',
    started_at: new Date().toISOString(),
    output: { title: 'Analyzing…', summary: 'Premortem is analyzing this commit without running any of its code.' },
  });
  return { id: created.data.id };
}

/** Completes the check with its annotations, 50 per request as GitHub takes them; the last request sets the conclusion. */
export async function completeCheckRun(
  context: ReviewContext,
  id: number,
  result: { conclusion: CheckConclusion | 'cancelled'; title: string; summary: string; annotations?: readonly CheckAnnotation[] },
): Promise<void> {
  const { octokit, target } = context;
  const annotations = (result.annotations ?? []).slice(0, context.settings.maxAnnotations);
  const output = { title: result.title, summary: truncate(result.summary, 65_000) };
  for (let start = 0; start + ANNOTATIONS_PER_REQUEST < annotations.length; start += ANNOTATIONS_PER_REQUEST) {
    await octokit.rest.checks.update({
      owner: target.owner,
      repo: target.repo,
      check_run_id: id,
      output: { ...output, annotations: annotations.slice(start, start + ANNOTATIONS_PER_REQUEST) },
    });
  }
  const last = annotations.slice(Math.max(0, Math.ceil(annotations.length / ANNOTATIONS_PER_REQUEST) - 1) * ANNOTATIONS_PER_REQUEST);
  await octokit.rest.checks.update({
    owner: target.owner,
    repo: target.repo,
    check_run_id: id,
    status: 'completed',
    conclusion: result.conclusion,
    completed_at: new Date().toISOString(),
    output: { ...output, ...(last.length > 0 ? { annotations: [...last] } : {}) },
  });
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}\n\n…cut here.`;
}
