import type { ReviewTarget } from './pipeline/context.js';
import type { ReviewJob } from './queue.js';

/** A webhook delivery's event: its name (`x-github-event`) and its parsed, verified payload. */
export interface Delivery {
  name: string;
  payload: unknown;
}

export type Routed = { job: ReviewJob } | { skip: string };

/**
 * The webhook events a review starts from, with the actions that start one. `bot/app.yml`
 * subscribes the app to exactly these events (test/bot/shipping.test.ts holds them equal).
 */
export const REVIEWED_EVENTS = {
  pull_request: ['opened', 'synchronize', 'reopened'],
  check_run: ['rerequested'],
} as const satisfies Record<string, readonly string[]>;

const REVIEWED_ACTIONS = new Set<string>(REVIEWED_EVENTS.pull_request);
const RERUN_ACTIONS = new Set<string>(REVIEWED_EVENTS.check_run);

/**
 * Which review a delivery asks for, from its payload alone (nothing is fetched, so a delivery is
 * answered in a millisecond or two): a pull request opened, pushed to or reopened, or our check
 * run re-run on GitHub. Everything else is skipped, with the reason.
 */
export function routeEvent(delivery: Delivery, options: { checkName: string; useInstallation: boolean }): Routed {
  const payload = delivery.payload as Payload;
  const action = typeof payload?.action === 'string' ? payload.action : '';
  const repository = payload?.repository;
  if (!isRepository(repository)) return { skip: `${delivery.name}.${action}: no repository in the payload` };
  const installationId = options.useInstallation && typeof payload.installation?.id === 'number' ? payload.installation.id : undefined;
  const job = (target: ReviewTarget, force: boolean, pushedAt?: number): Routed => ({
    job: {
      key: `${target.owner}/${target.repo}#${target.pullNumber}`,
      sha: target.headSha,
      force,
      target,
      ...(installationId !== undefined ? { installationId } : {}),
      ...(pushedAt !== undefined ? { pushedAt } : {}),
    },
  });

  if (delivery.name === 'pull_request') {
    if (!REVIEWED_ACTIONS.has(action)) return { skip: `pull_request.${action}: not a push` };
    const pull = payload.pull_request;
    if (!isPull(pull)) return { skip: 'pull_request: no pull request in the payload' };
    if (pull.state !== 'open') return { skip: `#${pull.number}: the pull request is ${pull.state}` };
    const updatedAt = typeof pull.updated_at === 'string' ? Date.parse(pull.updated_at) : Number.NaN;
    return job({ owner: repository.owner.login, repo: repository.name, pullNumber: pull.number, headSha: pull.head.sha, baseSha: pull.base.sha, htmlUrl: repository.html_url }, false, Number.isFinite(updatedAt) ? updatedAt : undefined);
  }
  if (delivery.name === 'check_run' && RERUN_ACTIONS.has(action)) {
    const run = payload.check_run;
    if (!isCheckRun(run)) return { skip: 'check_run.rerequested: no check run in the payload' };
    if (run.name !== options.checkName) return { skip: `check run "${run.name}" is not ours` };
    const pull = run.pull_requests.find((candidate) => candidate.head.sha === run.head_sha) ?? run.pull_requests[0];
    if (!pull) return { skip: `check run ${run.id}: no pull request of this repository is attached (a fork's?)` };
    return job({ owner: repository.owner.login, repo: repository.name, pullNumber: pull.number, headSha: run.head_sha, baseSha: pull.base.sha, htmlUrl: repository.html_url }, true);
  }
  return { skip: `${delivery.name}${action ? `.${action}` : ''}: not an event premortem reviews` };
}

interface Payload {
  action?: unknown;
  installation?: { id?: unknown };
  repository?: unknown;
  pull_request?: unknown;
  check_run?: unknown;
}

interface Repository {
  name: string;
  html_url: string;
  owner: { login: string };
}

interface Branch {
  sha: string;
}

interface Pull {
  number: number;
  state: string;
  /** When the pull request last changed: a push's event carries a later time than an earlier push's. */
  updated_at?: unknown;
  head: Branch;
  base: Branch;
}

interface CheckRun {
  id: number;
  name: string;
  head_sha: string;
  pull_requests: { number: number; head: Branch; base: Branch }[];
}

const isString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const isBranch = (value: unknown): value is Branch => isObject(value) && isString(value.sha);

function isRepository(value: unknown): value is Repository {
  return isObject(value) && isString(value.name) && isString(value.html_url) && isObject(value.owner) && isString(value.owner.login);
}

function isPull(value: unknown): value is Pull {
  return isObject(value) && Number.isInteger(value.number) && isString(value.state) && isBranch(value.head) && isBranch(value.base);
}

function isCheckRun(value: unknown): value is CheckRun {
  return (
    isObject(value) &&
    isString(value.name) &&
    isString(value.head_sha) &&
    Array.isArray(value.pull_requests) &&
    value.pull_requests.every((pull) => isObject(pull) && Number.isInteger(pull.number) && isBranch(pull.head) && isBranch(pull.base))
  );
}
