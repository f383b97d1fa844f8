#!/usr/bin/env node
import { installedProgram, refuseForeignModules } from '@premortem/core';
import { logLevelFromEnv, runUntilSignalled } from './process-entry.js';
import { serverConfigFromEnv } from './settings-from-env.js';
import { startServer } from './start-server.js';

// `npm start`: the app as a long-running server. Configuration comes from the environment only.
// It holds the app's key: it loads code only from premortem (analyses run in confined processes).
// SIGTERM drains: no new webhooks, the running review finishes or is stopped and resumed at the next start.
refuseForeignModules(installedProgram(import.meta.url).packages);
await runUntilSignalled(() => startServer(serverConfigFromEnv(process.env), logLevelFromEnv(process.env)));
