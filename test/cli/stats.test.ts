import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatsFile } from '@premortem/core';
import { createProject, parseReport, runCliAsync, strictTsconfig } from '../support/cli.js';
import { closedPort } from '../stats/loopback-port.js';

// A real PostgreSQL (PGlite, compiled to WebAssembly) served on loopback: skewed bookings, a
// mapped table and column, ANALYZE run, as `premortem stats` would meet them in production.
const schema = `
datasource db {
  provider = "postgresql"
}
model User {
  id       Int       @id
  email    String    @unique
  bookings Booking[]
}
model Booking {
  id        Int      @id
  userId    Int      @map("user_id")
  user      User     @relation(fields: [userId], references: [id])
  status    String
  startTime DateTime
  @@index([userId, startTime])
  @@map("bookings")
}
`;
const code = `
declare const prisma: any;
export function search(userId: number) {
  return prisma.booking.findMany({ where: { userId } });
}
export function byStatus() {
  return prisma.booking.findMany({ where: { status: 'cancelled' }, take: 10_000 });
}
`;

let db: PGlite;
let server: PGLiteSocketServer;
let url: string;

beforeAll(async () => {
  db = await PGlite.create();
  await db.exec(`
    CREATE TABLE "User" (id int PRIMARY KEY, email text UNIQUE NOT NULL);
    CREATE TABLE bookings (id int PRIMARY KEY, user_id int NOT NULL REFERENCES "User"(id), status text NOT NULL, "startTime" timestamptz NOT NULL);
    CREATE INDEX ON bookings (user_id, "startTime");
    INSERT INTO "User" SELECT g, 'user' || g || '@example.com' FROM generate_series(1, 500) g;
    -- Users 1 and 2 have 4,000 bookings each; the other 498 have 4.
    INSERT INTO bookings SELECT g, CASE WHEN g <= 8000 THEN 1 + (g % 2) ELSE 3 + (g % 498) END,
      CASE WHEN g % 10 = 0 THEN 'cancelled' ELSE 'accepted' END, now() FROM generate_series(1, 9992) g;
    ANALYZE;
  `);
  const port = await closedPort();
  server = new PGLiteSocketServer({ db, port, host: '127.0.0.1' });
  await server.start();
  url = `postgres://postgres:s3cret-pw@127.0.0.1:${port}/postgres`;
});

afterAll(async () => {
  await server?.stop();
  await db?.close();
});

describe('premortem stats against PostgreSQL', () => {
  it('writes table sizes and column statistics keyed by model and field, and never the password', async () => {
    const dir = createProject({ 'schema.prisma': schema, 'tsconfig.json': strictTsconfig, 'src/search.ts': code });
    const result = await runCliAsync(['stats', '--database-url', url], dir);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Wrote \.premortem\/prisma-stats\.json: 2 models/);

    const text = readFileSync(path.join(dir, '.premortem/prisma-stats.json'), 'utf8');
    expect(text + result.stdout).not.toContain('s3cret-pw');
    const stats = JSON.parse(text) as StatsFile;
    expect(stats.models.Booking).toMatchObject({ table: 'bookings', rows: 9992 });
    expect(stats.models.User?.rows).toBe(500);
    // Column `user_id` is reported under its field name, userId; users 1 and 2 are the common values.
    const userId = stats.models.Booking!.columns.userId!;
    expect(userId.nDistinct).toBeGreaterThan(400);
    expect(userId.mostCommon.slice(0, 2).map((c) => c.value).sort()).toEqual(['1', '2']);
    expect(userId.mostCommon[0]!.frequency).toBeCloseTo(0.4, 1);
    expect(stats.models.Booking!.columns.status!.mostCommon.find((c) => c.value === 'cancelled')?.frequency).toBeCloseTo(0.1, 2);

    // The database is untouched: same rows, no new tables.
    const tables = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`);
    expect(tables.rows[0]?.n).toBe(2);

    // And the estimates now follow the database instead of the defaults.
    const before = parseReport((await runCliAsync(['queries', '--format', 'json'], createProject({ 'schema.prisma': schema, 'tsconfig.json': strictTsconfig, 'src/search.ts': code }))).stdout).queries;
    const after = parseReport((await runCliAsync(['queries', '--format', 'json'], dir)).stdout).queries;
    expect(before.map((q) => q.estimatedRows)).toEqual([50, 50]);
    expect(after[0]).toMatchObject({ model: 'Booking', bounded: false, index: 'Booking(userId,startTime)' });
    // A parameter: the planner's generic 1 / n_distinct (~20), and the heaviest user named too.
    expect(after[0]!.estimatedRows).toBeGreaterThan(10);
    expect(after[0]!.estimatedRows).toBeLessThan(40);
    expect(after[0]!.costClass).toMatch(/^grows with the user's bookings; up to ~4,\d{3} for the largest$/);
    expect(after[1]!.estimatedRows).toBeCloseTo(999, -1);
  });

  it('fails with exit 2 and a clear message when nothing listens at the address', async () => {
    const dir = createProject({ 'schema.prisma': schema });
    const result = await runCliAsync(['stats', '--database-url', 'postgres://app:hunter22@127.0.0.1:1/app'], dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/postgres:\/\/app@127\.0\.0\.1:1\/app: nothing is listening on 127\.0\.0\.1:1/);
    expect(result.stderr).not.toContain('hunter22');
  });

  it('rejects a URL that is not PostgreSQL', async () => {
    const dir = createProject({ 'schema.prisma': schema });
    const result = await runCliAsync(['stats', '--database-url', 'mysql://root@localhost/app'], dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/premortem stats reads PostgreSQL only\. Pass a postgres:\/\/ URL/);
  });

  it('says so when the project has no Prisma schema', async () => {
    const dir = createProject({ 'src/a.ts': 'export {};\n' });
    const result = await runCliAsync(['stats', '--database-url', url], dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/No Prisma schema found/);
  });
});
