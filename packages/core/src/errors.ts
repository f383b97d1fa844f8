/** A problem with how the command was called or configured: exit code 2, message on stderr. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
