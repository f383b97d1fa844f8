import pg from 'pg';
import { DatabaseStatisticsError, type DatabaseStatisticsFailure } from './database-statistics-error.js';
import { scrubSecrets, type DatabaseTarget } from './database-url.js';

export interface Timeouts {
  connectTimeoutMs: number;
  statementTimeoutMs: number;
}

/** Node's socket errors and PostgreSQL's SQLSTATE both arrive as `code`. */
interface DriverError {
  code?: unknown;
  message?: unknown;
}

const UNTRUSTED_CERTIFICATE = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** A failure while connecting and logging in, as a message that says what to do. */
export function connectionFailure(error: unknown, target: DatabaseTarget, timeouts: Timeouts): DatabaseStatisticsError {
  const { code, message } = describe(error, target);
  const fail = (failure: DatabaseStatisticsFailure, problem: string) =>
    new DatabaseStatisticsError(`Cannot connect to ${target.redacted}: ${problem}`, failure);
  const user = target.user ? `user "${target.user}"` : 'the default user';

  if (code === 'ECONNREFUSED') {
    return fail('unreachable', `nothing is listening on ${target.address}. Check that PostgreSQL is running there and that the host and port in the URL are right.`);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return fail('unreachable', `the host in the URL (${target.address}) does not resolve. Check its spelling, or connect the VPN or tunnel it is reached through.`);
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    return fail('unreachable', `there is no route to ${target.address}. Connect the VPN or tunnel the database is reached through.`);
  }
  if (code === 'ETIMEDOUT' || /timeout expired|connection timeout/i.test(message)) {
    return fail(
      'timeout',
      `no answer from ${target.address} within ${seconds(timeouts.connectTimeoutMs)}. Check the host and port, and that no firewall or security group drops the connection; allow a longer connection timeout if the server is just slow.`,
    );
  }
  if (code === '28P01') {
    return fail('login-failed', `the server rejected the password for ${user}. Check the user and password in the URL (percent-encode @, :, / and # in the password).`);
  }
  if (code === '28000') {
    return fail(
      'login-failed',
      `the server does not let ${user} in: ${message}. If the server requires SSL, add ?sslmode=require to the URL; otherwise ask for access in pg_hba.conf.`,
    );
  }
  if (code === '3D000') {
    return fail('missing-database', `database "${target.database}" does not exist on that server. Check the database name at the end of the URL.`);
  }
  if (code === '53300') {
    return fail('failed', `the server has no free connection slots (${message}). Try again later, or use a URL that goes through the connection pooler.`);
  }
  if (code === '57P03') {
    return fail('failed', `the server is not accepting connections yet (${message}). Try again when it has finished starting.`);
  }
  if (typeof code === 'string' && UNTRUSTED_CERTIFICATE.has(code)) {
    return fail(
      'tls',
      `the server's TLS certificate is not trusted (${code}). Pass its CA with ?sslrootcert=/path/to/ca.pem, or use ?sslmode=require to encrypt without verifying the certificate.`,
    );
  }
  if (/does not support SSL/i.test(message)) {
    return fail('tls', 'the server does not support SSL. Remove sslmode from the URL or set ?sslmode=disable.');
  }
  if (code === 'ENOENT' || code === 'EACCES') {
    return fail('invalid-url', `a file named in the URL (sslrootcert, sslcert or sslkey) cannot be read: ${message}`);
  }
  if (code === 'ECONNRESET' || /terminated unexpectedly/i.test(message)) {
    return fail(
      'unreachable',
      `the server closed the connection during login. If it requires SSL, add ?sslmode=require to the URL; check also that ${target.address} is PostgreSQL and not another service.`,
    );
  }
  return fail('failed', `${message}${typeof code === 'string' ? ` (${code})` : ''}. Check the URL and that the server accepts connections from here.`);
}

/**
 * Whether an error came from the server or the connection, as opposed to a bug here: only those
 * are the user's to fix, the rest should surface as internal errors.
 */
export function isDriverError(error: unknown): boolean {
  if (error instanceof pg.DatabaseError) return true;
  if (!(error instanceof Error)) return false;
  return typeof (error as DriverError).code === 'string' || /query read timeout|connection terminated/i.test(error.message);
}

/** A failure after login, while reading the catalogs. */
export function readFailure(error: unknown, target: DatabaseTarget, timeouts: Timeouts): DatabaseStatisticsError {
  if (error instanceof DatabaseStatisticsError) return error;
  const { code, message } = describe(error, target);
  const fail = (failure: DatabaseStatisticsFailure, problem: string) =>
    new DatabaseStatisticsError(`Reading statistics from ${target.redacted} failed: ${problem}`, failure);

  // 57014: statement_timeout cancelled the query; "Query read timeout": our client-side backstop.
  if (code === '57014' || /query read timeout/i.test(message)) {
    return fail(
      'timeout',
      `a catalog query took longer than ${seconds(timeouts.statementTimeoutMs)} and was cancelled. The server is overloaded or the schema is very large: allow a longer timeout, or read from a replica.`,
    );
  }
  if (code === '42501') {
    return fail('permission', `${message}. The user needs to read pg_catalog (any login role can by default); connect as a user that can.`);
  }
  if (/terminated/i.test(message)) {
    return fail('unreachable', `the server closed the connection (${message}). Try again; if it keeps happening, check the server's logs.`);
  }
  return fail('failed', `${message}${typeof code === 'string' ? ` (${code})` : ''}.`);
}

function describe(error: unknown, target: DatabaseTarget): { code: unknown; message: string } {
  const driver: DriverError = typeof error === 'object' && error !== null ? error : {};
  const raw = typeof driver.message === 'string' ? driver.message : String(error);
  // Driver and server text is not ours: scrub it, and drop a trailing period so it can be quoted.
  return { code: driver.code, message: scrubSecrets(raw, target).replace(/\.$/, '') };
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1)).toLocaleString('en-US')} s`;
}
