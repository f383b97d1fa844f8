import pg from 'pg';
import type { QueryResultRow } from 'pg';
import type { DatabaseTarget } from './database-url.js';
import { DatabaseStatisticsError } from './database-statistics-error.js';
import { connectionFailure, isDriverError, readFailure, type Timeouts } from './explain-database-error.js';

/** Runs one statement of the read-only transaction and returns its rows. */
export type ReadOnlyQuery = <Row extends QueryResultRow>(sql: string, params?: unknown[]) => Promise<Row[]>;

/** How long `end()` may take before the socket is simply dropped. */
const DISCONNECT_GRACE_MS = 1_000;

/**
 * Connects, runs `work` inside a single `READ ONLY` transaction with a statement timeout, and
 * always disconnects. Everything is transaction-scoped (`BEGIN … READ ONLY`, `set_config(…, true)`)
 * rather than session-scoped: behind PgBouncer in transaction mode a session setting would not
 * stick, and would leak into the pooled connection the application gets next.
 */
export async function withReadOnlySession<T>(target: DatabaseTarget, timeouts: Timeouts, work: (query: ReadOnlyQuery) => Promise<T>): Promise<T> {
  let client: pg.Client;
  try {
    client = new pg.Client({
      connectionString: target.connectionString,
      connectionTimeoutMillis: timeouts.connectTimeoutMs,
      // A backstop for a server that never answers, where statement_timeout cannot help.
      query_timeout: timeouts.statementTimeoutMs + Math.min(timeouts.statementTimeoutMs, 5_000),
      application_name: 'premortem stats',
    });
  } catch (error) {
    // pg reads sslrootcert and friends while parsing the URL.
    throw connectionFailure(error, target, timeouts);
  }
  // Without a listener, a connection dropped between queries would crash the process.
  client.on('error', () => undefined);

  try {
    await client.connect();
  } catch (error) {
    await disconnect(client);
    throw connectionFailure(error, target, timeouts);
  }

  try {
    // REPEATABLE READ: every catalog query sees the same snapshot, so tables, columns and indexes agree.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await client.query(`SELECT pg_catalog.set_config('statement_timeout', $1, true)`, [String(Math.round(timeouts.statementTimeoutMs))]);
    const query: ReadOnlyQuery = async <Row extends QueryResultRow>(sql: string, params?: unknown[]) =>
      (await client.query<Row>(sql, params)).rows;
    const result = await work(query);
    // Nothing was written, so there is nothing to commit.
    await client.query('ROLLBACK');
    return result;
  } catch (error) {
    throw error instanceof DatabaseStatisticsError || !isDriverError(error) ? error : readFailure(error, target, timeouts);
  } finally {
    await disconnect(client);
  }
}

/** Ends the session; a server that does not acknowledge in time is cut off rather than waited for. */
async function disconnect(client: pg.Client): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const ended = client.end().then(
    () => true,
    () => true,
  );
  const gaveUp = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), DISCONNECT_GRACE_MS);
  });
  const clean = await Promise.race([ended, gaveUp]);
  clearTimeout(timer);
  if (!clean) client.connection.stream.destroy();
}
