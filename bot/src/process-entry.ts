import { RedisUnreachable } from './redis/connect-redis.js';
import { ConfigurationError } from './settings-from-env.js';
import { WorkDirInUse } from './work-dir.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** `LOG_LEVEL`, Probot's name; anything unknown is `info`. */
export function logLevelFromEnv(env: NodeJS.ProcessEnv): LogLevel {
  const level = env.LOG_LEVEL;
  return level === 'debug' || level === 'warn' || level === 'error' || level === 'silent' ? level : 'info';
}

/**
 * Starts a long-running process (the web process or a worker); SIGTERM and SIGINT stop it (see
 * its `stop`). What the operator can fix at start (a variable, the work folder, Redis) is said in
 * one line, exit code 1.
 */
export async function runUntilSignalled(start: () => Promise<{ stop(): Promise<void> }>): Promise<void> {
  try {
    const running = await start();
    const stop = () =>
      void running.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(`premortem: the stop did not finish cleanly: ${error instanceof Error ? error.message : String(error)}\n`);
          process.exit(1);
        },
      );
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  } catch (error) {
    const known = error instanceof ConfigurationError || error instanceof WorkDirInUse || error instanceof RedisUnreachable;
    process.stderr.write(`${known ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
