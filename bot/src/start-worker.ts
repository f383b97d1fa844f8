import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { Probot } from 'probot';
import { DEFAULT_SETTINGS } from './app.js';
import { jobLog } from './logging.js';
import { countQueueWith } from './metrics.js';
import { createOctokitClass } from './octokit.js';
import type { ReviewSettings } from './pipeline/context.js';
import { answerProbe, PROBE_PATHS } from './probes.js';
import { RedisReviewQueue } from './redis/redis-queue.js';
import { startReviewWorker } from './redis/review-worker.js';
import { appIdentity, createReviewRunner } from './review-runner.js';
import type { ServerConfig } from './settings-from-env.js';
import { prepareWorkDir, snapshotsFolder } from './work-dir.js';

export interface RunningWorker {
  /** `/healthz`, `/readyz` and `/metrics` of this worker. */
  server: Server;
  url: string;
  /** Stops taking jobs; running ones may finish for `graceMs`, then go back to the queue for another worker. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * A worker process: takes review jobs the web process queued on Redis and runs them (snapshot,
 * confined analysis, posting), with its own work folder. Any number run, on any machine that
 * reaches Redis and GitHub. It answers probes and metrics on its port; it takes no webhooks.
 */
export async function startWorker(config: ServerConfig, logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent' = 'info'): Promise<RunningWorker> {
  if (!config.queue) throw new Error('a worker needs the queue on Redis: set REDIS_URL');
  const queueSettings = config.queue;
  const log = pino({ level: logLevel, name: 'premortem-worker' });
  const probot = new Probot({
    appId: config.appId,
    privateKey: config.privateKey,
    log,
    Octokit: createOctokitClass(config.requestPolicy),
    ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
  });
  await probot.ready();
  const identity = config.settings.identity ?? (await appIdentity(probot));
  const settings: ReviewSettings = { ...DEFAULT_SETTINGS, ...config.settings, identity, resumesAfterShutdown: true };
  const leftovers = prepareWorkDir(settings.workDir);
  if (leftovers > 0) log.info(`removed ${leftovers} snapshot folder(s) a previous process left in ${snapshotsFolder(settings.workDir)}`);
  const plainLog = { info: (m: string) => log.info(m), warn: (m: string) => log.warn(m), error: (m: string) => log.error(m) };
  // The queue's depth for /metrics, through a connection of its own that adds nothing.
  const counter = await RedisReviewQueue.open(queueSettings, plainLog);
  countQueueWith(() => counter.counts());
  const worker = startReviewWorker(createReviewRunner(probot, settings, (job) => jobLog(log, job)), queueSettings, log);

  const server = createServer((request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://localhost');
    if (PROBE_PATHS.has(pathname)) return answerProbe(request, response, pathname, () => worker.notReady() ?? (counter.connected ? undefined : 'redis is unreachable'));
    response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'A worker answers /healthz, /readyz and /metrics only' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  log.info(`premortem worker taking reviews from Redis (${queueSettings.workerConcurrency} at a time); probes and metrics on ${config.host}:${port}`);
  let stopped: Promise<void> | undefined;
  return {
    server,
    url: `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`,
    stop: (graceMs = config.drainMs) =>
      (stopped ??= (async () => {
        await worker.stop(graceMs);
        await counter.close();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })()),
  };
}
