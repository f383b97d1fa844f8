import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseDatabaseUrl } from '../../packages/cli/src/stats/database-url.js';
import {
  DatabaseStatisticsError,
  readDatabaseStatistics,
  type DatabaseStatistics,
  type ReadDatabaseStatisticsOptions,
} from '../../packages/cli/src/stats/read-database-statistics.js';
import { withReadOnlySession } from '../../packages/cli/src/stats/read-only-session.js';
import { startLoopbackPostgres, type LoopbackPostgres } from './pglite-server.js';

// What `premortem stats` meets in production, in small: skewed bookings in a table mapped with
// @@map("bookings"), an enum-like status, text that needs quoting, a partitioned table, a table
// never analyzed, a second schema. PGlite trusts every login, so the password is only carried.
const seed = String.raw`
  CREATE TABLE "User" (id int PRIMARY KEY, email text NOT NULL, name text);
  CREATE UNIQUE INDEX "User_email_key" ON "User" (email);
  CREATE INDEX "User_lower_email_idx" ON "User" (lower(email)) INCLUDE (name);
  INSERT INTO "User" SELECT g, 'user' || g || '@example.com', 'User ' || g FROM generate_series(1, 500) g;

  CREATE TABLE bookings (id int PRIMARY KEY, "userId" int NOT NULL REFERENCES "User"(id), status text NOT NULL, "startTime" timestamptz NOT NULL, title text);
  CREATE INDEX "bookings_status_startTime_userId_idx" ON bookings (status, "startTime", "userId");
  CREATE UNIQUE INDEX "bookings_one_accepted_per_slot" ON bookings ("userId", "startTime") WHERE status = 'accepted';
  -- Users 1 and 2 have 4,000 bookings each; the other 498 about 4. Status: 70/20/9/1 %.
  INSERT INTO bookings SELECT g,
      CASE WHEN g <= 8000 THEN 1 + (g % 2) ELSE 3 + (g % 498) END,
      CASE WHEN g % 100 < 70 THEN 'accepted' WHEN g % 100 < 90 THEN 'cancelled' WHEN g % 100 < 99 THEN 'pending' ELSE 'rejected' END,
      timestamptz '2025-01-01' + g * interval '1 minute',
      CASE g % 10 WHEN 0 THEN 'Lunch, then coffee' WHEN 1 THEN 'Lunch, then coffee' WHEN 2 THEN 'Lunch, then coffee'
                  WHEN 3 THEN 'The "big" sync' WHEN 4 THEN 'The "big" sync' WHEN 5 THEN 'C:\temp' WHEN 6 THEN 'NULL' WHEN 7 THEN '{x}' END
    FROM generate_series(1, 10000) g;

  CREATE TABLE "__proto__" (id int);
  INSERT INTO "__proto__" VALUES (1), (2), (3);

  CREATE SCHEMA billing;
  CREATE TABLE billing."Invoice" (id int PRIMARY KEY, "userId" int NOT NULL);
  INSERT INTO billing."Invoice" SELECT g, g % 7 FROM generate_series(1, 42) g;
  -- Partitioned and analyzed as a whole: its statistics are the inherited ones.
  CREATE TABLE billing."Ledger" (id int NOT NULL, currency text NOT NULL) PARTITION BY LIST (currency);
  CREATE TABLE billing."Ledger_eur" PARTITION OF billing."Ledger" FOR VALUES IN ('EUR');
  CREATE TABLE billing."Ledger_usd" PARTITION OF billing."Ledger" FOR VALUES IN ('USD');
  INSERT INTO billing."Ledger" SELECT g, CASE WHEN g % 4 = 0 THEN 'EUR' ELSE 'USD' END FROM generate_series(1, 400) g;

  ANALYZE;

  -- Created after ANALYZE: partitions analyzed but not their parent (as autovacuum leaves them),
  -- and a table never analyzed at all.
  CREATE TABLE "Event" (id int NOT NULL, kind text NOT NULL) PARTITION BY RANGE (id);
  CREATE TABLE "Event_2024" PARTITION OF "Event" FOR VALUES FROM (0) TO (1000);
  CREATE TABLE "Event_2025" PARTITION OF "Event" FOR VALUES FROM (1000) TO (2000);
  CREATE INDEX "Event_kind_id_idx" ON "Event" (kind, id);
  INSERT INTO "Event" SELECT g, CASE WHEN g % 2 = 0 THEN 'click' ELSE 'view' END FROM generate_series(1, 1500) g;
  ANALYZE "Event_2024", "Event_2025";

  CREATE TABLE "AuditLog" (id int, action text);
  INSERT INTO "AuditLog" SELECT g, 'login' FROM generate_series(1, 1234) g;
  -- PostgreSQL publishes live-tuple counts about once a second; do it now.
  SELECT pg_stat_force_next_flush();
`;

const PASSWORD = 'pl3ase-n0t-th1s';

let postgres: LoopbackPostgres;
let url: string;

beforeAll(async () => {
  postgres = await startLoopbackPostgres(seed);
  url = `postgres://postgres:${PASSWORD}@127.0.0.1:${postgres.port}/postgres`;
});

afterAll(async () => {
  await postgres?.stop();
});

/** Reads, then checks the connection was closed: PGlite would turn the next one away. */
async function read(target = url, options?: ReadDatabaseStatisticsOptions): Promise<DatabaseStatistics> {
  try {
    return await readDatabaseStatistics(target, options);
  } finally {
    await expect.poll(() => postgres.openConnections()).toBe(0);
  }
}

describe('readDatabaseStatistics on PostgreSQL', () => {
  it('reads row counts from pg_class, a partitioned table through its partitions', async () => {
    const stats = await read();
    expect(stats.schema).toBe('public');
    // Partitions belong to their parent and are not listed; names come sorted.
    expect(Object.keys(stats.tables)).toEqual(['AuditLog', 'Event', 'User', '__proto__', 'bookings']);
    expect(stats.tables.bookings).toMatchObject({ table: 'bookings', rows: 10_000, rowsSource: 'reltuples' });
    expect(stats.tables.User).toMatchObject({ rows: 500, rowsSource: 'reltuples' });
    expect(stats.tables.Event).toMatchObject({ rows: 1_500, rowsSource: 'reltuples' });
    // A table named __proto__ is a table, not the object's prototype.
    expect(Object.hasOwn(stats.tables, '__proto__')).toBe(true);
    expect(stats.tables['__proto__']).toMatchObject({ table: '__proto__', rows: 3 });
    expect(Object.getPrototypeOf(stats.tables)).toBe(Object.prototype);
    expect(stats.truncated).toBeUndefined();
  });

  it('falls back to n_live_tup for a table never analyzed, and says so', async () => {
    const stats = await read();
    expect(stats.tables.AuditLog).toMatchObject({ rows: 1_234, rowsSource: 'n_live_tup', columns: {} });
    expect(stats.notes).toContainEqual(expect.stringMatching(/^2 tables have rows but no column statistics \("AuditLog", "Event"\): never analyzed.* Run ANALYZE/));
  });

  it('reads n_distinct, the null fraction and the most common values with their frequencies', async () => {
    const { columns } = (await read()).tables.bookings!;
    expect(columns.id).toMatchObject({ nDistinct: -1, nullFraction: 0, mostCommon: [] });

    // The skew: two users hold 80% of the bookings.
    expect(columns.userId!.nDistinct).toBe(500);
    expect(columns.userId!.mostCommon.slice(0, 2).map((c) => c.value).sort()).toEqual(['1', '2']);
    for (const common of columns.userId!.mostCommon.slice(0, 2)) expect(common.frequency).toBeCloseTo(0.4, 5);

    expect(columns.status!.nDistinct).toBe(4);
    expect(columns.status!.mostCommon.map((c) => c.value)).toEqual(['accepted', 'cancelled', 'pending', 'rejected']);
    expect(columns.status!.mostCommon.map((c) => c.frequency)).toEqual([0.7, 0.2, 0.09, 0.01]);

    // Values that need quoting come back as stored; the text NULL is not a null.
    const title = columns.title!;
    expect(title.nullFraction).toBeCloseTo(0.2, 5);
    expect(Object.fromEntries(title.mostCommon.map((c) => [c.value, c.frequency]))).toEqual({
      'Lunch, then coffee': 0.3,
      'The "big" sync': 0.2,
      'C:\\temp': 0.1,
      NULL: 0.1,
      '{x}': 0.1,
    });
  });

  it('lists indexes with their key columns in index order and their uniqueness', async () => {
    const { tables } = await read();
    expect(tables.bookings!.indexes).toEqual([
      { name: 'bookings_one_accepted_per_slot', columns: ['userId', 'startTime'], unique: true, partial: true },
      { name: 'bookings_pkey', columns: ['id'], unique: true, partial: false },
      { name: 'bookings_status_startTime_userId_idx', columns: ['status', 'startTime', 'userId'], unique: false, partial: false },
    ]);
    // INCLUDE columns are not keys; an expression is shown in parentheses.
    expect(tables.User!.indexes).toEqual([
      { name: 'User_email_key', columns: ['email'], unique: true, partial: false },
      { name: 'User_lower_email_idx', columns: ['(lower(email))'], unique: false, partial: false },
      { name: 'User_pkey', columns: ['id'], unique: true, partial: false },
    ]);
    expect(tables.Event!.indexes).toEqual([{ name: 'Event_kind_id_idx', columns: ['kind', 'id'], unique: false, partial: false }]);
    expect(tables.AuditLog!.indexes).toEqual([]);
  });

  it('reads the schema named by ?schema= in the URL, or by the option, which wins', async () => {
    const fromUrl = await read(`${url}?schema=billing&connection_limit=1`);
    expect(fromUrl.schema).toBe('billing');
    expect(Object.keys(fromUrl.tables)).toEqual(['Invoice', 'Ledger']);
    expect(fromUrl.tables.Invoice).toMatchObject({ rows: 42, rowsSource: 'reltuples' });
    expect(fromUrl.tables.Ledger).toMatchObject({ rows: 400, rowsSource: 'reltuples' });
    expect(fromUrl.tables.Ledger!.columns.currency!.mostCommon).toEqual([
      { value: 'USD', frequency: 0.75 },
      { value: 'EUR', frequency: 0.25 },
    ]);
    // 7 values in 42 rows is over 10%: PostgreSQL stores it as a share of the rows, -7/42.
    expect(fromUrl.tables.Invoice!.columns.userId!.nDistinct).toBeCloseTo(-7 / 42, 6);

    const fromOption = await read(`${url}?schema=public`, { schema: 'billing' });
    expect(Object.keys(fromOption.tables)).toEqual(['Invoice', 'Ledger']);
  });

  it('names the schemas there are when the one asked for does not exist, and still closes the connection', async () => {
    const error: unknown = await read(`${url}?schema=nope`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DatabaseStatisticsError);
    expect((error as DatabaseStatisticsError).failure).toBe('missing-schema');
    expect((error as DatabaseStatisticsError).message).toBe(
      `Cannot read statistics from postgres://postgres@127.0.0.1:${postgres.port}/postgres?schema=nope: schema "nope" does not exist there. Schemas present: "billing", "public". Name one with ?schema=NAME in the URL.`,
    );
    // The single connection PGlite allows is free again.
    expect(Object.keys((await read()).tables)).toContain('bookings');
  });

  it('reads at most maxTables tables, partitioned then largest first, and says how many it left out', async () => {
    const stats = await read(url, { maxTables: 2 });
    expect(Object.keys(stats.tables)).toEqual(['Event', 'bookings']);
    expect(stats.truncated).toEqual({ tablesRead: 2, tablesInSchema: 5 });
    expect(stats.notes).toContainEqual('Schema "public" has 5 tables; read the 2 largest, so 3 have no statistics.');
  });

  it('reports the database without its password, and nothing in the result contains it', async () => {
    const stats = await read();
    expect(stats.database).toBe(`postgres://postgres@127.0.0.1:${postgres.port}/postgres`);
    expect(JSON.stringify(stats)).not.toContain(PASSWORD);
  });
});

describe('read-only session', () => {
  it('issues only reads, inside one READ ONLY transaction, and leaves the database as it was', async () => {
    const before = await postgres.db.query<{ tables: number; bookings: number }>(
      `SELECT (SELECT count(*) FROM pg_class WHERE relkind = 'r')::int AS tables, (SELECT count(*) FROM bookings)::int AS bookings`,
    );
    const spy = vi.spyOn(pg.Client.prototype, 'query');
    try {
      await read();
      const statements = spy.mock.calls.map(([sql]) => (typeof sql === 'string' ? sql.trim() : JSON.stringify(sql)));
      expect(statements[0]).toBe('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      expect(statements.at(-1)).toBe('ROLLBACK');
      for (const sql of statements.slice(1, -1)) {
        expect(sql).toMatch(/^(SELECT|WITH)\b/);
        expect(sql).not.toMatch(/\b(INSERT|UPDATE|DELETE|MERGE|CREATE|ALTER|DROP|TRUNCATE|GRANT|REVOKE|COPY|VACUUM|ANALYZE|LOCK|SET|COMMIT)\b/i);
      }
    } finally {
      spy.mockRestore();
    }
    const after = await postgres.db.query(`SELECT (SELECT count(*) FROM pg_class WHERE relkind = 'r')::int AS tables, (SELECT count(*) FROM bookings)::int AS bookings`);
    expect(after.rows).toEqual(before.rows);
  });

  it('runs with transaction_read_only on and the statement timeout set, and refuses writes', async () => {
    const target = parseDatabaseUrl(url);
    const error: unknown = await withReadOnlySession(target, { connectTimeoutMs: 10_000, statementTimeoutMs: 15_000 }, async (query) => {
      expect(await query<{ transaction_read_only: string }>('SHOW transaction_read_only')).toEqual([{ transaction_read_only: 'on' }]);
      expect(await query<{ statement_timeout: string }>('SHOW statement_timeout')).toEqual([{ statement_timeout: '15s' }]);
      await query('CREATE TABLE intruder (id int)');
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DatabaseStatisticsError);
    expect((error as Error).message).toMatch(/cannot execute CREATE TABLE in a read-only transaction \(25006\)/);
    await expect.poll(() => postgres.openConnections()).toBe(0);
    const intruder = await postgres.db.query(`SELECT to_regclass('intruder') AS oid`);
    expect(intruder.rows).toEqual([{ oid: null }]);
  });

  it('lets a bug surface as itself, not as a database problem, and still closes the connection', async () => {
    const bug = new TypeError('a bug in premortem');
    const error: unknown = await withReadOnlySession(parseDatabaseUrl(url), { connectTimeoutMs: 10_000, statementTimeoutMs: 15_000 }, () => Promise.reject(bug)).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBe(bug);
    await expect.poll(() => postgres.openConnections()).toBe(0);
  });
});
