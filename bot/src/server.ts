#!/usr/bin/env node
import { installedProgram, refuseForeignModules } from '@premortem/core';
import { RedisUnreachable } from './redis/connect-redis.js';
import { ConfigurationError, serverConfigFromEnv } from './settings-from-env.js';
import { startServer } from './start-server.js';
import { WorkDirInUse } from './work-dir.js';

// `npm start`: the app as a long-running server. Configuration comes from the environment only.
// It holds the app's key: it loads code only from premortem (analyses run in confined processes).
refuseForeignModules(installedProgram(import.meta.url).packages);
try {
  const level = process.env.LOG_LEVEL;
  const bot = await startServer(serverConfigFromEnv(process.env), level === 'debug' || level === 'warn' || level === 'error' || level === 'silent' ? level : 'info');
  // SIGTERM drains: no new webhooks, the running review finishes or is stopped and resumed at the next start.
  const stop = () => void bot.stop().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
} catch (error) {
  const known = error instanceof ConfigurationError || error instanceof WorkDirInUse || error instanceof RedisUnreachable;
  process.stderr.write(`${known ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
