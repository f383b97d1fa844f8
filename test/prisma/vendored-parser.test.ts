import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { globSync } from 'tinyglobby';
import { describe, expect, it } from 'vitest';

// The build bundles @mrleebo/prisma-ast (scripts/vendor-prisma-ast.mjs) because the package
// loads slowly; the bundle must be the same parser, and the built engine must use it.
const root = path.resolve(import.meta.dirname, '..', '..');
const requireFromCore = createRequire(path.join(root, 'packages', 'core', 'package.json'));
const vendored = path.join(root, 'packages', 'core', 'dist', 'vendor', 'prisma-ast.cjs');
/** The one function premortem uses (the package's types are core's, not the tests'). */
interface PrismaAst {
  getSchema(text: string): unknown;
}
const bundle = requireFromCore(vendored) as PrismaAst;
const original = requireFromCore('@mrleebo/prisma-ast') as PrismaAst;

const edgeCases = `
// line comment
generator client {
  provider        = "prisma-client"
  previewFeatures = ["views", "multiSchema"]
}

datasource db {
  provider = "postgresql"
  schemas  = ["public", "audit"]
}

enum Status {
  ACTIVE   @map("active")
  ARCHIVED // trailing comment

  @@map("status")
  @@schema("public")
}

type Address {
  street String
  zip    String?
}

/// Documented model
model Booking {
  id        String                   @id @default(dbgenerated("gen_random_uuid()")) @db.Uuid
  title     String                   @db.VarChar(255)
  startTime DateTime                 @default(now()) @map("start_time")
  price     Decimal                  @db.Decimal(10, 2)
  tags      String[]
  location  Unsupported("geometry")?
  userId    Int
  user      User                     @relation(fields: [userId], references: [id], onDelete: Cascade)
  status    Status                   @default(ACTIVE)

  @@unique([userId, startTime], map: "booking_user_start")
  @@index([startTime(sort: Desc), title(ops: raw("gin_trgm_ops"))], type: Gin)
  @@schema("public")
}

model User {
  id       Int       @id @default(autoincrement())
  bookings Booking[]
  @@schema("public")
}

view ActiveBooking {
  id    String @unique
  title String
  @@schema("audit")
}
`;

describe('the vendored Prisma schema parser', () => {
  const schemas = globSync('fixtures/**/*.prisma', { cwd: root, ignore: ['**/node_modules/**'], absolute: true });

  it('is the package at the installed version', () => {
    const { version } = requireFromCore('@mrleebo/prisma-ast/package.json') as { version: string };
    expect(readFileSync(vendored, 'utf8').split('\n', 1)[0]).toContain(`@mrleebo/prisma-ast ${version} `);
  });

  it('gives the same tree as the package for every fixture schema and for rarer syntax', () => {
    expect(schemas.length).toBeGreaterThanOrEqual(3);
    for (const text of [...schemas.map((file) => readFileSync(file, 'utf8')), edgeCases]) {
      expect(bundle.getSchema(text)).toEqual(original.getSchema(text));
    }
  });

  it('rejects a broken schema with the same error as the package', () => {
    const broken = 'model Booking {\n  id Int @id\n  title String @default(\n}\n';
    expect(() => original.getSchema(broken)).toThrow();
    expect(() => bundle.getSchema(broken)).toThrow(errorMessage(() => original.getSchema(broken)));
  });

  it('is what the built engine loads, not the package', () => {
    // A fresh process: this one has loaded both already.
    const script = `
      import { createRequire } from 'node:module';
      import ts from 'typescript';
      import { loadPrismaSchema } from '@premortem/core';
      const schema = loadPrismaSchema(ts, ${JSON.stringify(path.join(root, 'fixtures', 'calendar-app'))});
      const loaded = Object.keys(createRequire(import.meta.url).cache);
      console.log(JSON.stringify({ models: schema.models.size, loaded: loaded.filter((file) => /prisma-ast/.test(file)) }));`;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    const { models, loaded } = JSON.parse(output) as { models: number; loaded: string[] };
    expect(models).toBeGreaterThan(0);
    expect(loaded).toEqual([vendored]);
  });
});

describe('a configuration file for the parser in the analyzed folder', () => {
  // lilconfig's places for "prisma-ast": each one, when run, leaves a file saying so.
  const configs = ['.prisma-astrc.js', '.prisma-astrc.cjs', 'prisma-ast.config.js', 'prisma-ast.config.cjs'];
  const plant = (): string => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'premortem-planted-'));
    for (const name of configs) {
      writeFileSync(path.join(dir, name), `require('node:fs').writeFileSync(${JSON.stringify(path.join(dir, `ran-${name}`))}, 'ran');\nmodule.exports = {};\n`);
    }
    writeFileSync(path.join(dir, 'schema.prisma'), 'model User {\n  id Int @id\n}\n');
    return dir;
  };
  const ran = (dir: string) => configs.filter((name) => existsSync(path.join(dir, `ran-${name}`)));
  const parseIn = (dir: string, module: string) =>
    execFileSync(process.execPath, ['-e', `require(${JSON.stringify(module)}).getSchema(require('node:fs').readFileSync('schema.prisma', 'utf8'))`], { cwd: dir, encoding: 'utf8' });

  it('is run by the package itself (which is why premortem never loads the package)', () => {
    const dir = plant();
    try {
      parseIn(dir, requireFromCore.resolve('@mrleebo/prisma-ast'));
      expect(ran(dir).length).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is neither looked for nor run by the bundle', () => {
    const dir = plant();
    try {
      parseIn(dir, vendored);
      expect(ran(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function errorMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error('expected an error');
}
