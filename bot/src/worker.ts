#!/usr/bin/env node
import { installedProgram, refuseForeignModules } from '@premortem/core';
import { RedisUnreachable } from './redis/connect-redis.js';
import { ConfigurationError, serverConfigFromEnv } from './settings-from-env.js';
import { startWorker } from './start-worker.js';
import { WorkDirInUse } from './work-dir.js';

// `npm run worker`: a worker of a deployment whose web process queues reviews on Redis
// (REDIS_URL). Configuration comes from the environment only. It holds the app's key: it loads
// code only from premortem (analyses run in confined processes).
refuseForeignModules(installedProgram(import.meta.url).packages);
try {
  const level = process.env.LOG_LEVEL;
  const worker = await startWorker(serverConfigFromEnv(process.env, 'worker'), level === 'debug' || level === 'warn' || level === 'error' || level === 'silent' ? level : 'info');
  // SIGTERM: no new jobs; running ones may finish for PREMORTEM_DRAIN_MS, then go back to the queue for another worker.
  const stop = () => void worker.stop().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
} catch (error) {
  const known = error instanceof ConfigurationError || error instanceof WorkDirInUse || error instanceof RedisUnreachable;
  process.stderr.write(`${known ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
