import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { Probot } from 'probot';
import { createApp, type PremortemApp } from './app.js';
import { countQueueWith } from './metrics.js';
import { createOctokitClass } from './octokit.js';
import { RedisReviewQueue } from './redis/redis-queue.js';
import type { ServerConfig } from './settings-from-env.js';
import { createWebhookServer } from './webhook-server.js';

export interface RunningBot {
  server: Server;
  app: PremortemApp;
  url: string;
  /** Stops taking webhooks, lets the running review finish for up to `graceMs`, then stops it; see `ReviewQueue.drain`. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * The app behind its webhook server: deliveries on `webhookPath`, verified with the secret.
 * Embedded (no `queue` configured), jobs run here and are written down in the work folder until
 * done, so a restart takes up what the last process left. With a queue on Redis, jobs go there
 * and worker processes (`startWorker`) run them.
 */
export async function startServer(config: ServerConfig, logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent' = 'info'): Promise<RunningBot> {
  const log = pino({ level: logLevel, name: 'premortem-bot' });
  const probot = new Probot({
    appId: config.appId,
    privateKey: config.privateKey,
    secret: config.webhookSecret,
    log,
    Octokit: createOctokitClass(config.requestPolicy),
    ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
  });
  const redisQueue = config.queue ? await RedisReviewQueue.open(config.queue, { info: (m) => log.info(m), warn: (m) => log.warn(m), error: (m) => log.error(m) }) : undefined;
  const app = await createApp(probot, { ...config.settings, durable: true, ...(redisQueue ? { redisQueue } : {}) });
  if (redisQueue) countQueueWith(() => redisQueue.counts());
  let draining: string | undefined;
  const server = createWebhookServer({
    probot,
    app,
    path: config.webhookPath,
    limits: config.webhookLimits,
    log: { info: (m) => log.info(m), warn: (m) => log.warn(m), error: (m) => log.error(m) },
    notReady: () => draining ?? (redisQueue && !redisQueue.connected ? 'redis is unreachable: deliveries cannot be queued' : undefined),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  log.info(`premortem bot listening on ${config.host}:${port}${config.webhookPath}${redisQueue ? ', queueing reviews on Redis for the workers' : ''}`);
  let stopped: Promise<void> | undefined;
  return {
    server,
    app,
    url: `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}${config.webhookPath}`,
    stop: (graceMs = config.drainMs) =>
      (stopped ??= (async () => {
        draining = 'draining: the running review may finish, no new webhooks are taken';
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await app.drain(graceMs);
        server.closeAllConnections();
        await closed;
        await redisQueue?.close();
      })()),
  };
}
