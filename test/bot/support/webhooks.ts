// Webhook deliveries as GitHub makes them: a signed JSON POST with the event's headers, and
// realistic minimal payloads for the events the bot handles.
import { randomUUID } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';

/** The `x-hub-signature-256` value, `sha256=<hex HMAC>`, for a payload (serialised as it will be sent). */
export function signWebhook(secret: string, payload: string | object): Promise<string> {
  return sign(secret, typeof payload === 'string' ? payload : JSON.stringify(payload));
}

export interface Delivery {
  /** The event, e.g. `pull_request`; the action is in the payload. */
  name: string;
  /** `x-github-delivery`; a fresh UUID when absent. */
  id?: string;
  payload: object;
  secret: string;
}

/** POSTs a delivery to the bot's webhook URL like GitHub does; resolves to the status the bot answered. */
export async function sendWebhook(url: string, delivery: Delivery): Promise<number> {
  const body = JSON.stringify(delivery.payload);
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/double',
      'x-github-event': delivery.name,
      'x-github-delivery': delivery.id ?? randomUUID(),
      'x-github-hook-id': '1',
      'x-github-hook-installation-target-type': 'integration',
      'x-hub-signature-256': await signWebhook(delivery.secret, body),
    },
    body,
  });
  await response.arrayBuffer();
  return response.status;
}

export interface RepositoryRef {
  owner: string;
  repo: string;
  installationId: number;
}

export interface BranchRef {
  ref: string;
  sha: string;
}

function repositoryPayload(owner: string, repo: string) {
  return {
    id: 10_001,
    node_id: 'R_double',
    name: repo,
    full_name: `${owner}/${repo}`,
    private: false,
    owner: { login: owner, id: 20_001, node_id: 'U_double', type: 'User', html_url: `https://github.com/${owner}` },
    html_url: `https://github.com/${owner}/${repo}`,
    url: `https://api.github.com/repos/${owner}/${repo}`,
    default_branch: 'main',
  };
}

function sender(login: string) {
  return { login, id: 20_002, node_id: 'U_sender', type: login.endsWith('[bot]') ? 'Bot' : 'User' };
}

/** A `pull_request` delivery (`opened` by default). */
export function pullRequestPayload(input: RepositoryRef & { number: number; head: BranchRef; base: BranchRef; action?: 'opened' | 'synchronize' | 'reopened' | 'closed' | 'edited'; state?: 'open' | 'closed'; author?: string; updatedAt?: Date }) {
  const repository = repositoryPayload(input.owner, input.repo);
  const author = input.author ?? 'octocat';
  const branch = (side: BranchRef) => ({ label: `${input.owner}:${side.ref}`, ref: side.ref, sha: side.sha, repo: repository, user: repository.owner });
  const action = input.action ?? 'opened';
  return {
    action,
    number: input.number,
    ...(action === 'synchronize' ? { before: '0'.repeat(40), after: input.head.sha } : {}),
    pull_request: {
      id: 30_000 + input.number,
      node_id: 'PR_double',
      number: input.number,
      state: input.state ?? (action === 'closed' ? 'closed' : 'open'),
      draft: false,
      title: `Pull request #${input.number}`,
      user: sender(author),
      html_url: `https://github.com/${input.owner}/${input.repo}/pull/${input.number}`,
      url: `https://api.github.com/repos/${input.owner}/${input.repo}/pulls/${input.number}`,
      head: branch(input.head),
      base: branch(input.base),
      updated_at: (input.updatedAt ?? new Date()).toISOString(),
    },
    repository,
    installation: { id: input.installationId, node_id: 'I_double' },
    sender: sender(author),
  };
}

/** A `check_run` delivery with action `rerequested`: someone pressed "Re-run" on the check. */
export function checkRunRerequestedPayload(
  input: RepositoryRef & { checkRunId: number; name: string; headSha: string; pullRequests: Array<{ number: number; head: BranchRef; base: BranchRef }>; appId?: number },
) {
  const repository = repositoryPayload(input.owner, input.repo);
  const minimalRepo = { id: repository.id, url: repository.url, name: input.repo };
  return {
    action: 'rerequested',
    check_run: {
      id: input.checkRunId,
      node_id: 'CR_double',
      name: input.name,
      head_sha: input.headSha,
      status: 'completed',
      conclusion: 'neutral',
      app: { id: input.appId ?? 1, slug: 'premortem' },
      check_suite: { id: input.checkRunId + 500_000, head_sha: input.headSha },
      pull_requests: input.pullRequests.map((pull) => ({
        url: `https://api.github.com/repos/${input.owner}/${input.repo}/pulls/${pull.number}`,
        id: 30_000 + pull.number,
        number: pull.number,
        head: { ...pull.head, repo: minimalRepo },
        base: { ...pull.base, repo: minimalRepo },
      })),
    },
    repository,
    installation: { id: input.installationId, node_id: 'I_double' },
    sender: sender('octocat'),
  };
}
