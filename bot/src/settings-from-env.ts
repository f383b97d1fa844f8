import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_ANALYSIS_LIMITS } from './analysis/analyze-snapshot.js';
import { DEFAULT_REQUEST_POLICY, type RequestPolicy } from './github/request-policy.js';
import { hostedTypesFromEnv } from './hosted-types/settings-from-env.js';
import type { ReviewSettings } from './pipeline/context.js';
import { DEFAULT_REDIS_QUEUE_SETTINGS, type RedisQueueSettings } from './redis/redis-settings.js';
import { DEFAULT_SNAPSHOT_LIMITS } from './snapshot/extract-tarball.js';
import { DEFAULT_WEBHOOK_LIMITS, type WebhookLimits } from './webhook-server.js';

/** A missing or malformed environment variable: the message names it and says what it wants. */
export class ConfigurationError extends Error {}

export interface ServerConfig {
  appId: string;
  privateKey: string;
  webhookSecret: string;
  port: number;
  host: string;
  webhookPath: string;
  /** The REST API's root: github.com's, or a GitHub Enterprise Server's `https://host/api/v3`. */
  baseUrl: string | undefined;
  settings: Partial<ReviewSettings>;
  requestPolicy: RequestPolicy;
  webhookLimits: WebhookLimits;
  /** On SIGTERM, how long the running review may go on before it is stopped (and resumed at the next start). */
  drainMs: number;
  /** The queue on Redis (`REDIS_URL` set): the web process enqueues, workers review. Absent: the embedded queue. */
  queue?: RedisQueueSettings;
}

/**
 * Reads a process's configuration from the environment; see bot/README.md for each variable. The
 * web process (`server`) needs the webhook secret; a `worker` needs `REDIS_URL` instead.
 */
export function serverConfigFromEnv(env: NodeJS.ProcessEnv, role: 'server' | 'worker' = 'server'): ServerConfig {
  const problems: string[] = [];
  const required = (name: string, hint: string) => {
    const value = env[name]?.trim();
    if (!value) problems.push(`${name} is not set: ${hint}`);
    return value ?? '';
  };
  const appId = required('APP_ID', 'the numeric App ID from the GitHub App settings page.');
  const webhookSecret = role === 'server' ? required('WEBHOOK_SECRET', 'the webhook secret set on the GitHub App; webhooks without a valid signature are refused.') : '';
  const redisUrl = role === 'worker' ? required('REDIS_URL', 'the Redis the web process queues reviews on, e.g. redis://redis:6379.') : env.REDIS_URL?.trim();
  if (redisUrl && !/^rediss?:\/\/[^\s]+$/.test(redisUrl)) problems.push('REDIS_URL must be a redis:// or rediss:// URL.');
  let privateKey = env.PRIVATE_KEY?.trim() ?? '';
  if (!privateKey && env.PRIVATE_KEY_PATH) {
    try {
      privateKey = readFileSync(path.resolve(env.PRIVATE_KEY_PATH), 'utf8');
    } catch {
      problems.push(`PRIVATE_KEY_PATH: cannot read ${env.PRIVATE_KEY_PATH}.`);
    }
  }
  if (!privateKey && !env.PRIVATE_KEY_PATH) problems.push('PRIVATE_KEY (the .pem contents) or PRIVATE_KEY_PATH (its path) is not set.');
  if (privateKey && !privateKey.includes('PRIVATE KEY-----')) {
    // Hosts that cannot hold newlines get the key base64-encoded, as Probot allows.
    const decoded = Buffer.from(privateKey, 'base64').toString('utf8');
    if (decoded.includes('PRIVATE KEY-----')) privateKey = decoded;
    else problems.push('PRIVATE_KEY is not a PEM private key (nor base64 of one).');
  }
  if (appId && !/^\d+$/.test(appId)) problems.push(`APP_ID must be a number, got "${appId}".`);

  const number = (name: string, fallback: number, min = 0) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) problems.push(`${name} must be a whole number ≥ ${min}, got "${raw}".`);
    return value;
  };
  const port = number('PORT', 3000, 1);
  const snapshotLimits = {
    maxFiles: number('PREMORTEM_MAX_FILES', DEFAULT_SNAPSHOT_LIMITS.maxFiles, 1),
    maxBytes: number('PREMORTEM_MAX_BYTES', DEFAULT_SNAPSHOT_LIMITS.maxBytes, 1),
    maxFileBytes: number('PREMORTEM_MAX_FILE_BYTES', DEFAULT_SNAPSHOT_LIMITS.maxFileBytes, 1),
    timeoutMs: number('PREMORTEM_DOWNLOAD_TIMEOUT_MS', DEFAULT_SNAPSHOT_LIMITS.timeoutMs, 1),
  };
  const analysisLimits = {
    timeoutMs: number('PREMORTEM_ANALYSIS_TIMEOUT_MS', DEFAULT_ANALYSIS_LIMITS.timeoutMs, 1),
    maxMemoryMb: number('PREMORTEM_ANALYSIS_MEMORY_MB', DEFAULT_ANALYSIS_LIMITS.maxMemoryMb, 256),
  };
  const requestPolicy = {
    ...DEFAULT_REQUEST_POLICY,
    writeIntervalMs: number('PREMORTEM_WRITE_INTERVAL_MS', DEFAULT_REQUEST_POLICY.writeIntervalMs),
    timeoutMs: number('PREMORTEM_REQUEST_TIMEOUT_MS', DEFAULT_REQUEST_POLICY.timeoutMs, 1),
  };
  const webhookLimits = { ...DEFAULT_WEBHOOK_LIMITS, maxBodyBytes: number('PREMORTEM_MAX_WEBHOOK_BYTES', DEFAULT_WEBHOOK_LIMITS.maxBodyBytes, 1) };
  const drainMs = number('PREMORTEM_DRAIN_MS', 20_000);
  const incomplete = env.PREMORTEM_INCOMPLETE_CONCLUSION?.trim() || 'failure';
  if (incomplete !== 'failure' && incomplete !== 'neutral') problems.push(`PREMORTEM_INCOMPLETE_CONCLUSION must be failure or neutral, got "${incomplete}".`);
  const maxInlineComments = number('PREMORTEM_MAX_INLINE_COMMENTS', 20);
  const defaults = DEFAULT_REDIS_QUEUE_SETTINGS;
  const queue: RedisQueueSettings | undefined = redisUrl
    ? {
        url: redisUrl,
        prefix: env.PREMORTEM_REDIS_PREFIX?.trim() || defaults.prefix,
        attempts: number('PREMORTEM_JOB_ATTEMPTS', defaults.attempts, 1),
        backoffMs: number('PREMORTEM_JOB_BACKOFF_MS', defaults.backoffMs),
        workerConcurrency: number('PREMORTEM_WORKER_CONCURRENCY', defaults.workerConcurrency, 1),
        installationConcurrency: number('PREMORTEM_INSTALLATION_CONCURRENCY', defaults.installationConcurrency, 1),
        lockMs: number('PREMORTEM_JOB_LOCK_MS', defaults.lockMs, 1000),
        stalledCheckMs: number('PREMORTEM_STALLED_CHECK_MS', defaults.stalledCheckMs, 100),
      }
    : undefined;
  if (queue && /[\s:{}]/.test(queue.prefix)) problems.push(`PREMORTEM_REDIS_PREFIX may not hold spaces, ':' or braces, got "${queue.prefix}".`);
  const hostedTypes = hostedTypesFromEnv(env, problems);
  if (problems.length > 0) throw new ConfigurationError(`premortem bot: cannot start:\n  ${problems.join('\n  ')}`);

  return {
    appId,
    privateKey,
    webhookSecret,
    port,
    host: env.HOST ?? '0.0.0.0',
    webhookPath: env.WEBHOOK_PATH ?? '/api/github/webhooks',
    baseUrl: env.GITHUB_API_URL ?? (env.GHE_HOST ? `${env.GHE_PROTOCOL ?? 'https'}://${env.GHE_HOST}/api/v3` : undefined),
    settings: {
      snapshotLimits,
      analysisLimits,
      maxInlineComments,
      incompleteConclusion: incomplete === 'neutral' ? 'neutral' : 'failure',
      ...(env.PREMORTEM_WORK_DIR ? { workDir: path.resolve(env.PREMORTEM_WORK_DIR) } : {}),
      ...(hostedTypes ? { hostedTypes } : {}),
    },
    requestPolicy,
    webhookLimits,
    drainMs,
    ...(queue ? { queue } : {}),
  };
}
