import { UsageError } from '@premortem/core';

/** What went wrong, for callers that react differently (retry, exit code) without parsing messages. */
export type DatabaseStatisticsFailure =
  | 'invalid-url'
  | 'unreachable'
  | 'timeout'
  | 'login-failed'
  | 'missing-database'
  | 'missing-schema'
  | 'tls'
  | 'permission'
  | 'unsupported-server'
  | 'failed';

/**
 * Reading statistics failed. The message names the problem and what to do about it, and never
 * contains the password. A UsageError, so the CLI reports it on stderr with exit code 2.
 */
export class DatabaseStatisticsError extends UsageError {
  constructor(
    message: string,
    readonly failure: DatabaseStatisticsFailure,
  ) {
    super(message);
  }
}
