#!/usr/bin/env node
import { installedProgram, refuseForeignModules } from '@premortem/core';
import { logLevelFromEnv, runUntilSignalled } from './process-entry.js';
import { serverConfigFromEnv } from './settings-from-env.js';
import { startWorker } from './start-worker.js';

// `npm run worker`: a worker of a deployment whose web process queues reviews on Redis
// (REDIS_URL). Configuration comes from the environment only. It holds the app's key: it loads
// code only from premortem (analyses run in confined processes). SIGTERM: no new jobs; running
// ones may finish for PREMORTEM_DRAIN_MS, then go back to the queue for another worker.
refuseForeignModules(installedProgram(import.meta.url).packages);
await runUntilSignalled(() => startWorker(serverConfigFromEnv(process.env, 'worker'), logLevelFromEnv(process.env)));
