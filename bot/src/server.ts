#!/usr/bin/env node
import { ConfigurationError, serverConfigFromEnv } from './settings-from-env.js';
import { startServer } from './start-server.js';

// `npm start`: the app as a long-running server. Configuration comes from the environment only.
try {
  const level = process.env.LOG_LEVEL;
  const bot = await startServer(serverConfigFromEnv(process.env), level === 'debug' || level === 'warn' || level === 'error' || level === 'silent' ? level : 'info');
  const stop = () => void bot.stop().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
} catch (error) {
  process.stderr.write(`${error instanceof ConfigurationError ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
