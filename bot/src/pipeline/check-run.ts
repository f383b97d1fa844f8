import type { CheckAnnotation, CheckConclusion } from '@premortem/core';
import type { ReviewContext } from './context.js';
import { writeOnce } from './write-once.js';

const ANNOTATIONS_PER_REQUEST = 50;
const ANALYZING = { title: 'Analyzing…', summary: 'Premortem is analyzing this commit without running any of its code.' };

export type CheckRunStart = { id: number } | { skip: string };

interface CheckRunSummary {
  id: number;
  status: string;
}

/**
 * The head SHA's check run, in progress. A completed one means this SHA was reviewed already (a
 * redelivered webhook, or a restart): nothing more is done unless a re-run was asked for. One left
 * in progress (a crash, a restart) is taken up again rather than doubled.
 */
export async function startCheckRun(context: ReviewContext, force: boolean): Promise<CheckRunStart> {
  const { octokit, target, settings } = context;
  const run = await findOurCheckRun(context);
  if (run?.status === 'completed' && !force) return { skip: `check run ${run.id} already completed for ${target.headSha.slice(0, 7)}` };
  if (run && run.status !== 'completed') {
    // Left in progress by a crash, a restart or a rate limit: taken up again, and says so.
    await octokit.rest.checks.update({ owner: target.owner, repo: target.repo, check_run_id: run.id, output: ANALYZING });
    return { id: run.id };
  }
  const id = await writeOnce(
    context,
    `creating the check run for ${target.headSha.slice(0, 7)}`,
    async () => {
      const created = await octokit.rest.checks.create({
        owner: target.owner,
        repo: target.repo,
        name: settings.checkName,
        head_sha: target.headSha,
        status: 'in_progress',
        started_at: new Date().toISOString(),
        output: ANALYZING,
      });
      return created.data.id;
    },
    async () => {
      const found = await findOurCheckRun(context);
      return found && found.status !== 'completed' ? found.id : undefined;
    },
  );
  return { id };
}

/** The latest check run of ours for the head SHA: our name, made by our app. */
export async function findOurCheckRun(context: ReviewContext): Promise<CheckRunSummary | undefined> {
  const { octokit, target, settings } = context;
  const { data } = await octokit.rest.checks.listForRef({
    owner: target.owner,
    repo: target.repo,
    ref: target.headSha,
    check_name: settings.checkName,
    filter: 'latest',
    per_page: 100,
  });
  return data.check_runs.find((candidate) => candidate.name === settings.checkName && candidate.app?.slug === settings.identity.appSlug);
}

/**
 * Completes the check with its annotations, 50 per request as GitHub takes them; the last request
 * sets the conclusion. GitHub appends annotations on every update, so those the run holds already
 * (from an attempt a crash cut short) are not sent again, and an update whose answer is lost is
 * checked against the run's annotation count before it is repeated.
 */
export async function completeCheckRun(
  context: ReviewContext,
  id: number,
  result: { conclusion: CheckConclusion | 'cancelled'; title: string; summary: string; annotations?: readonly CheckAnnotation[] },
): Promise<void> {
  const { octokit, target } = context;
  const annotations = (result.annotations ?? []).slice(0, context.settings.maxAnnotations);
  const output = { title: result.title, summary: truncate(result.summary, 65_000) };
  const annotationCount = async (): Promise<{ count: number; completed: boolean }> => {
    const { data } = await octokit.rest.checks.get({ owner: target.owner, repo: target.repo, check_run_id: id });
    return { count: data.output.annotations_count, completed: data.status === 'completed' };
  };
  let sent = annotations.length > 0 ? (await annotationCount()).count : 0;
  const batches: (readonly CheckAnnotation[])[] = [];
  for (let start = sent; start < annotations.length; start += ANNOTATIONS_PER_REQUEST) batches.push(annotations.slice(start, start + ANNOTATIONS_PER_REQUEST));
  const last = batches.pop() ?? [];
  for (const batch of batches) {
    const expected = sent + batch.length;
    await writeOnce(
      context,
      `annotating check run ${id}`,
      async () => {
        await octokit.rest.checks.update({ owner: target.owner, repo: target.repo, check_run_id: id, output: { ...output, annotations: [...batch] }, request: { appends: true } });
        return true;
      },
      async () => ((await annotationCount()).count >= expected ? true : undefined),
    );
    sent = expected;
  }
  const expected = sent + last.length;
  await writeOnce(
    context,
    `completing check run ${id}`,
    async () => {
      await octokit.rest.checks.update({
        owner: target.owner,
        repo: target.repo,
        check_run_id: id,
        status: 'completed',
        conclusion: result.conclusion,
        completed_at: new Date().toISOString(),
        output: { ...output, ...(last.length > 0 ? { annotations: [...last] } : {}) },
        request: { appends: last.length > 0 },
      });
      return true;
    },
    async () => {
      const state = await annotationCount();
      return state.completed && state.count >= expected ? true : undefined;
    },
  );
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}\n\n…cut here.`;
}
