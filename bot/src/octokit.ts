import { ProbotOctokit } from 'probot';
import { requestPolicyPlugin, type RequestPolicy } from './github/request-policy.js';

/**
 * Probot's Octokit with our request policy in place of its retry and throttling plugins (see
 * request-policy.ts): one place decides pacing, retries and backoff.
 */
export function createOctokitClass(policy: RequestPolicy): typeof ProbotOctokit {
  return ProbotOctokit.plugin(requestPolicyPlugin(policy)).defaults<typeof ProbotOctokit>((options: Record<string, unknown>) => ({
    ...options,
    retry: { enabled: false },
    throttle: { ...(options.throttle as object | undefined), enabled: false },
  }));
}
